/** `/tags`, restated from Parlant's `tests/api/test_tags.py`, `api/tags.py` and `core/tags.py`. */
import { emulatorPerFile } from './support'

const { call, ok } = emulatorPerFile()

describe('Parlant /tags', () => {
  it('creates, reads, lists, filters by name, renames and deletes', async () => {
    const vip = await ok('POST', '/tags', { name: 'VIP' }, 201)
    expect(vip).toEqual({ id: expect.any(String), name: 'VIP' })
    const other = await ok('POST', '/tags', { name: 'other' }, 201)
    expect(await ok('GET', `/tags/${vip.id}`)).toEqual(vip)
    expect(await ok('GET', '/tags')).toEqual([vip, other])
    expect(await ok('GET', '/tags?name=VIP')).toEqual([vip])
    expect(await ok('GET', '/tags?name=nothing')).toEqual([])
    expect(await ok('PATCH', `/tags/${vip.id}`, { name: 'gold' })).toEqual({
      id: vip.id,
      name: 'gold',
    })
    expect((await call('DELETE', `/tags/${vip.id}`)).status).toBe(204)
    const gone = await call('GET', `/tags/${vip.id}`)
    expect(gone.status).toBe(404)
    expect(gone.json).toEqual({ detail: `Item '${vip.id}' not found` })
  })

  it('answers a duplicate name with a bare 500 (an uncaught ValueError in Parlant)', async () => {
    await ok('POST', '/tags', { name: 'VIP' }, 201)
    const duplicate = await call('POST', '/tags', { name: 'VIP' })
    expect(duplicate.status).toBe(500)
    expect(duplicate.text).toBe('Internal Server Error')
    expect(await ok('GET', '/tags?name=VIP')).toHaveLength(1)
  })

  it('does not check names on rename', async () => {
    await ok('POST', '/tags', { name: 'a' }, 201)
    const b = await ok('POST', '/tags', { name: 'b' }, 201)
    expect((await ok('PATCH', `/tags/${b.id}`, { name: 'a' })).name).toBe('a')
  })

  it('validates the name: 1 to 50 characters', async () => {
    const empty = await call('POST', '/tags', { name: '' })
    expect(empty.status).toBe(422)
    expect(empty.json.detail[0]).toMatchObject({ type: 'string_too_short', loc: ['body', 'name'] })
    const long = await call('POST', '/tags', { name: 'x'.repeat(51) })
    expect(long.json.detail[0]).toMatchObject({ type: 'string_too_long', ctx: { max_length: 50 } })
    const notString = await call('POST', '/tags', { name: 5 })
    expect(notString.json.detail[0]).toMatchObject({ type: 'string_type', input: 5 })
  })
})
