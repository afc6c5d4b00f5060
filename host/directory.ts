/**
 * The standalone host's users, workspaces, grants and API keys — what Sim's auth and workspace
 * pages do inside Sim. Used by the host, `npm run host:admin` and tests.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { permissions, user, workspace } from '@sim/db/schema'
import { generateId } from '@sim/utils/id'
import { generateRandomBytes } from '@sim/utils/random'
import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import { preparedFor } from '@/lib/parlant/db/prepared'
import type { BridgeDatabase } from '@/lib/parlant/ports'
import type { Permission } from '@/lib/parlant/schemas'
import { hostApiKeys } from '@/host/db/schema'

const API_KEY_PREFIX = 'sim_host_'

function hashKey(key: string) {
  return createHash('sha256').update(key).digest('hex')
}

export interface CreatedUser {
  id: string
  name: string
  email: string
  apiKey: string
}

/** Creates a user and an API key for them; the key is returned once and stored only hashed. */
export async function createUser(
  db: BridgeDatabase,
  input: { name: string; email: string; id?: string }
): Promise<CreatedUser> {
  const id = input.id ?? generateId()
  const now = new Date()
  await db
    .insert(user)
    .values({ id, name: input.name, email: input.email, createdAt: now, updatedAt: now })
  const apiKey = await issueApiKey(db, id, 'default')
  return { id, name: input.name, email: input.email, apiKey }
}

/** Issues a new API key for a user. */
export async function issueApiKey(db: BridgeDatabase, userId: string, label?: string) {
  const apiKey = `${API_KEY_PREFIX}${Buffer.from(generateRandomBytes(32)).toString('base64url')}`
  await db.insert(hostApiKeys).values({ id: generateId(), userId, keyHash: hashKey(apiKey), label })
  return apiKey
}

/**
 * The user an API key belongs to, or null for an unknown or revoked key — with their permission on
 * every live workspace, read in the same query, so a request costs one round trip for who is
 * calling and what they may do (as fresh as the request itself: no cache, no revocation delay).
 */
export async function userForApiKey(db: BridgeDatabase, apiKey: string) {
  if (!apiKey.startsWith(API_KEY_PREFIX)) return null
  const digest = hashKey(apiKey)
  const rows = await callerByKeyHash(db).execute({ digest })
  const [row] = rows
  if (!row) return null
  // The lookup is by hash; comparing again in constant time keeps timing independent of the key.
  if (!timingSafeEqual(Buffer.from(row.keyHash), Buffer.from(digest))) return null
  const workspacePermissions = new Map<string, Permission>()
  for (const r of rows) {
    if (r.workspaceId && r.permission) workspacePermissions.set(r.workspaceId, r.permission)
  }
  return { userId: row.userId, name: row.name, workspacePermissions }
}

/** `userForApiKey`'s query, prepared: every API request runs it. */
const callerByKeyHash = preparedFor((db) =>
  db
    .select({
      userId: hostApiKeys.userId,
      keyHash: hostApiKeys.keyHash,
      name: user.name,
      workspaceId: workspace.id,
      permission: permissions.permissionType,
    })
    .from(hostApiKeys)
    .innerJoin(user, eq(user.id, hostApiKeys.userId))
    .leftJoin(
      permissions,
      and(eq(permissions.userId, hostApiKeys.userId), eq(permissions.entityType, 'workspace'))
    )
    .leftJoin(workspace, and(eq(workspace.id, permissions.entityId), isNull(workspace.archivedAt)))
    .where(and(eq(hostApiKeys.keyHash, sql.placeholder('digest')), isNull(hostApiKeys.revokedAt)))
    .prepare('host_caller_by_key_hash')
)

/** Creates a workspace owned by `ownerId`, who gets `admin` on it. */
export async function createWorkspace(
  db: BridgeDatabase,
  input: { name: string; ownerId: string; id?: string }
) {
  const id = input.id ?? generateId()
  await db.insert(workspace).values({ id, name: input.name, ownerId: input.ownerId })
  await grant(db, input.ownerId, id, 'admin')
  return { id, name: input.name }
}

/** Sets a user's permission on a workspace (insert or change). */
export async function grant(
  db: BridgeDatabase,
  userId: string,
  workspaceId: string,
  permission: Permission
) {
  await db
    .insert(permissions)
    .values({
      id: generateId(),
      userId,
      entityType: 'workspace',
      entityId: workspaceId,
      permissionType: permission,
    })
    .onConflictDoUpdate({
      target: [permissions.userId, permissions.entityType, permissions.entityId],
      set: { permissionType: permission, updatedAt: new Date() },
    })
}

/** Removes a user's permission on a workspace. */
export async function revoke(db: BridgeDatabase, userId: string, workspaceId: string) {
  await db
    .delete(permissions)
    .where(
      and(
        eq(permissions.userId, userId),
        eq(permissions.entityType, 'workspace'),
        eq(permissions.entityId, workspaceId)
      )
    )
}

/** A user's explicit permission on a live workspace, as Sim's `getUserEntityPermissions`. */
export async function workspacePermission(
  db: BridgeDatabase,
  userId: string,
  workspaceId: string
): Promise<Permission | null> {
  const [row] = await db
    .select({ permission: permissions.permissionType })
    .from(permissions)
    .innerJoin(workspace, eq(workspace.id, permissions.entityId))
    .where(
      and(
        eq(permissions.userId, userId),
        eq(permissions.entityType, 'workspace'),
        eq(permissions.entityId, workspaceId),
        isNull(workspace.archivedAt)
      )
    )
    .limit(1)
  return row?.permission ?? null
}

/** Deletes a workspace; the bridge's rows go with it by cascade. */
export async function deleteWorkspace(db: BridgeDatabase, workspaceId: string) {
  await db
    .delete(permissions)
    .where(and(eq(permissions.entityType, 'workspace'), eq(permissions.entityId, workspaceId)))
  await db.delete(workspace).where(eq(workspace.id, workspaceId))
}

/** Every user, oldest first. */
export async function listUsers(db: BridgeDatabase) {
  return db
    .select({ id: user.id, email: user.email, name: user.name, createdAt: user.createdAt })
    .from(user)
    .orderBy(asc(user.createdAt), asc(user.id))
}

/** Every live workspace with its owner and member count, oldest first. */
export async function listWorkspaces(db: BridgeDatabase) {
  return db
    .select({
      id: workspace.id,
      name: workspace.name,
      ownerId: workspace.ownerId,
      members: sql<number>`count(${permissions.id})::int`,
    })
    .from(workspace)
    .leftJoin(
      permissions,
      and(eq(permissions.entityType, 'workspace'), eq(permissions.entityId, workspace.id))
    )
    .where(isNull(workspace.archivedAt))
    .groupBy(workspace.id)
    .orderBy(asc(workspace.createdAt), asc(workspace.id))
}

/** A user by id or by email, if one exists. */
export async function findUser(db: BridgeDatabase, by: { id: string } | { email: string }) {
  const [row] = await db
    .select({ id: user.id, email: user.email, name: user.name })
    .from(user)
    .where('id' in by ? eq(user.id, by.id) : eq(user.email, by.email))
    .limit(1)
  return row
}

/** A live workspace by id, if it exists. */
export async function findWorkspace(db: BridgeDatabase, workspaceId: string) {
  const [row] = await db
    .select({ id: workspace.id, name: workspace.name })
    .from(workspace)
    .where(and(eq(workspace.id, workspaceId), isNull(workspace.archivedAt)))
    .limit(1)
  return row
}
