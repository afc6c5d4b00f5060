/**
 * `/sessions/{id}/events`, from Parlant's `api/sessions.py` and `core/app_modules/sessions.py`.
 *
 * Creating is in `event-creation.ts`. Listing: long poll (`wait_for_data` seconds, 504 when nothing comes) or, with
 * `sse=true`, a `text/event-stream` of `data: <event JSON>\n\n` frames that ends once no new event
 * arrives within `wait_for_data`. Reading one event: `wait_for_completion` waits for a streamed
 * message to end and answers 200 with the event as it stands when time runs out; `sse=true` sends
 * the event on every chunk until it completes. Deleting from `min_offset` marks events deleted
 * (offsets keep growing) and must start at the first event of a trace.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import type { ApiContext } from '@/emulator/api/context'
import { createEvent, eventCreationDto } from '@/emulator/api/event-creation'
import {
  type Ctx,
  clientGone,
  type Env,
  itemNotFound,
  jsonMapping,
  pyBool,
  pyInt,
  readBody,
  readQuery,
  uncaught,
  unprocessable,
} from '@/emulator/api/http'
import { readSession } from '@/emulator/api/sessions'
import type { EmulatorStore, SessionState } from '@/emulator/store'
import {
  type EventKind,
  eventKinds,
  eventSources,
  moderations,
  type ParlantEvent,
} from '@/emulator/types'

const updateDto = z.object({
  metadata: z
    .object({ set: jsonMapping().nullish(), unset: z.array(z.string()).nullish() })
    .nullish(),
})

const listQuery = z.object({
  min_offset: pyInt().optional(),
  source: z.enum(eventSources).optional(),
  correlation_id: z.string().optional(),
  trace_id: z.string().optional(),
  kinds: z.string().optional(),
  wait_for_data: pyInt().default(60),
  sse: pyBool().default(false),
})

/** Query schemas are built once: zod compiles each object schema on first use. */
const createQuery = z.object({ moderation: z.enum(moderations).default('none') })
const deleteQuery = z.object({ min_offset: pyInt() })

const readQueryDto = z.object({
  wait_for_completion: pyBool().default(false),
  wait_for_data: pyInt().default(60),
  sse: pyBool().default(false),
})

/** Whether a (message) event is complete: no `chunks`, or chunks ending with null. */
function isComplete(event: ParlantEvent): boolean {
  const data = event.data as { chunks?: unknown } | null
  if (data === null || typeof data !== 'object' || !Array.isArray(data.chunks)) return true
  return data.chunks.length > 0 && data.chunks[data.chunks.length - 1] === null
}

const chunkCount = (event: ParlantEvent) => {
  const data = event.data as { chunks?: unknown } | null
  return data && typeof data === 'object' && Array.isArray(data.chunks) ? data.chunks.length : 0
}

/**
 * Parlant's `read_event`: the session must exist, then the event is looked up by id alone (in any
 * session, deleted ones included). Returns it with the session state it lives in.
 */
function readEvent(store: EmulatorStore, sessionId: string, eventId: string) {
  const own = readSession(store, sessionId)
  for (const state of [own, ...store.sessions.values()]) {
    const event = state.events.find((e) => e.id === eventId)
    if (event) return { event, state }
  }
  throw itemNotFound(eventId, 'Event not found')
}

