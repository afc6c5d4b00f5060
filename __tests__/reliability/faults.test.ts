/**
 * Parlant misbehaving while turns and lifecycle operations run through the standalone host's HTTP
 * API: 5xx bursts, 504 storms, dropped connections, silence, slow bodies and delayed posts, server
 * restarts. Every call must settle (never hang), every failure must be a clear `{ error, code }`,
 * no customer message may be posted twice, no agent may be left starting/stopping, and every
 * conversation must work again once the faults are gone.
 */

import { getAgent } from '@/lib/parlant/db/queries'
import { type FaultConfig, fallbackReply, type RunningEmulator, startEmulator } from '@/emulator'
import { createUser, grant } from '@/host/directory'
import { type RunningHost, startHost } from '@/host/server'
import { createActiveAgent } from '../realtime/support'
import {
  call,
  duplicatePosts,
  eventually,
  LONG,
  type Outcome,
  postsOf,
  sleep,
  tempDataDir,
  unclearError,
} from './support'

const PARLANT_KEY = `parlant-secret-${Math.random().toString(36).slice(2)}`
/** Hard bound on top of a call's own deadline before it counts as hung. */
const SETTLE_MARGIN_MS = 5_000
/** Agent operations promise to answer within 2 s even when Parlant hangs. */
const AGENT_OP_DEADLINE_MS = 2_000
const CONVERSATIONS = LONG ? 12 : 6
const ROUNDS = LONG ? 3 : 1

interface Phase {
  name: string
  faults?: FaultConfig
  /** Runs while the phase's turns are in flight (restarts). */
  during?: (emulator: RunningEmulator) => Promise<void>
  deadlineMs: number
  /**
   * Waits this long after the phase, ms: posts the phase delayed past its deadline land (and are
   * answered) before the next phase's faults, such as a restart that would lose them mid-turn.
   */
  settleMs?: number
  /** Every turn must succeed (the fault is one the bridge absorbs), or fail with this code. */
  expect?: 'ok' | 'turn_deadline_exceeded'
}

const PHASES: Phase[] = [
  { name: 'baseline', deadlineMs: 5_000, expect: 'ok' },
  {
    name: '5xx burst',
    faults: {
      routes: [
        { action: 'status', status: 500, times: 6 },
        { action: 'status', status: 503, times: 4 },
      ],
    },
    deadlineMs: 3_000,
  },
  {
    // A long poll's 504 means "no news, poll again": turns absorb it.
    name: '504 storm on long polls',
    faults: {
      routes: [
        { method: 'GET', path: '/sessions/*/events', action: 'status', status: 504, times: 60 },
      ],
    },
    deadlineMs: 5_000,
    expect: 'ok',
  },
  {
    name: '504 on posts',
    faults: {
      routes: [
        { method: 'POST', path: '/sessions/*/events', action: 'status', status: 504, times: 3 },
      ],
    },
    deadlineMs: 3_000,
  },
  {
    name: 'dropped connections',
    faults: { routes: [{ action: 'drop', rate: 0.3, times: 20 }] },
    deadlineMs: 3_000,
  },
  {
    name: 'silence',
    faults: { turn: { outcome: 'silence' } },
    deadlineMs: 1_500,
    expect: 'turn_deadline_exceeded',
  },
  {
    // The delayed post lands after the caller gave up: the ambiguous failure a retry must not
    // turn into a second message.
    name: 'slow bodies and delayed posts',
    faults: {
      routes: [
        { method: 'POST', path: '/sessions/*/events', action: 'delay', delayMs: 3_000, times: 2 },
        { method: 'GET', path: '/sessions/*/events', action: 'slow_body', delayMs: 300, times: 30 },
      ],
    },
    deadlineMs: 2_000,
    settleMs: 1_500,
  },
  {
    name: 'Parlant restart',
    faults: { turn: { latencyMs: { processing: 300 } } },
    during: async (emulator) => {
      await sleep(150)
      await emulator.control.restart()
    },
    deadlineMs: 4_000,
  },
  {
    name: 'Parlant down for 1 s',
    faults: { turn: { latencyMs: { processing: 200 } } },
    during: async (emulator) => {
      await sleep(100)
      await emulator.control.stop()
      await sleep(1_000)
      await emulator.control.restart()
    },
    deadlineMs: 4_000,
  },
]

/** Phases in which Parlant may accept a message and never process it. */
const LOSES_ACCEPTED_TURNS = ['silence', 'Parlant restart', 'Parlant down']

interface TurnRecord {
  phase: string
  /** Which caller sent it: conversations and idempotency keys are the caller's own. */
  caller: number
  conversationKey: string
  idempotencyKey: string
  message: string
  deadlineMs: number
  outcome: Outcome
}

