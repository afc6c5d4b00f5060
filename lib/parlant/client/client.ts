/**
 * A thin, typed Parlant REST client over `fetch`.
 *
 * Why not wrap the official `parlant-client`: it retries 408/429/5xx for every method (so a 500 on
 * a customer message posts it again, and a 504 long poll is repeated), defaults to a 60 s timeout
 * that races the server's 60 s `wait_for_data`, has no auth option, and reports timeouts as a plain
 * error. Here every call has its own timeout, only GETs are retried, a breaker guards the server,
 * every response is parsed through our zod schemas and every error is typed and scrubbed.
 *
 * Parlant data (DTOs, bodies, event `data`) keeps its snake_case wire shape; the client's own call
 * options are camelCase.
 */

import { createLogger } from '@sim/logger'
import { parseRetryAfter } from '@sim/utils/retry'
import type { z } from 'zod'
import { type BreakerOptions, CircuitBreaker } from '@/lib/parlant/client/breaker'
import {
  ParlantContractError,
  ParlantError,
  ParlantForbidden,
  ParlantNotFound,
  ParlantRateLimited,
  ParlantRejected,
  ParlantTimeout,
  ParlantUnavailable,
  type RequestTarget,
  rejectedFields,
  scrub,
} from '@/lib/parlant/client/errors'
import { redactEvent } from '@/lib/parlant/client/redact'
import { type RetryOptions, retryPolicy, withRetry } from '@/lib/parlant/client/retry'
import {
  type Agent,
  type AgentCreationParams,
  type AgentUpdateParams,
  agentSchema,
  type Customer,
  type CustomerCreationParams,
  customerSchema,
  detailErrorSchema,
  type EventCreationParams,
  type EventKind,
  type EventSource,
  eventSchema,
  type Guideline,
  type GuidelineCreationParams,
  type GuidelineUpdateParams,
  type GuidelineWithRelationships,
  guidelineSchema,
  guidelineWithRelationshipsSchema,
  type Health,
  healthSchema,
  httpValidationErrorSchema,
  type Moderation,
  type ParlantEvent,
  type Session,
  type SessionCreationParams,
  type SessionUpdateParams,
  sessionListingSchema,
  sessionSchema,
  type Tag,
  tagSchema,
} from '@/lib/parlant/client/schemas'
import { createSseParser } from '@/lib/parlant/client/sse'
import {
  createPooledTransport,
  type PoolOptions,
  readChunks,
  type Transport,
  type TransportResponse,
} from '@/lib/parlant/client/transport'
import type { BridgeLogger } from '@/lib/parlant/ports'

export interface ParlantTimeouts {
  /** Client timeout of an ordinary call. Default 10 000 ms. */
  defaultMs?: number
  /** Added to `wait_for_data` for long polls, so the server's 504 arrives first. Default 10 000. */
  longPollMarginMs?: number
}

export interface ParlantClientOptions {
  /** `PARLANT_SERVER_URL`, e.g. `http://127.0.0.1:8800`. */
  baseUrl: string
  /** `PARLANT_API_KEY`: sent as `Authorization: Bearer <key>` on every call when set. */
  apiKey?: string
  /** Injectable fetch (tests). Default a keep-alive `node:http` pool (see `transport.ts`). */
  fetch?: Transport
  /** Sizes of the default keep-alive pool (ignored with `fetch`). */
  pool?: PoolOptions
  timeouts?: ParlantTimeouts
  /** Retry policy for GETs; `false` disables retries. */
  retry?: RetryOptions | false
  /** A shared breaker, breaker options, or `false` for none. Default: a new breaker per client. */
  breaker?: CircuitBreaker | BreakerOptions | false
  logger?: BridgeLogger
}

/** Options every call accepts. */
export interface CallOptions {
  /** Overrides the client timeout for this call. */
  timeoutMs?: number
  signal?: AbortSignal
}

