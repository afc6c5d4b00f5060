/**
 * Step 1, open the turn: the active agent and the conversation row (created on first use) → the
 * turn ledger row (a completed retry returns its recorded result) → the conversation's lease
 * (serializes turns across nodes) → the ledger row re-read under the lease. On a conversation that
 * exists, a new key's turn is all of that in one statement (`openOnConversation`), with no re-read.
 */
import { generateId } from '@sim/utils/id'
import {
  callerKeyOf,
  createConversation,
  findAgentAndConversation,
  parlantCustomerIdFor,
} from '@/lib/parlant/chat/conversations'
import {
  existingTurn,
  getOrCreateTurn,
  type OpenedTurnRow,
  readTurn,
  requestHashOf,
  type TurnKey,
} from '@/lib/parlant/chat/idempotency'
import type { HeldLease, LeasedConversation, LeaseManager } from '@/lib/parlant/chat/lease'
import type { TurnContext } from '@/lib/parlant/chat/steps/context'
import type { PostedMessage } from '@/lib/parlant/chat/turn'
import { createTurnTakingLease, openOnConversation } from '@/lib/parlant/chat/turn-with-lease'
import type { AgentChatTurnRow } from '@/lib/parlant/db/schema'
import { BridgeError } from '@/lib/parlant/errors'
import { activeAgentOf, type TurnAgentRow } from '@/lib/parlant/lifecycle/active-agent'
import { loggableError } from '@/lib/parlant/log-error'
import type { BridgeDatabase } from '@/lib/parlant/ports'
import type { ChatTurnResult } from '@/lib/parlant/schemas'

/** A turn this send owns: its rows, its lease and what an earlier attempt already posted. */
export interface OpenTurn {
  parlantAgentId: string
  /** The agent's `parameters`, for the metadata of a session this turn creates. */
  parameters: Record<string, string | number | boolean | null>
  conversationId: string
  /** The conversation's Parlant customer as first recorded (a fallback for session creation). */
  parlantCustomerId: string
  turnId: string
  bridgeMessageId: string
  lease: HeldLease
  /** The customer event an earlier attempt posted, if any. */
  posted: PostedMessage | null
  /** Look for the message in the session before posting (the row may have posted before). */
  lookFirst: boolean
}

/** A recorded result as today's shape (results recorded before `sessionRenewed` existed lack it). */
function recorded(result: ChatTurnResult): ChatTurnResult {
  return { ...result, sessionRenewed: result.sessionRenewed ?? false }
}

function customerConflict() {
  return new BridgeError(
    'conflict',
    'This conversation already belongs to another customer; use a new conversationKey for this customer',
    [
      {
        field: 'customerId',
        message: 'differs from the customer this conversation was started with',
      },
    ]
  )
}

/** Either the turn to run, or the recorded result of an already completed one. */
export type OpenedTurn = { done: ChatTurnResult } | { open: OpenTurn }

/** An agent that takes turns, as a turn reads it. */
type TurningAgent = TurnAgentRow & { parlantAgentId: string }

/** The turn this send owns, from its agent, conversation, ledger row and lease. */
function ownedTurn(
  agent: TurningAgent,
  conversation: LeasedConversation,
  turn: OpenedTurnRow,
  lease: HeldLease,
  created: boolean,
  posted: PostedMessage | null
): OpenTurn {
  return {
    parlantAgentId: agent.parlantAgentId,
    parameters: agent.parameters ?? {},
    conversationId: conversation.id,
    parlantCustomerId: conversation.parlantCustomerId,
    turnId: turn.id,
    bridgeMessageId: turn.bridgeMessageId,
    lease,
    posted,
    // A row we did not just create may have posted before failing or crashing.
    lookFirst: !created,
  }
}

/**
 * Opens the turn. The lease is held when this returns `open` (release it in every case); a
 * returned `done` holds nothing.
 */
