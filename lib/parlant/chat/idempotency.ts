/**
 * The turn ledger (`agent_chat_turns`): one row per idempotency key and conversation, holding the
 * bridge message id that goes into the posted event's metadata, the posted event once known, and
 * the final result. A retried send finds the row: a completed one returns its result; a pending
 * or failed one is resumed with the same bridge message id, so the message is never posted twice.
 */
import { generateId } from '@sim/utils/id'
import { and, eq } from 'drizzle-orm'
import { type AgentChatTurnRow, agentChatTurns } from '@/lib/parlant/db/schema'
import type { BridgeDatabase } from '@/lib/parlant/ports'
import type { ChatTurnResult } from '@/lib/parlant/schemas'

/** Returns the turn row of `(conversation, key)`, creating a pending one on first use. */
export async function getOrCreateTurn(
  db: BridgeDatabase,
  input: {
    workspaceId: string
    conversationId: string
    idempotencyKey: string
    userId: string | null
  }
): Promise<{ turn: AgentChatTurnRow; created: boolean }> {
  const [inserted] = await db
    .insert(agentChatTurns)
    .values({
      id: generateId(),
      workspaceId: input.workspaceId,
      conversationId: input.conversationId,
      idempotencyKey: input.idempotencyKey,
      bridgeMessageId: generateId(),
      createdBy: input.userId,
    })
    .onConflictDoNothing({ target: [agentChatTurns.conversationId, agentChatTurns.idempotencyKey] })
    .returning()
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
  return { turn: existing, created: false }
}

/** Re-reads a turn row. */
export async function readTurn(db: BridgeDatabase, workspaceId: string, turnId: string) {
  const [row] = await db
    .select()
    .from(agentChatTurns)
    .where(and(eq(agentChatTurns.workspaceId, workspaceId), eq(agentChatTurns.id, turnId)))
    .limit(1)
  return row
}

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

/** Marks the turn completed with its result. */
export async function completeTurn(
  db: BridgeDatabase,
  workspaceId: string,
  turnId: string,
  result: ChatTurnResult
) {
  await db
    .update(agentChatTurns)
    .set({ status: 'completed', result, error: null, updatedAt: new Date() })
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
    .set({ status: 'failed', error: error.slice(0, 2000), updatedAt: new Date() })
    .where(and(eq(agentChatTurns.workspaceId, workspaceId), eq(agentChatTurns.id, turnId)))
}
