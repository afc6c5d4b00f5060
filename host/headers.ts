/**
 * Response headers of every answer of the standalone host: the page and its assets may not be
 * framed by anyone (another port of 127.0.0.1 is the same site, so the `SameSite=Strict` cookie
 * would ride along a clickjacking frame), nothing is content-sniffed, and the page runs only its
 * own script and styles and talks only to its own origin (socket.io included).
 */
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

/** Sets `X-Frame-Options`, the CSP and `X-Content-Type-Options` on every response. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next()
  c.res.headers.set('x-frame-options', 'DENY')
  c.res.headers.set('content-security-policy', CONTENT_SECURITY_POLICY)
  c.res.headers.set('x-content-type-options', 'nosniff')
}
