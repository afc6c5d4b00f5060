/** `/agents`, restated from Parlant's `tests/api/test_agents.py`, `api/agents.py` and `app_modules/agents.py`. */
import { emulatorPerFile } from './support'

const { call, ok } = emulatorPerFile()

describe('Parlant /agents', () => {
  it('creates with defaults: no description, 3 iterations, fluid, block, no tags', async () => {
    const agent = await ok('POST', '/agents', { name: 'test-agent' }, 201)
    expect(agent).toEqual({
      id: expect.any(String),
      name: 'test-agent',
      description: null,
      max_engine_iterations: 3,
      composition_mode: 'fluid',
      message_output_mode: 'block',
      tags: [],
    })
    expect(await ok('GET', `/agents/${agent.id}`)).toEqual(agent)
    expect(await ok('GET', '/agents')).toEqual([agent])
  })

  it('stores an empty created description as null', async () => {
    const agent = await ok('POST', '/agents', { name: 'a', description: '' }, 201)
    expect(agent.description).toBeNull()
  })

  it('creates with a custom id, and a duplicate id is a bare 500', async () => {
    const agent = await ok('POST', '/agents', { id: 'my-agent', name: 'a' }, 201)
    expect(agent.id).toBe('my-agent')
    const duplicate = await call('POST', '/agents', { id: 'my-agent', name: 'b' })
    expect(duplicate.status).toBe(500)
    expect(duplicate.text).toBe('Internal Server Error')
  })

  it('updates only the non-empty fields it is given: null and "" keep the description', async () => {
    await ok('POST', '/agents', { id: 'a', name: 'A', description: 'kept' }, 201)
    const renamed = await ok('PATCH', '/agents/a', {
      name: 'B',
      max_engine_iterations: 5,
      composition_mode: 'strict_canned',
    })
    expect(renamed).toMatchObject({
      name: 'B',
      description: 'kept',
      max_engine_iterations: 5,
      composition_mode: 'strict_canned',
    })
    expect((await ok('PATCH', '/agents/a', { description: null })).description).toBe('kept')
    expect((await ok('PATCH', '/agents/a', { description: '' })).description).toBe('kept')
    expect((await ok('PATCH', '/agents/a', { description: 'new' })).description).toBe('new')
  })

  it('checks tag ids: unknown is a 404, duplicates are stored once', async () => {
    const missing = await call('POST', '/agents', { name: 'a', tags: ['nope'] })
    expect(missing.status).toBe(404)
    expect(missing.json).toEqual({ detail: "Item 'nope' not found" })
    expect((await ok('GET', '/agents')).length).toBe(0)

    const tag = await ok('POST', '/tags', { name: 'vip' }, 201)
    const agent = await ok('POST', '/agents', { name: 'a', tags: [tag.id, tag.id] }, 201)
    expect(agent.tags).toEqual([tag.id])
  })

  it('adds and removes tags; adding an unknown tag or removing an absent one is a 404', async () => {
    const t1 = await ok('POST', '/tags', { name: 't1' }, 201)
    const t2 = await ok('POST', '/tags', { name: 't2' }, 201)
    await ok('POST', '/agents', { id: 'a', name: 'A', tags: [t1.id] }, 201)
    const both = await ok('PATCH', '/agents/a', { tags: { add: [t2.id, t2.id], remove: [t1.id] } })
    expect(both.tags).toEqual([t2.id])
    const unknown = await call('PATCH', '/agents/a', { tags: { add: ['ghost'] } })
    expect(unknown.status).toBe(404)
    expect(unknown.json.detail).toBe("Item 'ghost' not found")
    const absent = await call('PATCH', '/agents/a', { tags: { remove: [t1.id] } })
    expect(absent.status).toBe(404)
  })

  it("deletes, then answers 404 with Parlant's \"Item '<id>' not found\"", async () => {
    await ok('POST', '/agents', { id: 'a', name: 'A' }, 201)
    expect((await call('DELETE', '/agents/a')).status).toBe(204)
    for (const method of ['GET', 'DELETE']) {
      const gone = await call(method, '/agents/a')
      expect(gone.status).toBe(404)
      expect(gone.json).toEqual({ detail: "Item 'a' not found" })
    }
    expect((await call('PATCH', '/agents/a', { name: 'x' })).status).toBe(404)
  })

  it('validates bodies with pydantic error types', async () => {
    const missing = await call('POST', '/agents', {})
    expect(missing.status).toBe(422)
    expect(missing.json.detail).toEqual([
      { type: 'missing', loc: ['body', 'name'], msg: 'Field required', input: {} },
    ])
    const empty = await call('POST', '/agents', { name: '' })
    expect(empty.json.detail[0]).toMatchObject({
      type: 'string_too_short',
      loc: ['body', 'name'],
      msg: 'String should have at least 1 character',
      ctx: { min_length: 1 },
    })
    const long = await call('POST', '/agents', { name: 'x'.repeat(101) })
    expect(long.json.detail[0]).toMatchObject({ type: 'string_too_long', ctx: { max_length: 100 } })
    const zero = await call('POST', '/agents', { name: 'a', max_engine_iterations: 0 })
    expect(zero.json.detail[0]).toMatchObject({
      type: 'greater_than_equal',
      loc: ['body', 'max_engine_iterations'],
      msg: 'Input should be greater than or equal to 1',
      ctx: { ge: 1 },
    })
    const mode = await call('POST', '/agents', { name: 'a', composition_mode: 'poetic' })
    expect(mode.json.detail[0]).toMatchObject({
      type: 'enum',
      loc: ['body', 'composition_mode'],
      msg: "Input should be 'fluid', 'canned_fluid', 'composited_canned' or 'strict_canned'",
      input: 'poetic',
    })
    const notJson = await call('POST', '/agents', '{nope')
    expect(notJson.status).toBe(422)
    expect(notJson.json.detail[0]).toMatchObject({ type: 'json_invalid', loc: ['body', 0] })
    const noBody = await call('POST', '/agents')
    expect(noBody.json.detail).toEqual([
      { type: 'missing', loc: ['body'], msg: 'Field required', input: null },
    ])
  })
})
