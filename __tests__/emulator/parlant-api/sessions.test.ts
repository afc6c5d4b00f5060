/**
 * `/sessions`, restated from Parlant's `tests/api/test_sessions.py`, `api/sessions.py`,
 * `app_modules/sessions.py` and `core/sessions.py`.
 */
import { emulatorPerFile, sleep } from './support'

const { call, ok } = emulatorPerFile({ waitUnitMs: 50 })

async function agent(id = 'ag') {
  return ok('POST', '/agents', { id, name: `Agent ${id}` }, 201)
}

describe('Parlant /sessions', () => {
  it('creates with defaults, for the guest when no customer is given', async () => {
    await agent()
    const s = await ok('POST', '/sessions', { agent_id: 'ag' }, 201)
    expect(s).toEqual({
      id: expect.any(String),
      agent_id: 'ag',
      customer_id: 'guest',
      creation_utc: expect.any(String),
      title: null,
      mode: 'auto',
      consumption_offsets: { client: 0 },
      metadata: {},
      labels: [],
    })
    expect(await ok('GET', `/sessions/${s.id}`)).toEqual(s)
  })

  it('needs an existing agent but takes any customer id', async () => {
    const noAgent = await call('POST', '/sessions', { agent_id: 'ghost' })
    expect(noAgent.status).toBe(404)
    expect(noAgent.json).toEqual({ detail: "Item 'ghost' not found" })
    await agent()
    const s = await ok(
      'POST',
      '/sessions',
      { agent_id: 'ag', customer_id: 'nobody', labels: ['x', 'x'] },
      201
    )
    expect(s).toMatchObject({ customer_id: 'nobody', labels: ['x'] })
  })

  it('starts a greeting turn with allow_greeting=true, and none without', async () => {
    await agent()
    const quiet = await ok('POST', '/sessions?allow_greeting=false', { agent_id: 'ag' }, 201)
    const greeted = await ok('POST', '/sessions?allow_greeting=true', { agent_id: 'ag' }, 201)
    const events = await ok('GET', `/sessions/${greeted.id}/events?kinds=message&wait_for_data=2`)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      source: 'ai_agent',
      data: { message: "Hello, I'm Agent ag. How can I help you?" },
    })
    await sleep(50)
    expect(await ok('GET', `/sessions/${quiet.id}/events?wait_for_data=0`)).toEqual([])
  })

  it('lists as an array, or a page object when a limit is given', async () => {
    await agent('a1')
    await agent('a2')
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await ok('POST', '/sessions', { agent_id: i < 3 ? 'a1' : 'a2', title: `s${i}` }, 201)).id
      )
    }
    expect((await ok('GET', '/sessions')).map((s: { id: string }) => s.id)).toEqual(ids)
    expect(await ok('GET', '/sessions?agent_id=a2')).toHaveLength(2)

    const first = await ok('GET', '/sessions?limit=2')
    expect(first.items.map((s: { id: string }) => s.id)).toEqual(ids.slice(0, 2))
    expect(first).toMatchObject({ total_count: 5, has_more: true, next_cursor: expect.any(String) })
    const second = await ok('GET', `/sessions?limit=2&cursor=${first.next_cursor}`)
    expect(second.items.map((s: { id: string }) => s.id)).toEqual(ids.slice(2, 4))
    const third = await ok('GET', `/sessions?limit=2&cursor=${second.next_cursor}`)
    expect(third).toMatchObject({ items: [{ id: ids[4] }], has_more: false, next_cursor: null })

    const desc = await ok('GET', '/sessions?limit=5&sort=desc')
    expect(desc.items.map((s: { id: string }) => s.id)).toEqual([...ids].reverse())
    const filtered = await ok('GET', '/sessions?agent_id=a1&limit=2')
    expect(filtered).toMatchObject({ total_count: 3, has_more: true })
    expect(await ok('GET', '/sessions?limit=10&cursor=invalid-cursor')).toMatchObject({
      total_count: 5,
    })
  })

  it('an empty page is {items: [], total_count: 0, has_more: false, next_cursor: null}', async () => {
    expect(await ok('GET', '/sessions?limit=10')).toEqual({
      items: [],
      total_count: 0,
      has_more: false,
      next_cursor: null,
    })
  })

  it('filters by every label given', async () => {
    await agent()
    const a = await ok('POST', '/sessions', { agent_id: 'ag', labels: ['premium', 'support'] }, 201)
    const b = await ok('POST', '/sessions', { agent_id: 'ag', labels: ['premium', 'sales'] }, 201)
    await ok('POST', '/sessions', { agent_id: 'ag', labels: ['basic'] }, 201)
    const premium = await ok('GET', '/sessions?labels=premium&limit=10')
    expect(premium.items.map((s: { id: string }) => s.id)).toEqual([a.id, b.id])
    expect(premium).toMatchObject({ total_count: 2, has_more: false, next_cursor: null })
    const both = await ok('GET', '/sessions?labels=premium&labels=support')
    expect(both.map((s: { id: string }) => s.id)).toEqual([a.id])
  })

  it('PATCH keeps the title on null, stores "", and accepts unknown agent and customer ids', async () => {
    await agent()
    const s = await ok('POST', '/sessions', { agent_id: 'ag', title: 'first' }, 201)
    expect((await ok('PATCH', `/sessions/${s.id}`, { title: null })).title).toBe('first')
    expect((await ok('PATCH', `/sessions/${s.id}`, { title: '' })).title).toBe('')
    const moved = await ok('PATCH', `/sessions/${s.id}`, {
      agent_id: 'ghost',
      customer_id: 'nobody',
    })
    expect(moved).toMatchObject({ agent_id: 'ghost', customer_id: 'nobody' })
  })

  it('PATCH updates offsets, mode, metadata and labels', async () => {
    await agent()
    const s = await ok(
      'POST',
      '/sessions',
      { agent_id: 'ag', metadata: { a: 1, b: 2 }, labels: ['x'] },
      201
    )
    const updated = await ok('PATCH', `/sessions/${s.id}`, {
      consumption_offsets: { client: 4 },
      mode: 'manual',
      metadata: { set: { c: 3 }, unset: ['a', 'nope'] },
      labels: { upsert: ['y'], remove: ['x'] },
    })
    expect(updated).toMatchObject({
      consumption_offsets: { client: 4 },
      mode: 'manual',
      metadata: { b: 2, c: 3 },
      labels: ['y'],
    })
    expect((await ok('PATCH', `/sessions/${s.id}`, {})).consumption_offsets).toEqual({ client: 4 })
    const negative = await call('PATCH', `/sessions/${s.id}`, {
      consumption_offsets: { client: -1 },
    })
    expect(negative.status).toBe(422)
    expect(negative.json.detail[0]).toMatchObject({
      type: 'greater_than_equal',
      loc: ['body', 'consumption_offsets', 'client'],
    })
    const title = await call('PATCH', `/sessions/${s.id}`, { title: 'x'.repeat(201) })
    expect(title.json.detail[0]).toMatchObject({
      type: 'string_too_long',
      ctx: { max_length: 200 },
    })
  })

  it('deletes one (404 "Session not found (id=…)" after) or all matching', async () => {
    await agent()
    const s = await ok('POST', '/sessions', { agent_id: 'ag', customer_id: 'c1' }, 201)
    await ok('POST', '/sessions', { agent_id: 'ag', customer_id: 'c1' }, 201)
    const keep = await ok('POST', '/sessions', { agent_id: 'ag', customer_id: 'c2' }, 201)
    expect((await call('DELETE', `/sessions/${s.id}`)).status).toBe(204)
    for (const [method, path] of [
      ['GET', `/sessions/${s.id}`],
      ['DELETE', `/sessions/${s.id}`],
      ['GET', `/sessions/${s.id}/events?wait_for_data=0`],
    ] as const) {
      const gone = await call(method, path)
      expect(gone.status).toBe(404)
      expect(gone.json).toEqual({ detail: `Session not found (id='${s.id}')` })
    }
    expect((await call('DELETE', '/sessions?customer_id=c1')).status).toBe(204)
    expect((await ok('GET', '/sessions')).map((x: { id: string }) => x.id)).toEqual([keep.id])
  })
})
