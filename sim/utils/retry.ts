/**
 * Shim of `@sim/utils/retry` (Sim's `packages/utils/src/retry.ts`): retry pacing and `Retry-After`
 * parsing with the same signatures, defaults and clamping as Sim's.
 */
import { randomFloat } from '@sim/utils/random'

const DEFAULT_BACKOFF_BASE_MS = 500
const DEFAULT_BACKOFF_MAX_MS = 30_000
const RETRY_AFTER_MAX_MS = 30_000

/** Pacing of a retry loop (defaults: 500 ms base, 30 s cap). */
export interface BackoffOptions {
  baseMs?: number
  maxMs?: number
}

/**
 * The delay before retry `attempt` (1-based): a given `retryAfterMs` clamped to `[baseMs, maxMs]`
 * (so `Retry-After: 0` cannot spin the loop), else `min(baseMs·2^(attempt−1), maxMs)` with ±20 %
 * jitter.
 */
export function backoffWithJitter(
  attempt: number,
  retryAfterMs: number | null,
  options: BackoffOptions = {}
): number {
  const baseMs = options.baseMs ?? DEFAULT_BACKOFF_BASE_MS
  const maxMs = options.maxMs ?? DEFAULT_BACKOFF_MAX_MS
  if (retryAfterMs !== null) return Math.min(Math.max(retryAfterMs, baseMs), maxMs)
  const exponential = Math.min(baseMs * 2 ** (attempt - 1), maxMs)
  return exponential * (0.8 + randomFloat() * 0.4)
}

/**
 * A `Retry-After` header (delta-seconds or an HTTP date) in milliseconds, capped at `maxMs`
 * (default 30 s); `null` when absent or unparseable.
 */
export function parseRetryAfter(header: string | null, maxMs = RETRY_AFTER_MAX_MS): number | null {
  if (!header) return null
  const trimmed = header.trim()
  if (trimmed.length === 0) return null
  const seconds = Number(trimmed)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(Math.floor(seconds * 1000), maxMs)
  const dateMs = Date.parse(trimmed)
  if (Number.isNaN(dateMs)) return null
  const delta = dateMs - Date.now()
  return delta <= 0 ? 0 : Math.min(delta, maxMs)
}
