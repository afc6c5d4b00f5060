/**
 * The emulator's HTTP surface (Hono): Parlant's routes with its status codes and bodies — 201 on
 * create, 204 on delete, 404 `{"detail": "… not found (id='…')"}`, FastAPI 422 `{"detail": [{loc,
 * msg, type}]}`, 504 `{"detail": "Request timed out"}` for a long poll with nothing new, a bare 500
 * for a duplicate id — plus the loopback-only control routes under `/__emulator`.
 */
import type { HttpBindings } from '@hono/node-server'
import { type Context, Hono } from 'hono'
import type { z } from 'zod'
import {
  type Agent,
  agentCreationParamsSchema,
  agentUpdateParamsSchema,
  type Customer,
  customerCreationParamsSchema,
  eventCreationParamsSchema,
  eventKindSchema,
  eventSourceSchema,
  type Guideline,
  guidelineCreationParamsSchema,
  guidelineUpdateParamsSchema,
  type ParlantEvent,
  type Session,
  sessionCreationParamsSchema,
  sessionUpdateParamsSchema,
  tagCreationParamsSchema,
} from '@/lib/parlant/client/schemas'
import { type FaultConfig, type FaultState, faultConfigSchema } from '@/emulator/faults'
import {
  type Change,
  type EmulatorStore,
  generateId,
  generateTraceId,
  type SessionState,
} from '@/emulator/store'
import { startTurn } from '@/emulator/turns'

/** One served request, for tests that assert "posted once" or "retried twice". */
export interface RequestLogEntry {
  method: string
  path: string
  /** 0 when the connection was dropped by a fault. */
  status: number
  at: number
}

/** One event created through `POST /sessions/{id}/events`. */
export interface CreatedEventLogEntry {
  sessionId: string
  event: ParlantEvent
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
  /** Clears state, faults and logs (control route). */
  reset: () => void
}

type Env = { Bindings: HttpBindings }
type Ctx = Context<Env>

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])

const notFound = (c: Ctx, what: string, id: string) =>
  c.json({ detail: `${what} not found (id='${id}')` }, 404)

/** Mirrors a FastAPI 422 from zod issues. */
function validationFailure(c: Ctx, where: 'body' | 'query', issues: z.core.$ZodIssue[]) {
  return c.json(
    {
      detail: issues.map((issue) => {
        const missing = issue.code === 'invalid_type' && issue.input === undefined
        return {
          type: missing ? 'missing' : issue.code,
          loc: [where, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
          msg: missing ? 'Field required' : issue.message,
          input: issue.input ?? null,
        }
      }),
    },
    422
  )
}

/** Reads and validates a JSON body, or returns the 422 response. */
async function readBody<S extends z.ZodType>(
  c: Ctx,
  schema: S
): Promise<{ ok: true; value: z.output<S> } | { ok: false; response: Response }> {
  const text = await c.req.text()
  let json: unknown
  try {
    json = text.length > 0 ? JSON.parse(text) : undefined
  } catch {
    return {
      ok: false,
      response: c.json(
        {
          detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {} }],
        },
        422
      ),
    }
  }
  const parsed = schema.safeParse(json, { reportInput: true })
  if (!parsed.success)
    return { ok: false, response: validationFailure(c, 'body', parsed.error.issues) }
  return { ok: true, value: parsed.data }
}

/** Parses an integer query parameter; undefined when absent, NaN when malformed. */
function intQuery(c: Ctx, name: string): number | undefined {
  const raw = c.req.query(name)
  if (raw === undefined || raw === '') return undefined
  return /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN
}

function badQuery(c: Ctx, name: string, msg: string, input: unknown) {
  return c.json({ detail: [{ type: 'int_parsing', loc: ['query', name], msg, input }] }, 422)
}

