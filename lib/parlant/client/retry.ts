/**
 * Retry policy for idempotent Parlant calls, paced by Sim's `backoffWithJitter` (exponential with
 * ±20 % jitter; a server's Retry-After, clamped to the cap, wins). The client only applies it to
 * GETs — a POST (above all a customer message) is never re-sent, because Parlant has no idempotency
 * keys and a re-posted message triggers the agent twice.
 */
import { sleep as simSleep } from '@sim/utils/helpers'
import { backoffWithJitter } from '@sim/utils/retry'

export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  retries?: number
  /** Backoff base. Default 100 ms. */
  baseDelayMs?: number
  /** Backoff cap, Retry-After included. Default 2000 ms. */
  maxDelayMs?: number
  /** Injectable sleep. Default Sim's `sleep`. */
  sleep?: (ms: number) => Promise<void>
}

export type RetryPolicy = Required<RetryOptions>

/** Fills the defaults in. */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return {
    retries: Math.max(0, options.retries ?? 2),
    baseDelayMs: Math.max(0, options.baseDelayMs ?? 100),
    maxDelayMs: Math.max(0, options.maxDelayMs ?? 2000),
    sleep: options.sleep ?? simSleep,
  }
}

/** The delay before retry number `attempt` (0-based), honouring a Retry-After when one came. */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs: number | null = null
): number {
  return backoffWithJitter(attempt + 1, retryAfterMs, {
    baseMs: policy.baseDelayMs,
    maxMs: policy.maxDelayMs,
  })
}

/**
 * Runs `attempt` until it succeeds, `shouldRetry` says no, or the retries are spent.
 * `retryAfterMs` reads a server-requested delay (a 429's Retry-After) off an error.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  shouldRetry: (error: unknown) => boolean,
  retryAfterMs: (error: unknown) => number | null = () => null
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n)
    } catch (error) {
      if (n >= policy.retries || !shouldRetry(error)) throw error
      await policy.sleep(backoffDelay(n, policy, retryAfterMs(error)))
    }
  }
}
