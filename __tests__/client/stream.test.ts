/**
 * The client's event stream (`sse=true` on `GET /sessions/{id}/events`): frames parsed however the
 * bytes are split, a turn read from the emulator over real HTTP until the server ends the stream,
 * `close()` leaving quietly, and a server without streams answered as a long poll (a batch).
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import fc from 'fast-check'
import {
  createParlantClient,
  isTurnCompleted,
  type ParlantClient,
  type ParlantEvent,
} from '@/lib/parlant/client'
import { createSseParser } from '@/lib/parlant/client/sse'
import { type RunningEmulator, startEmulator } from '@/emulator'
import { type NoSseProxy, startNoSseProxy } from '../support/no-sse-proxy'
import { captureLogger, timeline } from './support'

describe('server-sent events parser', () => {
  const payload = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !/[\r\n]/.test(s))

  it('yields each event data once, whatever the line endings, comments and chunk splits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(payload, { minLength: 1, maxLength: 3 }), { maxLength: 6 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 8 }),
        (events, eol, comments, cuts) => {
          const text = events
            .map(
              (lines) =>
                `${comments ? `: keep-alive${eol}` : ''}event: message${eol}${lines
                  .map((l) => `data: ${l}${eol}`)
                  .join('')}id: 7${eol}${eol}`
            )
            .join('')
          const bytes = new TextEncoder().encode(text)
          const got: string[] = []
          const parser = createSseParser((data) => got.push(data))
          let at = 0
          for (const cut of [...cuts.map((c) => c % (bytes.length + 1))].sort((a, b) => a - b)) {
            parser.push(bytes.slice(at, cut))
            at = cut
          }
          parser.push(bytes.slice(at))
          parser.end()
          expect(got).toEqual(events.map((lines) => lines.join('\n')))
        }
      )
    )
  })

  it('drops an event the stream cut off before its blank line', () => {
    const got: string[] = []
    const parser = createSseParser((data) => got.push(data))
    parser.push(new TextEncoder().encode('data: {"a":1}\n\ndata: {"b"'))
    parser.end()
    expect(got).toEqual(['{"a":1}'])
  })
})

describe('events.stream against the emulator', () => {
  let emulator: RunningEmulator
  let client: ParlantClient
  let proxy: NoSseProxy

  beforeAll(async () => {
    emulator = await startEmulator({ delayMs: 5, waitUnitMs: 100 })
    client = createParlantClient({ baseUrl: emulator.url, logger: captureLogger().logger })
    proxy = await startNoSseProxy(emulator.url)
  })
  afterAll(async () => {
    await proxy.close()
    await emulator.close()
  })
  beforeEach(() => emulator.control.reset())

  async function session() {
    await client.agents.create({ id: 'ag', name: 'Agent' })
    await client.customers.create({ id: 'cu', name: 'Customer' })
    return client.sessions.create({ agent_id: 'ag', customer_id: 'cu' })
  }

  it('streams a turn event by event, in offset order, and ends after the server wait', async () => {
    const s = await session()
    const posted = await client.events.sendCustomerMessage(s.id, 'hello')
    const events: ParlantEvent[] = []
    const opening = await client.events.stream(
      s.id,
      { minOffset: posted.offset, waitForData: 2 },
      (event) => events.push(event)
    )
    expect(opening.kind).toBe('stream')
    if (opening.kind !== 'stream') return
    await opening.ended
    expect(timeline(events)).toEqual([
      'message:customer',
      'status:acknowledged',
      'status:processing:Interpreting',
      'status:typing',
      'message:ai_agent',
      'status:ready:completed',
    ])
    expect(events.map((e) => e.offset)).toEqual(
      [...events.map((e) => e.offset)].sort((a, b) => a - b)
    )
    expect(events.some(isTurnCompleted)).toBe(true)
    expect(emulator.control.countRequests('GET', '/sessions/*/events')).toBe(1)
  })

  it('close() leaves a stream quietly, and the client keeps working', async () => {
    const s = await session()
    const events: ParlantEvent[] = []
    const opening = await client.events.stream(s.id, { minOffset: 0, waitForData: 50 }, (event) =>
      events.push(event)
    )
    if (opening.kind !== 'stream') throw new Error('expected a stream')
    await client.events.sendCustomerMessage(s.id, 'hello')
    while (!events.some(isTurnCompleted)) await new Promise((r) => setTimeout(r, 5))
    opening.close()
    await expect(opening.ended).resolves.toBeUndefined()
    const batch = await client.events.list(s.id, { minOffset: 0 })
    expect(batch.events.length).toBe(events.length)
  })

  it('rejects the stream with a typed error when the caller aborts', async () => {
    const s = await session()
    const controller = new AbortController()
    const opening = await client.events.stream(
      s.id,
      { minOffset: 0, waitForData: 50, signal: controller.signal },
      () => {}
    )
    if (opening.kind !== 'stream') throw new Error('expected a stream')
    controller.abort()
    await expect(opening.ended).rejects.toThrow(/aborted by caller/)
  })

  it('takes a long poll answer from a server that ignores sse as a batch', async () => {
    const s = await session()
    const posted = await client.events.sendCustomerMessage(s.id, 'hello')
    const viaProxy = createParlantClient({ baseUrl: proxy.url, logger: captureLogger().logger })
    const seen: ParlantEvent[] = []
    const opening = await viaProxy.events.stream(
      s.id,
      { minOffset: posted.offset, waitForData: 2 },
      (event) => seen.push(event)
    )
    expect(opening.kind).toBe('batch')
    if (opening.kind !== 'batch') return
    expect(opening.batch.events[0]?.id).toBe(posted.id)
    expect(opening.batch.nextOffset).toBe((opening.batch.events.at(-1)?.offset ?? 0) + 1)
    expect(seen).toEqual([])
    expect(proxy.strippedSse).toBeGreaterThan(0)
  })

  it('a 404 opening the stream is ParlantNotFound, as for a long poll', async () => {
    emulator.control.setFaults({
      routes: [{ method: 'GET', path: '/sessions/*/events', action: 'status', status: 404 }],
    })
    await expect(
      client.events.stream('nope', { minOffset: 0, waitForData: 1 }, () => {})
    ).rejects.toMatchObject({ name: 'ParlantNotFound' })
  })
})

