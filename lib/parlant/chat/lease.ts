/**
 * Serializes turns per conversation, across nodes: a lease on the conversation row taken by
 * compare-and-set (free or expired → ours), renewed while the turn runs, released at the end.
 * A crashed holder's lease simply expires. In front of it an in-process queue, so concurrent sends
 * on one node wait their turn in order instead of all spinning on the database. The queue is keyed
 * by the conversation's name (agent, caller, key), which a send knows before it has read the row.
 */

import { generateId } from '@sim/utils/id'
import { and, eq, isNull, or, sql } from 'drizzle-orm'
import { preparedFor } from '@/lib/parlant/db/prepared'
import { type AgentConversationRow, agentConversations } from '@/lib/parlant/db/schema'
import { loggableError } from '@/lib/parlant/log-error'
import type { BridgeDatabase, BridgeLogger } from '@/lib/parlant/ports'

/** What names a conversation before its row is read (its unique key). */
export interface ConversationName {
  agentId: string
  callerKey: string
  conversationKey: string
}

function queueKeyOf(name: ConversationName): string {
  return JSON.stringify([name.agentId, name.callerKey, name.conversationKey])
}

/**
 * The conversation columns a lease's take returns: what a turn reads of its conversation (a wider
 * row costs its parsing on every turn).
 */
export const leasedConversationColumns = {
  id: agentConversations.id,
  parlantCustomerId: agentConversations.parlantCustomerId,
  parlantSessionId: agentConversations.parlantSessionId,
  eventCursor: agentConversations.eventCursor,
}

/** A conversation as a lease's take returns it (`leasedConversationColumns`). */
export type LeasedConversation = Pick<AgentConversationRow, keyof typeof leasedConversationColumns>

/** A held lease. `lost` is aborted if a renewal finds another owner. */
export interface HeldLease {
  owner: string
  /** The conversation as it stood when the lease was taken (saves a re-read). */
  conversation: LeasedConversation
  lost: AbortSignal
  release(): Promise<void>
  /** Stops renewing and lets the next local waiter in, when a write elsewhere already released it. */
  forget(): void
}

// Leases are compared against the database's clock so nodes with skewed clocks still agree.
const dbNow = sql`(now() at time zone 'utc')`

async function tryTake(
  db: BridgeDatabase,
  workspaceId: string,
  conversationId: string,
  owner: string,
  ttlMs: number
) {
  const rows = await takeStatement(db).execute({
    workspaceId,
    conversationId,
    owner,
    ttlSeconds: ttlMs / 1000,
  })
  return rows[0]
}

/** A take's new lease columns: `owner` until `ttlSeconds` from now (both placeholders). */
export const leaseTakenSet = {
  leaseOwner: sql`${sql.placeholder('owner')}`,
  leaseExpiresAt: sql`${dbNow} + make_interval(secs => ${sql.placeholder('ttlSeconds')})`,
}

/** The conversation's lease is free: never taken, released, or expired. */
export const leaseIsFree = or(
  isNull(agentConversations.leaseOwner),
  isNull(agentConversations.leaseExpiresAt),
  sql`${agentConversations.leaseExpiresAt} < ${dbNow}`
)

/** The take, prepared: every turn runs it once. */
const takeStatement = preparedFor((db) =>
  db
    .update(agentConversations)
    .set(leaseTakenSet)
    .where(
      and(
        eq(agentConversations.workspaceId, sql.placeholder('workspaceId')),
        eq(agentConversations.id, sql.placeholder('conversationId')),
        leaseIsFree
      )
    )
    .returning(leasedConversationColumns)
    .prepare('parlant_lease_take')
)

async function renew(
  db: BridgeDatabase,
  workspaceId: string,
  conversationId: string,
  owner: string,
  ttlMs: number
) {
  const rows = await db
    .update(agentConversations)
    .set({ leaseExpiresAt: sql`${dbNow} + make_interval(secs => ${ttlMs / 1000})` })
    .where(
      and(
        eq(agentConversations.workspaceId, workspaceId),
        eq(agentConversations.id, conversationId),
        eq(agentConversations.leaseOwner, owner)
      )
    )
    .returning({ id: agentConversations.id })
  return rows.length > 0
}

async function releaseLease(
  db: BridgeDatabase,
  workspaceId: string,
  conversationId: string,
  owner: string
) {
  await db
    .update(agentConversations)
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where(
      and(
        eq(agentConversations.workspaceId, workspaceId),
        eq(agentConversations.id, conversationId),
        eq(agentConversations.leaseOwner, owner)
      )
    )
}

