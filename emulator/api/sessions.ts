/**
 * `/sessions` (the session resource; its events are in `events.ts`), from Parlant's
 * `api/sessions.py` and `core/app_modules/sessions.py`. Worth knowing: creating needs an existing
 * agent but any customer id; `allow_greeting=true` starts a turn; the list is a plain array, or
 * `{items, total_count, has_more, next_cursor}` when `limit` is given, sorted by creation
 * (`sort=asc|desc`), paged by an opaque cursor, and filtered by every `labels` given (applied to
 * the page, as Parlant's store does); PATCH sets a title only when it is not null ("" is kept as
 * ""), and takes `agent_id`/`customer_id` without checking they exist.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import type { ApiContext } from '@/emulator/api/context'
import {
  decodeCursor,
  type Env,
  itemNotFound,
  jsonMapping,
  paginate,
  pyBool,
  pyInt,
  readBody,
  readQuery,
  unique,
} from '@/emulator/api/http'
import {
  type EmulatorStore,
  generateId,
  generateTraceId,
  type SessionState,
  utcNow,
} from '@/emulator/store'
import { startTurn } from '@/emulator/turns'
import { GUEST_ID, type Session, sessionModes, sortDirections } from '@/emulator/types'

const titleField = z.string().max(200)

const creationDto = z.object({
  agent_id: z.string(),
  customer_id: z.string().nullish(),
  title: titleField.nullish(),
  metadata: jsonMapping().nullish(),
  labels: z.array(z.string()).nullish(),
})

const updateDto = z.object({
  consumption_offsets: z.object({ client: pyInt().pipe(z.number().min(0)).nullish() }).nullish(),
  title: titleField.nullish(),
  mode: z.enum(sessionModes).nullish(),
  customer_id: z.string().nullish(),
  agent_id: z.string().nullish(),
  metadata: z
    .object({ set: jsonMapping().nullish(), unset: z.array(z.string()).nullish() })
    .nullish(),
  labels: z
    .object({ upsert: z.array(z.string()).nullish(), remove: z.array(z.string()).nullish() })
    .nullish(),
})

const listQuery = z.object({
  agent_id: z.string().optional(),
  customer_id: z.string().optional(),
  labels: z.array(z.string()),
  limit: pyInt().pipe(z.number().min(1).max(100)).optional(),
  cursor: z.string().optional(),
  sort: z.enum(sortDirections).optional(),
})

/** Parlant's `read_session`: 404 `Session not found (id='…')`. */
/** Query schemas are built once: zod compiles each object schema on first use. */
const createQuery = z.object({ allow_greeting: pyBool().default(false) })
const deleteQuery = z.object({
  agent_id: z.string().optional(),
  customer_id: z.string().optional(),
})

export function readSession(store: EmulatorStore, id: string): SessionState {
  const state = store.sessions.get(id)
  if (!state) throw itemNotFound(id, 'Session not found')
  return state
}

const matchesFilter = (s: Session, agentId?: string, customerId?: string) =>
  (!agentId || s.agent_id === agentId) && (!customerId || s.customer_id === customerId)

export function sessionsRouter(ctx: ApiContext) {
  const { store } = ctx
  const router = new Hono<Env>()

  router.post('/', async (c) => {
    const p = await readBody(c, creationDto)
    const { allow_greeting } = readQuery(c, createQuery)
    if (!store.agents.has(p.agent_id)) throw itemNotFound(p.agent_id)
    const dto: Session = {
      id: generateId(),
      agent_id: p.agent_id,
      customer_id: p.customer_id || GUEST_ID,
      creation_utc: utcNow(),
      title: p.title ?? null,
      mode: 'auto',
      consumption_offsets: { client: 0 },
      metadata: p.metadata ?? {},
      labels: unique(p.labels ?? []),
    }
    const state: SessionState = {
      dto,
      events: [],
      nextOffset: 0,
      waiters: new Set(),
      turn: undefined,
    }
    store.sessions.set(dto.id, state)
    if (allow_greeting) startTurn(ctx, state, generateTraceId(), undefined)
    return c.json(dto, 201)
  })
  router.get('/', (c) => {
    const q = readQuery(c, listQuery, ['labels'])
    const all = [...store.sessions.values()]
      .map((s) => s.dto)
      .filter((s) => matchesFilter(s, q.agent_id, q.customer_id))
    const page = paginate(all, { limit: q.limit, cursor: decodeCursor(q.cursor), sort: q.sort })
    const labels = q.labels
    const listing =
      labels.length === 0
        ? page
        : (() => {
            const items = page.items.filter((s) => labels.every((l) => s.labels.includes(l)))
            return { items, total_count: items.length, has_more: false, next_cursor: null }
          })()
    return c.json(q.limit === undefined ? listing.items : listing)
  })
  router.delete('/', (c) => {
    const q = readQuery(c, deleteQuery)
    for (const s of [...store.sessions.values()]) {
      if (matchesFilter(s.dto, q.agent_id, q.customer_id)) store.deleteSession(s.dto.id)
    }
    return c.body(null, 204)
  })
  router.get('/:sessionId', (c) => c.json(readSession(store, c.req.param('sessionId')).dto))
  router.patch('/:sessionId', async (c) => {
    const p = await readBody(c, updateDto)
    const { dto } = readSession(store, c.req.param('sessionId'))
    if (p.consumption_offsets?.client != null) {
      dto.consumption_offsets = { ...dto.consumption_offsets, client: p.consumption_offsets.client }
    }
    if (p.title != null) dto.title = p.title
    if (p.mode) dto.mode = p.mode
    if (p.customer_id != null) dto.customer_id = p.customer_id
    if (p.agent_id != null) dto.agent_id = p.agent_id
    if (p.metadata) {
      dto.metadata = { ...dto.metadata, ...(p.metadata.set ?? {}) }
      for (const key of p.metadata.unset ?? []) delete dto.metadata[key]
    }
    if (p.labels?.upsert) dto.labels = unique([...dto.labels, ...p.labels.upsert])
    if (p.labels?.remove) {
      const remove = new Set(p.labels.remove)
      dto.labels = dto.labels.filter((l) => !remove.has(l))
    }
    return c.json(dto)
  })
  router.delete('/:sessionId', (c) => {
    readSession(store, c.req.param('sessionId'))
    store.deleteSession(c.req.param('sessionId'))
    return c.body(null, 204)
  })
  return router
}
