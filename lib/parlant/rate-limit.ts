/**
 * A per-caller token bucket for mutating routes. In memory, per node: it bounds what one caller can
 * make one node do, which is its purpose; a cluster-wide quota would need Redis.
 */

export interface RateLimitOptions {
  /** Burst size. Default 120. */
  capacity?: number
  /** Tokens added per second. Default 4. */
  refillPerSecond?: number
  /** Injectable clock (ms). */
  now?: () => number
}

/** Creates a limiter; `take(key)` returns 0 when allowed, else seconds until the next token. */
export function createRateLimiter(options: RateLimitOptions = {}) {
  const capacity = Math.max(1, options.capacity ?? 120)
  const refill = Math.max(0.001, options.refillPerSecond ?? 4)
  const now = options.now ?? Date.now
  const buckets = new Map<string, { tokens: number; at: number }>()

  return {
    take(key: string): number {
      const t = now()
      const bucket = buckets.get(key) ?? { tokens: capacity, at: t }
      bucket.tokens = Math.min(capacity, bucket.tokens + ((t - bucket.at) / 1000) * refill)
      bucket.at = t
      buckets.set(key, bucket)
      if (buckets.size > 10_000) {
        // Full buckets carry no state worth keeping; drop them so the map stays bounded.
        for (const [k, b] of buckets) if (b.tokens >= capacity && k !== key) buckets.delete(k)
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return 0
      }
      return (1 - bucket.tokens) / refill
    },
  }
}

export type RateLimiter = ReturnType<typeof createRateLimiter>
