import {
  createParlantClient,
  isAgentMessage,
  isPreamble,
  type ParlantClient,
  ParlantNotFound,
  ParlantRejected,
  ParlantUnavailable,
} from '@/lib/parlant/client'
import { type RunningEmulator, startEmulator } from '@/emulator'
import { captureLogger, collectTurn } from './support'

let emulator: RunningEmulator
let client: ParlantClient

beforeAll(async () => {
  emulator = await startEmulator({ delayMs: 0, waitUnitMs: 100 })
  client = createParlantClient({
    baseUrl: emulator.url,
    logger: captureLogger().logger,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  })
})
afterAll(async () => {
  await emulator.close()
})
beforeEach(() => {
  emulator.control.reset()
})

describe('Parlant client CRUD against the emulator', () => {
  it('creates, reads, updates, lists and deletes agents (with our own id)', async () => {
    // Tag ids must exist on Parlant.
    const t1 = await client.tags.create('t1')
    const created = await client.agents.create({ id: 'agent-1', name: 'Helper', description: 'd' })
    expect(created).toMatchObject({ id: 'agent-1', name: 'Helper', composition_mode: 'fluid' })
    expect(await client.agents.get('agent-1')).toEqual(created)
    const updated = await client.agents.update('agent-1', {
      name: 'Helper 2',
      composition_mode: 'canned_fluid',
      message_output_mode: 'stream',
      max_engine_iterations: 2,
      tags: { add: [t1.id] },
    })
    expect(updated).toMatchObject({
      name: 'Helper 2',
      composition_mode: 'canned_fluid',
      message_output_mode: 'stream',
      max_engine_iterations: 2,
      tags: [t1.id],
    })
    expect((await client.agents.list()).map((a) => a.id)).toEqual(['agent-1'])
    await client.agents.delete('agent-1')
    await expect(client.agents.get('agent-1')).rejects.toBeInstanceOf(ParlantNotFound)
    await expect(client.agents.delete('agent-1')).rejects.toBeInstanceOf(ParlantNotFound)
  })

  it('reports a duplicate agent id as the 500 Parlant gives, without retrying the POST', async () => {
    await client.agents.create({ id: 'dup', name: 'A' })
    const error = await client.agents.create({ id: 'dup', name: 'A' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ParlantUnavailable)
    expect((error as ParlantUnavailable).status).toBe(500)
    expect(emulator.control.countRequests('POST', '/agents')).toBe(2)
  })

  it('rejects a bad body with the 422 field list', async () => {
    const error = await client.agents
      .create({ name: '' })
      .catch((e: unknown) => e as ParlantRejected)
    expect(error).toBeInstanceOf(ParlantRejected)
    expect((error as ParlantRejected).fields[0]?.field).toBe('body.name')
    expect((error as ParlantRejected).message).toContain('body.name')
  })

  it('gets or creates customers with a deterministic id, also concurrently', async () => {
    const [a, b] = await Promise.all([
      client.customers.getOrCreate({ id: 'user-1', name: 'Ada', metadata: { plan: 'pro' } }),
      client.customers.getOrCreate({ id: 'user-1', name: 'Ada', metadata: { plan: 'pro' } }),
    ])
    expect(a.id).toBe('user-1')
    expect(b).toEqual(a)
    expect(await client.customers.getOrCreate({ id: 'user-1', name: 'Ada' })).toEqual(a)
    expect(await client.customers.get('user-1')).toMatchObject({ metadata: { plan: 'pro' } })
    await client.customers.delete('user-1')
    await expect(client.customers.get('user-1')).rejects.toBeInstanceOf(ParlantNotFound)
  })

  it('creates sessions without greeting, updates mode and title, lists and deletes them', async () => {
    await client.agents.create({ id: 'ag', name: 'Agent' })
    await client.customers.create({ id: 'cu', name: 'Customer' })
    const session = await client.sessions.create({
      agent_id: 'ag',
      customer_id: 'cu',
      title: 'Hello',
      metadata: { bridge_conversation_id: 'conv-1' },
    })
    expect(session).toMatchObject({
      agent_id: 'ag',
      customer_id: 'cu',
      mode: 'auto',
      title: 'Hello',
    })
    expect(emulator.control.requests().find((r) => r.method === 'POST')).toBeDefined()
    const updated = await client.sessions.update(session.id, { mode: 'manual', title: 'T2' })
    expect(updated).toMatchObject({ mode: 'manual', title: 'T2' })
    expect(await client.sessions.get(session.id)).toEqual(updated)
    expect((await client.sessions.list({ agentId: 'ag' })).map((s) => s.id)).toEqual([session.id])
    expect(await client.sessions.list({ agentId: 'other' })).toEqual([])
    await client.sessions.delete(session.id)
    await expect(client.sessions.get(session.id)).rejects.toBeInstanceOf(ParlantNotFound)
    await expect(client.sessions.create({ agent_id: 'missing' })).rejects.toBeInstanceOf(
      ParlantNotFound
    )
  })

  it('manages guidelines scoped by the agent tag, and tags', async () => {
    // `agent:<id>` tags must name existing agents, as on Parlant.
    await client.agents.create({ id: 'ag', name: 'Agent' })
    await client.agents.create({ id: 'zz', name: 'Other' })
    const tag = await client.tags.create('vip')
    expect(await client.tags.get(tag.id)).toEqual(tag)
    expect(await client.tags.list({ name: 'vip' })).toEqual([tag])
    const g = await client.guidelines.create({
      condition: 'the customer says "hello"',
      action: 'Hi there!',
      tags: ['agent:ag'],
    })
    expect(g).toMatchObject({
      condition: 'the customer says "hello"',
      enabled: true,
      tags: ['agent:ag'],
    })
    await client.guidelines.create({ condition: 'other', action: 'x', tags: ['agent:zz'] })
    expect((await client.guidelines.list({ tagId: 'agent:ag' })).map((x) => x.id)).toEqual([g.id])
    const updated = await client.guidelines.update(g.id, {
      action: 'Hello!',
      tags: { add: [tag.id] },
    })
    expect(updated.guideline).toMatchObject({ action: 'Hello!', tags: ['agent:ag', tag.id] })
    expect((await client.guidelines.get(g.id)).guideline.action).toBe('Hello!')
    await client.guidelines.delete(g.id)
    await expect(client.guidelines.get(g.id)).rejects.toBeInstanceOf(ParlantNotFound)
    await client.tags.delete(tag.id)
    expect(await client.tags.list()).toEqual([])
  })

  it('reads health', async () => {
    const health = await client.health()
    expect(['healthy', 'degraded', 'unhealthy']).toContain(health.status)
    expect(health.checks).toHaveProperty('event_loop')
  })
})

describe('Parlant client events against the emulator', () => {
  async function setup() {
    await client.agents.create({ id: 'ag', name: 'Agent' })
    await client.customers.create({ id: 'cu', name: 'Customer' })
    await client.guidelines.create({
      condition: 'the customer asks about "pricing"',
      action: 'Plans start at 10 EUR.',
      tags: ['agent:ag'],
    })
    return client.sessions.create({ agent_id: 'ag', customer_id: 'cu' })
  }

  it('posts a message with metadata and long-polls the reply until ready{completed}', async () => {
    const session = await setup()
    const posted = await client.events.sendCustomerMessage(session.id, 'What is your PRICING?', {
      bridge_msg_id: 'm-1',
    })
    expect(posted).toMatchObject({ kind: 'message', source: 'customer', offset: 0 })
    expect(posted.metadata).toEqual({ bridge_msg_id: 'm-1' })
    const turn = await collectTurn(client, session.id, posted.trace_id, 1)
    const replies = turn.filter((e) => isAgentMessage(e) && !isPreamble(e))
    expect(replies.map((e) => (e.kind === 'message' ? e.data.message : ''))).toEqual([
      'Plans start at 10 EUR.',
    ])
    expect(emulator.control.createdEvents()).toHaveLength(1)
  })

  it('times out a long poll with 504 as "no news" and re-polls successfully', async () => {
    const session = await setup()
    const empty = await client.events.list(session.id, { minOffset: 0, waitForData: 1 })
    expect(empty).toEqual({ events: [], timedOut: true, nextOffset: 0 })
    const poll = client.events.list(session.id, {
      minOffset: 0,
      waitForData: 5,
      kinds: ['message'],
    })
    const posted = await client.events.sendCustomerMessage(session.id, 'hi')
    const batch = await poll
    expect(batch.timedOut).toBe(false)
    expect(batch.events[0]?.id).toBe(posted.id)
    expect(batch.nextOffset).toBe(posted.offset + 1)
    await expect(client.events.list('nope', { waitForData: 1 })).rejects.toBeInstanceOf(
      ParlantNotFound
    )
  })

  it('filters by kinds (sent as a comma string) and trace id, sorted by offset', async () => {
    const session = await setup()
    const posted = await client.events.sendCustomerMessage(session.id, 'hello')
    await collectTurn(client, session.id, posted.trace_id)
    const statuses = await client.events.list(session.id, {
      kinds: ['status'],
      traceId: posted.trace_id,
    })
    expect(statuses.events.every((e) => e.kind === 'status')).toBe(true)
    const url = emulator.control.requests().find((r) => r.path.endsWith('/events'))
    expect(url).toBeDefined()
    const offsets = statuses.events.map((e) => e.offset)
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b))
  })

  it('reads one event', async () => {
    const session = await setup()
    const posted = await client.events.sendCustomerMessage(session.id, 'hello')
    expect(await client.events.get(session.id, posted.id)).toEqual(posted)
    await expect(client.events.get(session.id, 'missing')).rejects.toBeInstanceOf(ParlantNotFound)
  })
})
