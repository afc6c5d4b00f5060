/** Files the installer writes that have no counterpart in this repository. */

/** `apps/sim/lib/parlant/db/schema.ts` inside Sim: the tables live in `@sim/db/schema`. */
export const SIM_LIB_SCHEMA = `/**
 * Inside Sim the bridge's tables are part of \`packages/db\` (\`parlant-schema.ts\`, re-exported by
 * \`@sim/db/schema\`); this module keeps the bridge's own import path working.
 */
export * from '@sim/db/schema'
`

/** `apps/realtime/src/handlers/parlant.ts`: the bridge's socket handlers on Sim's socket server. */
export const REALTIME_HANDLER = `import { createLogger } from '@sim/logger'
import { authorizeRoom } from '@sim/platform-authz/rooms'
import { ROOM_TYPES } from '@sim/realtime-protocol/rooms'
import type { Server } from 'socket.io'
import { agentRoom, callerRoom, PARLANT_EVENTS, workspaceRoom } from '@/lib/parlant/realtime/events'
import {
  type JoinRefusal,
  type ParlantRoomManager,
  setupParlantHandlers as setupBridgeHandlers,
} from '@/lib/parlant/realtime/handlers'
import { callerKey, createCallerLimits, TOO_MANY_JOINS } from '@/lib/parlant/realtime/limits'
import { type AuthenticatedSocket, authenticateSocket } from '@/middleware/auth'
import type { IRoomManager } from '@/rooms'
import { parlantNamespace } from '@/routes/parlant-event'

const logger = createLogger('ParlantRealtime')

/**
 * Sim's access-revalidation sweep walks only the default namespace's sockets, so the bridge
 * re-checks its own rooms; same cadence as Sim's sweep.
 */
const REVALIDATE_INTERVAL_MS = 30_000

/** Missing and forbidden read the same, as in the bridge: nobody learns which agents exist. */
const NOT_FOUND: JoinRefusal = { error: 'Agent not found', code: 'not_found', retryable: false }
const WORKSPACE_NOT_FOUND: JoinRefusal = {
  error: 'Workspace not found',
  code: 'not_found',
  retryable: false,
}

interface Member {
  socket: AuthenticatedSocket
  /** Joined agent rooms: agent id → workspace id. */
  agents: Map<string, string>
  /** Joined workspace rooms (the workspace's agent list). */
  workspaces: Set<string>
  /**
   * Per agent (and \`workspace:<id>\`), bumped by every join and leave so a stale join cannot
   * complete after them.
   */
  intents: Map<string, number>
}

/** This pod's sockets on the bridge namespace (sockets are sticky to a pod). */
const members = new Map<string, Member>()

/**
 * The bridge's per-caller limits, as on the standalone host: one join budget shared by all of a
 * user's sockets and a cap on how many sockets a user holds (kept per pod).
 */
const limits = createCallerLimits()

function bump(member: Member, agentId: string) {
  const next = (member.intents.get(agentId) ?? 0) + 1
  member.intents.set(agentId, next)
  return next
}

/** Leaves an agent's room and the socket's caller room of that agent. */
async function leaveAgent(socket: AuthenticatedSocket, agentId: string) {
  await socket.leave(agentRoom(agentId))
  const { userId } = socket
  if (userId) await socket.leave(callerRoom(agentId, callerKey({ kind: 'user', userId })))
}

/**
 * Whether \`userId\` may read the agent's room under Sim's room policy (the installer adds
 * \`parlant-agent\` to \`ROOM_MEMBERSHIP_ACTIONS\` and \`ROOM_WORKSPACE_RESOLVERS\`). The
 * agent must also belong to the workspace the client named.
 */
async function mayRead(userId: string, agentId: string, workspaceId: string) {
  const result = await authorizeRoom({
    userId,
    room: { type: ROOM_TYPES.PARLANT_AGENT, id: agentId },
    action: 'read',
  })
  return result.allowed && result.workspaceId === workspaceId
}

/** Whether \`userId\` may read the workspace's agent list (the \`parlant-workspace\` room). */
async function mayReadWorkspace(userId: string, workspaceId: string) {
  const result = await authorizeRoom({
    userId,
    room: { type: ROOM_TYPES.PARLANT_WORKSPACE, id: workspaceId },
    action: 'read',
  })
  return result.allowed && result.workspaceId === workspaceId
}

/**
 * The bridge's join/leave handlers for one socket of the bridge namespace. Registered by
 * \`setupParlantNamespace\`, not by \`setupAllHandlers\`: the browser connects to the bridge
 * namespace, and rooms joined on the default namespace would never see the bridge's events.
 */
export function setupParlantHandlers(socket: AuthenticatedSocket, _roomManager: IRoomManager) {
  const member: Member = { socket, agents: new Map(), workspaces: new Set(), intents: new Map() }
  members.set(socket.id, member)
  const rooms: ParlantRoomManager = {
    async join(joining, payload) {
      const { userId } = socket
      if (!userId) {
        return { error: 'Authentication required', code: 'unauthorized', retryable: false }
      }
      if ((await limits.takeJoin(callerKey({ kind: 'user', userId }))) > 0) return TOO_MANY_JOINS
      const attempt = bump(member, payload.agentId)
      if (!(await mayRead(userId, payload.agentId, payload.workspaceId))) return NOT_FOUND
      // A leave or a newer join came in during the check, or the socket went away.
      if (member.intents.get(payload.agentId) !== attempt || socket.disconnected) {
        return {
          error: 'A later join or leave for this agent replaced this one',
          code: 'superseded',
          retryable: true,
        }
      }
      // Status to every reader; chat events and turn results only of the user's own conversations.
      await joining.join([
        agentRoom(payload.agentId),
        callerRoom(payload.agentId, callerKey({ kind: 'user', userId })),
      ])
      member.agents.set(payload.agentId, payload.workspaceId)
      return undefined
    },
    async leave(_leaving, payload) {
      bump(member, payload.agentId)
      member.agents.delete(payload.agentId)
      await leaveAgent(socket, payload.agentId)
    },
    async joinWorkspace(joining, { workspaceId }) {
      const { userId } = socket
      if (!userId) {
        return { error: 'Authentication required', code: 'unauthorized', retryable: false }
      }
      if ((await limits.takeJoin(callerKey({ kind: 'user', userId }))) > 0) return TOO_MANY_JOINS
      const attempt = bump(member, \`workspace:\${workspaceId}\`)
      if (!(await mayReadWorkspace(userId, workspaceId))) return WORKSPACE_NOT_FOUND
      if (member.intents.get(\`workspace:\${workspaceId}\`) !== attempt || socket.disconnected) {
        return {
          error: 'A later join or leave for this workspace replaced this one',
          code: 'superseded',
          retryable: true,
        }
      }
      await joining.join(workspaceRoom(workspaceId))
      member.workspaces.add(workspaceId)
      return undefined
    },
    async leaveWorkspace(leaving, { workspaceId }) {
      bump(member, \`workspace:\${workspaceId}\`)
      member.workspaces.delete(workspaceId)
      await leaving.leave(workspaceRoom(workspaceId))
    },
    async disconnect() {
      members.delete(socket.id)
    },
  }
  setupBridgeHandlers(socket, rooms)
}

/** Re-authorizes every joined agent room on this pod; evicts on a definite denial only. */
async function revalidate() {
  for (const member of [...members.values()]) {
    const { socket } = member
    if (!socket.userId || socket.disconnected) continue
    for (const [agentId, workspaceId] of [...member.agents]) {
      try {
        if (await mayRead(socket.userId, agentId, workspaceId)) continue
      } catch (error) {
        // A database blip must not evict anyone; the next pass checks again.
        logger.warn(\`Parlant room re-check failed for socket \${socket.id}\`, error)
        continue
      }
      // Left (or left and re-joined) during the check: that join did its own check.
      if (member.agents.get(agentId) !== workspaceId) continue
      bump(member, agentId)
      member.agents.delete(agentId)
      await leaveAgent(socket, agentId)
      socket.emit(PARLANT_EVENTS.evicted, {
        workspaceId,
        agentId,
        error: 'Access to this agent was revoked',
        code: 'not_found',
      })
    }
    for (const workspaceId of [...member.workspaces]) {
      try {
        if (await mayReadWorkspace(socket.userId, workspaceId)) continue
      } catch (error) {
        logger.warn(\`Parlant workspace re-check failed for socket \${socket.id}\`, error)
        continue
      }
      if (!member.workspaces.has(workspaceId)) continue
      bump(member, \`workspace:\${workspaceId}\`)
      member.workspaces.delete(workspaceId)
      await socket.leave(workspaceRoom(workspaceId))
      socket.emit(PARLANT_EVENTS.workspaceEvicted, {
        workspaceId,
        error: 'Access to this workspace was revoked',
        code: 'not_found',
      })
    }
  }
}

/**
 * Serves the bridge on the \`PARLANT_SOCKET_NAMESPACE\` namespace (default \`/parlant\`) of Sim's
 * socket server — the namespace the browser store connects to and \`POST /api/parlant-event\`
 * emits to — authenticated by Sim's own handshake middleware (middleware runs per namespace, so
 * the default namespace's \`io.use\` does not cover this one).
 */
export function setupParlantNamespace(io: Server, roomManager: IRoomManager) {
  const namespace = io.of(parlantNamespace(logger))
  namespace.use(authenticateSocket)
  namespace.use((socket, next) => {
    const { userId } = socket as AuthenticatedSocket
    if (!userId) return next()
    const caller = callerKey({ kind: 'user', userId })
    limits
      .openSocket(caller, socket.id)
      .then((admitted) => {
        if (!admitted) return next(new Error('Too many connections for this user'))
        socket.once('disconnect', () => {
          limits.closeSocket(caller, socket.id).catch(() => {})
        })
        next()
      })
      .catch(() => next(new Error('Authentication unavailable; retry')))
  })
  namespace.on('connection', (socket) =>
    setupParlantHandlers(socket as AuthenticatedSocket, roomManager)
  )
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    revalidate()
      .catch((error: unknown) => logger.error('Parlant room re-check sweep failed', error))
      .finally(() => {
        running = false
      })
  }, REVALIDATE_INTERVAL_MS)
  // Like Sim's sweep: never keep the process alive for this timer.
  timer.unref?.()
  return { namespace, stop: () => clearInterval(timer) }
}
`