export interface ListEventsOptions extends CallOptions {
  /** Only events with `offset >= minOffset`. Default 0. */
  minOffset?: number
  /** Sent as one comma-separated string (Parlant keeps only the last of repeated params). */
  kinds?: readonly EventKind[]
  source?: EventSource
  traceId?: string
  /** Long-poll seconds (integer). 0 (default) returns at once, possibly empty. */
  waitForData?: number
}

/**
 * The result of a list/long poll. `timedOut` is true when the server answered 504 (nothing new
 * within `wait_for_data`): "no news, poll again", not an error.
 */
export interface EventBatch {
  /** Sorted by offset, deduplicated by id. */
  events: ParlantEvent[]
  timedOut: boolean
  /** Where the next poll should start: last offset + 1, or the given `minOffset`. */
  nextOffset: number
}

export interface StreamEventsOptions {
  /** Only events with `offset >= minOffset`. Default 0. */
  minOffset?: number
  /** Seconds without a new event after which the server ends the stream (integer). */
  waitForData: number
  signal?: AbortSignal
}

/** What opening an event stream gave: the stream, or a long poll's answer from a server without SSE. */
export type EventStreamOpening =
  | {
      kind: 'stream'
      /** Settles when the stream ends; rejects with a typed error when it breaks. */
      ended: Promise<void>
      /** Leaves the stream (its socket is closed, not reused). */
      close(): void
    }
  | { kind: 'batch'; batch: EventBatch }

