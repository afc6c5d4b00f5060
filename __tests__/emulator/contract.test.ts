/**
 * Every emulator route, called raw, answers with Parlant's status code and a body that parses
 * through the client's Parlant schemas — success and error bodies alike.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { z } from 'zod'
import {
  agentSchema,
  customerSchema,
  detailErrorSchema,
  eventSchema,
  guidelineSchema,
  guidelineWithRelationshipsSchema,
  healthSchema,
  httpValidationErrorSchema,
  sessionListingSchema,
  sessionSchema,
  tagSchema,
} from '@/lib/parlant/client'
import { type RunningEmulator, startEmulator } from '@/emulator'

let emulator: RunningEmulator

beforeAll(async () => {
  emulator = await startEmulator({ delayMs: 0, waitUnitMs: 50 })
})
afterAll(async () => {
  await emulator.close()
})

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {}
) {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    // Parlant's 500s are not JSON; the test reads `text` then.
  }
  return { status: response.status, json, text }
}

function parses<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value)
  if (!result.success) throw new Error(`schema mismatch: ${result.error.message}`)
  return result.data
}

describe('emulator routes follow the Parlant contract', () => {
  it('answers every route with the right status and a schema-valid body', async () => {
    emulator.control.reset()
    const health = await call('GET', '/healthz')
    expect(health.status).toBe(200)
    parses(healthSchema, health.json)

    const agent = await call('POST', '/agents', { id: 'a1', name: 'A' })
    expect(agent.status).toBe(201)
    parses(agentSchema, agent.json)
    parses(agentSchema.array(), (await call('GET', '/agents')).json)
    parses(agentSchema, (await call('GET', '/agents/a1')).json)
    const patched = await call('PATCH', '/agents/a1', { description: 'x' })
    expect(patched.status).toBe(200)
    parses(agentSchema, patched.json)

    const customer = await call('POST', '/customers', { id: 'c1', name: 'C' })
    expect(customer.status).toBe(201)
    parses(customerSchema, customer.json)
    parses(customerSchema, (await call('GET', '/customers/c1')).json)
    parses(customerSchema.array(), (await call('GET', '/customers')).json)

    const session = await call('POST', '/sessions?allow_greeting=false', {
      agent_id: 'a1',
      customer_id: 'c1',
    })
    expect(session.status).toBe(201)
    const sid = parses(sessionSchema, session.json).id
    parses(sessionSchema, (await call('GET', `/sessions/${sid}`)).json)
    parses(sessionSchema.array(), (await call('GET', '/sessions?agent_id=a1')).json)
    parses(
      sessionSchema,
      (
        await call('PATCH', `/sessions/${sid}`, {
          metadata: { set: { k: 1 } },
          labels: { upsert: ['l'] },
        })
      ).json
    )

    const event = await call('POST', `/sessions/${sid}/events`, {
      kind: 'message',
      source: 'customer',
      message: 'hello',
    })
    expect(event.status).toBe(201)
    const eid = parses(eventSchema, event.json).id
    const listed = await call('GET', `/sessions/${sid}/events?min_offset=0&wait_for_data=1`)
    expect(listed.status).toBe(200)
    parses(eventSchema.array(), listed.json)
    parses(eventSchema, (await call('GET', `/sessions/${sid}/events/${eid}`)).json)
    const custom = await call('POST', `/sessions/${sid}/events`, {
      kind: 'custom',
      source: 'system',
      data: { any: 'thing' },
    })
    expect(custom.status).toBe(201)
    const status = await call('POST', `/sessions/${sid}/events`, {
      kind: 'status',
      source: 'human_agent',
      status: 'typing',
    })
    parses(eventSchema, status.json)
    const human = await call('POST', `/sessions/${sid}/events`, {
      kind: 'message',
      source: 'human_agent_on_behalf_of_ai_agent',
      message: 'a human speaking',
    })
    parses(eventSchema, human.json)
    // Wait for the turn to settle, then check the whole log parses.
    await new Promise((resolve) => setTimeout(resolve, 50))
    parses(eventSchema.array(), (await call('GET', `/sessions/${sid}/events?wait_for_data=0`)).json)

    const guideline = await call('POST', '/guidelines', {
      condition: 'c',
      action: 'a',
      tags: ['agent:a1'],
    })
    expect(guideline.status).toBe(201)
    const gid = parses(guidelineSchema, guideline.json).id
    parses(guidelineSchema.array(), (await call('GET', '/guidelines?tag_id=agent:a1')).json)
    parses(guidelineWithRelationshipsSchema, (await call('GET', `/guidelines/${gid}`)).json)
    parses(
      guidelineWithRelationshipsSchema,
      (await call('PATCH', `/guidelines/${gid}`, { enabled: false })).json
    )

    const tag = await call('POST', '/tags', { name: 'vip' })
    expect(tag.status).toBe(201)
    const tid = parses(tagSchema, tag.json).id
    parses(tagSchema.array(), (await call('GET', '/tags')).json)
    parses(tagSchema, (await call('PATCH', `/tags/${tid}`, { name: 'vip2' })).json)

    for (const path of [
      `/tags/${tid}`,
      `/guidelines/${gid}`,
      `/sessions/${sid}`,
      '/customers/c1',
      '/agents/a1',
    ]) {
      const deleted = await call('DELETE', path)
      expect(deleted.status).toBe(204)
      expect(deleted.text).toBe('')
      const again = await call('GET', path)
      expect(again.status).toBe(404)
      // Parlant's wording: `Item '<id>' not found`, `Session not found (id='<id>')`, and the
      // guideline read's own `Guideline not found`.
      expect(parses(detailErrorSchema, again.json).detail).toMatch(/not found/)
    }
  })

  it('answers bad input with FastAPI 422 detail[] and rule violations with {detail}', async () => {
    emulator.control.reset()
    const missing = await call('POST', '/agents', {})
    expect(missing.status).toBe(422)
    const body = parses(httpValidationErrorSchema, missing.json)
    expect(body.detail[0]).toMatchObject({ loc: ['body', 'name'], type: 'missing' })
    const badEnum = await call('POST', '/agents', { name: 'x', composition_mode: 'poetic' })
    expect(parses(httpValidationErrorSchema, badEnum.json).detail[0]?.loc).toEqual([
      'body',
      'composition_mode',
    ])
    const badJson = await fetch(`${emulator.url}/agents`, { method: 'POST', body: '{nope' })
    expect(badJson.status).toBe(422)

    await call('POST', '/agents', { id: 'a1', name: 'A' })
    const sid = parses(sessionSchema, (await call('POST', '/sessions', { agent_id: 'a1' })).json).id
    const noMessage = await call('POST', `/sessions/${sid}/events`, {
      kind: 'message',
      source: 'customer',
    })
    expect(noMessage.status).toBe(422)
    parses(detailErrorSchema, noMessage.json)
    const tool = await call('POST', `/sessions/${sid}/events`, { kind: 'tool', source: 'ai_agent' })
    expect(tool.status).toBe(422)
    const badOffset = await call('GET', `/sessions/${sid}/events?min_offset=abc`)
    expect(parses(httpValidationErrorSchema, badOffset.json).detail[0]?.loc).toEqual([
      'query',
      'min_offset',
    ])
  })

  it('answers a long poll with nothing new with 504 {"detail":"Request timed out"}', async () => {
    emulator.control.reset()
    await call('POST', '/agents', { id: 'a1', name: 'A' })
    const sid = parses(sessionSchema, (await call('POST', '/sessions', { agent_id: 'a1' })).json).id
    const poll = await call('GET', `/sessions/${sid}/events?min_offset=0&wait_for_data=1`)
    expect(poll.status).toBe(504)
    expect(poll.json).toEqual({ detail: 'Request timed out' })
    expect((await call('GET', `/sessions/${sid}/events?wait_for_data=0`)).json).toEqual([])
  })

  it('answers a duplicate agent or customer id with a bare 500', async () => {
    emulator.control.reset()
    await call('POST', '/agents', { id: 'a1', name: 'A' })
    expect((await call('POST', '/agents', { id: 'a1', name: 'A' })).status).toBe(500)
    await call('POST', '/customers', { id: 'c1', name: 'C' })
    expect((await call('POST', '/customers', { id: 'c1', name: 'C' })).status).toBe(500)
  })

  it('releases a long poll with 404 when its session is deleted', async () => {
    emulator.control.reset()
    await call('POST', '/agents', { id: 'a1', name: 'A' })
    const sid = parses(sessionSchema, (await call('POST', '/sessions', { agent_id: 'a1' })).json).id
    const poll = call('GET', `/sessions/${sid}/events?min_offset=0&wait_for_data=20`)
    await new Promise((resolve) => setTimeout(resolve, 30))
    await call('DELETE', `/sessions/${sid}`)
    expect((await poll).status).toBe(404)
  })
})

describe('the responses Parlant-compatible behaviour added still parse', () => {
  it('parses pages, the guest, updated customers and events, health checks and SSE frames', async () => {
    emulator.control.reset()
    await call('POST', '/agents', { id: 'a1', name: 'A' })
    const tag = parses(tagSchema, (await call('POST', '/tags', { name: 't' })).json)
    await call('POST', '/customers', { id: 'c1', name: 'C' })
    const customers = parses(customerSchema.array(), (await call('GET', '/customers')).json)
    expect(customers.map((c) => c.id)).toEqual(['guest', 'c1'])
    const patched = await call('PATCH', '/customers/c1', {
      name: 'C2',
      metadata: { set: { plan: 'pro' } },
      tags: { add: [tag.id] },
    })
    expect(parses(customerSchema, patched.json)).toMatchObject({ name: 'C2', tags: [tag.id] })
    const sid = parses(
      sessionSchema,
      (await call('POST', '/sessions?allow_greeting=true', { agent_id: 'a1', customer_id: 'c1' }))
        .json
    ).id
    const page = parses(sessionListingSchema, (await call('GET', '/sessions?limit=1')).json)
    expect(page.items.map((x) => x.id)).toEqual([sid])
    parses(sessionSchema.array(), (await call('GET', '/sessions?labels=none')).json)
    const events = parses(
      eventSchema.array(),
      (await call('GET', `/sessions/${sid}/events?wait_for_data=2&kinds=message`)).json
    )
    const first = events[0]
    if (!first) throw new Error('the greeting turn sent no message')
    const updated = await call('PATCH', `/sessions/${sid}/events/${first.id}`, {
      metadata: { set: { seen: true } },
    })
    expect(parses(eventSchema, updated.json).metadata).toEqual({ seen: true })
    const sse = await fetch(`${emulator.url}/sessions/${sid}/events?sse=true&wait_for_data=0`)
    const frames = (await sse.text())
      .split('\n\n')
      .filter((block) => block.startsWith('data: '))
      .map((block) => parses(eventSchema, JSON.parse(block.slice(6))))
    expect(frames.length).toBeGreaterThan(0)
    const health = parses(healthSchema, (await call('GET', '/healthz')).json)
    expect(health.checks).toHaveProperty('event_loop')
    expect((await call('DELETE', `/sessions/${sid}/events?min_offset=0`)).status).toBe(204)
  })

  it('keeps its request handling independent of the bridge client (no lib/parlant import)', async () => {
    const root = join(process.cwd(), 'emulator')
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.ts'))
    expect(files.length).toBeGreaterThan(5)
    for (const file of files) {
      const source = await readFile(join(root, file), 'utf8')
      expect({ file, imports: source.includes('@/lib/parlant') }).toEqual({ file, imports: false })
    }
  })
})

describe('emulator control endpoint and bearer check', () => {
  it('sets faults, lists requests and created events over HTTP', async () => {
    emulator.control.reset()
    const set = await call('POST', '/__emulator/faults', {
      routes: [{ method: 'GET', path: '/agents', action: 'status', status: 503, times: 1 }],
    })
    expect(set.status).toBe(200)
    expect((await call('GET', '/agents')).status).toBe(503)
    expect((await call('GET', '/agents')).status).toBe(200)
    const requests = (await call('GET', '/__emulator/requests')).json as { status: number }[]
    expect(requests.map((r) => r.status)).toEqual([503, 200])
    expect((await call('PUT', '/__emulator/faults', { bogus: true })).status).toBe(422)
    expect((await call('GET', '/__emulator/events-log')).json).toEqual([])
    expect((await call('POST', '/__emulator/reset')).status).toBe(204)
    expect((await call('GET', '/__emulator/requests')).json).toEqual([])
  })

  it('applies rate-based faults deterministically and per agent', async () => {
    emulator.control.reset()
    await call('POST', '/agents', { id: 'a1', name: 'A' })
    await call('POST', '/agents', { id: 'a2', name: 'B' })
    emulator.control.setFaults({ routes: [{ agentId: 'a1', action: 'status', status: 503 }] })
    expect((await call('GET', '/agents/a1')).status).toBe(503)
    expect((await call('GET', '/agents/a2')).status).toBe(200)
    emulator.control.setFaults({
      routes: [{ path: '/healthz', action: 'status', status: 502, rate: 0.5 }],
    })
    const statuses: number[] = []
    for (let i = 0; i < 40; i++) statuses.push((await call('GET', '/healthz')).status)
    const failures = statuses.filter((s) => s === 502).length
    expect(failures).toBeGreaterThan(5)
    expect(failures).toBeLessThan(35)
  })

  it('rejects a missing or wrong bearer with a 403 that echoes headers, like Parlant', async () => {
    const secured = await startEmulator({ delayMs: 0, apiKey: 'emu-key-123' })
    try {
      const denied = await fetch(`${secured.url}/agents`, {
        headers: { authorization: 'Bearer nope-456' },
      })
      expect(denied.status).toBe(403)
      const body = parses(detailErrorSchema, await denied.json())
      expect(body.detail).toContain('HEADERS=Headers(')
      expect(body.detail).toContain('nope-456')
      const ok = await fetch(`${secured.url}/agents`, {
        headers: { authorization: 'Bearer emu-key-123' },
      })
      expect(ok.status).toBe(200)
      expect((await fetch(`${secured.url}/healthz`)).status).toBe(200)
    } finally {
      await secured.close()
    }
  })

  it('keeps state across stop/restart unless wiped', async () => {
    const emu = await startEmulator({ delayMs: 0 })
    try {
      await fetch(`${emu.url}/agents`, {
        method: 'POST',
        body: JSON.stringify({ id: 'a', name: 'A' }),
      })
      await emu.control.stop()
      expect(emu.control.running).toBe(false)
      await expect(fetch(`${emu.url}/agents/a`)).rejects.toThrow()
      await emu.control.restart()
      expect((await fetch(`${emu.url}/agents/a`)).status).toBe(200)
      await emu.control.restart({ wipe: true })
      expect((await fetch(`${emu.url}/agents/a`)).status).toBe(404)
    } finally {
      await emu.close()
    }
  })
})
