/**
 * Issue 12 §1: text that is not well-formed. Every string the bridge accepts — names,
 * descriptions, guideline conditions and actions, parameter keys and values, messages,
 * conversation, idempotency and customer keys, token labels — at any depth is refused with 400
 * naming the field when it holds a lone surrogate or a NUL, before anything is written or posted.
 * Names are NFKC-normalized and refuse invisible, format and control characters, so look-alike
 * names cannot stand side by side.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mintInternalToken } from '@/host/auth'
import { ENGINES } from '../support/databases'
import { customerMessages, type FaultHost, startFaultHost } from './support'

/** A string that is not storable text: a lone surrogate or a NUL somewhere in it. */
const badText = fc
  .tuple(
    fc.string({ maxLength: 6 }),
    fc.constantFrom('\ud83d', '\ude00', '\udbff', '\u0000', '\ud800\u0000'),
    fc.string({ maxLength: 6 })
  )
  .map(([a, bad, b]) => `${a}${bad}${b}`)

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** Every string in `value` (values and object keys), as paths; a key is marked by `key: true`. */
function stringSlots(value: Json, path: string[] = []): Array<{ path: string[]; key: boolean }> {
  if (typeof value === 'string') return [{ path, key: false }]
  if (Array.isArray(value)) return value.flatMap((v, i) => stringSlots(v, [...path, String(i)]))
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      ...(path.length > 0 && path[0] === 'parameters' ? [{ path: [...path, k], key: true }] : []),
      ...stringSlots(v, [...path, k]),
    ])
  }
  return []
}

/** `value` with the string (or key) at `slot` replaced by `bad`. */
function inject(value: Json, slot: { path: string[]; key: boolean }, bad: string): Json {
  const copy = structuredClone(value) as Record<string, Json>
  let parent: Record<string, Json> = copy
  for (const part of slot.path.slice(0, -1)) parent = parent[part] as Record<string, Json>
  const last = slot.path.at(-1) as string
  if (slot.key) {
    parent[bad] = parent[last] as Json
    delete parent[last]
  } else {
    parent[last] = bad
  }
  return copy
}

