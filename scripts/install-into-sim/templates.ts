/** Files the installer writes that have no counterpart in this repository. */

/** `apps/sim/lib/parlant/db/schema.ts` inside Sim: the tables live in `@sim/db/schema`. */
export const SIM_LIB_SCHEMA = `/**
 * Inside Sim the bridge's tables are part of \`packages/db\` (\`parlant-schema.ts\`, re-exported by
 * \`@sim/db/schema\`); this module keeps the bridge's own import path working.
 */
export * from '@sim/db/schema'
`

/** `apps/realtime/src/handlers/parlant.ts`: the bridge's socket handlers on Sim's socket server. */
export const REALTIME_HANDLER = `import { authorizeRoom } from '@sim/platform-authz'
import type { AuthenticatedSocket } from '@/middleware/auth'
import type { IRoomManager } from '@/rooms'
import { agentRoom, PARLANT_AGENT_ROOM_TYPE } from '@/lib/parlant/realtime/events'
import {
  type ParlantRoomManager,
  setupParlantHandlers as setupBridgeHandlers,
} from '@/lib/parlant/realtime/handlers'

/**
 * The Parlant agent room on Sim's socket server: joins are authorized by Sim's room policy
 * (the installer adds \`parlant-agent\` to \`ROOM_MEMBERSHIP_ACTIONS\` and
 * \`ROOM_WORKSPACE_RESOLVERS\`, resolving the agent id to its workspace) on every join.
 */
export function setupParlantHandlers(socket: AuthenticatedSocket, _roomManager: IRoomManager) {
  const rooms: ParlantRoomManager = {
    async join(joining, payload) {
      const allowed = await authorizeRoom({
        userId: socket.userId,
        room: { type: PARLANT_AGENT_ROOM_TYPE, id: payload.agentId },
        action: 'join',
      })
      if (!allowed) return { error: 'Agent not found', code: 'not_found', retryable: false }
      await joining.join(agentRoom(payload.agentId))
      return undefined
    },
    async leave(leaving, payload) {
      await leaving.leave(agentRoom(payload.agentId))
    },
    async disconnect() {},
  }
  setupBridgeHandlers(socket, rooms)
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
      .regex(/^parlant-agent:[^:\\s]+$/, 'must be a parlant-agent room'),
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

/** The namespace the browser's Parlant socket connects to (the Sim app's PARLANT_SOCKET_NAMESPACE). */
function parlantNamespace(logger: Logger) {
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
