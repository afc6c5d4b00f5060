/**
 * `attachParlantRealtime`: installs the bridge on a socket.io server — handshake authentication on
 * its namespace (a one-time socket token minted by an authenticated user, or an agent token), the
 * join/leave handlers, presence rows, a periodic re-check that evicts sockets whose permission (or
 * token) is gone, and `publish(room, event, payload)` for `BridgeHost.publish`. With the Redis
 * adapter installed on `io`, a publish on any node reaches sockets on every node.
 */
import type { Namespace, Server, Socket } from 'socket.io'
import { z } from 'zod'
import { getAgent } from '@/lib/parlant/db/queries'
import type { BridgeHost } from '@/lib/parlant/ports'
import { agentRoom, PARLANT_EVENTS } from '@/lib/parlant/realtime/events'
import {
  type AgentRoomPayload,
  type JoinRefusal,
  type ParlantRoomManager,
  setupParlantHandlers,
} from '@/lib/parlant/realtime/handlers'
import { endPresence, endPresenceOfNode, startPresence } from '@/lib/parlant/realtime/presence'
import { permissionSatisfies } from '@/lib/parlant/schemas'

/** The default socket.io namespace of the bridge (`PARLANT_SOCKET_NAMESPACE`). */
export const DEFAULT_PARLANT_NAMESPACE = '/parlant'

/** Who a socket acts for. */
export type SocketPrincipal =
  | { kind: 'user'; userId: string }
  | { kind: 'agent_token'; workspaceId: string; agentId: string }

export interface AttachParlantRealtimeOptions {
  io: Server
  host: BridgeHost
  nodeId: string
  /** Default `/parlant`. */
  namespace?: string
  /** Consumes a one-time socket token; the user id, or null when forged, expired or reused. */
  verifySocketToken(token: string): Promise<string | null>
  /** Verifies an agent token (`plnt_…`): its agent, or null. Without it agent tokens are refused. */
  verifyAgentToken?(token: string): Promise<{ workspaceId: string; agentId: string } | null>
  /** How often joined sockets are re-authorized, ms. Default 30 000; 0 disables the sweep. */
  revalidateIntervalMs?: number
}

export interface ParlantRealtime {
  namespace: Namespace
  /** `BridgeHost.publish`: emit to a room on every node. */
  publish(room: string, event: string, payload: unknown): void
  /** Re-authorizes every joined socket on this node now, evicting those no longer allowed. */
  revalidate(): Promise<void>
  /** Stops the sweep and ends this node's presence rows (sockets are closed by `io.close()`). */
  close(): Promise<void>
}

const handshakeSchema = z.object({ token: z.string().min(1).max(4096) })

interface Membership {
  workspaceId: string
  agentId: string
  presenceId: string
}

interface SocketState {
  principal: SocketPrincipal
  /** The agent token, kept in memory only so it can be re-verified (never in `socket.data`). */
  agentToken?: string
  memberships: Map<string, Membership>
  /** Bumped by every join/leave of an agent, so a slow join cannot land after a later leave. */
  generations: Map<string, number>
}

const NOT_FOUND: JoinRefusal = { error: 'Agent not found', code: 'not_found', retryable: false }