function boolQuery(c: Ctx, name: string, fallback: boolean): boolean {
  const raw = c.req.query(name)
  if (raw === undefined) return fallback
  return ['true', '1', 'yes', 'on'].includes(raw.toLowerCase())
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
    try {
      await next()
    } finally {
      pushBounded(
        ctx.requestLog,
        { method: c.req.method, path, status: c.finalized ? c.res.status : 0, at: Date.now() },
        ctx.logLimit
      )
    }
  })

  // Control routes: loopback only, never faulted, no bearer check.
  const control = new Hono<Env>()
  control.use('*', async (c, next) => {
    const remote = c.env?.incoming?.socket?.remoteAddress
    if (remote !== undefined && !LOOPBACK.has(remote)) {
      return c.json({ detail: 'The emulator control API is loopback-only' }, 403)
    }
    return next()
  })
  control.get('/faults', (c) => c.json(faults.get()))
  const setFaults = async (c: Ctx) => {
    const body = await readBody(c, faultConfigSchema)
    if (!body.ok) return body.response
    faults.set(body.value as FaultConfig)
    return c.json(faults.get())
  }
  control.put('/faults', setFaults)
  control.post('/faults', setFaults)
  control.delete('/faults', (c) => {
    faults.set({})
    return c.body(null, 204)
  })
  control.post('/reset', (c) => {
    ctx.reset()
    return c.body(null, 204)
  })
  control.get('/requests', (c) => c.json(ctx.requestLog))
  control.get('/events-log', (c) => c.json(ctx.createdEvents))
  app.route('/__emulator', control)

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

  app.get('/healthz', (c) =>
    c.json({ instance_id: 'parlant-emulator', status: 'healthy', checks: {} })
  )

  // ------------------------------------------------------------------------------------- agents
  app.get('/agents', (c) => c.json([...store.agents.values()]))
  app.post('/agents', async (c) => {
    const body = await readBody(c, agentCreationParamsSchema)
    if (!body.ok) return body.response
    const p = body.value
    const id = p.id ?? generateId()
    // Parlant raises ValueError on a duplicate id, which surfaces as a bare 500 (not 409).
    if (store.agents.has(id)) return c.text('Internal Server Error', 500)
    const agent: Agent = {
      id,
      name: p.name,
      description: p.description ?? null,
      max_engine_iterations: p.max_engine_iterations ?? 3,
      composition_mode: p.composition_mode ?? 'fluid',
      message_output_mode: p.message_output_mode ?? 'block',
      tags: p.tags ?? [],
    }
    store.agents.set(id, agent)
    return c.json(agent, 201)
  })
  app.get('/agents/:id', (c) => {
    const agent = store.agents.get(c.req.param('id'))
    return agent ? c.json(agent) : notFound(c, 'Agent', c.req.param('id'))
  })
  app.patch('/agents/:id', async (c) => {
    const agent = store.agents.get(c.req.param('id'))
    if (!agent) return notFound(c, 'Agent', c.req.param('id'))
    const body = await readBody(c, agentUpdateParamsSchema)
    if (!body.ok) return body.response
    const p = body.value
    if (p.name != null) agent.name = p.name
    if (p.description !== undefined) agent.description = p.description
    if (p.max_engine_iterations != null) agent.max_engine_iterations = p.max_engine_iterations
    if (p.composition_mode != null) agent.composition_mode = p.composition_mode
    if (p.message_output_mode != null) agent.message_output_mode = p.message_output_mode
    if (p.tags) {
      const tags = new Set(agent.tags)
      for (const t of p.tags.add ?? []) tags.add(t)
      for (const t of p.tags.remove ?? []) tags.delete(t)
      agent.tags = [...tags]
    }
    return c.json(agent)
  })
  app.delete('/agents/:id', (c) => {
    if (!store.agents.delete(c.req.param('id'))) return notFound(c, 'Agent', c.req.param('id'))
    return c.body(null, 204)
  })

  // ---------------------------------------------------------------------------------- customers
  app.get('/customers', (c) => c.json([...store.customers.values()]))
  app.post('/customers', async (c) => {
    const body = await readBody(c, customerCreationParamsSchema)
    if (!body.ok) return body.response
    const p = body.value
    const id = p.id ?? generateId()
    if (store.customers.has(id) || id === 'guest') return c.text('Internal Server Error', 500)
    const customer: Customer = {
      id,
      creation_utc: new Date().toISOString(),
      name: p.name,
      metadata: p.metadata ?? {},
      tags: p.tags ?? [],
    }
    store.customers.set(id, customer)
    return c.json(customer, 201)
  })
  app.get('/customers/:id', (c) => {
    const id = c.req.param('id')
    const customer = store.customers.get(id)
    if (customer) return c.json(customer)
    if (id === 'guest') {
      return c.json({
        id,
        creation_utc: new Date(0).toISOString(),
        name: 'Guest',
        metadata: {},
        tags: [],
      })
    }
    return notFound(c, 'Customer', id)
  })
  app.delete('/customers/:id', (c) => {
    if (!store.customers.delete(c.req.param('id')))
      return notFound(c, 'Customer', c.req.param('id'))
    return c.body(null, 204)
  })

  // ----------------------------------------------------------------------------------- sessions
  const sessionMatches = (s: Session, agentId?: string, customerId?: string) =>
    (!agentId || s.agent_id === agentId) && (!customerId || s.customer_id === customerId)

  app.get('/sessions', (c) => {
    const agentId = c.req.query('agent_id')
    const customerId = c.req.query('customer_id')
    const list = [...store.sessions.values()]
      .map((s) => s.dto)
      .filter((s) => sessionMatches(s, agentId, customerId))
    return c.json(list)
  })
  app.delete('/sessions', (c) => {
    const agentId = c.req.query('agent_id')
    const customerId = c.req.query('customer_id')
    for (const s of [...store.sessions.values()]) {
      if (sessionMatches(s.dto, agentId, customerId)) store.deleteSession(s.dto.id)
    }
    return c.body(null, 204)
  })
  app.post('/sessions', async (c) => {
    const body = await readBody(c, sessionCreationParamsSchema)
    if (!body.ok) return body.response
    const p = body.value
    if (!store.agents.has(p.agent_id)) return notFound(c, 'Agent', p.agent_id)
    const dto: Session = {
      id: generateId(),
      agent_id: p.agent_id,
      customer_id: p.customer_id ?? 'guest',
      creation_utc: new Date().toISOString(),
      title: p.title ?? null,
      mode: 'auto',
      consumption_offsets: { client: 0 },
      metadata: p.metadata ?? {},
      labels: p.labels ?? [],
    }
    store.sessions.set(dto.id, {
      dto,
      events: [],
      nextOffset: 0,
      waiters: new Set(),
      turn: undefined,
    })
    return c.json(dto, 201)
  })
  app.get('/sessions/:id', (c) => {
    const state = store.sessions.get(c.req.param('id'))
    return state ? c.json(state.dto) : notFound(c, 'Session', c.req.param('id'))
  })
  app.patch('/sessions/:id', async (c) => {
    const state = store.sessions.get(c.req.param('id'))
    if (!state) return notFound(c, 'Session', c.req.param('id'))
    const body = await readBody(c, sessionUpdateParamsSchema)
    if (!body.ok) return body.response
    const p = body.value
    const dto = state.dto
    if (p.title !== undefined) dto.title = p.title
    if (p.mode != null) dto.mode = p.mode
    if (p.customer_id != null) dto.customer_id = p.customer_id
    if (p.agent_id != null) {
      if (!store.agents.has(p.agent_id)) return notFound(c, 'Agent', p.agent_id)
      dto.agent_id = p.agent_id
    }
    if (p.consumption_offsets?.client != null) {
      dto.consumption_offsets = { ...dto.consumption_offsets, client: p.consumption_offsets.client }
    }
    if (p.metadata) {
      dto.metadata = { ...dto.metadata, ...(p.metadata.set ?? {}) }
      for (const key of p.metadata.unset ?? []) delete dto.metadata[key]
    }
    if (p.labels) {
      const labels = new Set(dto.labels)
      for (const l of p.labels.upsert ?? []) labels.add(l)
      for (const l of p.labels.remove ?? []) labels.delete(l)
      dto.labels = [...labels]
    }
    return c.json(dto)
  })
  app.delete('/sessions/:id', (c) => {
    if (!store.deleteSession(c.req.param('id'))) return notFound(c, 'Session', c.req.param('id'))
    return c.body(null, 204)
  })

  // ------------------------------------------------------------------------------------- events
  const rule422 = (c: Ctx, detail: string) => c.json({ detail }, 422)

  app.post('/sessions/:id/events', async (c) => {
    const state = store.sessions.get(c.req.param('id'))
    if (!state) return notFound(c, 'Session', c.req.param('id'))
    const body = await readBody(c, eventCreationParamsSchema)
    if (!body.ok) return body.response
    const p = body.value
    const traceId = generateTraceId()
    const metadata = p.metadata ?? {}
    const agent = store.agents.get(state.dto.agent_id)
    let event: ParlantEvent
    if (p.kind === 'message') {
      if (p.source === 'customer') {
        if (p.message == null) return rule422(c, 'Missing message for customer message event')
        const customer = store.customers.get(state.dto.customer_id)
        const participant = p.participant ?? {
          id: state.dto.customer_id,
          display_name: customer?.name ?? 'Guest',
        }
        event = store.append(state, {
          kind: 'message',
          source: 'customer',
          traceId,
          metadata,
          data: { message: p.message, participant, flagged: false, tags: [] },
        })
        record(state, event)
        startTurn(ctx, state, traceId, p.message)
        return c.json(event, 201)
      }
      if (p.source === 'human_agent') {
        if (p.message == null || !p.participant?.display_name) {
          return rule422(c, 'Missing message or participant for human agent message event')
        }
        event = store.append(state, {
          kind: 'message',
          source: 'human_agent',
          traceId,
          metadata,
          data: { message: p.message, participant: p.participant },
        })
      } else if (p.source === 'human_agent_on_behalf_of_ai_agent') {
        if (p.message == null) return rule422(c, 'Missing message for human agent message event')
        event = store.append(state, {
          kind: 'message',
          source: 'human_agent_on_behalf_of_ai_agent',
          traceId,
          metadata,
          data: {
            message: p.message,
            participant: { id: agent?.id ?? state.dto.agent_id, display_name: agent?.name ?? '' },
          },
        })
      } else if (p.source === 'ai_agent') {
        if (p.message != null) return rule422(c, 'Message must not be provided for AI agent events')
        const action = p.guidelines?.[0]?.action
        if (!action) {
          return rule422(c, 'The Parlant emulator needs `guidelines` on AI agent message events')
        }
        event = store.append(state, {
          kind: 'message',
          source: 'ai_agent',
          traceId,
          metadata,
          data: {
            message: action,
            participant: { id: agent?.id ?? state.dto.agent_id, display_name: agent?.name ?? '' },
          },
        })
      } else {
        return rule422(c, `Unsupported message source: ${p.source}`)
      }
    } else if (p.kind === 'custom') {
      if (!p.data) return rule422(c, 'Missing data for custom event')
      event = store.append(state, {
        kind: 'custom',
        source: p.source,
        traceId,
        metadata,
        data: p.data,
      })
    } else if (p.kind === 'status') {
      if (!p.status) return rule422(c, 'Missing status for status event')
      const data = p.data ?? {}
      if (typeof data !== 'object' || Array.isArray(data) || data === null) {
        return rule422(c, 'Status event data must be an object')
      }
      event = store.append(state, {
        kind: 'status',
        source: p.source,
        traceId,
        metadata,
        data: { status: p.status, data },
      })
    } else {
      return rule422(c, 'Tool events cannot be created')
    }
    record(state, event)
    return c.json(event, 201)
  })

  function record(state: SessionState, event: ParlantEvent) {
    pushBounded(ctx.createdEvents, { sessionId: state.dto.id, event }, ctx.logLimit)
  }

  /** Waits until `ready()` holds, the wait ends, the session goes, or the client leaves. */
  function waitFor(
    c: Ctx,
    state: SessionState,
    seconds: number,
    ready: (change: Change) => boolean
  ): Promise<'ready' | 'timeout' | 'gone'> {
    return new Promise((resolve) => {
      let settled = false
      const finish = (result: 'ready' | 'timeout' | 'gone') => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        state.waiters.delete(waiter)
        c.env?.outgoing?.off('close', onClose)
        resolve(result)
      }
      const waiter = (change: Change) => {
        if (change === 'deleted' || change === 'shutdown') finish('gone')
        else if (ready(change)) finish('ready')
      }
      const onClose = () => finish('gone')
      const timer = setTimeout(() => finish('timeout'), seconds * ctx.waitUnitMs)
      state.waiters.add(waiter)
      c.env?.outgoing?.on('close', onClose)
    })
  }

  app.get('/sessions/:id/events', async (c) => {
    const id = c.req.param('id')
    const state = store.sessions.get(id)
    if (!state) return notFound(c, 'Session', id)
    const minOffset = intQuery(c, 'min_offset') ?? 0
    if (Number.isNaN(minOffset)) {
      return badQuery(c, 'min_offset', 'Input should be a valid integer', c.req.query('min_offset'))
    }
    const wait = intQuery(c, 'wait_for_data') ?? 60
    if (Number.isNaN(wait)) {
      return badQuery(
        c,
        'wait_for_data',
        'Input should be a valid integer',
        c.req.query('wait_for_data')
      )
    }
    const kindsRaw = c.req.query('kinds')
    const kinds = kindsRaw
      ? kindsRaw
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean)
      : undefined
    for (const kind of kinds ?? []) {
      if (!eventKindSchema.safeParse(kind).success) {
        return c.json({ detail: `Invalid event kind: ${kind}` }, 422)
      }
    }
    const source = c.req.query('source')
    if (source !== undefined && !eventSourceSchema.safeParse(source).success) {
      return c.json(
        {
          detail: [
            {
              type: 'enum',
              loc: ['query', 'source'],
              msg: 'Input should be a valid event source',
              input: source,
            },
          ],
        },
        422
      )
    }
    const traceId = c.req.query('trace_id')
    let scanned = 0
    const matches = (e: ParlantEvent) =>
      !e.deleted &&
      e.offset >= minOffset &&
      (!kinds || kinds.includes(e.kind)) &&
      (!source || e.source === source) &&
      (!traceId || e.trace_id === traceId)
    const select = () => state.events.filter(matches)
    const found = select()
    if (found.length > 0 || wait <= 0) return c.json(found)
    scanned = state.events.length
    // Only events appended after the wait began can satisfy it: check just those.
    const outcome = await waitFor(c, state, wait, (change) => {
      if (change !== 'event') return false
      const fresh = state.events.slice(scanned)
      scanned = state.events.length
      return fresh.some(matches)
    })
    if (outcome === 'ready') return c.json(select())
    if (outcome === 'gone') {
      return store.sessions.has(id) ? c.json([]) : notFound(c, 'Session', id)
    }
    return c.json({ detail: 'Request timed out' }, 504)
  })

  app.get('/sessions/:id/events/:eventId', async (c) => {
    const id = c.req.param('id')
    const state = store.sessions.get(id)
    if (!state) return notFound(c, 'Session', id)
    const eventId = c.req.param('eventId')
    const event = state.events.find((e) => e.id === eventId && !e.deleted)
    if (!event) return notFound(c, 'Event', eventId)
    const complete = () =>
      event.kind !== 'message' ||
      event.data.chunks === undefined ||
      event.data.chunks[event.data.chunks.length - 1] === null
    if (!boolQuery(c, 'wait_for_completion', false) || complete()) return c.json(event)
    const wait = intQuery(c, 'wait_for_data') ?? 60
    if (Number.isNaN(wait)) {
      return badQuery(
        c,
        'wait_for_data',
        'Input should be a valid integer',
        c.req.query('wait_for_data')
      )
    }
    const outcome = await waitFor(c, state, wait, complete)
    if (outcome === 'ready') return c.json(event)
    if (outcome === 'gone') return notFound(c, 'Session', id)
    return c.json({ detail: 'Request timed out' }, 504)
  })

  // --------------------------------------------------------------------------------- guidelines
  const withRelations = (g: Guideline) => ({
    guideline: g,
    relationships: [],
    tool_associations: [],
  })

  app.get('/guidelines', (c) => {
    const tagId = c.req.query('tag_id')
    const list = [...store.guidelines.values()].filter((g) => !tagId || g.tags.includes(tagId))
    return c.json(list)
  })
  app.post('/guidelines', async (c) => {
    const body = await readBody(c, guidelineCreationParamsSchema)
    if (!body.ok) return body.response
    const p = body.value
    const id = p.id ?? generateId()
    if (store.guidelines.has(id)) return c.text('Internal Server Error', 500)
    const guideline: Guideline = {
      id,
      condition: p.condition,
      action: p.action ?? null,
      description: p.description ?? null,
      title: p.title ?? null,
      criticality: p.criticality ?? 'medium',
      enabled: p.enabled ?? true,
      tags: p.tags ?? [],
      metadata: p.metadata ?? {},
      composition_mode: p.composition_mode ?? null,
      track: p.track ?? true,
      labels: p.labels ?? [],
      priority: p.priority ?? 0,
    }
    store.guidelines.set(id, guideline)
    return c.json(guideline, 201)
  })
  app.get('/guidelines/:id', (c) => {
    const g = store.guidelines.get(c.req.param('id'))
    return g ? c.json(withRelations(g)) : notFound(c, 'Guideline', c.req.param('id'))
  })
  app.patch('/guidelines/:id', async (c) => {
    const g = store.guidelines.get(c.req.param('id'))
    if (!g) return notFound(c, 'Guideline', c.req.param('id'))
    const body = await readBody(c, guidelineUpdateParamsSchema)
    if (!body.ok) return body.response
    const p = body.value
    if (p.condition != null) g.condition = p.condition
    if (p.action !== undefined) g.action = p.action
    if (p.description !== undefined) g.description = p.description
    if (p.title !== undefined) g.title = p.title
    if (p.criticality != null) g.criticality = p.criticality
    if (p.enabled != null) g.enabled = p.enabled
    if (p.composition_mode !== undefined) g.composition_mode = p.composition_mode
    if (p.priority != null) g.priority = p.priority
    if (p.tags) {
      const tags = new Set(g.tags)
      for (const t of p.tags.add ?? []) tags.add(t)
      for (const t of p.tags.remove ?? []) tags.delete(t)
      g.tags = [...tags]
    }
    if (p.metadata) {
      g.metadata = { ...g.metadata, ...(p.metadata.set ?? {}) }
      for (const key of p.metadata.unset ?? []) delete g.metadata[key]
    }
    return c.json(withRelations(g))
  })
  app.delete('/guidelines/:id', (c) => {
    if (!store.guidelines.delete(c.req.param('id'))) {
      return notFound(c, 'Guideline', c.req.param('id'))
    }
    return c.body(null, 204)
  })

  // --------------------------------------------------------------------------------------- tags
  app.get('/tags', (c) => {
    const name = c.req.query('name')
    return c.json([...store.tags.values()].filter((t) => !name || t.name === name))
  })
  app.post('/tags', async (c) => {
    const body = await readBody(c, tagCreationParamsSchema)
    if (!body.ok) return body.response
    if ([...store.tags.values()].some((t) => t.name === body.value.name)) {
      return c.json({ detail: `Tag with name '${body.value.name}' already exists` }, 422)
    }
    const tag = { id: generateId(), name: body.value.name }
    store.tags.set(tag.id, tag)
    return c.json(tag, 201)
  })
  app.get('/tags/:id', (c) => {
    const tag = store.tags.get(c.req.param('id'))
    return tag ? c.json(tag) : notFound(c, 'Tag', c.req.param('id'))
  })
  app.patch('/tags/:id', async (c) => {
    const tag = store.tags.get(c.req.param('id'))
    if (!tag) return notFound(c, 'Tag', c.req.param('id'))
    const body = await readBody(c, tagCreationParamsSchema)
    if (!body.ok) return body.response
    tag.name = body.value.name
    return c.json(tag)
  })
  app.delete('/tags/:id', (c) => {
    if (!store.tags.delete(c.req.param('id'))) return notFound(c, 'Tag', c.req.param('id'))
    return c.body(null, 204)
  })

  app.notFound((c) => c.json({ detail: 'Not Found' }, 404))
  app.onError((error, c) => {
    // Like FastAPI's server-error middleware: a bare 500, no stack trace in the body.
    void error
    return c.text('Internal Server Error', 500)
  })
  return app
}
