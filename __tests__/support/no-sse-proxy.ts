/**
 * A tiny HTTP proxy in front of a Parlant server that drops `sse` from every query, like a Parlant
 * version (or a gateway) without event streams: a stream request reaches the server as a long poll.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface NoSseProxy {
  url: string
  /** Requests that asked for `sse` (and were sent on without it). */
  strippedSse: number
  close(): Promise<void>
}

/** Starts the proxy on port 0 in front of `target` (an `http://host:port` URL). */
export async function startNoSseProxy(target: string): Promise<NoSseProxy> {
  const upstream = new URL(target)
  const state = { strippedSse: 0 }
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', upstream)
    if (url.searchParams.has('sse')) state.strippedSse += 1
    url.searchParams.delete('sse')
    const forwarded = http.request(
      url,
      { method: request.method, headers: { ...request.headers, host: upstream.host } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(response)
      }
    )
    forwarded.on('error', () => response.destroy())
    response.on('close', () => forwarded.destroy())
    request.pipe(forwarded)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    get strippedSse() {
      return state.strippedSse
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
