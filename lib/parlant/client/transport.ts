/**
 * The client's HTTP transport: one keep-alive connection pool per Parlant server over `node:http`
 * (`node:https` for https URLs). Node's global `fetch` costs about four times the CPU of a plain
 * `http.request` per call (measured on the bench machine: ~0.4 ms more per request), and a chat turn
 * makes four or more calls; the pool also bounds the sockets held open to the server.
 */
import http from 'node:http'
import https from 'node:https'
import { urlToHttpOptions } from 'node:url'

/** What the client needs of a response: status, one header, the whole body as text. */
export interface TransportResponse {
  status: number
  headers: { get(name: string): string | null }
  text(): Promise<string>
  /** The body as it arrives, when the request asked to `stream` (read it or `text()`, not both). */
  body?: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null
  /**
   * Leaves a streamed body early: its connection is dropped (never reused) and a reader of `body`
   * sees it end or fail. Unlike aborting the request's signal it builds no abort error, whose stack
   * Node formats as it destroys the socket. Absent on a transport that cannot (`fetch`).
   */
  cancel?(): void
}

/** The subset of `fetch` the client calls (the global `fetch` fits it, for tests that inject one). */
export type Transport = (
  url: string,
  init: {
    method: string
    headers: Record<string, string>
    body?: string
    signal: AbortSignal
    /** Resolve once the headers are in, with `body` readable as it arrives (an event stream). */
    stream?: boolean
  }
) => Promise<TransportResponse>

export interface PoolOptions {
  /**
   * Sockets open to the server at most. Every turn in flight holds one long poll, so this bounds
   * the turns that can wait on Parlant at once; more wait in the pool's queue. Default 1024.
   */
  maxSockets?: number
  /** Idle sockets kept for reuse. Default 256. */
  maxFreeSockets?: number
  /**
   * An idle socket is closed after this long, ms: below the server's own keep-alive timeout
   * (uvicorn's default is 5 s), so a request never reuses a socket the server is closing. Default
   * 4000.
   */
  idleTimeoutMs?: number
}

/** A keep-alive transport over `node:http`/`node:https`; `close()` ends its sockets. */
export function createPooledTransport(options: PoolOptions = {}) {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 1024,
    maxFreeSockets: options.maxFreeSockets ?? 256,
    timeout: options.idleTimeoutMs ?? 4000,
    scheduling: 'lifo' as const,
  }
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) }

  /** Methods that may be sent again: the server closing an idle kept-alive socket is no answer. */
  const IDEMPOTENT = new Set(['GET', 'HEAD', 'DELETE'])

  const once = (url: string, init: Parameters<Transport>[1]) =>
    new Promise<TransportResponse>((resolve, reject) => {
      const { signal } = init
      if (signal.aborted) {
        reject(abortError(signal))
        return
      }
      const secure = url.startsWith('https:')
      const to = destination(url)
      const options: http.RequestOptions = {
        method: init.method,
        headers:
          init.body === undefined
            ? init.headers
            : { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
        agent: secure ? agents.https : agents.http,
        // Active requests are timed by the caller's signal; the agent's timeout is for idle sockets.
        timeout: 0,
      }
      const onResponse = (response: http.IncomingMessage) => {
        const headers = response.headers
        const get = (name: string) => {
          const value = headers[name.toLowerCase()]
          return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
        }
        if (init.stream) {
          resolve({
            status: response.statusCode ?? 0,
            headers: { get },
            body: response,
            // Destroyed without an error: the socket closes with no abort error built.
            cancel: () => response.destroy(),
            text: async () => {
              const chunks: Buffer[] = []
              for await (const chunk of response) chunks.push(chunk as Buffer)
              return Buffer.concat(chunks).toString('utf8')
            },
          })
          return
        }
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('error', reject)
        response.on('aborted', () => reject(new Error('response aborted')))
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8')
          resolve({
            status: response.statusCode ?? 0,
            headers: { get },
            text: () => Promise.resolve(body),
          })
        })
      }
      const client = secure ? https : http
      const request = to
        ? client.request({ ...to.origin, path: to.path, ...options }, onResponse)
        : client.request(url, options, onResponse)
      request.on('error', (error: Error & { reusedSocket?: boolean }) => {
        error.reusedSocket = request.reusedSocket
        reject(error)
      })
      // The signal ends the request. A listener of our own, dropped when the request closes (after
      // its response, or destroyed), costs less than Node's `signal` option, which also tracks the
      // request with a stream finisher.
      const onAbort = () => request.destroy(abortError(signal))
      signal.addEventListener('abort', onAbort, { once: true })
      request.once('close', () => signal.removeEventListener('abort', onAbort))
      request.end(init.body)
    })

  // A kept-alive socket the server closed while idle fails the next request at once (Node's docs
  // advise retrying): an idempotent request is sent again, once, on a fresh socket. A POST is not
  // (the caller's ambiguous-failure handling looks before it posts again).
  const transport: Transport = (url, init) =>
    once(url, init).catch((error: Error & { code?: string; reusedSocket?: boolean }) => {
      const stale = error.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')
      if (!stale || !IDEMPOTENT.has(init.method) || init.signal.aborted) throw error
      return once(url, init)
    })

  return {
    transport,
    close() {
      agents.http.destroy()
      agents.https.destroy()
    },
  }
}

