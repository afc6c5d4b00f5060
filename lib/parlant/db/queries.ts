/**
 * Workspace-scoped queries. Every function takes the workspace id and puts it in its WHERE clause
 * (or, for a row read by its primary key alone, checks it on the row), so no caller can reach
 * another workspace's rows through this module, whatever ids it passes.
 */

import { permissions, user, workspace } from '@sim/db/schema'
import { generateId } from '@sim/utils/id'
import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm'
import { preparedFor } from '@/lib/parlant/db/prepared'
import {
  agentAuthTokens,
  agentConversations,
  agentSessions,
  type WorkspaceAgentRow,
  workspaceAgents,
} from '@/lib/parlant/db/schema'
import type { BridgeDatabase } from '@/lib/parlant/ports'
import {
  type AgentConfig,
  type AgentStatus,
  agentConfigSchema,
  agentNameSchema,
  agentStatusSchema,
  entityIdSchema,
} from '@/lib/parlant/schemas'

/** The agents of a workspace, oldest first. */
export async function listAgents(db: BridgeDatabase, workspaceId: string) {
  return db
    .select()
    .from(workspaceAgents)
    .where(eq(workspaceAgents.workspaceId, workspaceId))
    .orderBy(asc(workspaceAgents.createdAt), asc(workspaceAgents.id))
}

/** One agent of a workspace, or undefined (also for an agent of another workspace). */
export async function getAgent(db: BridgeDatabase, workspaceId: string, agentId: string) {
  const [row] = await agentById(db).execute({ agentId })
  return row?.workspaceId === workspaceId ? row : undefined
}

/**
 * `getAgent` as a prepared statement, by primary key alone: with `workspace_id` in the condition
 * too, a generic plan (built on tables without statistics) walks a workspace-leading index instead
 * (`__tests__/db/lookup-plans.test.ts`).
 */
const agentById = preparedFor((db) =>
  db
    .select()
    .from(workspaceAgents)
    .where(eq(workspaceAgents.id, sql.placeholder('agentId')))
    .limit(1)
    .prepare('parlant_agent_by_id')
)

/** How many agents a workspace has. */
export async function countAgents(db: BridgeDatabase, workspaceId: string) {
  const [row] = await db
    .select({ value: count() })
    .from(workspaceAgents)
    .where(eq(workspaceAgents.workspaceId, workspaceId))
  return row?.value ?? 0
}

/** Outcome of a quota-checked insert. */
export type InsertAgentResult =
  | { ok: true; agent: WorkspaceAgentRow }
  | { ok: false; reason: 'quota_exceeded' | 'name_taken' }

/**
 * Inserts an agent unless the workspace already has `maxAgents`. The count and the insert run in
 * one transaction holding a per-workspace advisory lock, so concurrent creates on any number of
 * nodes cannot overshoot the quota.
 */
