/** Property tests: the breaker against a reference model, backoff bounds, event schema round-trips. */
import fc from 'fast-check'
import {
  type BreakerState,
  backoffDelay,
  CircuitBreaker,
  eventSchema,
  retryPolicy,
  scrub,
} from '@/lib/parlant/client'

type Op = { type: 'call'; ok: boolean } | { type: 'hang' } | { type: 'tick'; ms: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constant('call' as const), ok: fc.boolean() }),
  fc.record({ type: fc.constant('hang' as const) }),
  fc.record({ type: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 300 }) })
)

describe('circuit breaker state machine', () => {
  it('matches the reference model for any sequence of calls and clock ticks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 200 }),
        fc.array(opArb, { maxLength: 80 }),
        (threshold, cooldown, ops) => {
          let now = 0
          const breaker = new CircuitBreaker({
            failureThreshold: threshold,
            cooldownMs: cooldown,
            now: () => now,
          })
          // Reference model.
          let state: 'closed' | 'open' | 'half_open' = 'closed'
          let failures = 0
          let openedAt = 0
          let probeAt: number | undefined
          const modelAcquire = (): 'probe' | 'normal' | null => {
            if (state === 'open') {
              if (now - openedAt < cooldown) return null
              state = 'half_open'
              probeAt = undefined
            }
            if (state === 'half_open') {
              if (probeAt !== undefined && now - probeAt < cooldown) return null
              probeAt = now
              return 'probe'
            }
            return 'normal'
          }
          const hangs: { permit: ReturnType<CircuitBreaker['tryAcquire']> }[] = []
          for (const op of ops) {
            if (op.type === 'tick') {
              now += op.ms
              continue
            }
            const expected = modelAcquire()
            const permit = breaker.tryAcquire()
            expect(permit === null).toBe(expected === null)
            if (!permit || expected === null) continue
            if (op.type === 'hang') {
              hangs.push({ permit })
              continue
            }
            if (op.ok) {
              permit.success()
              state = 'closed'
              failures = 0
              probeAt = undefined
            } else {
              permit.failure()
              failures += 1
              if (
                expected === 'probe' ||
                (state as BreakerState) === 'half_open' ||
                failures >= threshold
              ) {
                state = 'open'
                openedAt = now
                probeAt = undefined
              }
            }
            const visible: BreakerState =
              state === 'open' && now - openedAt >= cooldown ? 'half_open' : state
            expect(breaker.state).toBe(visible)
          }
        }
      ),
      { numRuns: 300 }
    )
  })

  it('opens after exactly `threshold` consecutive failures and fails fast until the cool-down', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 10_000 }),
        (threshold, cooldown) => {
          let now = 0
          const breaker = new CircuitBreaker({
            failureThreshold: threshold,
            cooldownMs: cooldown,
            now: () => now,
          })
          for (let i = 0; i < threshold - 1; i++) breaker.tryAcquire()?.failure()
          expect(breaker.state).toBe('closed')
          breaker.tryAcquire()?.failure()
          expect(breaker.state).toBe('open')
          expect(breaker.tryAcquire()).toBeNull()
          now += cooldown
          const probe = breaker.tryAcquire()
          expect(probe).not.toBeNull()
          expect(breaker.tryAcquire()).toBeNull()
          probe?.success()
          expect(breaker.state).toBe('closed')
        }
      )
    )
  })
})

describe('retry backoff', () => {
  it('is min(cap, base·2^n) with ±20 % jitter, and a Retry-After clamped to [base, cap] wins', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.option(fc.integer({ min: 0, max: 60_000 }), { nil: null }),
        (attempt, base, cap, retryAfterMs) => {
          const policy = retryPolicy({ baseDelayMs: base, maxDelayMs: cap })
          const delay = backoffDelay(attempt, policy, retryAfterMs)
          if (retryAfterMs !== null) {
            expect(delay).toBe(Math.min(Math.max(retryAfterMs, base), cap))
          } else {
            const ceiling = Math.min(cap, base * 2 ** attempt)
            expect(delay).toBeGreaterThanOrEqual(ceiling * 0.8)
            expect(delay).toBeLessThanOrEqual(ceiling * 1.2)
          }
        }
      )
    )
  })
})

describe('scrubbing', () => {
  it('never lets a secret through, wherever it sits in the text', () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 8, maxLength: 40 })
          .filter((s) => s.trim().length >= 8 && !s.includes('[redacted]')),
        fc.string({ maxLength: 100 }),
        fc.string({ maxLength: 100 }),
        (secret, before, after) => {
          expect(scrub(`${before}${secret}${after}`, [secret])).not.toContain(secret)
        }
      )
    )
  })
})

describe('event schema', () => {
  const base = {
    id: fc.string({ minLength: 1, maxLength: 10 }),
    source: fc.constantFrom('customer', 'ai_agent', 'human_agent', 'system'),
    offset: fc.nat(),
    creation_utc: fc.constant('2024-03-24T12:00:00Z'),
    trace_id: fc.uuid().map((u) => u.replace(/-/g, '')),
    metadata: fc.dictionary(fc.string(), fc.jsonValue()),
    deleted: fc.boolean(),
  }
  const message = fc.record({
    ...base,
    kind: fc.constant('message'),
    data: fc.record({
      message: fc.string(),
      participant: fc.record({
        id: fc.option(fc.string(), { nil: null }),
        display_name: fc.string(),
      }),
      chunks: fc.option(fc.array(fc.option(fc.string(), { nil: null })), { nil: undefined }),
    }),
  })
  const status = fc.record({
    ...base,
    kind: fc.constant('status'),
    data: fc.record({
      status: fc.constantFrom(
        'acknowledged',
        'cancelled',
        'processing',
        'ready',
        'typing',
        'error'
      ),
      data: fc.dictionary(fc.string(), fc.jsonValue()),
    }),
  })

  it('accepts every well-formed message and status event', () => {
    fc.assert(
      fc.property(fc.oneof(message, status), (raw) => {
        const event = { ...raw, correlation_id: raw.trace_id }
        const parsed = eventSchema.safeParse(JSON.parse(JSON.stringify(event)))
        expect(parsed.success).toBe(true)
      })
    )
  })

  it('rejects a status event with an unknown status', () => {
    fc.assert(
      fc.property(
        status,
        fc
          .string()
          .filter(
            (s) =>
              !['acknowledged', 'cancelled', 'processing', 'ready', 'typing', 'error'].includes(s)
          ),
        (raw, bad) => {
          const event = { ...raw, correlation_id: raw.trace_id, data: { ...raw.data, status: bad } }
          expect(eventSchema.safeParse(event).success).toBe(false)
        }
      )
    )
  })
})