/** A path (and query) URL parsing leaves as written: no dot segment, nothing it would encode. */
const PLAIN_PATH = /^\/[\w\-.~!*()%/?&=+,;:@$]*$/
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?=[/?]|$)/i

const origins = new Map<string, http.RequestOptions>()

/**
 * Where a request goes, as request options: Node parses a URL string on every request, so the
 * origin is parsed once, and a plain path (all the client builds) is sent as written. Null for any
 * other URL, which Node then parses as before.
 */
function destination(url: string): { origin: http.RequestOptions; path: string } | null {
  const authority = url.indexOf('//')
  const slash = authority === -1 ? -1 : url.indexOf('/', authority + 2)
  if (slash === -1) return null
  const originText = url.slice(0, slash)
  const path = url.slice(slash)
  if (/[?#\\]/.test(originText) || !PLAIN_PATH.test(path)) return null
  if ((path.includes('/.') || path.includes('%')) && DOT_SEGMENT.test(path)) return null
  let origin = origins.get(originText)
  if (!origin) {
    const { protocol, hostname, port, auth } = urlToHttpOptions(new URL(originText))
    origin = { protocol, hostname, port, auth }
    // One or two servers per process; keep the cache from growing on odd callers.
    if (origins.size > 32) origins.clear()
    origins.set(originText, origin)
  }
  return { origin, path }
}

/** The error an aborted request fails with, as Node's `signal` option makes it. */
function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), {
    name: 'AbortError',
    code: 'ABORT_ERR',
  })
}

/** How a streamed body ended: at its end, or closed before it (dropped by `cancel`, or cut). */
export type StreamEnd = 'end' | 'closed'

type Body = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>

/** A Node stream (what `createPooledTransport` gives), as opposed to a Web stream (`fetch`). */
function isNodeStream(body: Body): body is Body & NodeJS.ReadableStream & { destroy(): void } {
  const node = body as Partial<NodeJS.ReadableStream & { destroy(): void }>
  return typeof node.on === 'function' && typeof node.destroy === 'function'
}

/**
 * Feeds each chunk of a streamed body to `onChunk` as it arrives. Resolves with how it ended;
 * rejects with a read error, or with what `onChunk` threw (the body is then dropped). A Node stream
 * is read by its events: its async iterator builds a premature-close error, stack and all, for
 * every stream a reader leaves early, as a turn leaves its event stream.
 */
export function readChunks(body: Body, onChunk: (chunk: Uint8Array) => void): Promise<StreamEnd> {
  if (!isNodeStream(body)) return readWebChunks(body, onChunk)
  return new Promise<StreamEnd>((resolve, reject) => {
    const onData = (chunk: Uint8Array) => {
      try {
        onChunk(chunk)
      } catch (error) {
        body.off('data', onData)
        reject(error)
        body.destroy()
      }
    }
    body.on('data', onData)
    body.once('end', () => resolve('end'))
    body.once('error', reject)
    // After 'end' or 'error' this settles nothing more.
    body.once('close', () => resolve('closed'))
  })
}

/** `readChunks` of a Web `ReadableStream` or any other async iterable (a `fetch` body). */
async function readWebChunks(body: Body, onChunk: (chunk: Uint8Array) => void): Promise<StreamEnd> {
  // Checked on the value, not narrowed by type: in DOM typings where `ReadableStream` is itself
  // async-iterable (TypeScript 7's, as Sim's type-check uses) an `in` check leaves `never` below.
  if (typeof (body as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] === 'function') {
    for await (const chunk of body as AsyncIterable<Uint8Array>) onChunk(chunk)
    return 'end'
  }
  const reader = (body as ReadableStream<Uint8Array>).getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return 'end'
      onChunk(value)
    }
  } finally {
    reader.releaseLock()
  }
}
