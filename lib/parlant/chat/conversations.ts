/**
 * Conversation key → Parlant session and customer, with the persisted event cursor. The row is
 * created on first use; the Parlant customer (deterministic id) and session are created lazily
 * under the conversation's lease, so two nodes never create two sessions for one key.
 */
import { generateId } from '@sim/utils/id'
import { and, eq, sql } from 'drizzle-orm'
import { type LeasedConversation, leasedConversationColumns } from '@/lib/parlant/chat/lease'
import type { ParlantClient } from '@/lib/parlant/client'
import { preparedFor } from '@/lib/parlant/db/prepared'
import {
  type AgentConversationRow,
  agentConversations,
  workspaceAgents,
} from '@/lib/parlant/db/schema'
import { type TurnAgentRow, turnAgentColumns } from '@/lib/parlant/lifecycle/active-agent'
import type { BridgeDatabase } from '@/lib/parlant/ports'

/** The Parlant customer id of a Sim user (deterministic, so every node picks the same one). */
export function customerIdForUser(userId: string | null): string {
  return userId ? `sim-user-${userId}` : 'guest'
}

/**
 * The Parlant customer of a chat: a caller-given id lives in the workspace's own namespace
 * (`ws-<workspaceId>-<customerId>`), so no workspace can reach another's customers or a user's own
 * `sim-user-…` customer by naming it; without one, the Sim user's customer (or `guest`).
 */
export function parlantCustomerIdFor(input: {
  workspaceId: string
  customerId?: string
  userId: string | null
}): string {
  return input.customerId === undefined
    ? customerIdForUser(input.userId)
    : `ws-${input.workspaceId}-${input.customerId}`
}

/** The customer id as its caller gave it (the workspace namespace of `parlantCustomerIdFor` off). */
export function callerCustomerId(workspaceId: string, parlantCustomerId: string): string {
  const prefix = `ws-${workspaceId}-`
  return parlantCustomerId.startsWith(prefix)
    ? parlantCustomerId.slice(prefix.length)
    : parlantCustomerId
}

/**
 * Who owns a conversation and its idempotency keys: `user:<userId>` for a user (whatever the
 * surface: session, API key or the executor's internal token), `token:<tokenId>` for an agent
 * token (each token its own caller). Another caller's key is another conversation.
 */
export function callerKeyOf(request: { caller?: string; userId: string | null }): string {
  return request.caller ?? (request.userId ? `user:${request.userId}` : 'token:unknown')
}

/** What names a conversation, and the customer and user a new one is started with. */
export interface NewConversation {
  workspaceId: string
  agentId: string
  callerKey: string
  conversationKey: string
  customerId: string
  userId: string | null
}

/** Returns the conversation row for `(agent, caller, key)`, inserting it on first use. */
export async function getOrCreateConversation(
  db: BridgeDatabase,
  input: NewConversation
): Promise<AgentConversationRow> {
  // Every turn after the first finds the row: read first, insert only on first use.
  return (await findConversation(db, input)) ?? createConversation(db, input)
}

/**
 * Inserts the conversation row for `(agent, caller, key)` after a read found none; a racing first
 * send's row wins and is returned instead.
 */
export async function createConversation(
  db: BridgeDatabase,
  input: NewConversation
): Promise<AgentConversationRow> {
  const [inserted] = await db
    .insert(agentConversations)
    .values({
      id: generateId(),
      workspaceId: input.workspaceId,
      workspaceAgentId: input.agentId,
      callerKey: input.callerKey,
      conversationKey: input.conversationKey,
      parlantCustomerId: input.customerId,
      createdBy: input.userId,
    })
    .onConflictDoNothing({
      target: [
        agentConversations.workspaceAgentId,
        agentConversations.callerKey,
        agentConversations.conversationKey,
      ],
    })
    .returning()
  if (inserted) return inserted
  const row = await findConversation(db, input)
  if (!row) throw new Error('conversation row vanished after insert')
  return row
}

/** The conversation row of `(agent, caller, key)` in the workspace, if it exists. */
export async function findConversation(
  db: BridgeDatabase,
  input: { workspaceId: string; agentId: string; callerKey: string; conversationKey: string }
): Promise<AgentConversationRow | undefined> {
  const [row] = await conversationByKey(db).execute({
    workspaceId: input.workspaceId,
    agentId: input.agentId,
    callerKey: input.callerKey,
    conversationKey: input.conversationKey,
  })
  return row
}

