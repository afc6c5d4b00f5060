/**
 * The stream feed's `prime` against the emulator: a primed stream serves a read from its cursor on,
 * a read from below it gets a stream of its own (a retry resumes before the recorded cursor), and
 * a feed closed while its primed request is still open ends that request at once — behind a
 * server without streams, a long poll that would otherwise wait out its whole `wait_for_data`.
 */
import { createLogger } from '@sim/logger'
import { streamFeed } from '@/lib/parlant/chat/feed'
import { createParlantClient, type ParlantClient } from '@/lib/parlant/client'
import { type RunningEmulator, startEmulator } from '@/emulator'
import { type NoSseProxy, startNoSseProxy } from '../support/no-sse-proxy'

/** Real seconds: a stream or long poll waits its whole `wait_for_data` unless ended. */
const WAIT_UNIT_MS = 1000

let emulator: RunningEmulator
let proxy: NoSseProxy
const logger = createLogger('FeedTest')

beforeAll(async () => {
  emulator = await startEmulator({ delayMs: 0, waitUnitMs: WAIT_UNIT_MS })
  proxy = await startNoSseProxy(emulator.url)
})
afterAll(async () => {
  await proxy.close()
  await emulator.close()
})

/** A session holding three customer messages (offsets 0, 1, 2). */
async function sessionWithMessages(client: ParlantClient) {
  const id = `feed-${Math.random().toString(36).slice(2)}`
  await client.agents.create({ id, name: id, composition_mode: 'fluid', tags: [] })
  await client.customers.getOrCreate({ id, name: id })
  const session = await client.sessions.create({
    agent_id: id,
    customer_id: id,
  })
  for (const text of ['one', 'two', 'three']) {
    await client.events.sendCustomerMessage(session.id, text, {}, {})
  }
  return session.id
}

/** A stream feed whose streams (and long polls) wait up to 5 s. */
function feedOf(parlant: ParlantClient, sessionId: string) {
  const signal = new AbortController().signal
  return streamFeed({ parlant, sessionId, signal, logger, streamWaitSeconds: 5 })
}

describe('stream feed prime', () => {
  it('serves a read from below the primed cursor from that read’s own cursor', async () => {
    const parlant = createParlantClient({ baseUrl: emulator.url })
    const sessionId = await sessionWithMessages(parlant)
    const customerOffsets = (
      await parlant.events.list(sessionId, { minOffset: 0, kinds: ['message'], source: 'customer' })
    ).events.map((e) => e.offset)
    const feed = feedOf(parlant, sessionId)
    try {
      // Primed past every message, then read from the first one.
      feed.prime(Math.max(...customerOffsets) + 1)
      const batch = await feed.next(customerOffsets[0]!, 2_000)
      expect(batch.timedOut).toBe(false)
      expect(batch.events[0]?.offset).toBe(customerOffsets[0])
    } finally {
      feed.close()
    }
  })

  it('ends a primed request still open when the feed closes (a long poll behind a proxy)', async () => {
    const parlant = createParlantClient({ baseUrl: proxy.url })
    const sessionId = await sessionWithMessages(parlant)
    const feed = feedOf(parlant, sessionId)
    emulator.control.clearLogs()
    // Primed past the end: the server holds this long poll open for up to 5 s.
    feed.prime(1_000)
    await new Promise((resolve) => setTimeout(resolve, 200))
    const closedAt = Date.now()
    feed.close()
    await vi.waitFor(
      () => expect(emulator.control.countRequests('GET', '/sessions/*/events')).toBe(1),
      { timeout: 4_000 }
    )
    const poll = emulator.control.requests().find((r) => r.method === 'GET')
    expect(poll!.at - closedAt).toBeLessThan(1_000)
  })
})
