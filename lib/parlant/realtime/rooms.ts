/**
 * The room manager behind `setupParlantHandlers`: who each socket is, which agent rooms it is in,
 * authorization on join (read permission on the workspace, agent in that workspace; an agent token
 * sees only its agent), presence rows, and re-authorization with eviction. Usable on its own inside
 * Sim's realtime server: `admit` each authenticated socket, then register the handlers. A joined
 * socket is in the agent's room (status events) and in its caller's room of that agent (chat
 * events and turn results of its own conversations only).
 */
import type { Socket } from 'socket.io'
import { getAgent } from '@/lib/parlant/db/queries'
import type { BridgeHost } from '@/lib/parlant/ports'
import { agentRoom, callerRoom, PARLANT_EVENTS, workspaceRoom } from '@/lib/parlant/realtime/events'
import type {
  AgentRoomPayload,
  JoinRefusal,
  ParlantRoomManager,
  WorkspaceRoomPayload,
} from '@/lib/parlant/realtime/handlers'
import {
  type CallerLimits,
  callerKey,
  createCallerLimits,
  TOO_MANY_JOINS,
} from '@/lib/parlant/realtime/limits'
import { endPresence, startPresence } from '@/lib/parlant/realtime/presence'
import { permissionSatisfies } from '@/lib/parlant/schemas'

/** Who a socket acts for. */
export type SocketPrincipal =
  | { kind: 'user'; userId: string }
  | { kind: 'agent_token'; workspaceId: string; agentId: string; tokenId: string }

/** Verifies an agent token (`plnt_…`): its agent and the token's id, or null. */
export type VerifyAgentToken = (
  token: string
) => Promise<{ workspaceId: string; agentId: string; tokenId: string } | null>

interface Membership {
  workspaceId: string
  agentId: string
  presenceId: string
}

interface SocketState {
  socket: Socket
  principal: SocketPrincipal
  /** The agent token, kept in memory only so it can be re-verified (never in `socket.data`). */
  agentToken?: string
  memberships: Map<string, Membership>
  /** Workspaces whose agent-list room the socket joined. */
  workspaces: Set<string>
  /** Bumped by every join/leave of an agent, so a slow join cannot land after a later leave. */
  generations: Map<string, number>
}

const NOT_FOUND: JoinRefusal = { error: 'Agent not found', code: 'not_found', retryable: false }
const WORKSPACE_NOT_FOUND: JoinRefusal = {
  error: 'Workspace not found',
  code: 'not_found',
  retryable: false,
}

export interface ParlantRoomManagerOptions {
  host: BridgeHost
  nodeId: string
  verifyAgentToken?: VerifyAgentToken
  /** Per-caller limits (join budget shared by a caller's sockets); default in this process. */
  limits?: CallerLimits
}

/** The room manager plus what its owner drives: admission and re-authorization. */
export interface ParlantRooms extends ParlantRoomManager {
  /** Records who an authenticated socket is (before its handlers run). */
  admit(socket: Socket, principal: SocketPrincipal, agentToken?: string): void
  /** Re-authorizes every joined socket now; the ones no longer allowed are evicted and told so. */
  revalidate(): Promise<void>
}

/** The key a socket's limits are counted under: its user, or its agent token. */
export function socketCaller(principal: SocketPrincipal) {
  return principal.kind === 'user'
    ? callerKey(principal)
    : callerKey({ kind: 'agent_token', tokenId: principal.tokenId })
}

