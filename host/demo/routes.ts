/**
 * The demo page of the standalone host: `GET /` signs the dev user in when the host is bound to
 * loopback (a random, expiring, server-side session id in an `HttpOnly`, `SameSite=Strict`
 * cookie — never a key) and serves an HTML shell; the client bundle and the stylesheet are served
 * from memory under `/demo/`.
 */
import type { Context, Hono } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { loggableError } from '@/lib/parlant/log-error'
import { SESSION_COOKIE } from '@/host/auth'
import { type DemoAssets, demoAssets } from '@/host/demo/bundle'
import { mayStartSession } from '@/host/request-guard'
import type { DevIdentity } from '@/host/seed'

export interface DemoRouteOptions {
  identity: DevIdentity
  /**
   * Starts a session for the dev user unless `existing` (the request's session cookie) already is
   * one (then null); unset (no automatic sign-in) unless bound to loopback.
   */
  signIn?(existing: string | undefined): Promise<{ id: string; expiresAt: Date } | null>
  /** The socket.io namespace of the bridge's events. */
  socketNamespace: string
  logger?: { error(message: string, context?: Record<string, unknown>): void }
}

/** The page's icon: a speech bubble on the brand's dark square. */
const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1f1f23"/><path d="M9 10.5A2.5 2.5 0 0 1 11.5 8h9a2.5 2.5 0 0 1 2.5 2.5v6a2.5 2.5 0 0 1-2.5 2.5H15l-4 4v-4.2A2.5 2.5 0 0 1 9 16.5z" fill="none" stroke="#fff" stroke-width="1.8" stroke-linejoin="round"/></svg>`

function escapeAttribute(value: string) {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
}

function page(options: DemoRouteOptions) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parlant Agent · Sim ⇄ Parlant bridge</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/demo/styles.css">
<script type="module" src="/demo/app.js"></script>
</head>
<body>
<div id="root" data-workspace-id="${escapeAttribute(options.identity.workspaceId)}" data-socket-namespace="${escapeAttribute(options.socketNamespace)}"><p style="font: 13px system-ui, sans-serif; color: #76767e; padding: 24px">Loading the demo…</p></div>
<noscript>The demo page needs JavaScript.</noscript>
</body>
</html>`
}

/** Mounts `/`, `/demo/app.js` and `/demo/styles.css`; the bundle is built once, in memory. */
export function mountDemoRoutes(app: Hono, options: DemoRouteOptions) {
  app.get('/', async (c) => {
    // Bundle on the first page view rather than at boot: hosts started by tests that never open
    // the page pay nothing, and the build overlaps the browser parsing the shell.
    demoAssets().catch((error: unknown) =>
      options.logger?.error('demo page bundle failed', { error: loggableError(error) })
    )
    // Only the user's own navigation signs in; an <img> or frame from another site gets the page.
    const session = mayStartSession(c.req.raw.headers)
      ? await options.signIn?.(getCookie(c, SESSION_COOKIE))
      : undefined
    if (session) {
      setCookie(c, SESSION_COOKIE, session.id, {
        path: '/',
        httpOnly: true,
        sameSite: 'Strict',
        expires: session.expiresAt,
        maxAge: Math.floor((session.expiresAt.getTime() - Date.now()) / 1000),
      })
    }
    c.header('cache-control', 'no-store')
    return c.html(page(options))
  })
  const asset = (kind: keyof DemoAssets, type: string) => async (c: Context) => {
    try {
      const assets = await demoAssets()
      return c.body(assets[kind], 200, { 'content-type': type, 'cache-control': 'no-cache' })
    } catch (error) {
      options.logger?.error('demo page bundle failed', { error: loggableError(error) })
      return c.json({ error: 'The demo page bundle failed to build', code: 'internal' }, 500)
    }
  }
  const favicon = (c: Context) =>
    c.body(FAVICON_SVG, 200, {
      'content-type': 'image/svg+xml',
      'cache-control': 'public, max-age=86400',
    })
  // Browsers ask for /favicon.ico on their own; both answer with the same icon.
  app.get('/favicon.svg', favicon)
  app.get('/favicon.ico', favicon)
  app.get('/demo/app.js', asset('script', 'text/javascript; charset=utf-8'))
  app.get('/demo/styles.css', asset('styles', 'text/css; charset=utf-8'))
}
