/**
 * Retry policy for idempotent Parlant calls: exponential backoff with full jitter. The client only
 * applies it to GETs — a POST (above all a customer message) is never re-sent, because Parlant has
 * no idempotency keys and a re-posted message triggers the agent twice.
 */

export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  retries?: number
  /** Backoff base. Default 100 ms. */
  baseDelayMs?: number
  /** Backoff cap. Default 2000 ms. */
  maxDelayMs?: number
  /** Injectable randomness in [0, 1). Default `Math.random`. */
  random?: () => number
  /** Injectable sleep. Default `setTimeout`. */
  sleep?: (ms: number) => Promise<void>
}

export type RetryPolicy = Required<RetryOptions>

export const defaultSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms)
  })

/** Fills the defaults in. */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return {
    retries: Math.max(0, options.retries ?? 2),
    baseDelayMs: Math.max(0, options.baseDelayMs ?? 100),
    maxDelayMs: Math.max(0, options.maxDelayMs ?? 2000),
    random: options.random ?? Math.random,
    sleep: options.sleep ?? defaultSleep,
  }
}

/** Full-jitter delay before retry number `attempt` (0-based): uniform in [0, min(cap, base·2^n)). */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt)
  return Math.floor(policy.random() * ceiling)
}

/**
 * Runs `attempt` until it succeeds, `shouldRetry` says no, or the retries are spent. A minimum
 * delay (e.g. a 429's Retry-After) can be given per error.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  shouldRetry: (error: unknown) => boolean,
  minDelayMs: (error: unknown) => number = () => 0
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n)
    } catch (error) {
      if (n >= policy.retries || !shouldRetry(error)) throw error
      await policy.sleep(Math.max(backoffDelay(n, policy), minDelayMs(error)))
    }
  }
}