/** Creates a room manager for one node. */
export function createParlantRoomManager(options: ParlantRoomManagerOptions): ParlantRooms {
  const { host, nodeId } = options
  const states = new Map<string, SocketState>()
  // Each join costs database reads; a caller spraying joins — over any number of sockets — must
  // not starve everyone else's.
  const limits = options.limits ?? createCallerLimits()

  async function authorize(
    state: SocketState,
    payload: AgentRoomPayload
  ): Promise<JoinRefusal | undefined> {
    const { principal } = state
    if (principal.kind === 'agent_token') {
      const grant = state.agentToken ? await options.verifyAgentToken?.(state.agentToken) : null
      if (!grant)
        return { error: 'Token revoked or expired', code: 'unauthorized', retryable: false }
      // A token sees its one agent; anything else looks missing.
      if (grant.workspaceId !== payload.workspaceId || grant.agentId !== payload.agentId)
        return NOT_FOUND
      return undefined
    }
    const permission = await host.workspacePermission(principal.userId, payload.workspaceId)
    // No permission on the workspace: indistinguishable from a missing agent.
    if (!permissionSatisfies(permission, 'read')) return NOT_FOUND
    const agent = await getAgent(host.db, payload.workspaceId, payload.agentId)
    return agent ? undefined : NOT_FOUND
  }

  /** Read permission on the workspace; an agent token watches its agent, never a whole list. */
  async function authorizeWorkspace(
    state: SocketState,
    workspaceId: string
  ): Promise<JoinRefusal | undefined> {
    if (state.principal.kind !== 'user') return WORKSPACE_NOT_FOUND
    const permission = await host.workspacePermission(state.principal.userId, workspaceId)
    return permissionSatisfies(permission, 'read') ? undefined : WORKSPACE_NOT_FOUND
  }

  /** Generation key of a workspace room (agent ids never contain ':'). */
  const workspaceKey = (workspaceId: string) => `workspace:${workspaceId}`

  function bump(state: SocketState, agentId: string) {
    const next = (state.generations.get(agentId) ?? 0) + 1
    state.generations.set(agentId, next)
    return next
  }

  async function drop(state: SocketState, agentId: string) {
    const membership = state.memberships.get(agentId)
    if (!membership) return
    state.memberships.delete(agentId)
    await state.socket.leave(agentRoom(agentId))
    await state.socket.leave(callerRoom(agentId, socketCaller(state.principal)))
    await endPresence(host.db, membership.workspaceId, membership.presenceId, host.clock.now())
  }

  let sweeping: Promise<void> | undefined

  return {
    admit(socket, principal, agentToken) {
      states.set(socket.id, {
        socket,
        principal,
        agentToken,
        memberships: new Map(),
        workspaces: new Set(),
        generations: new Map(),
      })
    },

    async join(socket, payload) {
      const state = states.get(socket.id)
      if (!state) return { error: 'Not authenticated', code: 'unauthorized', retryable: false }
      if ((await limits.takeJoin(socketCaller(state.principal))) > 0) return TOO_MANY_JOINS
      const generation = bump(state, payload.agentId)
      const refusal = await authorize(state, payload)
      if (refusal) return refusal
      // A leave (or another join) arrived while we were checking: it wins.
      if (state.generations.get(payload.agentId) !== generation || !socket.connected)
        return {
          error: 'A later join or leave for this agent replaced this one',
          code: 'superseded',
          retryable: true,
        }
      if (state.memberships.has(payload.agentId)) return undefined
      const presenceId = await startPresence(host.db, {
        workspaceId: payload.workspaceId,
        agentId: payload.agentId,
        socketId: socket.id,
        nodeId,
        userId: state.principal.kind === 'user' ? state.principal.userId : null,
      })
      state.memberships.set(payload.agentId, { ...payload, presenceId })
      // Status to every reader; chat events and turn results only of the caller's own
      // conversations (another member's chats are not theirs to read, as over HTTP).
      await socket.join([
        agentRoom(payload.agentId),
        callerRoom(payload.agentId, socketCaller(state.principal)),
      ])
      return undefined
    },

    async leave(socket, payload) {
      const state = states.get(socket.id)
      if (!state) return
      bump(state, payload.agentId)
      const membership = state.memberships.get(payload.agentId)
      if (membership?.workspaceId !== payload.workspaceId) return
      await drop(state, payload.agentId)
    },

    async joinWorkspace(socket, { workspaceId }: WorkspaceRoomPayload) {
      const state = states.get(socket.id)
      if (!state) return { error: 'Not authenticated', code: 'unauthorized', retryable: false }
      if ((await limits.takeJoin(socketCaller(state.principal))) > 0) return TOO_MANY_JOINS
      const key = workspaceKey(workspaceId)
      const generation = bump(state, key)
      const refusal = await authorizeWorkspace(state, workspaceId)
      if (refusal) return refusal
      if (state.generations.get(key) !== generation || !socket.connected)
        return {
          error: 'A later join or leave for this workspace replaced this one',
          code: 'superseded',
          retryable: true,
        }
      state.workspaces.add(workspaceId)
      await socket.join(workspaceRoom(workspaceId))
      return undefined
    },

    async leaveWorkspace(socket, { workspaceId }: WorkspaceRoomPayload) {
      const state = states.get(socket.id)
      if (!state) return
      bump(state, workspaceKey(workspaceId))
      if (!state.workspaces.delete(workspaceId)) return
      await socket.leave(workspaceRoom(workspaceId))
    },

    async disconnect(socket) {
      const state = states.get(socket.id)
      if (!state) return
      states.delete(socket.id)
      const at = host.clock.now()
      for (const membership of state.memberships.values()) {
        await endPresence(host.db, membership.workspaceId, membership.presenceId, at)
      }
      state.memberships.clear()
    },

    revalidate() {
      sweeping ??= (async () => {
        for (const state of [...states.values()]) {
          if (!state.socket.connected) continue
          for (const membership of [...state.memberships.values()]) {
            const refusal = await authorize(state, membership).catch(() => undefined)
            if (!refusal) continue
            await drop(state, membership.agentId)
            state.socket.emit(PARLANT_EVENTS.evicted, {
              workspaceId: membership.workspaceId,
              agentId: membership.agentId,
              error: 'Access to this agent was revoked',
              code: refusal.code,
            })
          }
          for (const workspaceId of [...state.workspaces]) {
            const refusal = await authorizeWorkspace(state, workspaceId).catch(() => undefined)
            if (!refusal) continue
            state.workspaces.delete(workspaceId)
            bump(state, workspaceKey(workspaceId))
            await state.socket.leave(workspaceRoom(workspaceId))
            state.socket.emit(PARLANT_EVENTS.workspaceEvicted, {
              workspaceId,
              error: 'Access to this workspace was revoked',
              code: refusal.code,
            })
          }
        }
      })().finally(() => {
        sweeping = undefined
      })
      return sweeping
    },
  }
}