function sleep(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

export interface LeaseManagerOptions {
  db: BridgeDatabase
  nodeId: string
  ttlMs: number
  retryMs: number
  logger: BridgeLogger
}

/** Per-conversation leases for one node. */
export function createLeaseManager(options: LeaseManagerOptions) {
  const { db, nodeId, ttlMs, retryMs, logger } = options
  /** Tail of the in-process queue per conversation (by `queueKeyOf` its name). */
  const queues = new Map<string, Promise<void>>()

  /** Joins the conversation's local queue: `previous` settles when it is our turn. */
  function enqueue(name: ConversationName) {
    const key = queueKeyOf(name)
    const previous = queues.get(key) ?? Promise.resolve()
    let leaveQueue!: () => void
    const mine = new Promise<void>((resolve) => {
      leaveQueue = resolve
    })
    const tail = previous.then(() => mine)
    queues.set(key, tail)
    const leave = () => {
      leaveQueue()
      if (queues.get(key) === tail) queues.delete(key)
    }
    return { previous, leave }
  }

  /** The lease `owner` took: renewed until released or forgotten; `leave` lets the queue go on. */
  function hold(
    workspaceId: string,
    conversationId: string,
    owner: string,
    conversation: LeasedConversation,
    leave: () => void
  ): HeldLease {
    const lost = new AbortController()
    let released = false
    const timer = setInterval(
      () => {
        renew(db, workspaceId, conversationId, owner, ttlMs)
          .then((ok) => {
            // A renewal racing the settle that released the lease is no loss.
            if (!ok && !lost.signal.aborted && !released) {
              logger.warn('conversation lease lost', { conversationId })
              lost.abort(new Error('conversation lease lost'))
            }
          })
          .catch((error: unknown) => {
            logger.warn('conversation lease renewal failed', {
              conversationId,
              error: loggableError(error),
            })
          })
      },
      Math.max(50, Math.floor(ttlMs / 3))
    )
    timer.unref?.()
    return {
      owner,
      conversation,
      lost: lost.signal,
      async release() {
        if (released) return
        released = true
        clearInterval(timer)
        try {
          await releaseLease(db, workspaceId, conversationId, owner)
        } finally {
          leave()
        }
      },
      forget() {
        if (released) return
        released = true
        clearInterval(timer)
        leave()
      },
    }
  }

  /**
   * Waits for the conversation's lease (local queue first, then the database) and returns it.
   * Rejects with `signal.reason` if the signal aborts first.
   */
  async function acquire(
    workspaceId: string,
    conversationId: string,
    name: ConversationName,
    signal: AbortSignal
  ): Promise<HeldLease> {
    const { previous, leave } = enqueue(name)
    try {
      await Promise.race([
        previous,
        new Promise<never>((_, reject) => {
          if (signal.aborted) reject(signal.reason)
          signal.addEventListener('abort', () => reject(signal.reason), { once: true })
        }),
      ])
      const owner = `${nodeId}:${generateId()}`
      let conversation = await tryTake(db, workspaceId, conversationId, owner, ttlMs)
      while (!conversation) {
        signal.throwIfAborted()
        await sleep(retryMs, signal)
        signal.throwIfAborted()
        conversation = await tryTake(db, workspaceId, conversationId, owner, ttlMs)
      }
      return hold(workspaceId, conversationId, owner, conversation, leave)
    } catch (error) {
      leave()
      throw error
    }
  }

  /**
   * One attempt at the lease through the caller's own statement (which may do more in the same
   * round trip, and may be the one that finds the conversation's row), made only when no send of
   * this node holds or waits for the lease of the conversation `name`d: those go first, so then
   * this returns `undefined` without running `take` (use `acquire`). `take` takes the lease for
   * `owner` (expiring in `ttlSeconds`) or not; the conversation row it returns means taken, and
   * the lease is then held like one from `acquire`.
   */
  async function attempt<T>(
    workspaceId: string,
    name: ConversationName,
    take: (lease: { owner: string; ttlSeconds: number }) => Promise<{
      conversation: LeasedConversation | undefined
      value: T
    }>
  ): Promise<{ value: T; lease: HeldLease | null } | undefined> {
    if (queues.has(queueKeyOf(name))) return undefined
    // In the queue while the statement runs, so a local send arriving meanwhile waits behind it.
    const { leave } = enqueue(name)
    try {
      const owner = `${nodeId}:${generateId()}`
      const { conversation, value } = await take({ owner, ttlSeconds: ttlMs / 1000 })
      if (!conversation) {
        leave()
        return { value, lease: null }
      }
      return { value, lease: hold(workspaceId, conversation.id, owner, conversation, leave) }
    } catch (error) {
      leave()
      throw error
    }
  }

  return { acquire, attempt }
}

export type LeaseManager = ReturnType<typeof createLeaseManager>
