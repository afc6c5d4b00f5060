/**
 * The bridge's host port inside Sim: Sim's route auth, Sim's workspace permissions, Sim's database,
 * and realtime through Sim's socket server. Server-originated socket events in Sim go over the
 * socket server's internal HTTP API (`POST /api/<event>` with `x-api-key`), so `publish` posts to
 * `/api/parlant-event`, a route the installer adds to `apps/realtime`.
 */
import { db } from '@sim/db'
import { createLogger } from '@sim/logger'
import { checkSessionOrInternalAuth } from '@/lib/auth/hybrid'
import { loggableError } from '@/lib/parlant/log-error'
import {
  type AuthenticatedUser,
  type BridgeHost,
  type BridgeLogger,
  systemClock,
} from '@/lib/parlant/ports'
import type { Permission } from '@/lib/parlant/schemas'
import { getUserEntityPermissions } from '@/lib/workspaces/permissions/utils'

/** Sim's own default for `SOCKET_SERVER_URL` (the realtime app's port in development). */
export const DEFAULT_SOCKET_SERVER_URL = 'http://localhost:3002'

/** The socket server's internal route for the bridge's events. */
export const PARLANT_EVENT_PATH = '/api/parlant-event'

/** Sim's notify helpers bound the wait the same way: a hung socket pod must not stall a request. */
export const PUBLISH_TIMEOUT_MS = 2000

export interface SimBridgeHostOptions {
  /** Defaults to `process.env` (`SOCKET_SERVER_URL`, `INTERNAL_API_SECRET`). */
  env?: NodeJS.ProcessEnv
  logger?: BridgeLogger
  fetch?: typeof fetch
  publishTimeoutMs?: number
}

type SimRequest = Parameters<typeof checkSessionOrInternalAuth>[0]

/** Creates the `BridgeHost` that wires the bridge into Sim. */
export function createSimBridgeHost(options: SimBridgeHostOptions = {}): BridgeHost {
  const env = options.env ?? process.env
  const logger = options.logger ?? createLogger('ParlantBridge')
  const fetchImpl = options.fetch ?? globalThis.fetch
  const timeoutMs = options.publishTimeoutMs ?? PUBLISH_TIMEOUT_MS
  const socketServerUrl = (env.SOCKET_SERVER_URL?.trim() || DEFAULT_SOCKET_SERVER_URL).replace(
    /\/+$/,
    ''
  )
  const secret = env.INTERNAL_API_SECRET?.trim() || undefined
  let warnedNoSecret = false

  async function authenticate(request: Request): Promise<AuthenticatedUser | null> {
    try {
      // Sim types the request as NextRequest; at run time Next hands the route exactly that.
      const result = await checkSessionOrInternalAuth(request as SimRequest, {
        requireWorkflowId: false,
      })
      // A JWT without a user passes Sim's check with `requireWorkflowId: false`, but the bridge
      // acts for a user, so it counts as anonymous. API keys are refused by Sim's check itself.
      if (!result.success || !result.userId || !result.authType) return null
      return {
        userId: result.userId,
        ...(result.userName ? { name: result.userName } : {}),
        authType: result.authType,
      }
    } catch (error) {
      // Sim's check catches its own failures; this guards a change there. No header is logged.
      logger.error('Sim authentication failed', {
        error: loggableError(error),
      })
      return null
    }
  }

  async function workspacePermission(
    userId: string,
    workspaceId: string
  ): Promise<Permission | null> {
    return getUserEntityPermissions(userId, 'workspace', workspaceId)
  }

  async function publish(room: string, event: string, payload: unknown): Promise<void> {
    if (!secret) {
      // The socket server refuses every internal call without the shared secret.
      if (!warnedNoSecret) {
        warnedNoSecret = true
        logger.warn('INTERNAL_API_SECRET is not set: Parlant realtime events are not published')
      }
      return
    }
    try {
      // boundary-raw-fetch: the realtime server's internal API is a shared-secret HTTP protocol.
      const response = await fetchImpl(`${socketServerUrl}${PARLANT_EVENT_PATH}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'x-api-key': secret },
        body: JSON.stringify({ room, event, payload }),
        signal: AbortSignal.timeout(timeoutMs),
      })
      // Nothing in the answer is needed; release it rather than leave the socket busy.
      await response.body?.cancel().catch(() => {})
      if (!response.ok) {
        logger.warn('Parlant realtime publish refused', { room, event, status: response.status })
      }
    } catch (error) {
      // Best effort, as Sim's notify helpers: a lost event costs a refetch, never a request.
      logger.warn('Parlant realtime publish failed', {
        room,
        event,
        error: loggableError(error),
      })
    }
  }

  return {
    authenticate,
    workspacePermission,
    db,
    publish,
    logger,
    clock: systemClock,
  }
}
