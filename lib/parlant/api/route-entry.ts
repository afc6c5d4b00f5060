/**
 * The entry point of the `app/api/**​/route.ts` files: each hands its request, with its own
 * `parseRequest(contract, request, context, parlantParseOptions)`, to the bridge the host
 * registered at boot. The standalone host registers its bridge with `registerRouteBridge`; inside
 * Sim nothing boots first, so Sim's adapter (`lib/parlant/sim/route.ts`, which the installed route
 * files import) registers a factory and the bridge is created by the first request. This module
 * stays free of Sim imports.
 */
import type { z } from 'zod'
import {
  DEFAULT_BODY_LIMIT_BYTES,
  invalidJsonError,
  json,
  payloadTooLargeError,
  validationError,
} from '@/lib/parlant/api/http'
import type { RouteParse } from '@/lib/parlant/api/router'
import type { Bridge } from '@/lib/parlant/bridge'
import { isBridgeError } from '@/lib/parlant/errors'

type RouteBridge = Pick<Bridge, 'handle'>

/**
 * The options route files give Sim's `parseRequest`: the bridge's body limit, an optional body
 * (routes whose body is required say so in their contract), and failures thrown as the bridge's
 * errors — the bridge answers them in the route's own shape (`{ error, code, details }`, or
 * `{ success: false, error }` on tool routes), which one response factory could not know.
 */
export const parlantParseOptions = {
  maxBodyBytes: DEFAULT_BODY_LIMIT_BYTES,
  optionalJsonBody: true,
  validationErrorResponse: (error: z.ZodError): never => {
    throw validationError(error)
  },
  invalidJsonResponse: (): never => {
    throw invalidJsonError()
  },
  payloadTooLargeResponse: (): never => {
    throw payloadTooLargeError(DEFAULT_BODY_LIMIT_BYTES)
  },
}

let registered: RouteBridge | undefined
let factory: (() => Promise<RouteBridge>) | undefined
let creating: Promise<RouteBridge> | undefined

/** Makes `bridge` the one the route files serve. */
export function registerRouteBridge(bridge: RouteBridge | undefined) {
  registered = bridge
}

/**
 * Creates the bridge on first use when none is registered. A factory that throws a `BridgeError`
 * (e.g. a required setting is missing) answers that error; the next request tries again.
 */
export function setRouteBridgeFactory(create: (() => Promise<RouteBridge>) | undefined) {
  factory = create
  creating = undefined
}

/** The registered bridge, else the factory's (one creation shared by concurrent requests). */
async function routeBridge(): Promise<RouteBridge | undefined> {
  if (registered) return registered
  if (!factory) return undefined
  creating ??= factory().catch((error: unknown) => {
    // Not cached: a fixed setting must take effect without restarting the server.
    creating = undefined
    throw error
  })
  return creating
}

/** The bridge's error shape of the route: tool routes answer `{ success: false, error }`. */
function unavailable(request: Request, error: string, code = 'integration_disabled', status = 503) {
  const tool = new URL(request.url).pathname.startsWith('/api/tools/')
  return json(tool ? { success: false, error } : { error, code }, status)
}

/**
 * Serves one request of a bridge route file. `parse` is the route file's contract validation; the
 * bridge runs it after authentication and the rate limit (without it the bridge validates against
 * the matched route's contract itself).
 */
export async function parlantRoute(request: Request, parse?: RouteParse): Promise<Response> {
  let bridge: RouteBridge | undefined
  try {
    bridge = await routeBridge()
  } catch (error) {
    // Only a BridgeError's message is written to be shown; anything else could carry internals.
    return isBridgeError(error)
      ? unavailable(request, error.message, error.code, error.status)
      : unavailable(request, 'The Parlant bridge failed to start on this server')
  }
  if (!bridge) return unavailable(request, 'The Parlant bridge is not initialised on this server')
  return (
    (await bridge.handle(request, parse)) ??
    json({ error: 'No bridge route here', code: 'not_found' }, 404)
  )
}
