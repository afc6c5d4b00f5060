/**
 * Realtime limits per caller — a user id or an agent token id — not per connection: one join
 * budget shared by all of a caller's sockets, a cap on how many sockets a caller holds, and a
 * budget of agent-token handshakes (per token and per address, counted before the token is looked
 * up). Budgets and socket counts live in a `LimitStore`: this process by default, Redis when the
 * host shares one between nodes, so the limits hold across nodes too.
 */
import { createRateLimiter, type RateLimiter } from '@/lib/parlant/rate-limit'
import type { JoinRefusal } from '@/lib/parlant/realtime/handlers'

/** A token bucket: a burst of `capacity`, refilled at `refillPerSecond`. */
export interface BucketRule {
  capacity: number
  refillPerSecond: number
}

/** Where budgets and socket counts are kept. */
export interface LimitStore {
  /** Takes one unit from `key`'s bucket: 0 when allowed, else seconds until one is available. */
  take(key: string, rule: BucketRule): Promise<number>
  /** Registers a socket of `caller` unless it already holds `max`; true when registered. */
  openSocket(caller: string, socketId: string, max: number): Promise<boolean>
  closeSocket(caller: string, socketId: string): Promise<void>
  /** Keeps the registrations of live sockets from expiring (shared stores expire dead nodes'). */
  refreshSockets?(sockets: ReadonlyArray<{ caller: string; socketId: string }>): Promise<void>
}

/** Joins per caller: a burst of 30, then 10 a second, across all of its sockets. */
export const DEFAULT_JOIN_RULE: BucketRule = { capacity: 30, refillPerSecond: 10 }
/** Sockets one caller may hold at once on the bridge namespace. */
export const DEFAULT_MAX_SOCKETS_PER_CALLER = 20
/** Handshakes with one agent token: a burst of 5, then one every 2 seconds. */
export const DEFAULT_TOKEN_HANDSHAKE_RULE: BucketRule = { capacity: 5, refillPerSecond: 0.5 }
/**
 * Agent-token handshakes from one address, whatever the token: a burst of 60, then 20 a second —
 * bounds the lookups a flood of made-up tokens costs, while widgets behind one proxy still connect.
 */
export const DEFAULT_ADDRESS_HANDSHAKE_RULE: BucketRule = { capacity: 60, refillPerSecond: 20 }

/** The refusal of a join over the caller's budget. */
export const TOO_MANY_JOINS: JoinRefusal = {
  error: 'Too many join requests from this caller; slow down',
  code: 'rate_limited',
  retryable: true,
}

/** The stable key of a caller: `user:<id>` or `token:<id>`. */
export function callerKey(
  caller: { kind: 'user'; userId: string } | { kind: 'agent_token'; tokenId: string }
) {
  return caller.kind === 'user' ? `user:${caller.userId}` : `token:${caller.tokenId}`
}

/** Budgets and socket counts in this process (one node). */
export function memoryLimitStore(): LimitStore {
  const limiters = new Map<string, RateLimiter>()
  const sockets = new Map<string, Set<string>>()
  return {
    async take(key, rule) {
      const id = `${rule.capacity}/${rule.refillPerSecond}`
      let limiter = limiters.get(id)
      if (!limiter) {
        limiter = createRateLimiter(rule)
        limiters.set(id, limiter)
      }
      return limiter.take(key)
    },
    async openSocket(caller, socketId, max) {
      const held = sockets.get(caller) ?? new Set<string>()
      if (!held.has(socketId) && held.size >= max) return false
      held.add(socketId)
      sockets.set(caller, held)
      return true
    },
    async closeSocket(caller, socketId) {
      const held = sockets.get(caller)
      held?.delete(socketId)
      if (held?.size === 0) sockets.delete(caller)
    },
  }
}

export interface CallerLimitsOptions {
  store?: LimitStore
  join?: BucketRule
  maxSocketsPerCaller?: number
  tokenHandshake?: BucketRule
  addressHandshake?: BucketRule
}

/** The limits the realtime handlers apply (see the module comment). */
export interface CallerLimits {
  /** 0 when `caller` may make one more join, else seconds to wait. */
  takeJoin(caller: string): Promise<number>
  /** 0 when one more agent-token handshake may be checked, else seconds to wait. */
  takeTokenHandshake(tokenFingerprint: string, address: string): Promise<number>
  /** Registers a socket of `caller`; false when the caller already holds the maximum. */
  openSocket(caller: string, socketId: string): Promise<boolean>
  closeSocket(caller: string, socketId: string): Promise<void>
  /** Renews the registrations of this node's open sockets (call periodically). */
  refresh(): Promise<void>
}

/** Creates the per-caller limits over `store` (this process when omitted). */
export function createCallerLimits(options: CallerLimitsOptions = {}): CallerLimits {
  const store = options.store ?? memoryLimitStore()
  const join = options.join ?? DEFAULT_JOIN_RULE
  const maxSockets = options.maxSocketsPerCaller ?? DEFAULT_MAX_SOCKETS_PER_CALLER
  const tokenRule = options.tokenHandshake ?? DEFAULT_TOKEN_HANDSHAKE_RULE
  const addressRule = options.addressHandshake ?? DEFAULT_ADDRESS_HANDSHAKE_RULE
  const open = new Map<string, string>()
  return {
    takeJoin: (caller) => store.take(`join:${caller}`, join),
    async takeTokenHandshake(tokenFingerprint, address) {
      const byAddress = await store.take(`handshake-address:${address}`, addressRule)
      if (byAddress > 0) return byAddress
      return store.take(`handshake-token:${tokenFingerprint}`, tokenRule)
    },
    async openSocket(caller, socketId) {
      const ok = await store.openSocket(caller, socketId, maxSockets)
      if (ok) open.set(socketId, caller)
      return ok
    },
    async closeSocket(caller, socketId) {
      open.delete(socketId)
      await store.closeSocket(caller, socketId)
    },
    async refresh() {
      await store.refreshSockets?.([...open].map(([socketId, caller]) => ({ caller, socketId })))
    },
  }
}
