/**
 * Shim of Sim's `withRouteHandler` (`@/lib/core/utils/with-route-handler`): gives each request an
 * 8-character id (`x-request-id` on every answer), maps a throw after the client went away to 499
 * and any other uncaught throw to 500 `{ error: 'Internal server error', requestId }` (or the
 * route's own envelopes from `options`), and logs 4xx/5xx answers. Sim types the request as a
 * `NextRequest`; outside Sim it is a Web `Request`. Sim's typed `HttpError` mapping is not shimmed
 * (the plugin throws none). Inside Sim the real one is used.
 */
import { createLogger } from '@sim/logger'
import { getErrorMessage } from '@sim/utils/errors'
import { generateId } from '@sim/utils/id'

const logger = createLogger('RouteHandler')

type RouteHandler<T = unknown> = (request: Request, context: T) => Promise<Response> | Response

interface RouteHandlerErrorContext {
  error: unknown
  requestId: string
}

interface RouteHandlerOptions {
  clientAbortResponse?: (context: RouteHandlerErrorContext) => Response
  unhandledErrorResponse?: (context: RouteHandlerErrorContext) => Response
}

/** Wraps a route verb as Sim requires of every exported verb. */
export function withRouteHandler<T>(
  handler: RouteHandler<T>,
  options: RouteHandlerOptions = {}
): RouteHandler<T> {
  return async (request: Request, context: T) => {
    const requestId = generateId().slice(0, 8)
    const startTime = Date.now()
    let response: Response
    try {
      response = await handler(request, context)
    } catch (error) {
      const duration = Date.now() - startTime
      if (request.signal.aborted) {
        logger.info('Client closed request', { duration, status: 499 })
        response = options.clientAbortResponse
          ? options.clientAbortResponse({ error, requestId })
          : new Response(null, { status: 499 })
      } else {
        logger.error('Unhandled route error', { duration, error: getErrorMessage(error) })
        response = options.unhandledErrorResponse
          ? options.unhandledErrorResponse({ error, requestId })
          : Response.json({ error: 'Internal server error', requestId }, { status: 500 })
      }
      response.headers.set('x-request-id', requestId)
      return response
    }
    const duration = Date.now() - startTime
    if (response.status >= 500)
      logger.error('Server error response', { status: response.status, duration })
    else if (response.status >= 400)
      logger.warn('Client error response', { status: response.status, duration })
    response.headers.set('x-request-id', requestId)
    return response
  }
}
