/**
 * The bridge's small router: matches a Web `Request` to a route, then runs the same pipeline for
 * every route — integration switch (503), authentication (401), agent-token scope (403), rate limit
 * per caller (429; writes and reads have separate budgets), the handler — and turns any failure into the one error shape.
 */

import { authenticate, type Principal, principalKey } from '@/lib/parlant/api/access'
import type { ChatPort } from '@/lib/parlant/api/chat-port'
import {
  DEFAULT_BODY_LIMIT_BYTES,
  errorHeaders,
  errorResponse,
  json,
  readJsonBody,
  toBridgeError,
} from '@/lib/parlant/api/http'
import type { BridgeConfig } from '@/lib/parlant/config'
import { BridgeError } from '@/lib/parlant/errors'
import type { LifecycleService } from '@/lib/parlant/lifecycle'
import type { BridgeHost } from '@/lib/parlant/ports'
import type { RateLimiter } from '@/lib/parlant/rate-limit'
import type { TokenService } from '@/lib/parlant/tokens'

/** Everything handlers use. */
export interface ApiDeps {
  host: BridgeHost
  config: BridgeConfig
  lifecycle: LifecycleService
  tokens: TokenService
  chat?: ChatPort
  limiter: RateLimiter
  /** Per-caller limit on reads (a flood of reads must not starve other workspaces). */
  readLimiter?: RateLimiter
  bodyLimitBytes?: number
}

/** What a handler gets. */
export interface RouteContext {
  request: Request
  params: Record<string, string>
  query: URLSearchParams
  principal: Principal
  deps: ApiDeps
  /** The JSON body (undefined when there is none), read once with the size limit. */
  body(): Promise<unknown>
}

/** `api` routes answer `{ ...data }` / `{ error, code, details? }`; `tool` routes Sim's shape. */
export type RouteShape = 'api' | 'tool'

export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Path with `:name` segments. */
  pattern: string
  shape: RouteShape
  /** Agent tokens may call it (for their own agent only; the handler checks which). */
  tokenAccess?: boolean
  /** Subject to the per-caller rate limit. */
  mutating?: boolean
  handle(ctx: RouteContext): Promise<{ status?: number; body: unknown }>
}

/** Path prefixes the bridge owns; anything else is not a bridge route. */
export const BRIDGE_PREFIXES = ['/api/parlant/', '/api/tools/parlant/'] as const

function isBridgePath(path: string) {
  return BRIDGE_PREFIXES.some((prefix) => path.startsWith(prefix) || `${path}/` === prefix)
}

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean)
  const have = path.split('/').filter(Boolean)
  if (want.length !== have.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const part = want[i] as string
    const value = have[i] as string
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(value)
      } catch {
        params[part.slice(1)] = value
      }
    } else if (part !== value) return undefined
  }
  return params
}

function shapeError(shape: RouteShape, error: BridgeError) {
  if (shape === 'api') return errorResponse(error)
  return json({ success: false, error: error.message }, error.status, errorHeaders(error))
}

/** Builds `handle(request)`: a `Response` for bridge routes, undefined for anything else. */
export function createRouter(routes: readonly RouteDefinition[], deps: ApiDeps) {
  const limit = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES

  return async function handle(request: Request): Promise<Response | undefined> {
    const url = new URL(request.url)
    const path = url.pathname.replace(/\/+$/, '') || '/'
    if (!isBridgePath(path)) return undefined
    const shape: RouteShape = path.startsWith('/api/tools/') ? 'tool' : 'api'
    if (!deps.config.enabled) {
      return shapeError(
        shape,
        new BridgeError(
          'integration_disabled',
          'The Parlant integration is disabled on this server (ENABLE_PARLANT_INTEGRATION=false)'
        )
      )
    }
    const candidates = routes
      .map((route) => ({ route, params: matchPattern(route.pattern, path) }))
      .filter((c): c is { route: RouteDefinition; params: Record<string, string> } => !!c.params)
    if (candidates.length === 0) {
      return shapeError(shape, new BridgeError('not_found', `No bridge route at ${path}`))
    }
    const match = candidates.find((c) => c.route.method === request.method)
    if (!match) {
      const allow = [...new Set(candidates.map((c) => c.route.method))].join(', ')
      const error = new BridgeError(
        'validation_error',
        `Method ${request.method} is not allowed here; use ${allow}`
      )
      const response = shapeError(shape, error)
      return new Response(response.body, {
        status: 405,
        headers: { 'content-type': 'application/json; charset=utf-8', allow },
      })
    }
    const { route, params } = match
    try {
      const principal = await authenticate(request, deps.host, deps.tokens)
      if (principal.kind === 'agent' && !route.tokenAccess) {
        throw new BridgeError(
          'forbidden',
          'Agent tokens only authorize chat and status of their own agent'
        )
      }
      const limiter = route.mutating ? deps.limiter : deps.readLimiter
      if (limiter) {
        const waitSeconds = limiter.take(principalKey(principal))
        if (waitSeconds > 0) {
          throw new BridgeError('rate_limited', 'Too many requests; slow down', undefined, {
            retryAfterSeconds: waitSeconds,
          })
        }
      }
      let bodyRead: Promise<unknown> | undefined
      const result = await route.handle({
        request,
        params,
        query: url.searchParams,
        principal,
        deps,
        body: () => {
          bodyRead ??= readJsonBody(request, limit)
          return bodyRead
        },
      })
      return json(result.body, result.status ?? 200)
    } catch (error) {
      return shapeError(shape, toBridgeError(error, deps.host.logger))
    }
  }
}
