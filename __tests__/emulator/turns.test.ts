import {
  createParlantClient,
  isMessageComplete,
  isPreamble,
  type MessageEvent,
  type ParlantClient,
  PREAMBLE_TAG,
} from '@/lib/parlant/client'
import { type RunningEmulator, startEmulator } from '@/emulator'
import { captureLogger, collectTurn, timeline } from '../client/support'

let emulator: RunningEmulator
let client: ParlantClient

beforeAll(async () => {
  emulator = await startEmulator({ delayMs: 0, waitUnitMs: 100 })
  client = createParlantClient({ baseUrl: emulator.url, logger: captureLogger().logger })
})
afterAll(async () => {
  await emulator.close()
})
beforeEach(() => {
  emulator.control.reset()
})

async function session(
  agent: Parameters<ParlantClient['agents']['create']>[0] = { name: 'Agent' }
) {
  const a = await client.agents.create({ id: 'ag', ...agent })
  await client.customers.create({ id: 'cu', name: 'Customer' })
  return client.sessions.create({ agent_id: a.id, customer_id: 'cu' })
}

const messagesOf = (events: readonly unknown[]) =>
  (events as MessageEvent[])
    .filter((e) => e.kind === 'message' && e.source === 'ai_agent' && !isPreamble(e))
    .map((e) => e.data.message)

