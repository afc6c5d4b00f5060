/**
 * Shim of Sim's `@/lib/workspaces/permissions/utils`: the permission lookup the bridge uses.
 * Inside Sim the real one reads the `permissions` table (for a workspace, the effective access).
 */
import { outsideSim } from '@/sim/outside-sim'

/** Sim's `permission_type` enum. */
export type PermissionType = 'admin' | 'write' | 'read'

/** The highest permission `userId` holds on the entity, or null when none. */
export async function getUserEntityPermissions(
  _userId: string,
  _entityType: string,
  _entityId: string
): Promise<PermissionType | null> {
  throw outsideSim('@/lib/workspaces/permissions/utils', 'getUserEntityPermissions')
}
