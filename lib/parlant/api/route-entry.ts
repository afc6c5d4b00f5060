/**
 * The entry point of the `app/api/**​/route.ts` files: they hand Sim's request to the bridge the
 * host registered at boot (Sim's adapter, or the standalone host), so route files stay one line.
 */
import { json } from '@/lib/parlant/api/http'
import type { Bridge } from '@/lib/parlant/bridge'

let registered: Pick<Bridge, 'handle'> | undefined

/** Makes `bridge` the one the route files serve. */
export function registerRouteBridge(bridge: Pick<Bridge, 'handle'> | undefined) {
  registered = bridge
}

/** Serves one request of a bridge route file. */
export async function parlantRoute(request: Request): Promise<Response> {
  if (!registered) {
    return json(
      {
        error: 'The Parlant bridge is not initialised on this server',
        code: 'integration_disabled',
      },
      503
    )
  }
  return (
    (await registered.handle(request)) ??
    json({ error: 'No bridge route here', code: 'not_found' }, 404)
  )
}
