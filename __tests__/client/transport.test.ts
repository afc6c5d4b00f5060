/**
 * The pooled transport: a URL reaches the server exactly as Node would send it (the origin is
 * parsed once and a plain path sent as written; anything else is parsed by Node as before), the
 * caller's signal ends a request, and closing an event stream drops its socket quietly — `ended`
 * resolves, and no timer, abort listener or socket is left behind.
 */
import { getEventListeners } from 'node:events'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { createParlantClient } from '@/lib/parlant/client'
import { createPooledTransport } from '@/lib/parlant/client/transport'
import { captureLogger } from './support'

let server: http.Server
let base = ''
const seen: Array<{ url: string | undefined; host: string | undefined }> = []
const sockets = new Set<Socket>()
/** Requests under /stream get an event stream that stays open; /hang never answers. */
beforeAll(async () => {
  server = http.createServer((request, response) => {
    seen.push({ url: request.url, host: request.headers.host })
    if (request.url?.startsWith('/stream')) {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.write(': open\n\n')
      return
    }
    if (request.url?.startsWith('/hang')) return
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end('{}')
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})
beforeEach(() => {
  seen.length = 0
})

/** What the server sees for `url` when Node parses it (a plain `http.get`). */
async function viaNode(url: string) {
  await new Promise<void>((resolve, reject) => {
    http.get(url, { agent: false }, (r) => r.resume().on('end', resolve)).on('error', reject)
  })
  return seen.pop()
}

describe('pooled transport', () => {
  const paths = [
    '/sessions/s-1/events?min_offset=0&wait_for_data=25&sse=true',
    '/sessions/abc%20def/events/e%2F1?wait_for_completion=false',
    '/agents',
    '/a/../b',
    '/sessions/..',
    '/a/%2E%2e/b?x=1',
    '/a/./b',
    "/it's?q='x'",
    '/x?y=1#frag',
    '/caf%C3%A9?name=a+b&c=%2B',
    '/a b',
    '/ü',
    '/{x}|`^',
  ]

  it.each(paths)('sends %s as Node would', async (path) => {
    const { transport, close } = createPooledTransport()
    try {
      const expected = await viaNode(`${base}${path}`)
      const response = await transport(`${base}${path}`, {
        method: 'GET',
        headers: { accept: 'application/json' },
        signal: new AbortController().signal,
      })
      await response.text()
      expect(seen.pop()).toEqual(expected)
    } finally {
      close()
    }
  })

  it('fails a request whose signal aborts, and leaves no listener on it', async () => {
    const { transport, close } = createPooledTransport()
    try {
      const controller = new AbortController()
      const pending = transport(`${base}/hang`, {
        method: 'GET',
        headers: {},
        signal: controller.signal,
      })
      await vi.waitFor(() => expect(seen.length).toBe(1))
      controller.abort()
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
      await vi.waitFor(() => expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0))
      await expect(
        transport(`${base}/agents`, { method: 'GET', headers: {}, signal: controller.signal })
      ).rejects.toMatchObject({ name: 'AbortError' })
    } finally {
      close()
    }
  })
})

describe('closing an event stream', () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length

  it('resolves ended, closes the socket and leaves no timer or listener behind', async () => {
    const client = createParlantClient({
      baseUrl: `${base}/stream`,
      logger: captureLogger().logger,
    })
    const caller = new AbortController()
    await vi.waitFor(() => expect(sockets.size).toBe(0))
    const timersBefore = timers()
    const opening = await client.events.stream(
      's1',
      { minOffset: 0, waitForData: 30, signal: caller.signal },
      () => {}
    )
    if (opening.kind !== 'stream') throw new Error('expected a stream')
    expect(sockets.size).toBe(1)
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1)
    const timersOpen = timers()
    expect(timersOpen).toBeGreaterThan(timersBefore - 1)
    opening.close()
    opening.close()
    await expect(opening.ended).resolves.toBeUndefined()
    await vi.waitFor(() => expect(sockets.size).toBe(0))
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0)
    // The stream's idle timer is gone (other timers of the run may come and go).
    expect(timers()).toBeLessThan(timersOpen)
    // The caller aborting afterwards changes nothing.
    caller.abort()
    await expect(opening.ended).resolves.toBeUndefined()
  })

  it('after close, the client keeps working on a fresh socket', async () => {
    const client = createParlantClient({
      baseUrl: `${base}/stream`,
      logger: captureLogger().logger,
    })
    for (let i = 0; i < 3; i++) {
      const opening = await client.events.stream('s1', { minOffset: 0, waitForData: 30 }, () => {})
      if (opening.kind !== 'stream') throw new Error('expected a stream')
      opening.close()
      await expect(opening.ended).resolves.toBeUndefined()
    }
    await vi.waitFor(() => expect(sockets.size).toBe(0))
  })
})
