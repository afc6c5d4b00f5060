/**
 * `/guidelines`, restated from Parlant's `tests/api/test_guidelines.py`, `api/guidelines.py`,
 * `app_modules/guidelines.py` and `core/guidelines.py`.
 */
import { emulatorPerFile } from './support'

const { call, ok } = emulatorPerFile()

describe('Parlant /guidelines', () => {
  it('creates with Parlant defaults and reads it with (empty) relationships', async () => {
    const g = await ok(
      'POST',
      '/guidelines',
      { condition: 'the customer greets', action: 'greet back' },
      201
    )
    expect(g).toEqual({
      id: expect.any(String),
      condition: 'the customer greets',
      action: 'greet back',
      description: null,
      title: null,
      criticality: 'medium',
      enabled: true,
      tags: [],
      metadata: {},
      composition_mode: null,
      track: true,
      labels: [],
      priority: 0,
    })
    expect(await ok('GET', `/guidelines/${g.id}`)).toEqual({
      guideline: g,
      relationships: [],
      tool_associations: [],
    })
  })

  it('enables every created guideline, even one sent with enabled: false', async () => {
    const g = await ok('POST', '/guidelines', { condition: 'c', enabled: false }, 201)
    expect(g.enabled).toBe(true)
    expect((await ok('PATCH', `/guidelines/${g.id}`, { enabled: false })).guideline.enabled).toBe(
      false
    )
  })

  it('stores empty action, description and title as null', async () => {
    const g = await ok(
      'POST',
      '/guidelines',
      { condition: 'c', action: '', description: '', title: '' },
      201
    )
    expect(g).toMatchObject({ action: null, description: null, title: null })
  })

  it('answers a duplicate id with 422 "already exists"', async () => {
    await ok('POST', '/guidelines', { id: 'dup', condition: 'first' }, 201)
    const again = await call('POST', '/guidelines', { id: 'dup', condition: 'second' })
    expect(again.status).toBe(422)
    expect(again.json).toEqual({ detail: "Guideline with id 'dup' already exists" })
  })

  it('PATCH keeps condition and action on null or "", description and title only on null', async () => {
    const g = await ok(
      'POST',
      '/guidelines',
      { condition: 'c', action: 'a', description: 'd', title: 't' },
      201
    )
    const kept = await ok('PATCH', `/guidelines/${g.id}`, {
      condition: '',
      action: null,
      description: null,
      title: null,
    })
    expect(kept.guideline).toMatchObject({
      condition: 'c',
      action: 'a',
      description: 'd',
      title: 't',
    })
    const emptied = await ok('PATCH', `/guidelines/${g.id}`, {
      action: '',
      description: '',
      title: '',
    })
    expect(emptied.guideline).toMatchObject({ action: 'a', description: '', title: '' })
    const changed = await ok('PATCH', `/guidelines/${g.id}`, {
      condition: 'c2',
      action: 'a2',
      criticality: 'high',
      composition_mode: 'strict_canned',
      priority: 3,
      metadata: { set: { k: 1 } },
    })
    expect(changed.guideline).toMatchObject({
      condition: 'c2',
      action: 'a2',
      criticality: 'high',
      composition_mode: 'strict_canned',
      priority: 3,
      metadata: { k: 1 },
    })
    const unset = await ok('PATCH', `/guidelines/${g.id}`, { metadata: { unset: ['k'] } })
    expect(unset.guideline.metadata).toEqual({})
  })

  it('upserts and removes labels', async () => {
    const g = await ok('POST', '/guidelines', { condition: 'c', labels: ['a', 'a', 'b'] }, 201)
    expect(g.labels).toEqual(['a', 'b'])
    const both = await ok('PATCH', `/guidelines/${g.id}`, {
      labels: { upsert: ['c', 'a'], remove: ['b'] },
    })
    expect(both.guideline.labels.sort()).toEqual(['a', 'c'])
  })

  it('checks tag ids (agent tags resolve to the agent), de-duplicates them, lists by tag', async () => {
    const missing = await call('POST', '/guidelines', { condition: 'c', tags: ['nope'] })
    expect(missing.status).toBe(404)
    expect(missing.json).toEqual({ detail: "Item 'nope' not found" })
    const noAgent = await call('POST', '/guidelines', { condition: 'c', tags: ['agent:ghost'] })
    expect(noAgent.status).toBe(404)
    expect(noAgent.json).toEqual({ detail: "Item 'ghost' not found" })
    expect(
      (await call('POST', '/guidelines', { condition: 'c', tags: ['journey:j'] })).status
    ).toBe(404)
    expect(await ok('GET', '/guidelines')).toEqual([])

    await ok('POST', '/agents', { id: 'ag', name: 'A' }, 201)
    const tag = await ok('POST', '/tags', { name: 't' }, 201)
    const g = await ok(
      'POST',
      '/guidelines',
      { condition: 'c', tags: ['agent:ag', 'agent:ag'] },
      201
    )
    expect(g.tags).toEqual(['agent:ag'])
    await ok('POST', '/guidelines', { condition: 'other' }, 201)
    expect(
      (await ok('GET', '/guidelines?tag_id=agent:ag')).map((x: { id: string }) => x.id)
    ).toEqual([g.id])

    const added = await ok('PATCH', `/guidelines/${g.id}`, {
      tags: { add: [tag.id], remove: ['agent:ag'] },
    })
    expect(added.guideline.tags).toEqual([tag.id])
    expect((await call('PATCH', `/guidelines/${g.id}`, { tags: { add: ['nope'] } })).status).toBe(
      404
    )
    expect(
      (await call('PATCH', `/guidelines/${g.id}`, { tags: { remove: ['agent:ag'] } })).status
    ).toBe(404)
  })

  it('answers tool associations the way Parlant without tool services does', async () => {
    const g = await ok('POST', '/guidelines', { condition: 'c' }, 201)
    const add = await call('PATCH', `/guidelines/${g.id}`, {
      tool_associations: { add: [{ service_name: 's', tool_name: 't' }] },
    })
    expect(add.status).toBe(404)
    expect(add.json).toEqual({ detail: "Tool not found (service='s', tool='t') (id='t')" })
    const remove = await call('PATCH', `/guidelines/${g.id}`, {
      tool_associations: { remove: [{ service_name: 's', tool_name: 't' }] },
    })
    expect(remove.status).toBe(500)
  })

  it('answers unknown ids: "Guideline not found" on read, "Item …" on update and delete', async () => {
    const read = await call('GET', '/guidelines/nope')
    expect(read.status).toBe(404)
    expect(read.json).toEqual({ detail: 'Guideline not found' })
    const patch = await call('PATCH', '/guidelines/nope', { action: 'x' })
    expect(patch.json).toEqual({ detail: "Item 'nope' not found" })
    const del = await call('DELETE', '/guidelines/nope')
    expect(del.status).toBe(404)
    const g = await ok('POST', '/guidelines', { condition: 'c' }, 201)
    expect((await call('DELETE', `/guidelines/${g.id}`)).status).toBe(204)
    expect(await ok('GET', '/guidelines')).toEqual([])
  })

  it('validates bodies', async () => {
    const missing = await call('POST', '/guidelines', { action: 'a' })
    expect(missing.status).toBe(422)
    expect(missing.json.detail[0]).toMatchObject({ type: 'missing', loc: ['body', 'condition'] })
    const crit = await call('POST', '/guidelines', { condition: 'c', criticality: 'urgent' })
    expect(crit.json.detail[0]).toMatchObject({ type: 'enum', loc: ['body', 'criticality'] })
    const prio = await call('POST', '/guidelines', { condition: 'c', priority: 1.5 })
    expect(prio.json.detail[0]).toMatchObject({ type: 'int_from_float', loc: ['body', 'priority'] })
  })
})