describe('reliability: Parlant faults during turns and lifecycle operations', () => {
  let emulator: RunningEmulator
  let host: RunningHost
  let workspaceId: string
  let keys: string[]
  let agentId: string
  let spareAgentId: string

  beforeAll(async () => {
    // Short long polls (25 "seconds" = 0.5 s) so faults on them come round often.
    emulator = await startEmulator({ port: 0, delayMs: 5, waitUnitMs: 20, apiKey: PARLANT_KEY })
    host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: tempDataDir('faults'),
        PARLANT_SERVER_URL: emulator.url,
        PARLANT_API_KEY: PARLANT_KEY,
        PORT: '0',
      },
    })
    workspaceId = host.identity.workspaceId
    // Several callers so the per-user rate limit on mutating routes is not what the suite meets.
    keys = [host.identity.apiKey]
    for (let i = 0; i < 3; i++) {
      const user = await createUser(host.database.db, {
        name: `caller ${i}`,
        email: `caller-${i}-${Math.random()}@example.com`,
      })
      await grant(host.database.db, user.id, workspaceId, 'write')
      keys.push(user.apiKey)
    }
    agentId = await createActiveAgent(host.url, host.identity.apiKey, workspaceId, 'steady')
    spareAgentId = await createActiveAgent(host.url, host.identity.apiKey, workspaceId, 'toggled')
  })
  afterAll(async () => {
    await host?.close()
    await emulator?.close()
  })

  const keyFor = (i: number) => keys[i % keys.length] as string

  function turn(record: Omit<TurnRecord, 'outcome'>) {
    return call(
      host.url,
      keyFor(record.caller),
      'POST',
      `/api/parlant/agents/${agentId}/chat`,
      {
        workspaceId,
        message: record.message,
        conversationKey: record.conversationKey,
        idempotencyKey: record.idempotencyKey,
        deadlineMs: record.deadlineMs,
      },
      record.deadlineMs + SETTLE_MARGIN_MS
    )
  }

  /** Once faults are gone a turn must succeed again (the breaker may need its 5 s probe). */
  async function recovered(tag: string) {
    return eventually(
      `recovery after ${tag}`,
      async () => {
        const message = `probe after ${tag} ${Math.random()}`
        const outcome = await turn({
          phase: 'probe',
          caller: 0,
          conversationKey: 'probe',
          idempotencyKey: `probe-${Math.random()}`,
          message,
          deadlineMs: 3_000,
        })
        return outcome.kind === 'ok' ? outcome : undefined
      },
      15_000,
      500
    )
  }

  it('settles every call with a clear result and never posts a message twice', async () => {
    const turns: TurnRecord[] = []
    const lifecycle: Array<{ phase: string; op: string; outcome: Outcome }> = []
    let faultsInjected = 0
    let spareActive = true

    for (let round = 0; round < ROUNDS; round++) {
      for (const phase of PHASES) {
        const tag = `${phase.name} #${round}`
        if (phase.faults) {
          emulator.control.setFaults(phase.faults)
          faultsInjected += (phase.faults.routes?.length ?? 0) + (phase.faults.turn ? 1 : 0)
        }
        if (phase.during) faultsInjected++
        const records = Array.from({ length: CONVERSATIONS }, (_, i) => ({
          phase: tag,
          caller: i,
          conversationKey: `conversation-${i}`,
          idempotencyKey: `${tag}-${i}`,
          message: `hello from ${tag} on conversation ${i}`,
          deadlineMs: phase.deadlineMs,
        }))
        const op: 'stop' | 'start' = spareActive ? 'stop' : 'start'
        const [outcomes, opOutcome, statusOutcome] = await Promise.all([
          Promise.all(records.map((r) => turn(r))),
          call(
            host.url,
            keyFor(round),
            'POST',
            `/api/parlant/agents/${spareAgentId}/${op}`,
            { workspaceId },
            AGENT_OP_DEADLINE_MS + SETTLE_MARGIN_MS
          ),
          call(
            host.url,
            keyFor(round + 1),
            'GET',
            `/api/parlant/agents/${agentId}/status?workspaceId=${workspaceId}`,
            undefined,
            AGENT_OP_DEADLINE_MS + SETTLE_MARGIN_MS
          ),
          phase.during?.(emulator),
        ])
        emulator.control.clearFaults()
        if (phase.settleMs) await sleep(phase.settleMs)
        records.forEach((r, i) => {
          turns.push({ ...r, outcome: outcomes[i] as Outcome })
        })
        lifecycle.push({ phase: tag, op, outcome: opOutcome })
        lifecycle.push({ phase: tag, op: 'status', outcome: statusOutcome })
        if (opOutcome.kind === 'ok') spareActive = op === 'start'

        for (const [i, o] of outcomes.entries()) {
          if (phase.expect === 'ok')
            expect(o.kind, `${tag} turn ${i}: ${JSON.stringify(o)}`).toBe('ok')
          if (phase.expect === 'turn_deadline_exceeded') {
            expect(o.kind === 'error' && o.body.code, `${tag} turn ${i}`).toBe(
              'turn_deadline_exceeded'
            )
          }
        }
        await recovered(tag)
      }
    }

    // Every call settled, and every failure was a clear error with nothing secret in it.
    const all = [...turns.map((t) => t.outcome), ...lifecycle.map((l) => l.outcome)]
    const hung = all.filter((o) => o.kind === 'hung' || o.kind === 'network')
    expect(hung).toEqual([])
    const unclear = all.flatMap((o) => {
      if (o.kind !== 'error') return []
      const why = unclearError(o, [PARLANT_KEY, ...keys])
      return why ? [why] : []
    })
    expect(unclear).toEqual([])
    // Successful turns carry exactly their own reply.
    for (const t of turns) {
      if (t.outcome.kind !== 'ok') continue
      const result = t.outcome.body.result as { content: string }
      expect(result.content).toBe(fallbackReply(t.message))
    }

    // Retrying every failed turn with its idempotency key (after the delayed posts have landed)
    // settles again and posts nothing twice.
    await sleep(1_000)
    const failed = turns.filter((t) => t.outcome.kind !== 'ok')
    // One retry at a time per conversation (they are serialized anyway), conversations in parallel;
    // a retry comes from the caller that sent the turn (its keys are that caller's own).
    const byConversation = new Map<string, TurnRecord[]>()
    for (const t of failed) {
      byConversation.set(t.conversationKey, [...(byConversation.get(t.conversationKey) ?? []), t])
    }
    const retries = (
      await Promise.all(
        [...byConversation.values()].map(async (list) => {
          const done: Array<{ t: TurnRecord; o: Outcome }> = []
          for (const t of list) {
            done.push({ t, o: await turn({ ...t, deadlineMs: 3_000 }) })
          }
          return done
        })
      )
    ).flat()
    for (const { t, o } of retries) {
      expect(o.kind === 'ok' || o.kind === 'error', `${t.phase} retry`).toBe(true)
      if (o.kind === 'error') expect(unclearError(o, [PARLANT_KEY, ...keys])).toBeUndefined()
      if (o.kind === 'ok') {
        expect((o.body.result as { content: string }).content).toBe(fallbackReply(t.message))
      }
      // A message Parlant accepted but then stayed silent on, or lost in a restart, can never be
      // answered (the bridge never re-posts it); every other failed turn completes on retry.
      if (!LOSES_ACCEPTED_TURNS.some((name) => t.phase.startsWith(name)))
        expect(o.kind, `${t.phase} retry: ${JSON.stringify(o)}`).toBe('ok')
      expect(postsOf(emulator, t.message)).toBeLessThanOrEqual(1)
    }

    // Every conversation works again, with its own reply.
    const fresh = await Promise.all(
      Array.from({ length: CONVERSATIONS }, (_, i) => {
        const message = `after the storm on conversation ${i}`
        return turn({
          phase: 'after',
          caller: i,
          conversationKey: `conversation-${i}`,
          idempotencyKey: `after-${i}`,
          message,
          deadlineMs: 5_000,
        }).then((o) => ({ o, message }))
      })
    )
    for (const { o, message } of fresh) {
      expect(o.kind, JSON.stringify(o)).toBe('ok')
      if (o.kind === 'ok')
        expect((o.body.result as { content: string }).content).toBe(fallbackReply(message))
    }

    // No bridge message id was posted twice.
    const duplicates = duplicatePosts(emulator)
    expect(duplicates).toEqual([])

    // No agent is left in a transient state once the reconciler has run; both can start again.
    await host.bridge.lifecycle.reconcile()
    for (const id of [agentId, spareAgentId]) {
      const row = await getAgent(host.database.db, workspaceId, id)
      expect(['active', 'inactive', 'error']).toContain(row?.status)
      if (row?.status !== 'active') {
        const started = await call(
          host.url,
          keyFor(0),
          'POST',
          `/api/parlant/agents/${id}/start`,
          { workspaceId },
          AGENT_OP_DEADLINE_MS + SETTLE_MARGIN_MS
        )
        expect(started.kind, JSON.stringify(started)).toBe('ok')
      }
    }

    const failures = all.filter((o) => o.kind === 'error')
    const codes = new Map<string, number>()
    for (const o of failures) {
      if (o.kind === 'error')
        codes.set(String(o.body.code), (codes.get(String(o.body.code)) ?? 0) + 1)
    }
    const slowest = Math.max(...turns.map((t) => t.outcome.ms - t.deadlineMs))
    process.stdout.write(
      `[reliability:faults] faults injected=${faultsInjected} turns run=${turns.length + retries.length + fresh.length} ` +
        `lifecycle ops=${lifecycle.length} failed turns=${failed.length} (${[...codes].map(([c, n]) => `${c}:${n}`).join(', ')}) ` +
        `retried ok=${retries.filter((r) => r.o.kind === 'ok').length}/${retries.length} ` +
        `duplicates found=${duplicates.length} hung turns=${hung.length} ` +
        `max settle past deadline=${Math.max(0, Math.round(slowest))} ms\n`
    )
  }, 180_000)
})
