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

/**
 * Returns the turn row of `(conversation, key)`, creating a pending one on first use; a key first
 * used for another request (`requestHash`) is refused with 409 `idempotency_conflict`.
 */
export async function getOrCreateTurn(
  db: BridgeDatabase,
  input: {
    workspaceId: string
    conversationId: string
    idempotencyKey: string
    requestHash: string
    userId: string | null
  }
): Promise<{ turn: AgentChatTurnRow; created: boolean }> {
  const [inserted] = await turnStatements(db).insert.execute({
    id: generateId(),
    workspaceId: input.workspaceId,
    conversationId: input.conversationId,
    idempotencyKey: input.idempotencyKey,
    requestHash: input.requestHash,
    bridgeMessageId: generateId(),
    createdBy: input.userId,
  })
  if (inserted) return { turn: inserted, created: true }
  const [existing] = await db
    .select()
    .from(agentChatTurns)
    .where(
      and(
        eq(agentChatTurns.workspaceId, input.workspaceId),
        eq(agentChatTurns.conversationId, input.conversationId),
        eq(agentChatTurns.idempotencyKey, input.idempotencyKey)
      )
    )
    .limit(1)
  if (!existing) throw new Error('turn row vanished after insert')
  // Rows from before request hashes were kept (null) are trusted as they were.
  if (existing.requestHash !== null && existing.requestHash !== input.requestHash)
    throw idempotencyConflict()
  return { turn: existing, created: false }
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
    .values({
      id: sql.placeholder('id'),
      workspaceId: sql.placeholder('workspaceId'),
      conversationId: sql.placeholder('conversationId'),
      idempotencyKey: sql.placeholder('idempotencyKey'),
      requestHash: sql.placeholder('requestHash'),
      bridgeMessageId: sql.placeholder('bridgeMessageId'),
      createdBy: sql.placeholder('createdBy'),
    })
    .onConflictDoNothing({ target: [agentChatTurns.conversationId, agentChatTurns.idempotencyKey] })
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

/** Marks the turn failed; a retry with the same key resumes it. */
export async function failTurn(
  db: BridgeDatabase,
  workspaceId: string,
  turnId: string,
  error: string
) {
  await db
    .update(agentChatTurns)
    .set({ status: 'failed', error: toStorableText(error.slice(0, 2000)), updatedAt: new Date() })
    .where(and(eq(agentChatTurns.workspaceId, workspaceId), eq(agentChatTurns.id, turnId)))
}

/** `timestamp` columns hold UTC wall time; an ISO string cast keeps that true for raw SQL. */
function utcNow() {
  return sql`${new Date().toISOString()}::timestamp`
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
  const t = agentChatTurns
  const c = agentConversations
  await db.execute(sql`
    with posted as (
      update ${t} set
        ${sql.identifier(t.parlantEventId.name)} = ${input.posted.eventId},
        ${sql.identifier(t.parlantEventOffset.name)} = ${input.posted.offset},
        ${sql.identifier(t.traceId.name)} = ${input.posted.traceId},
        ${sql.identifier(t.updatedAt.name)} = ${utcNow()}
      where ${t.workspaceId} = ${input.workspaceId} and ${t.id} = ${input.turnId}
      returning 1
    )
    update ${c} set
      ${sql.identifier(c.eventCursor.name)} = greatest(${c.eventCursor}, ${input.cursor}),
      ${sql.identifier(c.updatedAt.name)} = ${utcNow()}
    where ${c.workspaceId} = ${input.workspaceId} and ${c.id} = ${input.conversationId}
      and ${c.parlantSessionId} = ${input.sessionId}`)
}

/**
 * Ends a turn in one statement: the result recorded, the cursor stored (if the session is still
 * the conversation's) and the conversation's lease released (if still ours).
 */
export async function settleTurn(
  db: BridgeDatabase,
  input: {
    workspaceId: string
    turnId: string
    result: ChatTurnResult
    conversationId: string
    sessionId: string
    cursor: number
    leaseOwner: string
  }
) {
  const t = agentChatTurns
  const c = agentConversations
  const ours = sql`${c.leaseOwner} = ${input.leaseOwner}`
  await db.execute(sql`
    with done as (
      update ${t} set
        ${sql.identifier(t.status.name)} = 'completed',
        ${sql.identifier(t.result.name)} = ${JSON.stringify(input.result)}::jsonb,
        ${sql.identifier(t.error.name)} = null,
        ${sql.identifier(t.updatedAt.name)} = ${utcNow()}
      where ${t.workspaceId} = ${input.workspaceId} and ${t.id} = ${input.turnId}
      returning 1
    )
    update ${c} set
      ${sql.identifier(c.eventCursor.name)} = case when ${c.parlantSessionId} = ${input.sessionId}
        then greatest(${c.eventCursor}, ${input.cursor}) else ${c.eventCursor} end,
      ${sql.identifier(c.leaseOwner.name)} = case when ${ours} then null else ${c.leaseOwner} end,
      ${sql.identifier(c.leaseExpiresAt.name)} = case when ${ours} then null else ${c.leaseExpiresAt} end,
      ${sql.identifier(c.updatedAt.name)} = ${utcNow()}
    where ${c.workspaceId} = ${input.workspaceId} and ${c.id} = ${input.conversationId}`)
}