describe('events.stream against a misbehaving server', () => {
  let server: http.Server
  let url = ''
  /** What the server writes after the stream's headers; it then leaves the stream open. */
  let body = ''
  /** Cut the connection after the body instead. */
  let cut = false

  beforeAll(async () => {
    server = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.write(body)
      // A connection lost mid-stream: cut with no end of the chunked body.
      if (cut) setTimeout(() => response.socket?.destroy(), 20)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  const open = (margin: number) =>
    createParlantClient({
      baseUrl: url,
      breaker: false,
      timeouts: { longPollMarginMs: margin },
      logger: captureLogger().logger,
    }).events.stream('s1', { minOffset: 0, waitForData: 0 }, () => {})

  it('rejects a stream whose connection is cut before its end, after relaying what came', async () => {
    body =
      'data: {"id":"e1","source":"customer","kind":"message","offset":0,"creation_utc":"2026-01-01T00:00:00Z","trace_id":"t","correlation_id":"t","data":{"message":"hi","participant":{"display_name":"c"}},"metadata":{},"deleted":false}\n\n'
    cut = true
    try {
      const events: ParlantEvent[] = []
      const opening = await createParlantClient({
        baseUrl: url,
        breaker: false,
        retry: false,
        logger: captureLogger().logger,
      }).events.stream('s1', { minOffset: 0, waitForData: 30 }, (event) => events.push(event))
      if (opening.kind !== 'stream') throw new Error('expected a stream')
      await expect(opening.ended).rejects.toMatchObject({ name: 'ParlantUnavailable' })
      expect(events.map((e) => e.id)).toEqual(['e1'])
    } finally {
      cut = false
    }
  })

  it('rejects a stream whose event is not JSON with ParlantContractError', async () => {
    body = 'data: not json\n\n'
    const opening = await open(5_000)
    if (opening.kind !== 'stream') throw new Error('expected a stream')
    await expect(opening.ended).rejects.toMatchObject({ name: 'ParlantContractError' })
  })

  it('redacts the API key from a streamed error event, as from a listing', async () => {
    const key = 'pk-live-STREAM-5b1e90'
    body = `data: ${JSON.stringify({
      id: 'e1',
      source: 'system',
      kind: 'status',
      offset: 3,
      creation_utc: new Date().toISOString(),
      correlation_id: 'c1',
      trace_id: 't1',
      data: { status: 'error', data: { exception: `refused Bearer ${key}` } },
      deleted: false,
      metadata: {},
    })}\n\n`
    const events: ParlantEvent[] = []
    const client = createParlantClient({
      baseUrl: url,
      apiKey: key,
      breaker: false,
      timeouts: { longPollMarginMs: 300 },
      logger: captureLogger().logger,
    })
    const opening = await client.events.stream('s1', { minOffset: 0, waitForData: 0 }, (e) =>
      events.push(e)
    )
    if (opening.kind !== 'stream') throw new Error('expected a stream')
    while (events.length === 0) await new Promise((r) => setTimeout(r, 5))
    opening.close()
    expect(JSON.stringify(events)).not.toContain(key)
    expect(JSON.stringify(events)).toContain('[redacted]')
  })

  it('rejects a stream silent past its wait with ParlantTimeout, never hanging', async () => {
    body = ': hello\n\n'
    const opening = await open(200)
    if (opening.kind !== 'stream') throw new Error('expected a stream')
    await expect(opening.ended).rejects.toMatchObject({ name: 'ParlantTimeout' })
  })
})
