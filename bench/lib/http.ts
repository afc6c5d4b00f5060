/**
 * A tiny timed HTTP helper for benchmarks: JSON bodies, a bearer key, a status check. It goes over
 * `node:http` with one keep-alive agent: the load driver shares the two cores with the bridge, and
 * the global `fetch` costs it several times the CPU per request.
 */
import http from 'node:http'
import { elapsedMs } from './stats'

export interface TimedResponse<T> {
  ms: number
  status: number
  body: T
}

// Idle sockets close before the server's keep-alive timeout (Node's 5 s), so a request never reuses a
// socket the server is closing (a "socket hang up" between two rounds).
const agent = new http.Agent({
  keepAlive: true,
  maxSockets: Number.POSITIVE_INFINITY,
  timeout: 4_000,
})

/** Sends a JSON request with a bearer key and returns the status, parsed body and latency. */
export function call<T = unknown>(
  url: string,
  key: string,
  method: string,
  body?: unknown
): Promise<TimedResponse<T>> {
  const start = process.hrtime.bigint()
  const payload = body === undefined ? undefined : JSON.stringify(body)
  const headers: Record<string, string> = { authorization: `Bearer ${key}` }
  if (payload !== undefined) {
    headers['content-type'] = 'application/json'
    headers['content-length'] = String(Buffer.byteLength(payload))
  }
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers, agent }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', reject)
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({
          ms: elapsedMs(start),
          status: response.statusCode ?? 0,
          body: (text ? JSON.parse(text) : undefined) as T,
        })
      })
    })
    request.on('error', reject)
    request.end(payload)
  })
}

/** Throws with the body when the status is not the expected one. */
export function expectStatus<T>(result: TimedResponse<T>, status: number, what: string) {
  if (result.status !== status) {
    throw new Error(
      `${what}: expected ${status}, got ${result.status} ${JSON.stringify(result.body)}`
    )
  }
  return result
}
