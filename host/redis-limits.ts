/**
 * The realtime limits' store in Redis, shared by every node on it: token buckets and per-caller
 * socket registrations, each updated atomically by a Lua script. A registration is a lease the
 * holding node renews; a node that dies stops renewing, and its sockets stop counting.
 */
import type { BucketRule, LimitStore } from '@/lib/parlant/realtime/limits'

/** How long a socket registration lasts without renewal (nodes renew every sweep, 30 s). */
export const SOCKET_LEASE_MS = 120_000

/** What of a node-redis client the store uses. */
export interface RedisScripting {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
  zRem(key: string, member: string): Promise<unknown>
}

// KEYS[1] bucket; ARGV capacity, refill per second, now (ms). Returns the wait in seconds.
const TAKE = `
local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) / 1000 * refill)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / refill end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / refill * 1000) + 1000)
return tostring(wait)
`

// KEYS[1] caller's sockets (member socket id, score lease end); ARGV socket, max, now, lease ms.
const OPEN = `
local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
return 1
`

// KEYS[1] caller's sockets; ARGV socket, lease end, lease ms. Renews only a registration it finds.
const RENEW = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
end
return 1
`

/** A `LimitStore` in Redis under `prefix`. */
export function redisLimitStore(
  client: RedisScripting,
  prefix: string,
  now: () => number = Date.now
): LimitStore {
  const socketsKey = (caller: string) => `${prefix}:limits:sockets:${caller}`
  return {
    async take(key: string, rule: BucketRule) {
      const wait = await client.eval(TAKE, {
        keys: [`${prefix}:limits:bucket:${key}`],
        arguments: [String(rule.capacity), String(rule.refillPerSecond), String(now())],
      })
      return Number(wait)
    },
    async openSocket(caller, socketId, max) {
      const ok = await client.eval(OPEN, {
        keys: [socketsKey(caller)],
        arguments: [socketId, String(max), String(now()), String(SOCKET_LEASE_MS)],
      })
      return Number(ok) === 1
    },
    async closeSocket(caller, socketId) {
      await client.zRem(socketsKey(caller), socketId)
    },
    async refreshSockets(sockets) {
      const until = String(now() + SOCKET_LEASE_MS)
      for (const { caller, socketId } of sockets) {
        await client.eval(RENEW, {
          keys: [socketsKey(caller)],
          arguments: [socketId, until, String(SOCKET_LEASE_MS)],
        })
      }
    },
  }
}
