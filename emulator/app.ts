/**
 * The emulator's HTTP surface (Hono): one router per Parlant resource, as Parlant has one API
 * module per resource (`api/agents.ts`, `customers.ts`, `sessions.ts`, `events.ts`,
 * `guidelines.ts`, `tags.ts`, `health.ts`), wrapped in the emulator's own layers — the request
 * log, the loopback-only control routes under `/__emulator`, route faults and the optional bearer
 * check. Errors become Parlant's responses in one place (`api/http.ts`).
 */
import { Hono } from 'hono'
import { agentsRouter } from '@/emulator/api/agents'
import type { ApiContext, CreatedEventLogEntry } from '@/emulator/api/context'
import { customersRouter } from '@/emulator/api/customers'
import { eventsRouter } from '@/emulator/api/events'
import { guidelinesRouter } from '@/emulator/api/guidelines'
import { type EventLoopMonitor, healthRouter } from '@/emulator/api/health'
import { type Env, errorResponse } from '@/emulator/api/http'
import { sessionsRouter } from '@/emulator/api/sessions'
import { tagsRouter } from '@/emulator/api/tags'
import { controlRouter } from '@/emulator/control'
import type { FaultState } from '@/emulator/faults'
import type { EmulatorStore } from '@/emulator/store'

export type { CreatedEventLogEntry } from '@/emulator/api/context'

/** One served request, for tests that assert "posted once" or "retried twice". */
export interface RequestLogEntry {
  method: string
  path: string
  /** 0 when the connection was dropped by a fault. */
  status: number
  /** When the request came in, epoch ms. */
  startedAt: number
  /** When it was answered (or dropped), epoch ms. */
  at: number
}

export interface AppContext {
  store: EmulatorStore
  faults: FaultState
  delayMs: number
  /** Milliseconds per `wait_for_data` second (1000; smaller in tests). */
  waitUnitMs: number
  apiKey: string | undefined
  requestLog: RequestLogEntry[]
  createdEvents: CreatedEventLogEntry[]
  logLimit: number
  monitor: EventLoopMonitor
  /** Clears state, faults and logs (control route). */
  reset: () => void
}

/** Which agent a request names, for per-agent route faults. */
function agentOfPath(store: EmulatorStore, path: string): string | undefined {
  const parts = path.split('/').filter(Boolean)
  if (parts[0] === 'agents' && parts[1]) return decodeURIComponent(parts[1])
  if (parts[0] === 'sessions' && parts[1]) {
    return store.sessions.get(decodeURIComponent(parts[1]))?.dto.agent_id
  }
  return undefined
}

/** Python-repr-like header dump, as Starlette prints `Headers({...})` in 403 bodies. */
function headerDump(headers: Headers): string {
  const entries: string[] = []
  headers.forEach((value, key) => {
    entries.push(`'${key}': '${value}'`)
  })
  return `Headers({${entries.join(', ')}})`
}

function pushBounded<T>(list: T[], item: T, limit: number) {
  list.push(item)
  if (list.length > limit) list.splice(0, list.length - limit)
}

function slowBody(response: Response, delayMs: number): Response {
  const source = response.body
  if (!source) return response
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const bytes = new Uint8Array(await new Response(source).arrayBuffer())
      const half = Math.floor(bytes.length / 2)
      controller.enqueue(bytes.slice(0, half))
      await new Promise((resolve) => setTimeout(resolve, delayMs))
      controller.enqueue(bytes.slice(half))
      controller.close()
    },
  })
  const headers = new Headers(response.headers)
  headers.delete('content-length')
  return new Response(stream, { status: response.status, headers })
}

/** Builds the Hono app over the given state. */
export function createEmulatorApp(ctx: AppContext) {
  const { store, faults } = ctx
  const app = new Hono<Env>()

  // Request log (outermost, so faults and auth failures are logged too).
  app.use('*', async (c, next) => {
    const path = c.req.path
    if (path.startsWith('/__emulator')) return next()
    const startedAt = Date.now()
    try {
      await next()
    } finally {
      const status = c.finalized ? c.res.status : 0
      pushBounded(
        ctx.requestLog,
        { method: c.req.method, path, status, startedAt, at: Date.now() },
        ctx.logLimit
      )
    }
  })

  app.route('/__emulator', controlRouter(ctx))

  // Route faults.
  app.use('*', async (c, next) => {
    if (c.req.path.startsWith('/__emulator')) return next()
    const fault = faults.pick(c.req.method, c.req.path, () => agentOfPath(store, c.req.path))
    if (!fault) return next()
    switch (fault.action) {
      case 'status': {
        const status = fault.status ?? 500
        if (status === 500) return c.text('Internal Server Error', 500)
        const detail =
          status === 504
            ? 'Request timed out'
            : status === 503
              ? 'Service Unavailable'
              : 'Fault injected by the Parlant emulator'
        return c.json({ detail }, status as 400)
      }
      case 'drop': {
        c.env?.incoming?.socket?.destroy()
        return new Response(null, { status: 500 })
      }
      case 'delay': {
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1000))
        return next()
      }
      case 'slow_body': {
        await next()
        c.res = slowBody(c.res, fault.delayMs ?? 1000)
        return
      }
    }
  })

  // Optional bearer check. Like Parlant's 403, the body echoes the request headers, so clients
  // that log error bodies verbatim leak their key — the bridge's scrubbing is tested against it.
  app.use('*', async (c, next) => {
    if (!ctx.apiKey || c.req.path === '/healthz' || c.req.path.startsWith('/__emulator')) {
      return next()
    }
    if (c.req.header('authorization') === `Bearer ${ctx.apiKey}`) return next()
    const operation = `${c.req.method} ${c.req.path}`
    return c.json(
      {
        detail: `Authorization failed: OPERATION=${operation}, HEADERS=${headerDump(c.req.raw.headers)}`,
      },
      403
    )
  })

  const api: ApiContext = {
    store,
    faults,
    delayMs: ctx.delayMs,
    waitUnitMs: ctx.waitUnitMs,
    recordCreated: (entry) => pushBounded(ctx.createdEvents, entry, ctx.logLimit),
  }
  app.route('/healthz', healthRouter(ctx.monitor, 'parlant-emulator'))
  app.route('/agents', agentsRouter(api))
  app.route('/customers', customersRouter(api))
  app.route('/sessions', sessionsRouter(api))
  app.route('/sessions', eventsRouter(api))
  app.route('/guidelines', guidelinesRouter(api))
  app.route('/tags', tagsRouter(api))

  // Starlette's answers for a path no route has (404) and for a known path with another method
  // (405, naming the allowed ones).
  const routes = app.routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => ({
      method: r.method,
      pattern: new RegExp(`^${r.path.replace(/\/:[^/]+/g, '/[^/]+').replace(/\/$/, '')}/?$`),
    }))
  app.notFound((c) => {
    const allowed = routes.filter((r) => r.pattern.test(c.req.path)).map((r) => r.method)
    if (allowed.length === 0) return c.json({ detail: 'Not Found' }, 404)
    c.header('allow', [...new Set(allowed)].join(', '))
    return c.json({ detail: 'Method Not Allowed' }, 405)
  })
  app.onError((error, c) => errorResponse(c, error))
  return app
}