export async function openTurn(ctx: TurnContext, leases: LeaseManager): Promise<OpenedTurn> {
  const { deps, request, base, scope, state } = ctx
  const db = deps.host.db
  const aborted = scope.abortReason()
  if (aborted && aborted === scope.stopped) throw aborted
  // Keys are the caller's own: another caller's same key is another conversation.
  const named = { ...base, callerKey: callerKeyOf(request) }
  const customerId = parlantCustomerIdFor(request)
  const ask = {
    workspaceId: request.workspaceId,
    idempotencyKey: request.idempotencyKey ?? generateId(),
    requestHash: requestHashOf(request),
    userId: request.userId,
  }
  /** A new row with its lease taken in one statement: nothing to re-read, nothing posted. */
  const taken = (
    agent: TurningAgent,
    conversation: LeasedConversation,
    turn: OpenedTurnRow,
    lease: HeldLease
  ): OpenedTurn => {
    // The row became visible in the commit that took the lease: no other send can have worked on
    // it.
    state.turnId = turn.id
    scope.joinLease(lease.lost)
    return { open: ownedTurn(agent, conversation, turn, lease, true, null) }
  }

  // Every turn after a conversation's first, in one statement: the agent and the conversation
  // read, and for an agent that takes turns and the conversation's own customer, a new key's row
  // created with the lease taken. What it refuses it does not write.
  const first = scope.signal.aborted
    ? undefined
    : await leases.attempt(request.workspaceId, named, async (lease) => {
        const expectedCustomerId = request.customerId === undefined ? null : customerId
        const opened = await openOnConversation(db, { ...named, ...ask, expectedCustomerId }, lease)
        return { value: opened, conversation: opened.taken }
      })
  const found = first?.value ?? (await findAgentAndConversation(db, named))
  if (first?.lease) {
    const { agent, conversation, created } = first.value
    // Created only for an agent that takes turns (`takesTurnsIn`, the rule of `activeAgentOf`).
    if (agent && conversation && created)
      return taken(agent as TurningAgent, conversation, created, first.lease)
    // Not reached (the take needs a created row); a lease held for nothing is let go.
    await releaseLease(ctx, first.lease)
  }
  const agent = activeAgentOf(found.agent, request.workspaceId)
  const existing = found.conversation
  // A conversation's customer is fixed when it is created; a different one posts nothing.
  if (existing && request.customerId !== undefined && existing.parlantCustomerId !== customerId)
    throw customerConflict()
  // The conversation row is only created once the agent is known to be active, so a refused send
  // writes nothing.
  const conversation =
    existing ?? (await createConversation(db, { ...named, customerId, userId: request.userId }))
  // Two first sends racing with different customers: the loser finds the winner's row.
  if (request.customerId !== undefined && conversation.parlantCustomerId !== customerId)
    throw customerConflict()
  const key: TurnKey = { ...ask, conversationId: conversation.id }

  // What the one statement did for this conversation's row: an existing one was tried above; a
  // conversation's first turn tries now, by the new row's id.
  let attempted = first && existing ? { value: first.value.created } : undefined
  if (!existing && !scope.signal.aborted) {
    const second = await leases.attempt(request.workspaceId, named, async (lease) => {
      const { created, taken } = await createTurnTakingLease(db, key, lease)
      return { value: created, conversation: taken }
    })
    if (second?.lease && second.value) return taken(agent, conversation, second.value, second.lease)
    if (second?.lease) await releaseLease(ctx, second.lease)
    attempted = second
  }

  // Otherwise as ever: the row, then the lease, then the row re-read under it.
  const { turn, created } = await turnRow(db, key, attempted)
  if (turn.status === 'completed' && turn.result) return { done: recorded(turn.result) }

  const lease = await leases.acquire(request.workspaceId, conversation.id, named, scope.signal)
  // From here on this send owns the turn: only an owner records or announces its failure (a
  // duplicate that gave up waiting must not mark the running turn failed).
  state.turnId = turn.id
  scope.joinLease(lease.lost)
  try {
    // Whoever held the lease may have finished this very turn meanwhile.
    const current = await readTurn(db, request.workspaceId, turn.id)
    if (current?.status === 'completed' && current.result) {
      await releaseLease(ctx, lease)
      return { done: recorded(current.result) }
    }
    const posted = current ? postedOf(current) : null
    return { open: ownedTurn(agent, conversation, turn, lease, created, posted) }
  } catch (error) {
    await releaseLease(ctx, lease)
    throw error
  }
}

/**
 * The turn's row: the one the one-statement attempt created, or else found there (409 for a key
 * reused for another request); without an attempt, either.
 */
async function turnRow(
  db: BridgeDatabase,
  key: TurnKey,
  attempted: { value: OpenedTurnRow | undefined } | undefined
): Promise<{ turn: OpenedTurnRow; created: boolean }> {
  if (!attempted) return getOrCreateTurn(db, key)
  if (attempted.value) return { turn: attempted.value, created: true }
  return { turn: await existingTurn(db, key), created: false }
}

/** The customer event a turn row says was posted, if any. */
function postedOf(turn: AgentChatTurnRow): PostedMessage | null {
  return turn.parlantEventId && turn.traceId && turn.parlantEventOffset !== null
    ? { eventId: turn.parlantEventId, offset: turn.parlantEventOffset, traceId: turn.traceId }
    : null
}

/** Releases the turn's lease; a failure is logged, never thrown (the lease expires anyway). */
export async function releaseLease(ctx: TurnContext, lease: HeldLease): Promise<void> {
  await lease.release().catch((error: unknown) =>
    ctx.deps.host.logger.warn('conversation lease release failed', {
      error: loggableError(error),
    })
  )
}
