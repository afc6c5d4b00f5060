/**
 * The entry point of the `app/api/**​/route.ts` files: they hand Sim's request to the bridge the
 * host registered at boot, so route files stay one line. The standalone host registers its bridge
 * with `registerRouteBridge`; inside Sim nothing boots first, so Sim's adapter
 * (`lib/parlant/sim/route.ts`, which the installed route files import) registers a factory and the
 * bridge is created by the first request. This module stays free of Sim imports.
 */
import { json } from '@/lib/parlant/api/http'
import type { Bridge } from '@/lib/parlant/bridge'
import { isBridgeError } from '@/lib/parlant/errors'

type RouteBridge = Pick<Bridge, 'handle'>

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

/** Serves one request of a bridge route file. */
export async function parlantRoute(request: Request): Promise<Response> {
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
    (await bridge.handle(request)) ??
    json({ error: 'No bridge route here', code: 'not_found' }, 404)
  )
}
