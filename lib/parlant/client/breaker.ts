/**
 * A circuit breaker for one Parlant server. Closed: calls go through and consecutive failures are
 * counted. After `failureThreshold` consecutive failures it opens: calls fail fast without touching
 * the network. After `cooldownMs` it lets exactly one probe through (half-open); the probe's
 * success closes it, its failure opens it again for another cool-down.
 */

export type BreakerState = 'closed' | 'open' | 'half_open'

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. Default 5. */
  failureThreshold?: number
  /** How long it stays open before a probe is allowed. Default 5000 ms. */
  cooldownMs?: number
  /** Injectable clock (ms). Default `Date.now`. */
  now?: () => number
}

/** A ticket for one admitted call; report its outcome exactly once. */
export interface BreakerPermit {
  success(): void
  failure(): void
  /** The call ended without telling anything about the server's health (e.g. aborted by caller). */
  release(): void
}

export class CircuitBreaker {
  private readonly threshold: number
  private readonly cooldownMs: number
  private readonly now: () => number
  private current: BreakerState = 'closed'
  private failures = 0
  private openedAt = 0
  private probeStartedAt: number | undefined

  constructor(options: BreakerOptions = {}) {
    this.threshold = Math.max(1, options.failureThreshold ?? 5)
    this.cooldownMs = Math.max(0, options.cooldownMs ?? 5000)
    this.now = options.now ?? Date.now
  }

  /** The state as of now (an open breaker whose cool-down elapsed reads as half-open). */
  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.cooldownMs) return 'half_open'
    return this.current
  }

  /** Consecutive failures counted so far. */
  get consecutiveFailures(): number {
    return this.failures
  }

  /** Milliseconds until a probe is allowed (0 when not open). */
  retryInMs(): number {
    if (this.current !== 'open') return 0
    return Math.max(0, this.cooldownMs - (this.now() - this.openedAt))
  }

  /**
   * Admits a call, or returns null when it must fail fast. In half-open only one probe is in
   * flight at a time; a probe that never reports is given up after another cool-down.
   */
  tryAcquire(): BreakerPermit | null {
    const now = this.now()
    if (this.current === 'open') {
      if (now - this.openedAt < this.cooldownMs) return null
      this.current = 'half_open'
      this.probeStartedAt = undefined
    }
    if (this.current === 'half_open') {
      if (this.probeStartedAt !== undefined && now - this.probeStartedAt < this.cooldownMs) {
        return null
      }
      this.probeStartedAt = now
      return this.permit(true)
    }
    return this.permit(false)
  }

  private permit(probe: boolean): BreakerPermit {
    let settled = false
    const once = (fn: () => void) => () => {
      if (settled) return
      settled = true
      fn()
    }
    return {
      success: once(() => this.onSuccess()),
      failure: once(() => this.onFailure(probe)),
      release: once(() => {
        if (probe && this.current === 'half_open') this.probeStartedAt = undefined
      }),
    }
  }

  private onSuccess() {
    this.current = 'closed'
    this.failures = 0
    this.probeStartedAt = undefined
  }

  private onFailure(probe: boolean) {
    this.failures += 1
    if (probe || this.current === 'half_open' || this.failures >= this.threshold) {
      this.current = 'open'
      this.openedAt = this.now()
      this.probeStartedAt = undefined
    }
  }

  /** Forces the breaker closed (tests, manual recovery). */
  reset() {
    this.onSuccess()
  }
}