/** A `text/event-stream` response fed by `run`; `signal` fires when the client leaves. */
function sseResponse(
  c: Ctx,
  run: (send: (event: ParlantEvent) => void, signal: AbortSignal) => Promise<void>
): Response {
  const encoder = new TextEncoder()
  const abort = new AbortController()
  clientGone(c).addEventListener('abort', () => abort.abort(), { once: true })
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: ParlantEvent) =>
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\n\n`))
      run(send, abort.signal).then(
        () => {
          if (!abort.signal.aborted) controller.close()
        },
        (error: unknown) => {
          // Like an exception inside Starlette's streaming body: the stream breaks off.
          if (!abort.signal.aborted) controller.error(error)
        }
      )
    },
    cancel() {
      abort.abort()
    },
  })
  return new Response(stream, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    },
  })
}

export function eventsRouter(ctx: ApiContext) {
  const { store } = ctx
  const router = new Hono<Env>()
  const seconds = (n: number) => n * ctx.waitUnitMs

  const append = (
    state: SessionState,
    input: Parameters<EmulatorStore['append']>[1]
  ): ParlantEvent => {
    const event = store.append(state, input)
    ctx.recordCreated({ sessionId: state.dto.id, event })
    return event
  }

  router.post('/:sessionId/events', async (c) => {
    const params = await readBody(c, eventCreationDto)
    readQuery(c, createQuery)
    const event = await createEvent(
      { ...ctx, append, seconds, signal: clientGone(c) },
      c.req.param('sessionId'),
      params
    )
    return c.json(event, 201)
  })

  router.get('/:sessionId/events', async (c) => {
    const q = readQuery(c, listQuery)
    const sessionId = c.req.param('sessionId')
    // `EventKindDTO(k)` on an unknown kind raises ValueError, uncaught: a bare 500.
    const kinds = q.kinds ? q.kinds.split(',') : []
    for (const kind of kinds) {
      if (!(eventKinds as readonly string[]).includes(kind)) throw uncaught(`Invalid kind ${kind}`)
    }
    const matcher = (minOffset: number) => (e: ParlantEvent) =>
      !e.deleted &&
      e.offset >= minOffset &&
      (kinds.length === 0 || kinds.includes(e.kind as EventKind)) &&
      (!q.source || e.source === q.source) &&
      (!q.trace_id || e.trace_id === q.trace_id)
    const select = (state: SessionState, minOffset: number) =>
      state.events.filter(matcher(minOffset))

    if (q.sse) {
      return sseResponse(c, async (send, signal) => {
        let offset = q.min_offset || 0
        const state = store.sessions.get(sessionId)
        // A missing or deleted session ends the stream quietly, as in Parlant.
        while (state && store.sessions.get(sessionId) === state && !signal.aborted) {
          if (select(state, offset).length === 0) {
            const outcome = await store.waitForNewEvent(
              state,
              seconds(q.wait_for_data),
              matcher(offset),
              signal
            )
            if (outcome !== 'ready') return
          }
          for (const event of select(state, offset)) {
            send(event)
            offset = Math.max(offset, event.offset + 1)
          }
        }
      })
    }

    const minOffset = q.min_offset || 0
    if (q.wait_for_data > 0) {
      const state = readSession(store, sessionId)
      if (select(state, minOffset).length === 0) {
        const outcome = await store.waitForNewEvent(
          state,
          seconds(q.wait_for_data),
          matcher(minOffset),
          clientGone(c)
        )
        if (outcome === 'timeout') return c.json({ detail: 'Request timed out' }, 504)
      }
    }
    return c.json(select(readSession(store, sessionId), minOffset))
  })

  router.get('/:sessionId/events/:eventId', async (c) => {
    const q = readQuery(c, readQueryDto)
    const sessionId = c.req.param('sessionId')
    const eventId = c.req.param('eventId')

    if (q.sse) {
      return sseResponse(c, async (send, signal) => {
        for (;;) {
          const { event, state } = readEvent(store, sessionId, eventId)
          send(event)
          const count = chunkCount(event)
          if (isComplete(event)) return
          const outcome = await store.waitForChange(
            state,
            seconds(q.wait_for_data),
            () => chunkCount(event) > count || isComplete(event),
            signal
          )
          if (outcome === 'timeout' || signal.aborted) return
        }
      })
    }

    const { event, state } = readEvent(store, sessionId, eventId)
    if (q.wait_for_completion && !isComplete(event)) {
      await store.waitForChange(
        state,
        seconds(q.wait_for_data),
        () => isComplete(event),
        clientGone(c)
      )
    }
    return c.json(readEvent(store, sessionId, eventId).event)
  })

  router.delete('/:sessionId/events', (c) => {
    const { min_offset } = readQuery(c, deleteQuery)
    const state = readSession(store, c.req.param('sessionId'))
    const events = state.events.filter((e) => !e.deleted).sort((a, b) => a.offset - b.offset)
    const doomed = events.filter((e) => e.offset >= min_offset)
    const first = doomed[0]
    if (!first) return c.body(null, 204)
    const firstOfTrace = events.find((e) => e.trace_id === first.trace_id)
    if (firstOfTrace?.id !== first.id) {
      throw unprocessable(
        'Cannot delete events with offset < min_offset unless they are the first event of their trace ID'
      )
    }
    for (const e of doomed) e.deleted = true
    store.notify(state, 'update')
    return c.body(null, 204)
  })

  router.patch('/:sessionId/events/:eventId', async (c) => {
    const p = await readBody(c, updateDto)
    const sessionId = c.req.param('sessionId')
    const eventId = c.req.param('eventId')
    const set = p.metadata?.set ?? {}
    const unset = p.metadata?.unset ?? []
    const changes = Object.keys(set).length > 0 || unset.length > 0
    if (changes) readEvent(store, sessionId, eventId)
    const event = store.sessions.get(sessionId)?.events.find((e) => e.id === eventId && !e.deleted)
    if (!event) throw itemNotFound(eventId, 'Event not found')
    if (changes) {
      const metadata = { ...event.metadata, ...set }
      for (const key of unset) delete metadata[key]
      event.metadata = metadata
    }
    return c.json(event)
  })
  return router
}
