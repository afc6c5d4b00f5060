/**
 * The bridge's small router: matches a Web `Request` to a route by its contract's method and path,
 * then runs the same pipeline for every route — integration switch (503), authentication (401),
 * agent-token scope (403), rate limit per caller (429; writes and reads have separate budgets),
 * the request validated against the route's contract (400 naming each field), the handler — and
 * turns any failure into the one error shape.
 */
import type { z } from 'zod'
import { authenticate, type Principal, principalKey } from '@/lib/parlant/api/access'
import type { ChatPort } from '@/lib/parlant/api/chat-port'
import {
  DEFAULT_BODY_LIMIT_BYTES,
  errorHeaders,
  errorResponse,
  json,
  parseOrThrow,
  readJsonBody,
  toBridgeError,
} from '@/lib/parlant/api/http'
import type { ConversationService } from '@/lib/parlant/chat/history'
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
  /** Conversation history; without it the conversation routes answer 503. */
  conversations?: ConversationService
  limiter: RateLimiter
  /** Per-caller limit on reads (a flood of reads must not starve other workspaces). */
  readLimiter?: RateLimiter
  bodyLimitBytes?: number
}

/**
 * What the router needs of a route contract (Sim's `ApiRouteContract` fits it): method, path with
 * `[name]` segments, and the zod schemas of the params, query and body.
 */
export interface RouteContract {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  params?: z.ZodType
  query?: z.ZodType
  body?: z.ZodType
}

/** The output of a contract's slice; `undefined` when the contract declares none. */
type Parsed<S extends z.ZodType | undefined> = [NonNullable<S>] extends [never]
  ? undefined
  : z.output<NonNullable<S>>

/** A request validated against contract `C` (a slice the contract omits is `undefined`). */
export interface RouteInput<C extends RouteContract> {
  params: Parsed<C['params']>
  query: Parsed<C['query']>
  body: Parsed<C['body']>
}

/**
 * How a route file validates inside the pipeline: its own `parseRequest(contract, request,
 * context, parlantParseOptions)` (Sim's, in Sim), called once the caller is authenticated and
 * within the rate limit. A failure it renders as a response is answered as is.
 */
export type RouteParse = () => Promise<
  | { success: true; data: { params?: unknown; query?: unknown; body?: unknown } }
  | { success: false; response: Response }
>

/** Who calls and what they may use. */
export interface RouteContext {
  request: Request
  principal: Principal
  deps: ApiDeps
}

/** `api` routes answer `{ ...data }` / `{ error, code, details? }`; `tool` routes Sim's shape. */
export type RouteShape = 'api' | 'tool'

export interface RouteDefinition<C extends RouteContract = RouteContract> {
  /** Method, path and input schemas: the route file validates with the same contract. */
  contract: C
  shape: RouteShape
  /** Agent tokens may call it (for their own agent only; the handler checks which). */
  tokenAccess?: boolean
  /** Subject to the per-caller rate limit. */
  mutating?: boolean
  handle(ctx: RouteContext, input: RouteInput<C>): Promise<{ status?: number; body: unknown }>
}

/** Declares a route; its handler's input is typed by its contract. */
export function defineRoute<C extends RouteContract>(route: RouteDefinition<C>): RouteDefinition {
  return route
}

/** Path prefixes the bridge owns; anything else is not a bridge route. */
export const BRIDGE_PREFIXES = ['/api/parlant/', '/api/tools/parlant/'] as const

function isBridgePath(path: string) {
  return BRIDGE_PREFIXES.some((prefix) => path.startsWith(prefix) || `${path}/` === prefix)
}

/** A route's path template, split once: literal segments and `[name]` parameters. */
type PathPattern = ReadonlyArray<{ literal: string } | { param: string }>

function compilePath(template: string): PathPattern {
  return template
    .split('/')
    .filter(Boolean)
    .map((part) => {
      const name = /^\[(\w+)\]$/.exec(part)?.[1]
      return name ? { param: name } : { literal: part }
    })
}

/** The path's parameters when `segments` (the request path, split) fit `pattern`. */
function matchPath(pattern: PathPattern, segments: readonly string[]) {
  if (pattern.length !== segments.length) return undefined
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i] as PathPattern[number]
    if ('literal' in part && part.literal !== segments[i]) return undefined
  }
  const params: Record<string, string> = {}
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i] as PathPattern[number]
    if (!('param' in part)) continue
    const value = segments[i] as string
    try {
      params[part.param] = decodeURIComponent(value)
    } catch {
      params[part.param] = value
    }
  }
  return params
}

/** The query as Sim's `parseRequest` sees it: a repeated key becomes an array. */
function queryObject(searchParams: URLSearchParams) {
  const query: Record<string, string | string[]> = {}
  for (const key of new Set(searchParams.keys())) {
    const values = searchParams.getAll(key)
    query[key] = values.length > 1 ? values : (values[0] ?? '')
  }
  return query
}

/**
 * The bridge's own validation, for hosts that hand it the raw request (the standalone host): the
 * body read with the size limit (413) as JSON (415), then params, query and body, each against
 * the contract's schema (400 naming the fields).
 */
async function parseWithContract(
  contract: RouteContract,
  request: Request,
  url: URL,
  params: Record<string, string>,
  bodyLimitBytes: number
): Promise<RouteInput<RouteContract>> {
  const rawBody =
    contract.body && contract.method !== 'GET'
      ? await readJsonBody(request, bodyLimitBytes)
      : undefined
  return {
    params: contract.params ? parseOrThrow(contract.params, params) : undefined,
    query: contract.query ? parseOrThrow(contract.query, queryObject(url.searchParams)) : undefined,
    body: contract.body ? parseOrThrow(contract.body, rawBody) : undefined,
  }
}

function shapeError(shape: RouteShape, error: BridgeError) {
  if (shape === 'api') return errorResponse(error)
  return json({ success: false, error: error.message }, error.status, errorHeaders(error))
}

/** Builds `handle(request)`: a `Response` for bridge routes, undefined for anything else. */
export function createRouter(routes: readonly RouteDefinition[], deps: ApiDeps) {
  const limit = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES
  const compiled = routes.map((route) => ({ route, pattern: compilePath(route.contract.path) }))

  /**
   * Answers a bridge request, or undefined for any other path. `parse` is the route file's
   * validation; without one the bridge validates against the matched route's contract itself.
   */
  return async function handle(
    request: Request,
    parse?: RouteParse
  ): Promise<Response | undefined> {
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
    const segments = path.split('/').filter(Boolean)
    let match: { route: RouteDefinition; params: Record<string, string> } | undefined
    let allowed: Set<string> | undefined
    for (const { route, pattern } of compiled) {
      const params = matchPath(pattern, segments)
      if (!params) continue
      if (route.contract.method === request.method) {
        match = { route, params }
        break
      }
      allowed ??= new Set()
      allowed.add(route.contract.method)
    }
    if (!match) {
      if (!allowed) {
        return shapeError(shape, new BridgeError('not_found', `No bridge route at ${path}`))
      }
      const allow = [...allowed].join(', ')
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
      let input: RouteInput<RouteContract>
      if (parse) {
        const parsed = await parse()
        if (!parsed.success) return parsed.response
        input = {
          params: parsed.data.params,
          query: parsed.data.query,
          body: parsed.data.body,
        }
      } else {
        input = await parseWithContract(route.contract, request, url, params, limit)
      }
      const result = await route.handle({ request, principal, deps }, input)
      return json(result.body, result.status ?? 200)
    } catch (error) {
      return shapeError(shape, toBridgeError(error, deps.host.logger))
    }
  }
}
