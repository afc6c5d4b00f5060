/**
 * Who is calling and what they may do. A caller is a user (authenticated by the host) or an agent
 * token (verified here). Permission checks reveal nothing about workspaces the caller is not in:
 * no permission at all is answered exactly like a missing resource (404).
 */
import { BridgeError } from '@/lib/parlant/errors'
import type { AuthenticatedUser, BridgeHost } from '@/lib/parlant/ports'
import { type Permission, permissionSatisfies } from '@/lib/parlant/schemas'
import { looksLikeAgentToken, type TokenService, type VerifiedToken } from '@/lib/parlant/tokens'

export type Principal =
  | { kind: 'user'; user: AuthenticatedUser }
  | { kind: 'agent'; token: VerifiedToken }

/** A stable key for per-caller limits. */
export function principalKey(principal: Principal) {
  return principal.kind === 'user'
    ? `user:${principal.user.userId}`
    : `token:${principal.token.tokenId}`
}

/** The caller of `request`, or 401. */
export async function authenticate(
  request: Request,
  host: BridgeHost,
  tokens: TokenService
): Promise<Principal> {
  const bearer = request.headers.get('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1]
  if (bearer && looksLikeAgentToken(bearer)) {
    const token = await tokens.verify(bearer)
    if (!token)
      throw new BridgeError('unauthorized', 'The agent token is invalid, expired or revoked')
    return { kind: 'agent', token }
  }
  const user = await host.authenticate(request)
  if (!user) throw new BridgeError('unauthorized', 'Authentication required')
  return { kind: 'user', user }
}

/** The user's permission on the workspace: as read with their identity, else asked of the host. */
async function permissionOf(host: BridgeHost, user: AuthenticatedUser, workspaceId: string) {
  return (
    user.workspacePermissions?.get(workspaceId) ??
    (await host.workspacePermission(user.userId, workspaceId))
  )
}

function insufficient(need: Permission) {
  return new BridgeError('forbidden', `This requires ${need} permission on the workspace`)
}

/**
 * Checks the caller may act on one agent with `need`. Agent tokens pass only for their own agent;
 * a user without any permission on the workspace gets the same 404 as for a missing agent.
 */
export async function requireAgentAccess(
  host: BridgeHost,
  principal: Principal,
  workspaceId: string,
  agentId: string,
  need: Permission
) {
  if (principal.kind === 'agent') {
    if (principal.token.workspaceId !== workspaceId || principal.token.agentId !== agentId) {
      throw new BridgeError('forbidden', 'This agent token does not authorize this agent')
    }
    return
  }
  const have = await permissionOf(host, principal.user, workspaceId)
  if (!have) throw new BridgeError('not_found', 'Agent not found')
  if (!permissionSatisfies(have, need)) throw insufficient(need)
}

/**
 * Checks a user may act in a workspace with `need`; returns their permission. No permission is a
 * 404 (the workspace's existence is not revealed). Agent tokens never pass.
 */
export async function requireWorkspaceAccess(
  host: BridgeHost,
  principal: Principal,
  workspaceId: string,
  need: Permission,
  notFoundMessage = 'Workspace not found'
): Promise<{ userId: string; permission: Permission }> {
  if (principal.kind === 'agent') {
    throw new BridgeError('forbidden', 'Agent tokens only authorize chat and status of their agent')
  }
  const have = await permissionOf(host, principal.user, workspaceId)
  if (!have) throw new BridgeError('not_found', notFoundMessage)
  if (!permissionSatisfies(have, need)) throw insufficient(need)
  return { userId: principal.user.userId, permission: have }
}