export async function insertAgentWithinQuota(
  db: BridgeDatabase,
  workspaceId: string,
  input: { name: string; config: AgentConfig; createdBy: string | null; id?: string },
  maxAgents: number
): Promise<InsertAgentResult> {
  entityIdSchema.parse(workspaceId)
  const name = agentNameSchema.parse(input.name)
  const config = agentConfigSchema.parse(input.config)
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtext(${`parlant-agents:${workspaceId}`}))`
    )
    const [existing] = await tx
      .select({ value: count() })
      .from(workspaceAgents)
      .where(eq(workspaceAgents.workspaceId, workspaceId))
    if ((existing?.value ?? 0) >= maxAgents) return { ok: false, reason: 'quota_exceeded' }
    const [agent] = await tx
      .insert(workspaceAgents)
      .values({
        id: input.id ?? generateId(),
        workspaceId,
        createdBy: input.createdBy,
        agentName: name,
        agentConfig: config,
      })
      .onConflictDoNothing({ target: [workspaceAgents.workspaceId, workspaceAgents.agentName] })
      .returning()
    if (!agent) return { ok: false, reason: 'name_taken' }
    return { ok: true, agent }
  })
}

/** Replaces an agent's name and/or config if its version still matches (compare-and-set). */
export async function updateAgentDefinition(
  db: BridgeDatabase,
  workspaceId: string,
  agentId: string,
  expectedVersion: number,
  changes: { name?: string; config?: AgentConfig },
  now: Date
) {
  const set: Partial<typeof workspaceAgents.$inferInsert> = { updatedAt: now }
  if (changes.name !== undefined) set.agentName = agentNameSchema.parse(changes.name)
  if (changes.config !== undefined) set.agentConfig = agentConfigSchema.parse(changes.config)
  const [row] = await db
    .update(workspaceAgents)
    .set({ ...set, version: sql`${workspaceAgents.version} + 1` })
    .where(
      and(
        eq(workspaceAgents.workspaceId, workspaceId),
        eq(workspaceAgents.id, agentId),
        eq(workspaceAgents.version, expectedVersion)
      )
    )
    .returning()
  return row
}

/**
 * Moves an agent from one of `from` to `to`, only if it is still in one of those states (and, when
 * given, still at `expectedVersion`). Returns the updated row, or undefined if another caller won.
 */
export async function compareAndSetStatus(
  db: BridgeDatabase,
  workspaceId: string,
  agentId: string,
  transition: {
    from: readonly AgentStatus[]
    to: AgentStatus
    expectedVersion?: number
    lastError?: string | null
    parlantAgentId?: string | null
  },
  now: Date
) {
  const to = agentStatusSchema.parse(transition.to)
  const from = transition.from.map((status) => agentStatusSchema.parse(status))
  const conditions = [
    eq(workspaceAgents.workspaceId, workspaceId),
    eq(workspaceAgents.id, agentId),
    inArray(workspaceAgents.status, from),
  ]
  if (transition.expectedVersion !== undefined) {
    conditions.push(eq(workspaceAgents.version, transition.expectedVersion))
  }
  const set: Partial<typeof workspaceAgents.$inferInsert> = {
    status: to,
    statusChangedAt: now,
    updatedAt: now,
  }
  if (transition.lastError !== undefined) set.lastError = transition.lastError
  if (transition.parlantAgentId !== undefined) set.parlantAgentId = transition.parlantAgentId
  const [row] = await db
    .update(workspaceAgents)
    .set({ ...set, version: sql`${workspaceAgents.version} + 1` })
    .where(and(...conditions))
    .returning()
  return row
}

/** Deletes an agent; its tokens, presence rows, conversations and turns go by cascade. */
export async function deleteAgent(db: BridgeDatabase, workspaceId: string, agentId: string) {
  const [row] = await db
    .delete(workspaceAgents)
    .where(and(eq(workspaceAgents.workspaceId, workspaceId), eq(workspaceAgents.id, agentId)))
    .returning()
  return row
}

/** Open realtime presence rows of an agent. */
export async function listOpenPresence(db: BridgeDatabase, workspaceId: string, agentId: string) {
  return db
    .select()
    .from(agentSessions)
    .where(
      and(
        eq(agentSessions.workspaceId, workspaceId),
        eq(agentSessions.workspaceAgentId, agentId),
        sql`${agentSessions.endedAt} is null`
      )
    )
}

/** The tokens issued for an agent (hashes only). */
export async function listAgentTokens(db: BridgeDatabase, workspaceId: string, agentId: string) {
  return db
    .select()
    .from(agentAuthTokens)
    .where(
      and(
        eq(agentAuthTokens.workspaceId, workspaceId),
        eq(agentAuthTokens.workspaceAgentId, agentId)
      )
    )
}

/** The conversations of an agent. */
export async function listConversations(db: BridgeDatabase, workspaceId: string, agentId: string) {
  return db
    .select()
    .from(agentConversations)
    .where(
      and(
        eq(agentConversations.workspaceId, workspaceId),
        eq(agentConversations.workspaceAgentId, agentId)
      )
    )
}

// ---------------------------------------------------------------------------------------------
// Lifecycle supervision and agent tokens

/**
 * Agents in any of `statuses`, across all workspaces — only for the reconciler and the health
 * monitor, which act on each row through workspace-scoped compare-and-sets.
 */
export async function listAgentsForSupervision(
  db: BridgeDatabase,
  statuses: readonly AgentStatus[]
) {
  return db
    .select()
    .from(workspaceAgents)
    .where(inArray(workspaceAgents.status, [...statuses]))
}

/** Stores a new agent token (hash only). */
export async function insertAgentToken(
  db: BridgeDatabase,
  row: {
    id: string
    workspaceId: string
    agentId: string
    createdBy: string | null
    tokenHash: string
    tokenPrefix: string
    label: string | null
    expiresAt: Date
  }
) {
  const [inserted] = await db
    .insert(agentAuthTokens)
    .values({
      id: row.id,
      workspaceId: row.workspaceId,
      workspaceAgentId: row.agentId,
      createdBy: row.createdBy,
      tokenHash: row.tokenHash,
      tokenPrefix: row.tokenPrefix,
      label: row.label,
      expiresAt: row.expiresAt,
    })
    .returning()
  return inserted
}

/**
 * The token with this hash, with what its issuer holds: their explicit permission row on the
 * token's workspace (null when none) and whether the workspace is archived — one round trip, so
 * the issuer check costs a turn nothing extra. Not workspace-scoped by design: the token itself
 * names its workspace, and every caller of this function then acts only within that workspace.
 */
export async function findAgentTokenByHash(db: BridgeDatabase, tokenHash: string) {
  const [row] = await db
    .select({
      token: agentAuthTokens,
      issuerPermission: permissions.permissionType,
      workspaceArchivedAt: workspace.archivedAt,
    })
    .from(agentAuthTokens)
    .innerJoin(workspace, eq(workspace.id, agentAuthTokens.workspaceId))
    .leftJoin(
      permissions,
      and(
        eq(permissions.userId, agentAuthTokens.createdBy),
        eq(permissions.entityType, 'workspace'),
        eq(permissions.entityId, agentAuthTokens.workspaceId)
      )
    )
    .where(eq(agentAuthTokens.tokenHash, tokenHash))
    .limit(1)
  return row
}

/** A workspace's tokens with their issuer's name, newest first (metadata only, never a hash). */
export async function listWorkspaceTokens(db: BridgeDatabase, workspaceId: string) {
  return db
    .select({
      id: agentAuthTokens.id,
      agentId: agentAuthTokens.workspaceAgentId,
      label: agentAuthTokens.label,
      createdBy: agentAuthTokens.createdBy,
      issuerName: user.name,
      createdAt: agentAuthTokens.createdAt,
      expiresAt: agentAuthTokens.expiresAt,
      lastUsedAt: agentAuthTokens.lastUsedAt,
      revokedAt: agentAuthTokens.revokedAt,
    })
    .from(agentAuthTokens)
    .leftJoin(user, eq(user.id, agentAuthTokens.createdBy))
    .where(eq(agentAuthTokens.workspaceId, workspaceId))
    .orderBy(desc(agentAuthTokens.createdAt), asc(agentAuthTokens.id))
}

/** One token of a workspace, or undefined. */
export async function getAgentToken(db: BridgeDatabase, workspaceId: string, tokenId: string) {
  const [row] = await db
    .select()
    .from(agentAuthTokens)
    .where(and(eq(agentAuthTokens.workspaceId, workspaceId), eq(agentAuthTokens.id, tokenId)))
    .limit(1)
  return row
}

/** Records a token's use. */
export async function touchAgentToken(
  db: BridgeDatabase,
  workspaceId: string,
  tokenId: string,
  now: Date
) {
  await db
    .update(agentAuthTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(agentAuthTokens.workspaceId, workspaceId), eq(agentAuthTokens.id, tokenId)))
}

/** Revokes one token of a workspace (idempotent); returns the row, or undefined if absent. */
export async function revokeAgentToken(
  db: BridgeDatabase,
  workspaceId: string,
  tokenId: string,
  now: Date
) {
  // Only a live token gets a revocation time, so the first revocation's time is kept.
  await db
    .update(agentAuthTokens)
    .set({ revokedAt: now })
    .where(
      and(
        eq(agentAuthTokens.workspaceId, workspaceId),
        eq(agentAuthTokens.id, tokenId),
        sql`${agentAuthTokens.revokedAt} is null`
      )
    )
  return getAgentToken(db, workspaceId, tokenId)
}

/** Revokes every live token of an agent; returns how many were revoked. */
export async function revokeTokensOfAgent(
  db: BridgeDatabase,
  workspaceId: string,
  agentId: string,
  now: Date
) {
  const rows = await db
    .update(agentAuthTokens)
    .set({ revokedAt: now })
    .where(
      and(
        eq(agentAuthTokens.workspaceId, workspaceId),
        eq(agentAuthTokens.workspaceAgentId, agentId),
        sql`${agentAuthTokens.revokedAt} is null`
      )
    )
    .returning({ id: agentAuthTokens.id })
  return rows.length
}
