/**
 * The turn ledger (`agent_chat_turns`): one row per idempotency key and conversation, holding the
 * bridge message id that goes into the posted event's metadata, the posted event once known, and
 * the final result. A retried send finds the row: a completed one returns its result; a pending
 * or failed one is resumed with the same bridge message id, so the message is never posted twice.
 */
import { createHash } from 'node:crypto'
import { generateId } from '@sim/utils/id'
import { and, eq, sql } from 'drizzle-orm'
import { preparedFor } from '@/lib/parlant/db/prepared'
import { type AgentChatTurnRow, agentChatTurns, agentConversations } from '@/lib/parlant/db/schema'
import { BridgeError } from '@/lib/parlant/errors'
import type { BridgeDatabase } from '@/lib/parlant/ports'
import { type ChatTurnResult, toStorableText } from '@/lib/parlant/schemas'

/**
 * What an idempotency key stands for: the message and the customer it is sent as. A key reused
 * with anything else is another request, refused with 409 `idempotency_conflict`.
 */
export function requestHashOf(request: { message: string; customerId?: string }): string {
  return createHash('sha256')
    .update(JSON.stringify([request.message, request.customerId ?? null]))
    .digest('hex')
}

function idempotencyConflict() {
  return new BridgeError(
    'idempotency_conflict',
    'This idempotency key was already used for a different request; use a new key for a new message',
    [{ field: 'idempotencyKey', message: 'was already used with a different request' }]
  )
}

/** What names a turn (conversation and idempotency key) and what its key stands for. */
export interface TurnKey {
  workspaceId: string
  conversationId: string
  idempotencyKey: string
  requestHash: string
  userId: string | null
}

/**
 * The values of a new ledger row for `key`, for the statements built on `newTurnValues` (a
 * statement that finds the conversation itself takes no `conversationId`).
 */
export function newTurnParams(key: Omit<TurnKey, 'conversationId'>) {
  return {
    id: generateId(),
    workspaceId: key.workspaceId,
    idempotencyKey: key.idempotencyKey,
    requestHash: key.requestHash,
    bridgeMessageId: generateId(),
    createdBy: key.userId,
  }
}

/** A new ledger row as placeholders, filled by `newTurnParams`. */
export const newTurnValues = {
  id: sql.placeholder('id'),
  workspaceId: sql.placeholder('workspaceId'),
  conversationId: sql.placeholder('conversationId'),
  idempotencyKey: sql.placeholder('idempotencyKey'),
  requestHash: sql.placeholder('requestHash'),
  bridgeMessageId: sql.placeholder('bridgeMessageId'),
  createdBy: sql.placeholder('createdBy'),
}

/**
 * The ledger columns a turn's opening returns: what the turn reads of its row, and the
 * conversation the lease is taken on.
 */
export const openedTurnColumns = {
  id: agentChatTurns.id,
  conversationId: agentChatTurns.conversationId,
  bridgeMessageId: agentChatTurns.bridgeMessageId,
  status: agentChatTurns.status,
  result: agentChatTurns.result,
}

/** A ledger row as a turn's opening returns it (`openedTurnColumns`). */
export type OpenedTurnRow = Pick<AgentChatTurnRow, keyof typeof openedTurnColumns>

/** The ledger's unique key: one row per idempotency key and conversation. */
export const turnKeyColumns = [agentChatTurns.conversationId, agentChatTurns.idempotencyKey]

/**
 * Returns the turn row of `(conversation, key)`, creating a pending one on first use; a key first
 * used for another request (`requestHash`) is refused with 409 `idempotency_conflict`.
 */
export async function getOrCreateTurn(
  db: BridgeDatabase,
  key: TurnKey
): Promise<{ turn: AgentChatTurnRow; created: boolean }> {
  const [inserted] = await turnStatements(db).insert.execute({
    ...newTurnParams(key),
    conversationId: key.conversationId,
  })
  if (inserted) return { turn: inserted, created: true }
  return { turn: await existingTurn(db, key), created: false }
}

/**
 * The turn row of `(conversation, key)` that an insert found already there; a key first used for
 * another request (`requestHash`) is refused with 409 `idempotency_conflict`.
 */
export async function existingTurn(db: BridgeDatabase, key: TurnKey): Promise<AgentChatTurnRow> {
  const [existing] = await db
    .select()
    .from(agentChatTurns)
    .where(
      and(
        eq(agentChatTurns.workspaceId, key.workspaceId),
        eq(agentChatTurns.conversationId, key.conversationId),
        eq(agentChatTurns.idempotencyKey, key.idempotencyKey)
      )
    )
    .limit(1)
  if (!existing) throw new Error('turn row vanished after insert')
  // Rows from before request hashes were kept (null) are trusted as they were.
  if (existing.requestHash !== null && existing.requestHash !== key.requestHash)
    throw idempotencyConflict()
  return existing
}

/** Re-reads a turn row. */
export async function readTurn(db: BridgeDatabase, workspaceId: string, turnId: string) {
  const [row] = await turnStatements(db).byId.execute({ workspaceId, turnId })
  return row
}

/** The ledger statements every turn runs, prepared. */
const turnStatements = preparedFor((db) => ({
  insert: db
    .insert(agentChatTurns)
    .values(newTurnValues)
    .onConflictDoNothing({ target: turnKeyColumns })
    .returning()
    .prepare('parlant_turn_insert'),
  byId: db
    .select()
    .from(agentChatTurns)
    .where(
      and(
        eq(agentChatTurns.workspaceId, sql.placeholder('workspaceId')),
        eq(agentChatTurns.id, sql.placeholder('turnId'))
      )
    )
    .limit(1)
    .prepare('parlant_turn_by_id'),
}))