/** Installs auth, handlers, presence and the re-check sweep on `io`'s bridge namespace. */
export async function attachParlantRealtime(
  options: AttachParlantRealtimeOptions
): Promise<ParlantRealtime> {
  const { io, host, nodeId } = options
  const nsp = io.of(options.namespace ?? DEFAULT_PARLANT_NAMESPACE)
  const states = new Map<string, SocketState>()

  // A crash leaves this node's presence rows open; a restart under the same id closes them.
  const stale = await endPresenceOfNode(host.db, nodeId, host.clock.now())
  if (stale > 0) host.logger.info('ended stale presence rows of this node', { nodeId, stale })

  nsp.use(async (socket, next) => {
    const parsed = handshakeSchema.safeParse(socket.handshake.auth)
    if (!parsed.success) return next(new Error('Authentication required'))
    const { token } = parsed.data
    try {
      if (token.startsWith('plnt_')) {
        const grant = options.verifyAgentToken ? await options.verifyAgentToken(token) : null
        if (!grant) return next(new Error('Invalid or expired token'))
        states.set(socket.id, {
          principal: {
            kind: 'agent_token',
            workspaceId: grant.workspaceId,
            agentId: grant.agentId,
          },
          agentToken: token,
          memberships: new Map(),
          generations: new Map(),
        })
        return next()
      }
      const userId = await options.verifySocketToken(token)
      if (!userId) return next(new Error('Invalid or expired token'))
      states.set(socket.id, {
        principal: { kind: 'user', userId },
        memberships: new Map(),
        generations: new Map(),
      })
      return next()
    } catch (error) {
      host.logger.warn('socket authentication failed', {
        error: error instanceof Error ? error.message : String(error),
      })
      return next(new Error('Authentication unavailable; retry'))
    }
  })

  /** Whether the socket may (still) watch the agent: undefined when allowed. */
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

  function bump(state: SocketState, agentId: string) {
    const next = (state.generations.get(agentId) ?? 0) + 1
    state.generations.set(agentId, next)
    return next
  }

  async function drop(socket: Socket, state: SocketState, agentId: string) {
    const membership = state.memberships.get(agentId)
    if (!membership) return
    state.memberships.delete(agentId)
    await socket.leave(agentRoom(agentId))
    await endPresence(host.db, membership.workspaceId, membership.presenceId, host.clock.now())
  }

  const rooms: ParlantRoomManager = {
    async join(socket, payload) {
      const state = states.get(socket.id)
      if (!state) return { error: 'Not authenticated', code: 'unauthorized', retryable: false }
      const generation = bump(state, payload.agentId)
      const refusal = await authorize(state, payload)
      if (refusal) return refusal
      // A leave (or another join) arrived while we were checking: it wins.
      if (state.generations.get(payload.agentId) !== generation || !socket.connected)
        return { error: 'Join superseded', code: 'internal', retryable: true }
      if (state.memberships.has(payload.agentId)) return undefined
      const presenceId = await startPresence(host.db, {
        workspaceId: payload.workspaceId,
        agentId: payload.agentId,
        socketId: socket.id,
        nodeId,
        userId: state.principal.kind === 'user' ? state.principal.userId : null,
      })
      state.memberships.set(payload.agentId, { ...payload, presenceId })
      await socket.join(agentRoom(payload.agentId))
      return undefined
    },
    async leave(socket, payload) {
      const state = states.get(socket.id)
      if (!state) return
      bump(state, payload.agentId)
      const membership = state.memberships.get(payload.agentId)
      if (membership?.workspaceId !== payload.workspaceId) return
      await drop(socket, state, payload.agentId)
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
  }

  nsp.on('connection', (socket) => {
    if (!states.has(socket.id)) {
      socket.disconnect(true)
      return
    }
    setupParlantHandlers(socket, rooms)
  })

  let sweeping: Promise<void> | undefined
  async function revalidate() {
    sweeping ??= (async () => {
      for (const [socketId, state] of states) {
        const socket = nsp.sockets.get(socketId)
        if (!socket) continue
        for (const membership of [...state.memberships.values()]) {
          const refusal = await authorize(state, membership).catch(() => undefined)
          if (!refusal) continue
          await drop(socket, state, membership.agentId)
          socket.emit(PARLANT_EVENTS.evicted, {
            workspaceId: membership.workspaceId,
            agentId: membership.agentId,
            error: 'Access to this agent was revoked',
            code: refusal.code,
          })
        }
      }
    })().finally(() => {
      sweeping = undefined
    })
    return sweeping
  }

  const interval = options.revalidateIntervalMs ?? 30_000
  const timer =
    interval > 0
      ? setInterval(() => {
          revalidate().catch((error: unknown) =>
            host.logger.warn('socket re-authorization sweep failed', {
              error: error instanceof Error ? error.message : String(error),
            })
          )
        }, interval)
      : undefined
  timer?.unref?.()

  return {
    namespace: nsp,
    publish(room, event, payload) {
      nsp.to(room).emit(event, payload)
    },
    revalidate,
    async close() {
      if (timer) clearInterval(timer)
      await sweeping?.catch(() => {})
      await endPresenceOfNode(host.db, nodeId, host.clock.now())
    },
  }
}