describe('emulator turn timeline', () => {
  it('emits acknowledged → processing → typing → message → ready{completed} on the message trace', async () => {
    const s = await session()
    const posted = await client.events.sendCustomerMessage(s.id, 'Hello there')
    const turn = await collectTurn(client, s.id, posted.trace_id, 1)
    expect(timeline(turn)).toEqual([
      'status:acknowledged',
      'status:processing:Interpreting',
      'status:typing',
      'message:ai_agent',
      'status:ready:completed',
    ])
    expect(messagesOf(turn)).toEqual(['I received your message: "Hello there"'])
    expect(turn.map((e) => e.offset)).toEqual([1, 2, 3, 4, 5])
    const ready = turn.at(-1)
    expect(ready?.kind === 'status' && ready.data.data).toMatchObject({
      stage: 'completed',
      matched_guidelines: [],
    })
  })

  it('replies with the action of the matching guideline, split on blank lines', async () => {
    const s = await session()
    const g = await client.guidelines.create({
      condition: 'the customer mentions "refund" or "money back"',
      action: 'Refunds take 5 days.\n\nAnything else?',
      tags: ['agent:ag'],
    })
    // An `agent:` tag must name an existing agent, as on Parlant.
    await client.agents.create({ id: 'someone-else', name: 'Someone else' })
    await client.guidelines.create({
      condition: 'the customer mentions "refund"',
      action: 'Not for this agent',
      tags: ['agent:someone-else'],
    })
    const posted = await client.events.sendCustomerMessage(s.id, 'I want my MONEY BACK')
    const turn = await collectTurn(client, s.id, posted.trace_id)
    expect(messagesOf(turn)).toEqual(['Refunds take 5 days.', 'Anything else?'])
    const ready = turn.at(-1)
    expect(ready?.kind === 'status' && ready.data.data.matched_guidelines).toEqual([{ id: g.id }])
  })

  it('emits a preamble, interim ready {} and a ready {} after each canned message', async () => {
    const s = await session({ name: 'Canned', composition_mode: 'strict_canned' })
    emulator.control.setFaults({ turn: { preamble: 'One moment…' } })
    const posted = await client.events.sendCustomerMessage(s.id, 'hi')
    const turn = await collectTurn(client, s.id, posted.trace_id, 1)
    expect(timeline(turn)).toEqual([
      'status:acknowledged',
      'status:typing',
      'message:ai_agent',
      'status:ready',
      'status:processing:Interpreting',
      'status:typing',
      'message:ai_agent',
      'status:ready',
      'status:ready:completed',
    ])
    const preamble = turn[2] as MessageEvent
    expect(preamble.data.tags).toEqual([PREAMBLE_TAG])
    expect(turn[3]?.kind === 'status' && turn[3].data.data).toEqual({})
  })

  it('adds error {exception} after the final ready when the turn fails (per agent)', async () => {
    const s = await session()
    emulator.control.setFaults({ agents: { ag: { outcome: 'error' } } })
    const posted = await client.events.sendCustomerMessage(s.id, 'hi')
    const turn = await collectTurn(client, s.id, posted.trace_id)
    expect(timeline(turn).slice(-2)).toEqual(['status:ready:completed', 'status:error'])
    const error = turn.at(-1)
    expect(error?.kind === 'status' && typeof error.data.data.exception).toBe('string')
    expect(messagesOf(turn)).toEqual([])
  })

  it('emits nothing in manual mode, nor when silenced', async () => {
    const s = await session()
    await client.sessions.update(s.id, { mode: 'manual' })
    await client.events.sendCustomerMessage(s.id, 'hi')
    expect((await client.events.list(s.id, { minOffset: 1, waitForData: 1 })).timedOut).toBe(true)
    await client.sessions.update(s.id, { mode: 'auto' })
    emulator.control.setFaults({ turn: { outcome: 'silence' } })
    const posted = await client.events.sendCustomerMessage(s.id, 'hi again')
    expect(posted.offset).toBe(1)
    expect((await client.events.list(s.id, { minOffset: 2, waitForData: 1 })).timedOut).toBe(true)
  })

  it('stays silent for a session whose customer does not exist, like Parlant', async () => {
    await client.agents.create({ id: 'ag', name: 'Agent' })
    const s = await client.sessions.create({ agent_id: 'ag', customer_id: 'nobody' })
    await client.events.sendCustomerMessage(s.id, 'hi')
    expect((await client.events.list(s.id, { minOffset: 1, waitForData: 1 })).timedOut).toBe(true)
  })

  it('preempts a running turn: cancelled then ready{completed} on the old trace', async () => {
    const s = await session()
    emulator.control.setFaults({ turn: { latencyMs: { typing: 400 } } })
    const first = await client.events.sendCustomerMessage(s.id, 'first')
    await client.events.list(s.id, { minOffset: 1, traceId: first.trace_id, waitForData: 2 })
    emulator.control.setFaults({})
    const second = await client.events.sendCustomerMessage(s.id, 'second')
    const all = (await client.events.list(s.id, { minOffset: 0 })).events
    const old = all.filter((e) => e.trace_id === first.trace_id)
    expect(timeline(old).slice(-2)).toEqual(['status:cancelled', 'status:ready:completed'])
    expect(messagesOf(old)).toEqual([])
    const turn = await collectTurn(client, s.id, second.trace_id)
    expect(messagesOf(turn)).toEqual(['I received your message: "second"'])
    // Nothing of the old turn arrives after it was cancelled.
    await new Promise((resolve) => setTimeout(resolve, 450))
    const later = (await client.events.list(s.id, { traceId: first.trace_id })).events
    expect(later).toHaveLength(old.length)
  })

  it('streams a canned_fluid + stream message: chunks grow until a trailing null', async () => {
    const s = await session({
      name: 'Streamer',
      composition_mode: 'canned_fluid',
      message_output_mode: 'stream',
    })
    await client.guidelines.create({
      condition: '"story"',
      action: 'Once upon a time there was a tiny emulator that streamed.',
      tags: ['agent:ag'],
    })
    emulator.control.setFaults({ turn: { latencyMs: { chunk: 20 } } })
    const posted = await client.events.sendCustomerMessage(s.id, 'tell me a story')
    const batch = await client.events.list(s.id, {
      minOffset: 1,
      kinds: ['message'],
      waitForData: 2,
    })
    const partial = batch.events[0] as MessageEvent
    expect(isMessageComplete(partial)).toBe(false)
    const full = (await client.events.get(s.id, partial.id, {
      waitForCompletion: true,
      waitForData: 5,
    })) as MessageEvent
    expect(isMessageComplete(full)).toBe(true)
    expect(full.data.message).toBe('Once upon a time there was a tiny emulator that streamed.')
    expect(full.data.chunks?.filter((c) => c !== null).join('')).toBe(full.data.message)
    const turn = await collectTurn(client, s.id, posted.trace_id)
    expect(timeline(turn).slice(-2)).toEqual(['status:ready', 'status:ready:completed'])
  })

  it('answers many concurrent sessions', async () => {
    await client.agents.create({ id: 'ag', name: 'Agent' })
    await client.customers.create({ id: 'cu', name: 'Customer' })
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const s = await client.sessions.create({ agent_id: 'ag', customer_id: 'cu' })
        // 50 units of 100 ms: room for 50 turns on a busy machine.
        const poll = client.events.list(s.id, { minOffset: 1, waitForData: 50, kinds: ['message'] })
        await client.events.sendCustomerMessage(s.id, `n${i}`)
        return (await poll).events.map((e) => (e.kind === 'message' ? e.data.message : ''))
      })
    )
    expect(results.map((r) => r[0])).toEqual(
      Array.from({ length: 50 }, (_, i) => `I received your message: "n${i}"`)
    )
  })
})