/** `findConversation` as a prepared statement (every turn opens with it). */
const conversationByKey = preparedFor((db) =>
  db
    .select()
    .from(agentConversations)
    .where(
      and(
        eq(agentConversations.workspaceId, sql.placeholder('workspaceId')),
        eq(agentConversations.workspaceAgentId, sql.placeholder('agentId')),
        eq(agentConversations.callerKey, sql.placeholder('callerKey')),
        eq(agentConversations.conversationKey, sql.placeholder('conversationKey'))
      )
    )
    .limit(1)
    .prepare('parlant_conversation_by_key')
)

/**
 * A turn's opening read, one statement: the agent row (by id alone; `activeAgentOf` checks its
 * workspace) and the caller's conversation row for that agent, if there is one yet.
 */
export async function findAgentAndConversation(
  db: BridgeDatabase,
  input: { workspaceId: string; agentId: string; callerKey: string; conversationKey: string }
): Promise<{ agent?: TurnAgentRow; conversation?: LeasedConversation }> {
  const [row] = await agentWithConversation(db).execute({
    workspaceId: input.workspaceId,
    agentId: input.agentId,
    callerKey: input.callerKey,
    conversationKey: input.conversationKey,
  })
  return { agent: row?.agent, conversation: row?.conversation ?? undefined }
}

/**
 * `findAgentAndConversation` as a prepared statement. The agent is matched by its primary key
 * only: with `workspace_id` in the condition too, a generic plan (a prepared statement's plan,
 * built on tables without statistics) may walk a workspace-leading index instead.
 */
const agentWithConversation = preparedFor((db) =>
  db
    .select({ agent: turnAgentColumns, conversation: leasedConversationColumns })
    .from(workspaceAgents)
    .leftJoin(
      agentConversations,
      and(
        eq(agentConversations.workspaceAgentId, workspaceAgents.id),
        eq(agentConversations.callerKey, sql.placeholder('callerKey')),
        eq(agentConversations.conversationKey, sql.placeholder('conversationKey')),
        eq(agentConversations.workspaceId, sql.placeholder('workspaceId'))
      )
    )
    .where(eq(workspaceAgents.id, sql.placeholder('agentId')))
    .limit(1)
    .prepare('parlant_agent_with_conversation')
)

/** Re-reads a conversation row (scoped by workspace). */
export async function readConversation(db: BridgeDatabase, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(agentConversations)
    .where(and(eq(agentConversations.workspaceId, workspaceId), eq(agentConversations.id, id)))
    .limit(1)
  return row
}

/** Records a (new, or no) Parlant session for the conversation and resets its cursor. */
export async function setConversationSession(
  db: BridgeDatabase,
  workspaceId: string,
  id: string,
  sessionId: string | null
) {
  await db
    .update(agentConversations)
    .set({ parlantSessionId: sessionId, eventCursor: 0, updatedAt: new Date() })
    .where(and(eq(agentConversations.workspaceId, workspaceId), eq(agentConversations.id, id)))
}

/** Advances the persisted event cursor (never moves it back). */
export async function advanceCursor(
  db: BridgeDatabase,
  workspaceId: string,
  id: string,
  sessionId: string,
  cursor: number
) {
  await db
    .update(agentConversations)
    .set({
      eventCursor: sql`greatest(${agentConversations.eventCursor}, ${cursor})`,
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(agentConversations.workspaceId, workspaceId),
        eq(agentConversations.id, id),
        eq(agentConversations.parlantSessionId, sessionId)
      )
    )
}

/**
 * Creates the customer (get-or-create by deterministic id: Parlant answers a duplicate create
 * with a 500) and a session that only speaks when spoken to, tagged with the conversation.
 */
export async function createParlantSession(
  parlant: ParlantClient,
  input: {
    parlantAgentId: string
    /** The agent's parameters: Parlant's place for per-conversation context is session metadata. */
    parameters?: Record<string, string | number | boolean | null>
    customerId: string
    workspaceId: string
    agentId: string
    conversationKey: string
    conversationId: string
    userId: string | null
  },
  signal?: AbortSignal
) {
  if (input.customerId !== 'guest') {
    await parlant.customers.getOrCreate(
      {
        id: input.customerId,
        name: (input.userId ? `Sim user ${input.userId}` : input.customerId).slice(0, 100),
        metadata: {
          workspace_id: input.workspaceId,
          ...(input.userId ? { sim_user_id: input.userId } : {}),
        },
      },
      { signal }
    )
  }
  return parlant.sessions.create(
    {
      agent_id: input.parlantAgentId,
      customer_id: input.customerId,
      title: input.conversationKey.slice(0, 200),
      metadata: {
        bridge_conversation_id: input.conversationId,
        conversation_key: input.conversationKey,
        workspace_id: input.workspaceId,
        workspace_agent_id: input.agentId,
        ...(input.parameters && Object.keys(input.parameters).length > 0
          ? { parameters: input.parameters }
          : {}),
      },
    },
    { signal }
  )
}
