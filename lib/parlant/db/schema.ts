/**
 * The bridge's tables. Every row carries `workspace_id` (cascading from Sim's `workspace`), so any
 * query can be, and is, scoped by workspace. Naming follows `packages/db/schema.ts`.
 */
import { user, workspace } from '@sim/db/schema'
import { sql } from 'drizzle-orm'
import {
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import type { AgentConfig, ChatTurnResult } from '@/lib/parlant/schemas'

export const workspaceAgentStatusEnum = pgEnum('workspace_agent_status', [
  'inactive',
  'starting',
  'active',
  'stopping',
  'error',
])

/** A Parlant agent owned by a workspace. `version` is bumped by every write (compare-and-set). */
export const workspaceAgents = pgTable(
  'workspace_agents',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    createdBy: text('created_by').references(() => user.id, { onDelete: 'set null' }),
    agentName: text('agent_name').notNull(),
    agentConfig: jsonb('agent_config').$type<AgentConfig>().notNull().default(sql`'{}'::jsonb`),
    parlantAgentId: text('parlant_agent_id'),
    status: workspaceAgentStatusEnum('status').notNull().default('inactive'),
    lastError: text('last_error'),
    statusChangedAt: timestamp('status_changed_at').notNull().defaultNow(),
    version: integer('version').notNull().default(0),
    createdAt: timestamp('created_at').notNull().defaultNow(),
    updatedAt: timestamp('updated_at').notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('workspace_agents_workspace_name_unique').on(table.workspaceId, table.agentName),
    index('workspace_agents_workspace_created_idx').on(table.workspaceId, table.createdAt),
    index('workspace_agents_transient_status_idx')
      .on(table.status, table.statusChangedAt)
      .where(sql`${table.status} in ('starting', 'stopping', 'active', 'error')`),
  ]
)

/** Bearer tokens for machine callers of one agent. Only a SHA-256 hash of the secret is kept. */
export const agentAuthTokens = pgTable(
  'agent_auth_tokens',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    workspaceAgentId: text('workspace_agent_id')
      .notNull()
      .references(() => workspaceAgents.id, { onDelete: 'cascade' }),
    createdBy: text('created_by').references(() => user.id, { onDelete: 'set null' }),
    tokenHash: text('token_hash').notNull(),
    tokenPrefix: text('token_prefix').notNull(),
    label: text('label'),
    expiresAt: timestamp('expires_at').notNull(),
    lastUsedAt: timestamp('last_used_at'),
    revokedAt: timestamp('revoked_at'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('agent_auth_tokens_token_hash_unique').on(table.tokenHash),
    index('agent_auth_tokens_workspace_agent_idx').on(table.workspaceId, table.workspaceAgentId),
    // The agent's deletion cascades here by this key.
    index('agent_auth_tokens_agent_idx').on(table.workspaceAgentId),
  ]
)

/**
 * Presence: a socket (on one node) subscribed to an agent's realtime room. Ended rows stay, so
 * `workspace_id` is a guard, not a foreign key: its indexes are partial (open rows only), and a
 * cascade without a full index would scan the table on every workspace deletion. The deletion
 * reaches these rows through their agent.
 */
export const agentSessions = pgTable(
  'agent_sessions',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    workspaceAgentId: text('workspace_agent_id')
      .notNull()
      .references(() => workspaceAgents.id, { onDelete: 'cascade' }),
    socketId: text('socket_id').notNull(),
    nodeId: text('node_id').notNull(),
    userId: text('user_id').references(() => user.id, { onDelete: 'cascade' }),
    startedAt: timestamp('started_at').notNull().defaultNow(),
    endedAt: timestamp('ended_at'),
  },
  (table) => [
    index('agent_sessions_agent_socket_idx').on(table.workspaceAgentId, table.socketId),
    // A user's deletion cascades here by this key.
    index('agent_sessions_user_idx').on(table.userId),
    index('agent_sessions_workspace_agent_open_idx')
      .on(table.workspaceId, table.workspaceAgentId)
      .where(sql`${table.endedAt} is null`),
    index('agent_sessions_node_open_idx').on(table.nodeId).where(sql`${table.endedAt} is null`),
  ]
)

