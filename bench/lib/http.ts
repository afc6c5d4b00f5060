/** A tiny timed HTTP helper for benchmarks (keep-alive fetch, JSON bodies, status check). */
import { elapsedMs } from './stats'

export interface TimedResponse<T> {
  ms: number
  status: number
  body: T
}

/** Sends a JSON request with a bearer key and returns the status, parsed body and latency. */
export async function call<T = unknown>(
  url: string,
  key: string,
  method: string,
  body?: unknown
): Promise<TimedResponse<T>> {
  const start = process.hrtime.bigint()
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  const ms = elapsedMs(start)
  return { ms, status: response.status, body: (text ? JSON.parse(text) : undefined) as T }
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
