/**
 * Shim of Sim's `withRouteHandler` (`@/lib/core/utils/with-route-handler`): gives each request an
 * id (`x-request-id`), maps a client abort to 499 and any uncaught throw to
 * 500 `{ error: 'Internal server error', requestId }`. Inside Sim the real one is used.
 */
import { createLogger } from '@sim/logger'
import { generateShortId } from '@sim/utils/id'

const logger = createLogger('RouteHandler')

type Handler<C> = (request: Request, context: C) => Promise<Response> | Response

/** Wraps a route verb as Sim requires of every exported verb. */
export function withRouteHandler<C = unknown>(handler: Handler<C>) {
  return async (request: Request, context: C): Promise<Response> => {
    const requestId = generateShortId(8)
    let response: Response
    try {
      response = await handler(request, context)
    } catch (error) {
      if (request.signal.aborted) {
        response = new Response(null, { status: 499 })
      } else {
        logger.error(`[${requestId}] Unhandled route error`, {
          error: error instanceof Error ? error.message : String(error),
        })
        response = Response.json({ error: 'Internal server error', requestId }, { status: 500 })
      }
    }
    if (response.status >= 400) {
      logger.warn(
        `[${requestId}] ${request.method} ${new URL(request.url).pathname} → ${response.status}`
      )
    }
    const headers = new Headers(response.headers)
    headers.set('x-request-id', requestId)
    return new Response(response.body, { status: response.status, headers })
  }
}