export interface ReadEventOptions extends CallOptions {
  /** Wait until a streamed message's `chunks` end with null. */
  waitForCompletion?: boolean
  /** Seconds to wait for completion. Default 30. */
  waitForData?: number
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'
type Query = Record<string, string | number | boolean | undefined | null>

interface Call<T> {
  method: Method
  path: string
  query?: Query
  body?: unknown
  schema?: z.ZodType<T>
  timeoutMs?: number
  signal?: AbortSignal
  /** A 504 is the expected "nothing new" answer of a long poll. */
  allowGatewayTimeout?: boolean
  /** Client timeouts may be retried (not for long polls, which already waited). */
  retryTimeouts?: boolean
}

const GATEWAY_TIMEOUT = Symbol('gateway-timeout')

// List schemas are built once: zod builds a new schema object on every `.array()`.
const eventListSchema = eventSchema.array()
const agentListSchema = agentSchema.array()
const sessionListSchema = sessionListingSchema.or(sessionSchema.array())
const guidelineListSchema = guidelineSchema.array()
const tagListSchema = tagSchema.array()

/** The headers of a call that got no answer (never read: such a call throws first). */
const NO_HEADERS: TransportResponse['headers'] = { get: () => null }

const enc = encodeURIComponent

/** Creates a client for one Parlant server. */
export function createParlantClient(options: ParlantClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const apiKey = options.apiKey && options.apiKey.length > 0 ? options.apiKey : undefined
  const secrets = apiKey ? [apiKey] : []
  const fetchImpl = options.fetch ?? createPooledTransport(options.pool).transport
  const defaultTimeoutMs = options.timeouts?.defaultMs ?? 10_000
  const longPollMarginMs = options.timeouts?.longPollMarginMs ?? 10_000
  const policy = retryPolicy(options.retry === false ? { retries: 0 } : options.retry)
  const breaker =
    options.breaker === false
      ? undefined
      : options.breaker instanceof CircuitBreaker
        ? options.breaker
        : new CircuitBreaker(options.breaker)
  const logger = options.logger ?? createLogger('parlant-client')

  function buildUrl(path: string, query?: Query) {
    if (!query) return `${baseUrl}${path}`
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) params.set(key, String(value))
    }
    const qs = params.toString()
    return `${baseUrl}${path}${qs ? `?${qs}` : ''}`
  }

  function detailOf(text: string): string {
    try {
      const json: unknown = JSON.parse(text)
      const detail = detailErrorSchema.safeParse(json)
      if (detail.success) return scrub(detail.data.detail, secrets)
    } catch {
      // Parlant's 500s may have empty or non-JSON bodies; fall through to the raw text.
    }
    return scrub(text.trim(), secrets)
  }

  function httpError(
    status: number,
    text: string,
    target: RequestTarget,
    headers: TransportResponse['headers']
  ) {
    const where = `${target.method} ${target.path}`
    const detail = detailOf(text)
    const suffix = detail ? `: ${detail}` : ''
    if (status === 404)
      return new ParlantNotFound(`Parlant ${where}: not found${suffix}`, target, 404)
    if (status === 401 || status === 403) {
      // The body echoes our request headers; keep none of it.
      return new ParlantForbidden(
        `Parlant ${where}: authorization failed (${status}); check PARLANT_API_KEY and the server's authorization policy`,
        target,
        status
      )
    }
    if (status === 429) {
      return new ParlantRateLimited(
        `Parlant ${where}: rate limited (429)`,
        target,
        parseRetryAfter(headers.get('retry-after')) ?? undefined
      )
    }
    if (status === 504)
      return new ParlantTimeout(`Parlant ${where}: gateway timeout (504)`, target, undefined, 504)
    if (status >= 500) {
      return new ParlantUnavailable(
        `Parlant ${where}: server error ${status}${suffix}`,
        target,
        'server_error',
        status
      )
    }
    let fields: ReturnType<typeof rejectedFields> = []
    try {
      const parsed = httpValidationErrorSchema.safeParse(JSON.parse(text))
      if (parsed.success) fields = rejectedFields(parsed.data.detail, secrets)
    } catch {
      // Not a FastAPI validation body.
    }
    const summary =
      fields.length > 0 ? `: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}` : suffix
    return new ParlantRejected(
      `Parlant ${where}: rejected (${status})${summary}`,
      target,
      status,
      fields
    )
  }

  /** A breaker permit for one call, or the "circuit open" error. */
  function acquire(target: RequestTarget, where: string) {
    const permit = breaker?.tryAcquire()
    if (breaker && !permit) {
      const seconds = Math.ceil(breaker.retryInMs() / 1000)
      throw new ParlantUnavailable(
        `Parlant ${where}: server unavailable (circuit open after repeated failures; next probe in ${seconds}s)`,
        target,
        'breaker_open'
      )
    }
    return permit
  }

  type Permit = ReturnType<typeof acquire>

  /** The typed error for a call that got no answer: our timeout, the caller's abort, the network. */
  function noAnswer(
    error: unknown,
    how: { timedOut: boolean; signal?: AbortSignal; timeoutMs: number },
    call: { method: Method; path: string },
    target: RequestTarget,
    permit: Permit
  ): ParlantError {
    const where = `${call.method} ${call.path}`
    if (how.timedOut) {
      permit?.failure()
      logger.warn('Parlant call timed out', {
        method: call.method,
        path: call.path,
        timeoutMs: how.timeoutMs,
      })
      return new ParlantTimeout(
        `Parlant ${where}: timed out after ${how.timeoutMs} ms`,
        target,
        how.timeoutMs
      )
    }
    if (how.signal?.aborted) {
      permit?.release()
      return new ParlantError(`Parlant ${where}: aborted by caller`, target)
    }
    permit?.failure()
    const cause = scrub(
      error instanceof Error ? describeNetworkError(error) : String(error),
      secrets
    )
    logger.warn('Parlant unreachable', { method: call.method, path: call.path, cause })
    return new ParlantUnavailable(`Parlant ${where}: unreachable (${cause})`, target, 'network')
  }

  /** Reads a whole answer: status checks, the 504 of a long poll, JSON through the schema. */
  function interpret<T>(
    call: Call<T>,
    answer: { status: number; text: string; headers: TransportResponse['headers'] },
    target: RequestTarget,
    permit: Permit,
    elapsedMs: number
  ): T | typeof GATEWAY_TIMEOUT {
    const { status, text } = answer
    const where = `${call.method} ${call.path}`
    if (status === 504 && call.allowGatewayTimeout) {
      permit?.success()
      logger.debug('Parlant long poll: no news', { path: call.path, elapsedMs })
      return GATEWAY_TIMEOUT
    }
    if (status < 200 || status >= 300) {
      if (status >= 500) permit?.failure()
      else permit?.success()
      const error = httpError(status, text, target, answer.headers)
      // A 404 is an answer, not a failure, for the get-or-create reads the bridge makes.
      const context = { method: call.method, path: call.path, status, elapsedMs }
      if (status === 404) logger.debug('Parlant call failed', context)
      else logger.warn('Parlant call failed', context)
      throw error
    }
    permit?.success()
    logger.debug('Parlant call', { method: call.method, path: call.path, status, elapsedMs })
    if (!call.schema) return undefined as T
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw new ParlantContractError(`Parlant ${where}: response is not JSON`, target, status, [])
    }
    return parseWith(call.schema, json, target, where, status)
  }

  function parseWith<T>(
    schema: z.ZodType<T>,
    json: unknown,
    target: RequestTarget,
    where: string,
    status: number
  ): T {
    const parsed = schema.safeParse(json)
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      throw new ParlantContractError(
        `Parlant ${where}: response does not match the Parlant contract (${issues.slice(0, 3).join('; ')})`,
        target,
        status,
        issues
      )
    }
    return parsed.data
  }

  function headersFor(body: boolean, accept = 'application/json') {
    const headers: Record<string, string> = { accept }
    if (apiKey) headers.authorization = `Bearer ${apiKey}`
    if (body) headers['content-type'] = 'application/json'
    return headers
  }

  async function attempt<T>(call: Call<T>): Promise<T | typeof GATEWAY_TIMEOUT> {
    const target: RequestTarget = { method: call.method, path: call.path, secrets }
    const permit = acquire(target, `${call.method} ${call.path}`)
    const timeoutMs = call.timeoutMs ?? defaultTimeoutMs
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, timeoutMs)
    const onCallerAbort = () => controller.abort()
    call.signal?.addEventListener('abort', onCallerAbort, { once: true })
    const started = Date.now()
    let status = 0
    let text = ''
    let responseHeaders: TransportResponse['headers'] = NO_HEADERS
    try {
      const response = await fetchImpl(buildUrl(call.path, call.query), {
        method: call.method,
        headers: headersFor(call.body !== undefined),
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: controller.signal,
      })
      status = response.status
      responseHeaders = response.headers
      // The body is read under the same timeout: a slow body is as bad as a slow answer.
      text = await response.text()
    } catch (error) {
      throw noAnswer(error, { timedOut, signal: call.signal, timeoutMs }, call, target, permit)
    } finally {
      clearTimeout(timer)
      call.signal?.removeEventListener('abort', onCallerAbort)
    }
    return interpret(
      call,
      { status, text, headers: responseHeaders },
      target,
      permit,
      Date.now() - started
    )
  }

  /**
   * Opens `GET /sessions/{id}/events?sse=true`. An event stream calls `onEvent` with each event
   * (validated, redacted) until the server ends it (no new event within `waitForData` seconds) or
   * `close()`; `ended` settles then (rejecting on a broken stream, a malformed event, or silence
   * past `waitForData` + the long-poll margin). A server that ignores `sse` answers as a long poll:
   * that answer is returned as a batch. Never retried; errors opening it are typed as for `list`.
   */
  async function openEventStream(
    sessionId: string,
    opts: StreamEventsOptions,
    onEvent: (event: ParlantEvent) => void
  ): Promise<EventStreamOpening> {
    const path = `/sessions/${enc(sessionId)}/events`
    const call: Call<ParlantEvent[]> = {
      method: 'GET',
      path,
      schema: eventListSchema,
      allowGatewayTimeout: true,
    }
    const where = `GET ${path}`
    const target: RequestTarget = { method: 'GET', path, secrets }
    const permit = acquire(target, where)
    const waitForData = Math.max(0, Math.floor(opts.waitForData))
    const minOffset = opts.minOffset ?? 0
    // Silence longer than the server's own wait means a hung server or a lost connection.
    const idleMs = waitForData * 1000 + longPollMarginMs
    const controller = new AbortController()
    let timedOut = false
    let timer: NodeJS.Timeout | undefined
    // Re-armed on every chunk: refreshing one timer costs less than a new one each time.
    const arm = () => {
      if (timer) {
        timer.refresh()
        return
      }
      timer = setTimeout(() => {
        timedOut = true
        controller.abort()
      }, idleMs)
    }
    const onCallerAbort = () => controller.abort()
    opts.signal?.addEventListener('abort', onCallerAbort, { once: true })
    const cleanup = () => {
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onCallerAbort)
    }
    const how = () => ({ timedOut, signal: opts.signal, timeoutMs: idleMs })
    arm()
    const started = Date.now()
    let response: TransportResponse
    try {
      response = await fetchImpl(
        buildUrl(path, { min_offset: minOffset, wait_for_data: waitForData, sse: true }),
        {
          method: 'GET',
          headers: headersFor(false, 'text/event-stream'),
          signal: controller.signal,
          stream: true,
        }
      )
    } catch (error) {
      cleanup()
      throw noAnswer(error, how(), call, target, permit)
    }
    const contentType = response.headers.get('content-type') ?? ''
    if (response.status !== 200 || !contentType.startsWith('text/event-stream')) {
      let text: string
      try {
        text = await response.text()
      } catch (error) {
        throw noAnswer(error, how(), call, target, permit)
      } finally {
        cleanup()
      }
      const result = interpret(
        call,
        { status: response.status, text, headers: response.headers },
        target,
        permit,
        Date.now() - started
      )
      return { kind: 'batch', batch: toBatch(result, minOffset) }
    }
    permit?.success()
    logger.debug('Parlant event stream opened', { path, elapsedMs: Date.now() - started })
    let finished = false
    let closing = false
    const ended = (async () => {
      const parser = createSseParser((data) => {
        let json: unknown
        try {
          json = JSON.parse(data)
        } catch {
          throw new ParlantContractError(
            `Parlant ${where}: stream event is not JSON`,
            target,
            200,
            []
          )
        }
        onEvent(redactEvent(parseWith(eventSchema, json, target, where, 200), secrets))
      })
      try {
        const body = response.body
        if (body) {
          const end = await readChunks(body, (chunk) => {
            arm()
            parser.push(chunk)
          })
          if (end === 'closed') {
            // A close() is the reader leaving, not a failure (and builds no error).
            if (closing && !timedOut && !opts.signal?.aborted) return
            throw new Error('the event stream closed before its end')
          }
        } else {
          parser.push(new TextEncoder().encode(await response.text()))
        }
        parser.end()
      } catch (error) {
        if (error instanceof ParlantError) {
          controller.abort() // a malformed event: leave the stream
          throw error
        }
        // A close() is the reader leaving, not a failure.
        if (closing && !timedOut && !opts.signal?.aborted) return
        throw noAnswer(error, how(), call, target, undefined)
      } finally {
        finished = true
        cleanup()
      }
    })()
    // Whoever reads `ended` sees the failure; never an unhandled rejection meanwhile.
    ended.catch(() => {})
    const close = () => {
      if (finished || closing) return
      closing = true
      // Dropping the body directly skips the abort error (see `TransportResponse.cancel`).
      if (response.cancel) response.cancel()
      else controller.abort()
    }
    return { kind: 'stream', ended, close }
  }

  function toBatch(result: ParlantEvent[] | typeof GATEWAY_TIMEOUT, minOffset: number): EventBatch {
    if (result === GATEWAY_TIMEOUT) return { events: [], timedOut: true, nextOffset: minOffset }
    // Events enter the bridge here: an error event's exception (and any text) may echo the key.
    const sorted = dedupeAndSort(result).map((event) => redactEvent(event, secrets))
    const last = sorted[sorted.length - 1]
    return {
      events: sorted,
      timedOut: false,
      nextOffset: last ? Math.max(minOffset, last.offset + 1) : minOffset,
    }
  }

  function isRetryable(call: Call<unknown>) {
    return (error: unknown) =>
      (error instanceof ParlantUnavailable && error.reason !== 'breaker_open') ||
      error instanceof ParlantRateLimited ||
      (error instanceof ParlantTimeout && call.retryTimeouts === true)
  }

  async function request<T>(call: Call<T>): Promise<T | typeof GATEWAY_TIMEOUT> {
    // Only GETs are retried: Parlant has no idempotency keys, so a re-sent POST may act twice.
    if (call.method !== 'GET') return attempt(call)
    return withRetry(
      () => attempt(call),
      policy,
      isRetryable(call as Call<unknown>),
      (error) => (error instanceof ParlantRateLimited ? (error.retryAfterMs ?? null) : null)
    )
  }

  async function send<T>(call: Call<T>): Promise<T> {
    const result = await request({ retryTimeouts: true, ...call })
    if (result === GATEWAY_TIMEOUT) throw new Error('unreachable: 504 not allowed here')
    return result
  }

  const agents = {
    /** `POST /agents`; pass our own `id`. A duplicate id is a 500 on Parlant (not 409). */
    create: (params: AgentCreationParams, opts: CallOptions = {}): Promise<Agent> =>
      send({ method: 'POST', path: '/agents', body: params, schema: agentSchema, ...opts }),
    get: (agentId: string, opts: CallOptions = {}): Promise<Agent> =>
      send({ method: 'GET', path: `/agents/${enc(agentId)}`, schema: agentSchema, ...opts }),
    update: (agentId: string, params: AgentUpdateParams, opts: CallOptions = {}): Promise<Agent> =>
      send({
        method: 'PATCH',
        path: `/agents/${enc(agentId)}`,
        body: params,
        schema: agentSchema,
        ...opts,
      }),
    delete: (agentId: string, opts: CallOptions = {}): Promise<void> =>
      send({ method: 'DELETE', path: `/agents/${enc(agentId)}`, ...opts }),
    list: (opts: CallOptions = {}): Promise<Agent[]> =>
      send({ method: 'GET', path: '/agents', schema: agentListSchema, ...opts }),
  }

  const customers = {
    get: (customerId: string, opts: CallOptions = {}): Promise<Customer> =>
      send({
        method: 'GET',
        path: `/customers/${enc(customerId)}`,
        schema: customerSchema,
        ...opts,
      }),
    create: (params: CustomerCreationParams, opts: CallOptions = {}): Promise<Customer> =>
      send({ method: 'POST', path: '/customers', body: params, schema: customerSchema, ...opts }),
    delete: (customerId: string, opts: CallOptions = {}): Promise<void> =>
      send({ method: 'DELETE', path: `/customers/${enc(customerId)}`, ...opts }),
    /**
     * Returns the customer with this deterministic id, creating it when absent. GET first because a
     * duplicate create is a 500 on Parlant; a 500 after create (a concurrent creator won) re-reads.
     */
    async getOrCreate(
      params: CustomerCreationParams & { id: string },
      opts: CallOptions = {}
    ): Promise<Customer> {
      try {
        return await customers.get(params.id, opts)
      } catch (error) {
        if (!(error instanceof ParlantNotFound)) throw error
      }
      try {
        return await customers.create(params, opts)
      } catch (error) {
        if (error instanceof ParlantUnavailable && error.reason === 'server_error') {
          try {
            return await customers.get(params.id, opts)
          } catch {
            // The re-read failed too: report the original failure.
          }
        }
        throw error
      }
    },
  }

  const sessions = {
    /** `POST /sessions?allow_greeting=false`: the agent speaks only when spoken to. */
    create: (params: SessionCreationParams, opts: CallOptions = {}): Promise<Session> =>
      send({
        method: 'POST',
        path: '/sessions',
        query: { allow_greeting: false },
        body: params,
        schema: sessionSchema,
        ...opts,
      }),
    get: (sessionId: string, opts: CallOptions = {}): Promise<Session> =>
      send({ method: 'GET', path: `/sessions/${enc(sessionId)}`, schema: sessionSchema, ...opts }),
    /** `PATCH /sessions/{id}`: mode (`manual` stops future auto-replies), title, metadata… */
    update: (
      sessionId: string,
      params: SessionUpdateParams,
      opts: CallOptions = {}
    ): Promise<Session> =>
      send({
        method: 'PATCH',
        path: `/sessions/${enc(sessionId)}`,
        body: params,
        schema: sessionSchema,
        ...opts,
      }),
    delete: (sessionId: string, opts: CallOptions = {}): Promise<void> =>
      send({ method: 'DELETE', path: `/sessions/${enc(sessionId)}`, ...opts }),
    /** `GET /sessions` (unpaginated form). */
    async list(
      filter: { agentId?: string; customerId?: string } = {},
      opts: CallOptions = {}
    ): Promise<Session[]> {
      const result = await send({
        method: 'GET',
        path: '/sessions',
        query: { agent_id: filter.agentId, customer_id: filter.customerId },
        schema: sessionListSchema,
        ...opts,
      })
      return Array.isArray(result) ? result : result.items
    },
  }

  const events = {
    /**
     * `POST /sessions/{id}/events`. Never retried, whatever happens: after an ambiguous failure
     * list the events and look for your `metadata` marker before posting again.
     */
    create: (
      sessionId: string,
      params: EventCreationParams,
      opts: CallOptions & { moderation?: Moderation } = {}
    ): Promise<ParlantEvent> =>
      send({
        method: 'POST',
        path: `/sessions/${enc(sessionId)}/events`,
        query: { moderation: opts.moderation },
        body: params,
        schema: eventSchema,
        timeoutMs: opts.timeoutMs,
        signal: opts.signal,
      }),
    /** Posts a customer message (the turn's `trace_id` is on the returned event). */
    sendCustomerMessage: (
      sessionId: string,
      message: string,
      metadata?: Record<string, unknown>,
      opts: CallOptions = {}
    ): Promise<ParlantEvent> =>
      events.create(sessionId, { kind: 'message', source: 'customer', message, metadata }, opts),
    /**
     * `GET /sessions/{id}/events`, a long poll when `waitForData > 0`. A 504 (nothing new in time)
     * resolves to `{ events: [], timedOut: true }`; a 404 throws `ParlantNotFound` (session gone).
     */
    async list(sessionId: string, opts: ListEventsOptions = {}): Promise<EventBatch> {
      const waitForData = Math.max(0, Math.floor(opts.waitForData ?? 0))
      const minOffset = opts.minOffset ?? 0
      const result = await request({
        method: 'GET',
        path: `/sessions/${enc(sessionId)}/events`,
        query: {
          min_offset: minOffset,
          kinds: opts.kinds && opts.kinds.length > 0 ? opts.kinds.join(',') : undefined,
          source: opts.source,
          trace_id: opts.traceId,
          wait_for_data: waitForData,
        },
        schema: eventListSchema,
        timeoutMs: opts.timeoutMs ?? waitForData * 1000 + longPollMarginMs,
        signal: opts.signal,
        allowGatewayTimeout: true,
        retryTimeouts: false,
      })
      return toBatch(result, minOffset)
    },
    stream: openEventStream,
    /**
     * `GET /sessions/{id}/events/{eventId}`; with `waitForCompletion` the server holds the answer
     * until a streamed message's chunks end with null.
     */
    async get(
      sessionId: string,
      eventId: string,
      opts: ReadEventOptions = {}
    ): Promise<ParlantEvent> {
      const waitForData = Math.max(0, Math.floor(opts.waitForData ?? 30))
      const event = await send({
        method: 'GET',
        path: `/sessions/${enc(sessionId)}/events/${enc(eventId)}`,
        query: {
          wait_for_completion: opts.waitForCompletion ?? false,
          wait_for_data: waitForData,
        },
        schema: eventSchema,
        timeoutMs:
          opts.timeoutMs ??
          (opts.waitForCompletion ? waitForData * 1000 + longPollMarginMs : undefined),
        signal: opts.signal,
        retryTimeouts: !opts.waitForCompletion,
      })
      return redactEvent(event, secrets)
    },
  }

  const guidelines = {
    /** `POST /guidelines`; tag it `agent:{agent_id}` to scope it to one agent. */
    create: (params: GuidelineCreationParams, opts: CallOptions = {}): Promise<Guideline> =>
      send({ method: 'POST', path: '/guidelines', body: params, schema: guidelineSchema, ...opts }),
    /** `GET /guidelines?tag_id=`. */
    list: (filter: { tagId?: string } = {}, opts: CallOptions = {}): Promise<Guideline[]> =>
      send({
        method: 'GET',
        path: '/guidelines',
        query: { tag_id: filter.tagId },
        schema: guidelineListSchema,
        ...opts,
      }),
    get: (guidelineId: string, opts: CallOptions = {}): Promise<GuidelineWithRelationships> =>
      send({
        method: 'GET',
        path: `/guidelines/${enc(guidelineId)}`,
        schema: guidelineWithRelationshipsSchema,
        ...opts,
      }),
    update: (
      guidelineId: string,
      params: GuidelineUpdateParams,
      opts: CallOptions = {}
    ): Promise<GuidelineWithRelationships> =>
      send({
        method: 'PATCH',
        path: `/guidelines/${enc(guidelineId)}`,
        body: params,
        schema: guidelineWithRelationshipsSchema,
        ...opts,
      }),
    delete: (guidelineId: string, opts: CallOptions = {}): Promise<void> =>
      send({ method: 'DELETE', path: `/guidelines/${enc(guidelineId)}`, ...opts }),
  }

  const tags = {
    create: (name: string, opts: CallOptions = {}): Promise<Tag> =>
      send({ method: 'POST', path: '/tags', body: { name }, schema: tagSchema, ...opts }),
    /** `GET /tags?name=`. */
    list: (filter: { name?: string } = {}, opts: CallOptions = {}): Promise<Tag[]> =>
      send({
        method: 'GET',
        path: '/tags',
        query: { name: filter.name },
        schema: tagListSchema,
        ...opts,
      }),
    get: (tagId: string, opts: CallOptions = {}): Promise<Tag> =>
      send({ method: 'GET', path: `/tags/${enc(tagId)}`, schema: tagSchema, ...opts }),
    delete: (tagId: string, opts: CallOptions = {}): Promise<void> =>
      send({ method: 'DELETE', path: `/tags/${enc(tagId)}`, ...opts }),
  }

  return {
    baseUrl,
    /** The breaker guarding this server (undefined when disabled). */
    breaker,
    /** `GET /healthz`: always 200 on Parlant and cached there for minutes — liveness, not readiness. */
    health: (opts: CallOptions = {}): Promise<Health> =>
      send({ method: 'GET', path: '/healthz', schema: healthSchema, ...opts }),
    agents,
    customers,
    sessions,
    events,
    guidelines,
    tags,
  }
}

/** The client `createParlantClient` returns. */
export type ParlantClient = ReturnType<typeof createParlantClient>

/** Sorts by offset and drops duplicate ids (Parlant returns store order, not offset order). */
export function dedupeAndSort(events: readonly ParlantEvent[]): ParlantEvent[] {
  const seen = new Set<string>()
  const out: ParlantEvent[] = []
  for (const event of [...events].sort((a, b) => a.offset - b.offset)) {
    if (seen.has(event.id)) continue
    seen.add(event.id)
    out.push(event)
  }
  return out
}

/** The network error's code (ECONNREFUSED…): on the error itself, or in fetch's `cause`. */
function describeNetworkError(error: Error): string {
  const own = (error as Error & { code?: unknown }).code
  if (typeof own === 'string') return own
  const cause = (error as Error & { cause?: unknown }).cause
  if (cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string') {
    return cause.code
  }
  return error.message
}