/** Records the posted customer event (or clears it when the session was recreated). */
export async function recordPostedEvent(
  db: BridgeDatabase,
  workspaceId: string,
  turnId: string,
  posted: { eventId: string; offset: number; traceId: string } | null
) {
  await db
    .update(agentChatTurns)
    .set({
      parlantEventId: posted?.eventId ?? null,
      parlantEventOffset: posted?.offset ?? null,
      traceId: posted?.traceId ?? null,
      updatedAt: new Date(),
    })
    .where(and(eq(agentChatTurns.workspaceId, workspaceId), eq(agentChatTurns.id, turnId)))
}

/**
 * Marks the turn failed (with the customer event it posted, when that is not recorded yet); a
 * retry with the same key resumes it.
 */
export async function failTurn(
  db: BridgeDatabase,
  workspaceId: string,
  turnId: string,
  error: string,
  posted?: { eventId: string; offset: number; traceId: string }
) {
  await db
    .update(agentChatTurns)
    .set({
      status: 'failed',
      error: toStorableText(error.slice(0, 2000)),
      ...(posted
        ? {
            parlantEventId: posted.eventId,
            parlantEventOffset: posted.offset,
            traceId: posted.traceId,
          }
        : {}),
      updatedAt: new Date(),
    })
    .where(and(eq(agentChatTurns.workspaceId, workspaceId), eq(agentChatTurns.id, turnId)))
}

/** `timestamp` columns hold UTC wall time; an ISO string cast keeps that true for raw SQL. */
const utcNow = sql`${sql.placeholder('now')}::timestamp`

/** The `now` of `utcNow`. */
function nowParam() {
  return new Date().toISOString()
}

/**
 * Records the posted customer event and moves the conversation's cursor past it, in one
 * statement (one round trip, one commit) on the hot path of every turn.
 */
export async function recordPostedEventWithCursor(
  db: BridgeDatabase,
  input: {
    workspaceId: string
    turnId: string
    conversationId: string
    sessionId: string
    posted: { eventId: string; offset: number; traceId: string }
    cursor: number
  }
) {
  await endStatements(db).posted.execute({
    workspaceId: input.workspaceId,
    turnId: input.turnId,
    conversationId: input.conversationId,
    sessionId: input.sessionId,
    eventId: input.posted.eventId,
    offset: input.posted.offset,
    traceId: input.posted.traceId,
    cursor: input.cursor,
    now: nowParam(),
  })
}

/**
 * Ends a turn in one statement: the result and the posted event recorded, the cursor stored (if
 * the session is still the conversation's) and the conversation's lease released (if still ours).
 */
export async function settleTurn(
  db: BridgeDatabase,
  input: {
    workspaceId: string
    turnId: string
    result: ChatTurnResult
    posted: { eventId: string; offset: number; traceId: string }
    conversationId: string
    sessionId: string
    cursor: number
    leaseOwner: string
  }
) {
  await endStatements(db).settle.execute({
    workspaceId: input.workspaceId,
    turnId: input.turnId,
    result: JSON.stringify(input.result),
    eventId: input.posted.eventId,
    offset: input.posted.offset,
    traceId: input.posted.traceId,
    conversationId: input.conversationId,
    sessionId: input.sessionId,
    cursor: input.cursor,
    leaseOwner: input.leaseOwner,
    now: nowParam(),
  })
}

/** `sql.placeholder` in a spot drizzle types as a column value. */
const param = (name: string) => sql`${sql.placeholder(name)}`

/** Every turn's two writes after its opening (the posted event, the settle), prepared. */
const endStatements = preparedFor((db) => {
  const t = agentChatTurns
  const c = agentConversations
  const theTurn = and(eq(t.workspaceId, param('workspaceId')), eq(t.id, param('turnId')))
  const theConversation = and(
    eq(c.workspaceId, param('workspaceId')),
    eq(c.id, param('conversationId'))
  )
  const posted = db.$with('posted').as(
    db
      .update(t)
      .set({
        parlantEventId: param('eventId'),
        parlantEventOffset: param('offset'),
        traceId: param('traceId'),
        updatedAt: utcNow,
      })
      .where(theTurn)
      .returning({ id: t.id })
  )
  const done = db.$with('done').as(
    db
      .update(t)
      .set({
        status: sql`'completed'`,
        result: sql`${sql.placeholder('result')}::jsonb`,
        error: sql`null`,
        parlantEventId: param('eventId'),
        parlantEventOffset: param('offset'),
        traceId: param('traceId'),
        updatedAt: utcNow,
      })
      .where(theTurn)
      .returning({ id: t.id })
  )
  const ours = sql`${c.leaseOwner} = ${sql.placeholder('leaseOwner')}`
  return {
    posted: db
      .with(posted)
      .update(c)
      .set({
        eventCursor: sql`greatest(${c.eventCursor}, ${sql.placeholder('cursor')})`,
        updatedAt: utcNow,
      })
      .where(and(theConversation, eq(c.parlantSessionId, param('sessionId'))))
      .prepare('parlant_turn_posted'),
    settle: db
      .with(done)
      .update(c)
      .set({
        eventCursor: sql`case when ${c.parlantSessionId} = ${sql.placeholder('sessionId')}
          then greatest(${c.eventCursor}, ${sql.placeholder('cursor')}) else ${c.eventCursor} end`,
        leaseOwner: sql`case when ${ours} then null else ${c.leaseOwner} end`,
        leaseExpiresAt: sql`case when ${ours} then null else ${c.leaseExpiresAt} end`,
        updatedAt: utcNow,
      })
      .where(theConversation)
      .prepare('parlant_turn_settle'),
  }
})