describe.each(ENGINES)('malformed text on %s', (engine) => {
  let f: FaultHost
  let agentId = ''
  let pid = ''
  let executor = ''

  beforeAll(async () => {
    f = await startFaultHost(engine)
    const created = await f.call('POST', '/api/parlant/agents', f.adminKey, {
      workspaceId: f.workspaceId,
      name: 'texts',
    })
    agentId = (created.body.agent as { id: string }).id
    const started = await f.call('POST', `/api/parlant/agents/${agentId}/start`, f.adminKey, {
      workspaceId: f.workspaceId,
    })
    pid = (started.body.agent as { parlantAgentId: string }).parlantAgentId
    executor = mintInternalToken(f.host.internalSecret, f.host.identity.userId)
  })
  afterAll(async () => {
    await f?.close()
  })

  it('a message cut inside an emoji is a 400 naming it, and nothing is posted', async () => {
    const before = await f.counts()
    const sent = await f.call('POST', `/api/parlant/agents/${agentId}/chat`, f.adminKey, {
      workspaceId: f.workspaceId,
      message: 'cut emoji here \ud83d',
      conversationKey: 'u2',
    })
    expect(sent.status).toBe(400)
    expect(sent.body).toMatchObject({
      code: 'validation_error',
      details: [
        { field: 'message', message: 'must be well-formed Unicode (it holds a lone surrogate)' },
      ],
    })
    expect(customerMessages(f.emulator, pid)).toEqual([])
    expect(await f.counts()).toEqual(before)
  })

  it('a NUL in a parameter value is a 400 naming it, and nothing is stored', async () => {
    const before = await f.counts()
    const sent = await f.call('POST', '/api/parlant/agents', f.adminKey, {
      workspaceId: f.workspaceId,
      name: 'p',
      parameters: { k: 'a\u0000b' },
    })
    expect(sent.status).toBe(400)
    expect(sent.body).toMatchObject({
      code: 'validation_error',
      details: [{ field: 'parameters.k', message: 'must not contain NUL characters' }],
    })
    expect(await f.counts()).toEqual(before)
  })

  it('look-alike names are one name: NFKC-normalized, invisible and format characters refused', async () => {
    const create = (name: string) =>
      f.call('POST', '/api/parlant/agents', f.adminKey, { workspaceId: f.workspaceId, name })
    const first = await create('a1')
    expect(first.status).toBe(201)
    for (const name of ['a1\u200b', '\u202ea1', 'a\u00ad1', '\u2066a1\u2069', 'a1\ufeff']) {
      const refused = await create(name)
      expect(refused.status, JSON.stringify(name)).toBe(400)
      expect(refused.body.details).toEqual([
        { field: 'name', message: 'must not contain control, format or invisible characters' },
      ])
    }
    for (const name of ['ａ１', ' a1 ', 'ａ1']) {
      const clash = await create(name)
      expect(clash.status, JSON.stringify(name)).toBe(409)
      expect(clash.body.details).toEqual([
        { field: 'name', message: 'is already used by another agent in this workspace' },
      ])
    }
    const other = await create('ｂ２')
    expect(other.status).toBe(201)
    expect((other.body.agent as { name: string }).name).toBe('b2')
    const renamed = await f.call(
      'PUT',
      `/api/parlant/agents/${(other.body.agent as { id: string }).id}`,
      f.adminKey,
      { workspaceId: f.workspaceId, name: 'ａ１' }
    )
    expect(renamed.status).toBe(409)
  })

  /** A valid request per route that takes text, every string of which the property corrupts. */
  const templates = (): Array<{
    method: string
    path: string
    bearer: string
    body: Json
    tool?: boolean
  }> => [
    {
      method: 'POST',
      path: '/api/parlant/agents',
      bearer: f.adminKey,
      body: {
        workspaceId: f.workspaceId,
        name: 'fresh',
        description: 'a description',
        guidelines: [
          { condition: 'asked', action: 'answer' },
          { condition: 'greeted', action: 'greet back' },
        ],
        parameters: { tone: 'warm', region: 'eu', level: 3 },
      },
    },
    {
      method: 'PUT',
      path: `/api/parlant/agents/${agentId}`,
      bearer: f.adminKey,
      body: {
        workspaceId: f.workspaceId,
        description: 'changed',
        guidelines: [{ condition: 'asked', action: 'answer' }],
        parameters: { tone: 'cool' },
      },
    },
    {
      method: 'POST',
      path: `/api/parlant/agents/${agentId}/chat`,
      bearer: f.adminKey,
      body: {
        workspaceId: f.workspaceId,
        message: 'hello',
        conversationKey: 'k',
        idempotencyKey: 'i',
      },
    },
    {
      method: 'POST',
      path: '/api/parlant/auth/token',
      bearer: f.adminKey,
      body: { workspaceId: f.workspaceId, agentId, label: 'ci bot' },
    },
    {
      method: 'POST',
      path: '/api/tools/parlant/chat',
      bearer: executor,
      tool: true,
      body: {
        agentId,
        message: 'hello',
        conversationKey: 'k',
        idempotencyKey: 'i',
        _context: { workspaceId: f.workspaceId },
      },
    },
  ]

  it('any string at any depth holding a lone surrogate or NUL → 400 naming it; nothing changes', async () => {
    const before = await f.counts()
    const messagesBefore = customerMessages(f.emulator, pid).length
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), badText, async (which, slotIndex, bad) => {
        const all = templates()
        const template = all[which % all.length] as (typeof all)[number]
        const slots = stringSlots(template.body).filter(
          // Ids are checked by their own pattern; here the free text is under test.
          (s) => !['workspaceId', 'agentId'].includes(s.path.at(-1) ?? '') || s.key
        )
        const slot = slots[slotIndex % slots.length] as (typeof slots)[number]
        const body = inject(template.body, slot, bad)
        const answer = await f.call(template.method, template.path, template.bearer, body)
        expect(answer.status).toBe(400)
        const field = slot.key ? [...slot.path.slice(0, -1), bad].join('.') : slot.path.join('.')
        if (template.tool) {
          expect(answer.body.success).toBe(false)
          expect(String(answer.body.error)).toContain(field)
        } else {
          expect(answer.body.code).toBe('validation_error')
          const details = answer.body.details as Array<{ field: string; message: string }>
          expect(details.map((d) => d.field)).toContain(field)
          expect(details.find((d) => d.field === field)?.message).toMatch(
            /well-formed Unicode|NUL characters/
          )
        }
      }),
      { numRuns: 60 }
    )
    expect(await f.counts()).toEqual(before)
    expect(customerMessages(f.emulator, pid).length).toBe(messagesBefore)
  })
})
