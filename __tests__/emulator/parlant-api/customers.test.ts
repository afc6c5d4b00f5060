/**
 * `/customers`, restated from Parlant's `tests/api/test_customers.py`, `api/customers.py`,
 * `app_modules/customers.py` and `core/customers.py`.
 */
import { emulatorPerFile } from './support'

const { call, ok } = emulatorPerFile()

describe('Parlant /customers', () => {
  it('creates, reads and lists, the built-in guest first', async () => {
    const c = await ok('POST', '/customers', { name: 'Ada', metadata: { email: 'a@x' } }, 201)
    expect(c).toEqual({
      id: expect.any(String),
      creation_utc: expect.any(String),
      name: 'Ada',
      metadata: { email: 'a@x' },
      tags: [],
    })
    expect(await ok('GET', `/customers/${c.id}`)).toEqual(c)
    const guest = await ok('GET', '/customers/guest')
    expect(guest).toMatchObject({ id: 'guest', name: 'Guest', metadata: {}, tags: [] })
    const listed = await ok('GET', '/customers')
    expect(listed.map((x: { id: string }) => x.id)).toEqual(['guest', c.id])
  })

  it('pages with limit, cursor and sort, the guest taking a place on the first page', async () => {
    const ids: string[] = []
    for (let i = 0; i < 5; i++)
      ids.push((await ok('POST', '/customers', { name: `C${i}` }, 201)).id)
    const first = await ok('GET', '/customers?limit=3&sort=asc')
    expect(first.items.map((x: { id: string }) => x.id)).toEqual(['guest', ids[0], ids[1]])
    expect(first).toMatchObject({ total_count: 6, has_more: true, next_cursor: expect.any(String) })
    const second = await ok('GET', `/customers?limit=3&cursor=${first.next_cursor}&sort=asc`)
    expect(second.items.map((x: { id: string }) => x.id)).toEqual(ids.slice(2))
    expect(second).toMatchObject({ has_more: false, next_cursor: null })
    const desc = await ok('GET', '/customers?limit=2&sort=desc')
    expect(desc.items.map((x: { id: string }) => x.id)).toEqual(['guest', ids[4]])
    expect(desc.has_more).toBe(true)
  })

  it('treats an undecodable cursor as none', async () => {
    expect(await ok('GET', '/customers?cursor=invalid_cursor')).toHaveLength(1)
  })

  it('validates list parameters', async () => {
    const zero = await call('GET', '/customers?limit=0')
    expect(zero.status).toBe(422)
    expect(zero.json.detail[0]).toMatchObject({
      type: 'greater_than_equal',
      loc: ['query', 'limit'],
    })
    const big = await call('GET', '/customers?limit=101')
    expect(big.json.detail[0]).toMatchObject({ type: 'less_than_equal', ctx: { le: 100 } })
    const word = await call('GET', '/customers?limit=many')
    expect(word.json.detail[0]).toMatchObject({ type: 'int_parsing', input: 'many' })
    const sort = await call('GET', '/customers?sort=up')
    expect(sort.json.detail[0]).toMatchObject({
      type: 'enum',
      msg: "Input should be 'asc' or 'desc'",
    })
  })

  it('updates name, metadata and tags with PATCH', async () => {
    const tag = await ok('POST', '/tags', { name: 'vip' }, 201)
    await ok('POST', '/customers', { id: 'c1', name: 'Ada', metadata: { a: '1', b: '2' } }, 201)
    const updated = await ok('PATCH', '/customers/c1', {
      name: 'Ada L.',
      metadata: { set: { c: '3' }, unset: ['a', 'missing'] },
      tags: { add: [tag.id] },
    })
    expect(updated).toMatchObject({ name: 'Ada L.', metadata: { b: '2', c: '3' }, tags: [tag.id] })
    const removed = await ok('PATCH', '/customers/c1', { name: null, tags: { remove: [tag.id] } })
    expect(removed).toMatchObject({ name: 'Ada L.', tags: [] })
    expect((await call('PATCH', '/customers/c1', { tags: { remove: [tag.id] } })).status).toBe(404)
    expect((await call('PATCH', '/customers/nobody', { name: 'x' })).status).toBe(404)
  })

  it('checks tag ids (agent tags resolve to the agent) and de-duplicates them', async () => {
    const missing = await call('POST', '/customers', { name: 'a', tags: ['nope'] })
    expect(missing.status).toBe(404)
    expect(missing.json).toEqual({ detail: "Item 'nope' not found" })
    const noAgent = await call('POST', '/customers', { name: 'a', tags: ['agent:ghost'] })
    expect(noAgent.json).toEqual({ detail: "Item 'ghost' not found" })
    await ok('POST', '/agents', { id: 'ag', name: 'Agent' }, 201)
    const tagged = await ok(
      'POST',
      '/customers',
      { name: 'a', tags: ['agent:ag', 'agent:ag'] },
      201
    )
    expect(tagged.tags).toEqual(['agent:ag'])
    expect(
      (await call('PATCH', `/customers/${tagged.id}`, { tags: { add: ['nope'] } })).status
    ).toBe(404)
  })

  it('metadata values must be strings', async () => {
    const bad = await call('POST', '/customers', { name: 'a', metadata: { n: 1 } })
    expect(bad.status).toBe(422)
    expect(bad.json.detail[0]).toMatchObject({
      type: 'string_type',
      loc: ['body', 'metadata', 'n'],
    })
  })

  it('deletes; a duplicate id and deleting the guest are bare 500s', async () => {
    await ok('POST', '/customers', { id: 'c1', name: 'A' }, 201)
    expect((await call('POST', '/customers', { id: 'c1', name: 'B' })).status).toBe(500)
    expect((await call('DELETE', '/customers/c1')).status).toBe(204)
    const gone = await call('GET', '/customers/c1')
    expect(gone.status).toBe(404)
    expect(gone.json).toEqual({ detail: "Item 'c1' not found" })
    const guest = await call('DELETE', '/customers/guest')
    expect(guest.status).toBe(500)
    expect(guest.text).toBe('Internal Server Error')
  })
})