/**
 * `apps/realtime/src/routes/parlant-event.ts`: the socket server's internal route for the bridge's
 * server-originated events. The Sim app's bridge (`lib/parlant/sim/host.ts`) posts
 * `{ room, event, payload }` here with \`x-api-key: INTERNAL_API_SECRET\`, as Sim's own notify
 * helpers do for their events.
 */
export const REALTIME_PARLANT_EVENT_ROUTE = `import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Server } from 'socket.io'
import { z } from 'zod'
import { env } from '@/env'

/** A status or chat event is small; anything near this is not one of ours. */
const MAX_BODY_BYTES = 1024 * 1024

const NAMESPACE_PATTERN = /^\\/[A-Za-z0-9_-]*$/

/** Only the bridge's rooms and events: this route must not become a way into other rooms. */
const parlantEventSchema = z
  .object({
    room: z
      .string()
      .max(200)
      .regex(
        /^parlant-(agent|caller|workspace):[^:\\s]+$/,
        'must be a parlant-agent, parlant-caller or parlant-workspace room'
      ),
    event: z
      .string()
      .max(100)
      .regex(/^parlant-[a-z-]+$/, 'must be a parlant event'),
    payload: z.unknown(),
  })
  .strict()

interface Logger {
  warn: (message: string, ...args: unknown[]) => void
  error: (message: string, ...args: unknown[]) => void
}

/** Compares digests so neither the content nor the length of the secret leaks through timing. */
function sameSecret(given: string, expected: string) {
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(given), digest(expected))
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify(body))
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        resolve(null)
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/**
 * The namespace the browser's Parlant socket connects to (the Sim app's PARLANT_SOCKET_NAMESPACE);
 * \`handlers/parlant.ts\` serves the same one.
 */
export function parlantNamespace(logger: Pick<Logger, 'warn'>) {
  const configured = process.env.PARLANT_SOCKET_NAMESPACE?.trim()
  if (!configured) return '/parlant'
  if (NAMESPACE_PATTERN.test(configured)) return configured
  logger.warn('PARLANT_SOCKET_NAMESPACE is invalid; using /parlant')
  return '/parlant'
}

/** \`POST /api/parlant-event\`: emits \`event\` with \`payload\` to \`room\` on every pod. */
export async function handleParlantEvent(
  req: IncomingMessage,
  res: ServerResponse,
  io: Server,
  logger: Logger
) {
  const expected = env.INTERNAL_API_SECRET
  const given = req.headers['x-api-key']
  const key = Array.isArray(given) ? given[0] : given
  if (!expected) return send(res, 401, { error: 'Internal API key not configured' })
  if (!key || !sameSecret(key, expected)) return send(res, 401, { error: 'Invalid API key' })
  try {
    const text = await readBody(req)
    if (text === null) return send(res, 413, { error: 'Body too large' })
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      return send(res, 400, { error: 'Body must be JSON' })
    }
    const parsed = parlantEventSchema.safeParse(body)
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => \`\${i.path.join('.') || 'body'}: \${i.message}\`)
      return send(res, 400, { error: \`Invalid Parlant event: \${issues.join('; ')}\` })
    }
    const { room, event, payload } = parsed.data
    io.of(parlantNamespace(logger)).to(room).emit(event, payload)
    send(res, 200, { success: true })
  } catch (error) {
    logger.error('Error relaying a Parlant event:', error)
    send(res, 500, { error: 'Failed to relay the Parlant event' })
  }
}
`