/**
 * A conversation key mapped to one Parlant session and customer, with the persisted event cursor
 * and a lease that serializes turns across nodes.
 *
 * No index leads with `workspace_id`: every lookup here is by `id` or by the caller's key, with the
 * workspace as a guard, and on a table without statistics PostgreSQL's generic plan for such a
 * lookup picks a workspace-leading index over the exact one and then filters every row of the
 * workspace (`__tests__/db/lookup-plans.test.ts`). So `workspace_id` is a guard, not a foreign
 * key: a foreign key's cascade without such an index scans the whole table on every workspace
 * deletion, and the deletion reaches these rows through their agent (`workspace_agent_id`, whose
 * workspace it is) anyway. `created_by` is not one either, for the same reason on a user's
 * deletion: the table grows with every customer.
 */
export const agentConversations = pgTable(
  'agent_conversations',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    workspaceAgentId: text('workspace_agent_id')
      .notNull()
      .references(() => workspaceAgents.id, { onDelete: 'cascade' }),
    /**
     * Who owns the conversation (`user:<userId>` or `token:<tokenId>`): keys are scoped to it, so
     * another caller's same key is another conversation. See `callerKeyOf`.
     */
    callerKey: text('caller_key').notNull(),
    conversationKey: text('conversation_key').notNull(),
    parlantSessionId: text('parlant_session_id'),
    parlantCustomerId: text('parlant_customer_id').notNull(),
    eventCursor: integer('event_cursor').notNull().default(0),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamp('lease_expires_at'),
    /** Who sent the first message (audit; the owner is `callerKey`), not a foreign key: see above. */
    createdBy: text('created_by'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
    updatedAt: timestamp('updated_at').notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('agent_conversations_agent_caller_key_unique').on(
      table.workspaceAgentId,
      table.callerKey,
      table.conversationKey
    ),
  ]
)

export const agentChatTurnStatusEnum = pgEnum('agent_chat_turn_status', [
  'pending',
  'completed',
  'failed',
])

/**
 * One customer message sent through the bridge, keyed by its idempotency key, so a retried send
 * returns the recorded result instead of posting twice.
 *
 * `workspace_id` is a guard on every lookup, not a foreign key: the turn belongs to its
 * conversation, whose deletion (and so its workspace's) cascades here. A foreign key would lock
 * the workspace's one row on every turn's insert, and its cascade needs an index leading with
 * `workspace_id`, which is the plan trap described on `agentConversations`. Nor is `created_by`:
 * a user's deletion would scan every turn, and each insert would lock the user's row.
 */
export const agentChatTurns = pgTable(
  'agent_chat_turns',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => agentConversations.id, { onDelete: 'cascade' }),
    idempotencyKey: text('idempotency_key').notNull(),
    /** SHA-256 of what the key was first used for: a reuse with another request is refused. */
    requestHash: text('request_hash'),
    bridgeMessageId: text('bridge_message_id').notNull(),
    parlantEventId: text('parlant_event_id'),
    parlantEventOffset: integer('parlant_event_offset'),
    traceId: text('trace_id'),
    status: agentChatTurnStatusEnum('status').notNull().default('pending'),
    result: jsonb('result').$type<ChatTurnResult>(),
    error: text('error'),
    /** Who sent it (audit), not a foreign key: see above. */
    createdBy: text('created_by'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
    updatedAt: timestamp('updated_at').notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('agent_chat_turns_conversation_key_unique').on(
      table.conversationId,
      table.idempotencyKey
    ),
  ]
)

export type WorkspaceAgentRow = typeof workspaceAgents.$inferSelect
export type AgentAuthTokenRow = typeof agentAuthTokens.$inferSelect
export type AgentSessionRow = typeof agentSessions.$inferSelect
export type AgentConversationRow = typeof agentConversations.$inferSelect
export type AgentChatTurnRow = typeof agentChatTurns.$inferSelect
