/**
 * `attachParlantRealtime`: installs the bridge on a socket.io server — handshake authentication on
 * its namespace (a one-time socket token minted by an authenticated user, or an agent token), the
 * join/leave handlers over a room manager (presence rows, eviction), a periodic re-check, and
 * `publish(room, event, payload)` for `BridgeHost.publish`. With the Redis adapter installed on
 * `io`, a publish on any node reaches sockets on every node.
 */

import { createHash } from 'node:crypto'
import type { Namespace, Server } from 'socket.io'
import { z } from 'zod'
import { loggableError } from '@/lib/parlant/log-error'
import type { BridgeHost } from '@/lib/parlant/ports'
import { setupParlantHandlers } from '@/lib/parlant/realtime/handlers'
import { type CallerLimits, createCallerLimits } from '@/lib/parlant/realtime/limits'
import { endOrphanedPresence, endPresenceOfNode } from '@/lib/parlant/realtime/presence'
import {
  createParlantRoomManager,
  type SocketPrincipal,
  socketCaller,
  type VerifyAgentToken,
} from '@/lib/parlant/realtime/rooms'

/** The default socket.io namespace of the bridge (`PARLANT_SOCKET_NAMESPACE`). */
export const DEFAULT_PARLANT_NAMESPACE = '/parlant'

export interface AttachParlantRealtimeOptions {
  io: Server
  host: BridgeHost
  nodeId: string
  /** Default `/parlant`. */
  namespace?: string
  /** Consumes a one-time socket token; the user id, or null when forged, expired or reused. */
  verifySocketToken(token: string): Promise<string | null>
  /** Verifies an agent token (`plnt_…`). Without it agent tokens are refused. */
  verifyAgentToken?: VerifyAgentToken
  /** How often joined sockets are re-authorized, ms. Default 30 000; 0 disables the sweep. */
  revalidateIntervalMs?: number
  /** How often presence rows of sockets no node holds are ended, ms. Default 60 000; 0 disables. */
  presenceReapIntervalMs?: number
  /** Per-caller limits (joins, sockets, agent-token handshakes); default in this process. */
  limits?: CallerLimits
  /**
   * `io` has no adapter reaching other nodes (no Redis): a publish to a room without a socket on
   * this node is skipped instead of encoded for nobody. Default false (every publish is emitted).
   */
  singleNode?: boolean
}

export interface ParlantRealtime {
  namespace: Namespace
  /** `BridgeHost.publish`: emit to a room on every node. */
  publish(room: string, event: string, payload: unknown): void
  /** Re-authorizes every joined socket on this node now, evicting those no longer allowed. */
  revalidate(): Promise<void>
  /**
   * Ends presence rows whose socket no live node holds (a node that died and never came back);
   * returns how many. Rows younger than the grace period are left alone (their join may be in
   * flight).
   */
  reapOrphanedPresence(graceMs?: number): Promise<number>
  /** Stops the sweep and ends this node's presence rows (sockets are closed by `io.close()`). */
  close(): Promise<void>
}

const handshakeSchema = z.object({ token: z.string().min(1).max(4096) })

/** Installs auth, handlers, presence and the re-check sweep on `io`'s bridge namespace. */
export async function attachParlantRealtime(
  options: AttachParlantRealtimeOptions
): Promise<ParlantRealtime> {
  const { io, host, nodeId } = options
  const nsp = io.of(options.namespace ?? DEFAULT_PARLANT_NAMESPACE)
  const limits = options.limits ?? createCallerLimits()
  const rooms = createParlantRoomManager({
    host,
    nodeId,
    verifyAgentToken: options.verifyAgentToken,
    limits,
  })

  // A crash leaves this node's presence rows open; a restart under the same id closes them.
  const stale = await endPresenceOfNode(host.db, nodeId, host.clock.now())
  if (stale > 0) host.logger.info('ended stale presence rows of this node', { nodeId, stale })

  /** Admits a socket as `principal` unless its caller already holds the maximum of sockets. */
  async function admitWithin(
    socket: Parameters<Parameters<Namespace['use']>[0]>[0],
    principal: SocketPrincipal,
    agentToken?: string
  ) {
    const caller = socketCaller(principal)
    if (!(await limits.openSocket(caller, socket.id))) return false
    socket.once('disconnect', () => {
      limits.closeSocket(caller, socket.id).catch(() => {})
    })
    rooms.admit(socket, principal, agentToken)
    return true
  }

  nsp.use(async (socket, next) => {
    const parsed = handshakeSchema.safeParse(socket.handshake.auth)
    if (!parsed.success) return next(new Error('Authentication required'))
    const { token } = parsed.data
    try {
      if (token.startsWith('plnt_')) {
        // Counted before the token is looked up: a flood of handshakes costs no database reads.
        const fingerprint = createHash('sha256').update(token).digest('hex').slice(0, 32)
        const wait = await limits.takeTokenHandshake(fingerprint, socket.handshake.address)
        if (wait > 0) return next(new Error('Too many connection attempts; retry shortly'))
        const grant = options.verifyAgentToken ? await options.verifyAgentToken(token) : null
        if (!grant) return next(new Error('Invalid or expired token'))
        const principal: SocketPrincipal = { kind: 'agent_token', ...grant }
        if (!(await admitWithin(socket, principal, token)))
          return next(new Error('Too many connections for this token'))
        return next()
      }
      const userId = await options.verifySocketToken(token)
      if (!userId) return next(new Error('Invalid or expired token'))
      if (!(await admitWithin(socket, { kind: 'user', userId })))
        return next(new Error('Too many connections for this user'))
      return next()
    } catch (error) {
      host.logger.warn('socket authentication failed', {
        error: loggableError(error),
      })
      return next(new Error('Authentication unavailable; retry'))
    }
  })

  nsp.on('connection', (socket) => setupParlantHandlers(socket, rooms))

  const interval = options.revalidateIntervalMs ?? 30_000
  const timer =
    interval > 0
      ? setInterval(() => {
          limits.refresh().catch((error: unknown) =>
            host.logger.warn('socket registration refresh failed', {
              error: loggableError(error),
            })
          )
          rooms.revalidate().catch((error: unknown) =>
            host.logger.warn('socket re-authorization sweep failed', {
              error: loggableError(error),
            })
          )
        }, interval)
      : undefined
  timer?.unref?.()

  async function reapOrphanedPresence(graceMs = 10_000) {
    // With the Redis adapter this asks every node; a node that does not answer is dead to us.
    const live = new Set((await nsp.fetchSockets()).map((socket) => socket.id))
    const now = host.clock.now()
    const ended = await endOrphanedPresence(host.db, live, new Date(now.getTime() - graceMs), now)
    if (ended > 0) host.logger.info('ended presence rows of sockets no node holds', { ended })
    return ended
  }
  const reapEvery = options.presenceReapIntervalMs ?? 60_000
  const reaper =
    reapEvery > 0
      ? setInterval(() => {
          reapOrphanedPresence().catch((error: unknown) =>
            host.logger.warn('presence reaper failed', {
              error: loggableError(error),
            })
          )
        }, reapEvery)
      : undefined
  reaper?.unref?.()

  return {
    namespace: nsp,
    reapOrphanedPresence,
    publish(room, event, payload) {
      if (options.singleNode && !nsp.adapter.rooms.has(room)) return
      nsp.to(room).emit(event, payload)
    },
    revalidate: () => rooms.revalidate(),
    async close() {
      if (timer) clearInterval(timer)
      if (reaper) clearInterval(reaper)
      await endPresenceOfNode(host.db, nodeId, host.clock.now())
    },
  }
}
