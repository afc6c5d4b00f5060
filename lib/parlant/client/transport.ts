/**
 * The client's HTTP transport: one keep-alive connection pool per Parlant server over `node:http`
 * (`node:https` for https URLs). Node's global `fetch` costs about four times the CPU of a plain
 * `http.request` per call (measured on the bench machine: ~0.4 ms more per request), and a chat turn
 * makes four or more calls; the pool also bounds the sockets held open to the server.
 */
import http from 'node:http'
import https from 'node:https'

/** What the client needs of a response: status, one header, the whole body as text. */
export interface TransportResponse {
  status: number
  headers: { get(name: string): string | null }
  text(): Promise<string>
  /** The body as it arrives, when the request asked to `stream` (read it or `text()`, not both). */
  body?: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null
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
      const secure = url.startsWith('https:')
      const request = (secure ? https : http).request(
        url,
        {
          method: init.method,
          headers:
            init.body === undefined
              ? init.headers
              : { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
          agent: secure ? agents.https : agents.http,
          signal: init.signal,
          // Active requests are timed by the caller's signal; the agent's timeout is for idle sockets.
          timeout: 0,
        },
        (response) => {
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
      )
      request.on('error', (error: Error & { reusedSocket?: boolean }) => {
        error.reusedSocket = request.reusedSocket
        reject(error)
      })
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

/** The chunks of a streamed body, whether a Node stream or a Web `ReadableStream` (`fetch`). */
export async function* chunksOf(
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>
): AsyncGenerator<Uint8Array> {
  if (Symbol.asyncIterator in body) {
    yield* body
    return
  }
  const reader = body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}
