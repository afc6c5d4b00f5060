/**
 * A turn reads its events as one server-sent-events stream, on both engines: one events request
 * per turn and a sub-second look for a trailing error; behind a server that ignores `sse` (a proxy
 * dropping it) the same turn falls back to the long poll, as it does with the stream turned off.
 */
import { PARLANT_EVENTS } from '@/lib/parlant/realtime/events'
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases'
import { type NoSseProxy, startNoSseProxy } from '../support/no-sse-proxy'
import { type Bed, createBed, FAST, provisionAgent } from './support'

const REFUND = { condition: 'the customer asks about "refund"', action: 'Refunds: 5 days.' }
/** Real seconds, so a stream never ends mid-turn and a long poll's trailing look takes 1 s. */
const WAIT_UNIT_MS = 1000

describe.each(ENGINES)('a turn over the event stream (%s)', (engine) => {
  let database: TestDatabase
  const beds: Bed[] = []
  let proxy: NoSseProxy | undefined

  beforeAll(async () => {
    database = await createTestDatabase(engine)
  })
  afterAll(async () => {
    await proxy?.close()
    for (const bed of beds) await bed.emulator.close()
    await database?.close()
  })

  async function turn(bed: Bed, key: string) {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, {
      name: `agent ${key}`,
      guidelines: [REFUND],
    })
    bed.emulator.control.clearLogs()
    const started = Date.now()
    const result = await bed.chat.send({
      workspaceId: bed.workspaceId,
      agentId: agent.agentId,
      userId: bed.user.id,
      message: 'refund?',
      conversationKey: key,
    })
    return { result, ms: Date.now() - started, agent }
  }

  it('reads the whole turn from one stream and looks for a late error for well under a second', async () => {
    const bed = await createBed(database.db, FAST, { waitUnitMs: WAIT_UNIT_MS })
    beds.push(bed)
    const { result, ms } = await turn(bed, 'stream')
    expect(result).toMatchObject({ outcome: 'replied', content: 'Refunds: 5 days.' })
    expect(bed.emulator.control.countRequests('GET', '/sessions/*/events')).toBe(1)
    expect(ms).toBeLessThan(900)
  })

  it("opens a turn's stream beside its post, from the cursor the last turn recorded", async () => {
    const bed = await createBed(database.db, FAST, { waitUnitMs: WAIT_UNIT_MS })
    beds.push(bed)
    const first = await turn(bed, 'beside')
    // The post answers 300 ms late: the stream must already be open by then.
    bed.emulator.control.setFaults({
      routes: [
        { method: 'POST', path: '/sessions/*/events', action: 'delay', delayMs: 300, times: 1 },
      ],
    })
    bed.emulator.control.clearLogs()
    bed.published.length = 0
    const second = await bed.chat.send({
      workspaceId: bed.workspaceId,
      agentId: first.agent.agentId,
      userId: bed.user.id,
      message: 'refund again?',
      conversationKey: 'beside',
    })
    bed.emulator.control.clearFaults()
    expect(second).toMatchObject({ outcome: 'replied', content: 'Refunds: 5 days.' })
    const events = bed.emulator.control
      .requests()
      .filter((r) => /^\/sessions\/[^/]+\/events$/.test(r.path))
    const post = events.find((r) => r.method === 'POST')
    const streams = events.filter((r) => r.method === 'GET')
    expect(streams).toHaveLength(1)
    expect(streams[0]!.startedAt).toBeLessThan(post!.at - 200)
    // The stream started below the posted message: still, every event is relayed once.
    const relayed = bed.published
      .filter((p) => p.event === PARLANT_EVENTS.chatEvent)
      .map((p) => p.payload as { offset: number; text?: string })
    const offsets = relayed.map((p) => p.offset)
    expect(new Set(offsets).size).toBe(offsets.length)
    expect(relayed.filter((p) => p.text === 'refund again?')).toHaveLength(1)
  })

  it('a retry reads its turn from the posted message, though the recorded cursor passed it', async () => {
    const bed = await createBed(
      database.db,
      { ...FAST, deadlineMs: 1_700 },
      {
        waitUnitMs: WAIT_UNIT_MS,
      }
    )
    beds.push(bed)
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, {
      name: 'two messages',
      guidelines: [
        { condition: 'the customer asks about "refund"', action: 'Hello!\n\nHow can I help?' },
      ],
      compositionMode: 'canned_fluid',
    })
    const request = (idempotencyKey?: string) => ({
      workspaceId: bed.workspaceId,
      agentId: agent.agentId,
      userId: bed.user.id,
      message: 'refund?',
      conversationKey: 'retry-cursor',
      ...(idempotencyKey ? { idempotencyKey } : {}),
    })
    await bed.chat.send(request())
    // Each message takes 1.1 s: the first lands, the cursor is recorded past it a second in, and
    // the deadline ends the attempt before the second.
    bed.emulator.control.setFaults({
      agents: { [agent.parlantAgentId]: { latencyMs: { message: 1_100 } } },
    })
    const first = await bed.chat.send(request('k-1')).catch((error: unknown) => error)
    expect(first).toMatchObject({ code: 'turn_deadline_exceeded' })
    const retry = await bed.chat.send(request('k-1'))
    bed.emulator.control.clearFaults()
    expect(retry.messages.map((m) => m.text)).toEqual(['Hello!', 'How can I help?'])
  })

  it('fails the turn on an error that follows the final ready on the stream', async () => {
    const bed = await createBed(database.db, FAST, { waitUnitMs: WAIT_UNIT_MS })
    beds.push(bed)
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, {
      name: 'failing',
    })
    bed.emulator.control.setFaults({ agents: { [agent.parlantAgentId]: { outcome: 'error' } } })
    const failure = await bed.chat
      .send({
        workspaceId: bed.workspaceId,
        agentId: agent.agentId,
        userId: bed.user.id,
        message: 'hi',
        conversationKey: 'late-error',
      })
      .catch((error: unknown) => error)
    expect(failure).toMatchObject({ code: 'parlant_error' })
  })

  it('falls back to the long poll behind a server that ignores sse', async () => {
    const bed = await createBed(database.db, FAST, {
      waitUnitMs: WAIT_UNIT_MS,
      parlantUrl: async (url) => {
        proxy = await startNoSseProxy(url)
        return proxy.url
      },
    })
    beds.push(bed)
    const { result, ms } = await turn(bed, 'no-sse')
    expect(result).toMatchObject({ outcome: 'replied', content: 'Refunds: 5 days.' })
    expect(proxy?.strippedSse).toBe(1)
    // The stream request answered as a long poll, then the trailing look: whole seconds.
    expect(bed.emulator.control.countRequests('GET', '/sessions/*/events')).toBeGreaterThanOrEqual(
      2
    )
    expect(ms).toBeGreaterThanOrEqual(1000)
  })

  it('long polls for the rest of the turn when opening the stream fails', async () => {
    const bed = await createBed(database.db, FAST, { waitUnitMs: WAIT_UNIT_MS })
    beds.push(bed)
    bed.emulator.control.setFaults({
      routes: [
        { method: 'GET', path: '/sessions/*/events', action: 'status', status: 500, times: 1 },
      ],
    })
    const { result } = await turn(bed, 'broken-stream')
    expect(result).toMatchObject({ outcome: 'replied', content: 'Refunds: 5 days.' })
    expect(bed.emulator.control.countRequests('GET', '/sessions/*/events')).toBeGreaterThanOrEqual(
      3
    )
  })

  it('long polls only, with the stream turned off', async () => {
    const bed = await createBed(
      database.db,
      { ...FAST, eventStream: false },
      { waitUnitMs: WAIT_UNIT_MS }
    )
    beds.push(bed)
    const { result } = await turn(bed, 'off')
    expect(result).toMatchObject({ outcome: 'replied', content: 'Refunds: 5 days.' })
    const urls = bed.emulator.control.requests().map((r) => r.path)
    expect(urls.filter((p) => /\/events$/.test(p)).length).toBeGreaterThanOrEqual(2)
  })
})
