/**
 * Response headers of every answer of the standalone host: the page and its assets may not be
 * framed by anyone (another port of 127.0.0.1 is the same site, so the `SameSite=Strict` cookie
 * would ride along a clickjacking frame), nothing is content-sniffed, and the page runs only its
 * own script and styles and talks only to its own origin (socket.io included).
 */
import type { ServerResponse } from 'node:http'
import type { MiddlewareHandler } from 'hono'

/** The page's Content-Security-Policy. Inline styles: the shell's loading note and React's. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const SECURITY_HEADERS = [
  ['x-frame-options', 'DENY'],
  ['content-security-policy', CONTENT_SECURITY_POLICY],
  ['x-content-type-options', 'nosniff'],
] as const

/** The Node response under a request served by `@hono/node-server`, if that is what serves it. */
function nodeResponse(env: unknown): ServerResponse | undefined {
  const outgoing = (env as { outgoing?: ServerResponse } | undefined)?.outgoing
  return typeof outgoing?.setHeader === 'function' && !outgoing.headersSent ? outgoing : undefined
}

/**
 * Sets `X-Frame-Options`, the CSP and `X-Content-Type-Options` on every response. Under Node they
 * go on the server response up front, which every answer written through it carries (nothing in
 * the host sets them otherwise); this spares turning each `Response`'s headers into a `Headers`.
 */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  const outgoing = nodeResponse(c.env)
  if (outgoing) {
    for (const [name, value] of SECURITY_HEADERS) outgoing.setHeader(name, value)
    await next()
    return
  }
  await next()
  for (const [name, value] of SECURITY_HEADERS) c.res.headers.set(name, value)
}
