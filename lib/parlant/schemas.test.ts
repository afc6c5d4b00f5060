/** The bridge's value shapes: what they accept, what they refuse and with which message. */
import { describe, expect, it } from 'vitest'
import {
  agentConfigSchema,
  agentNameSchema,
  chatMessageSchema,
  conversationKeySchema,
  createAgentInputSchema,
  describeIssues,
  entityIdSchema,
  guidelineSchema,
  permissionSatisfies,
  updateAgentInputSchema,
} from '@/lib/parlant/schemas'

const messageOf = (result: { success: boolean; error?: { issues: Array<{ message: string }> } }) =>
  result.error?.issues[0]?.message

describe('ids', () => {
  it.each(['a', 'ws-1', 'A_b-9', 'x'.repeat(128)])('accepts %s', (id) => {
    expect(entityIdSchema.safeParse(id).success).toBe(true)
  })

  it.each([
    ['', 'must not be empty'],
    ['x'.repeat(129), 'must be at most 128 characters'],
    ['a:b', 'may contain only letters, digits, "-" and "_"'],
    ['a b', 'may contain only letters, digits, "-" and "_"'],
  ])('refuses %j: %s', (id, message) => {
    expect(messageOf(entityIdSchema.safeParse(id))).toBe(message)
  })

  it('refuses a non-string with a clear message', () => {
    expect(messageOf(entityIdSchema.safeParse(42))).toBe('must be a string')
  })
})

describe('text', () => {
  it('trims names and refuses blank or control-character ones', () => {
    expect(agentNameSchema.parse('  Support  ')).toBe('Support')
    expect(messageOf(agentNameSchema.safeParse('   '))).toBe('must not be empty')
    expect(messageOf(agentNameSchema.safeParse('a\u0000b'))).toBe('must not contain NUL characters')
    expect(messageOf(agentNameSchema.safeParse('x'.repeat(101)))).toBe(
      'must be at most 100 characters'
    )
  })

  it('keeps newlines and tabs in messages but refuses other control characters', () => {
    expect(chatMessageSchema.parse('line one\n\tline two')).toBe('line one\n\tline two')
    expect(chatMessageSchema.safeParse('bell\u0007').success).toBe(false)
    expect(chatMessageSchema.safeParse('\u007f').success).toBe(false)
    expect(chatMessageSchema.safeParse('').success).toBe(false)
    expect(conversationKeySchema.safeParse('x'.repeat(201)).success).toBe(false)
  })
})

describe('well-formed text', () => {
  it('refuses lone surrogates and NUL in every kind of text, keeping paired emoji', () => {
    expect(chatMessageSchema.parse('ok 😀')).toBe('ok 😀')
    for (const bad of ['cut \ud83d', '\ude00 tail', 'a\ud800\ud800b']) {
      expect(messageOf(chatMessageSchema.safeParse(bad))).toBe(
        'must be well-formed Unicode (it holds a lone surrogate)'
      )
      expect(conversationKeySchema.safeParse(bad).success).toBe(false)
      expect(agentNameSchema.safeParse(bad).success).toBe(false)
    }
    expect(messageOf(guidelineSchema.safeParse({ condition: 'a', action: 'b\u0000' }))).toBe(
      'must not contain NUL characters'
    )
  })

  it('checks parameter keys and values, naming the key', () => {
    const parsed = agentConfigSchema.safeParse({ parameters: { ok: 'x\u0000', 'k\ud800': 1 } })
    expect(parsed.success).toBe(false)
    expect(describeIssues(parsed.error as never)).toEqual([
      { field: 'parameters.ok', message: 'must not contain NUL characters' },
      {
        field: 'parameters.k\ud800',
        message: 'key must be well-formed Unicode (it holds a lone surrogate)',
      },
    ])
  })

  it('NFKC-normalizes names and refuses format and invisible characters', () => {
    expect(agentNameSchema.parse('ａ１')).toBe('a1')
    expect(agentNameSchema.parse('  Ｓupport ')).toBe('Support')
    for (const bad of ['a1\u200b', '\u202ea1', 'a\u00ad1', 'a\u2060b', 'x\u180e']) {
      expect(messageOf(agentNameSchema.safeParse(bad))).toBe(
        'must not contain control, format or invisible characters'
      )
    }
  })
})

describe('agent configuration', () => {
  it('fills the defaults in', () => {
    expect(agentConfigSchema.parse({})).toEqual({
      compositionMode: 'fluid',
      messageOutputMode: 'block',
      maxEngineIterations: 3,
      guidelines: [],
      parameters: {},
    })
  })

  it('refuses unknown fields, naming them', () => {
    const result = createAgentInputSchema.safeParse({ name: 'a', colour: 'red' })
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['colour'] })
  })

  it('bounds engine iterations, guidelines and parameters', () => {
    expect(agentConfigSchema.safeParse({ maxEngineIterations: 11 }).success).toBe(false)
    expect(agentConfigSchema.safeParse({ maxEngineIterations: 1.5 }).success).toBe(false)
    const guideline = { condition: 'c', action: 'a' }
    expect(
      agentConfigSchema.safeParse({ guidelines: Array.from({ length: 101 }, () => guideline) })
        .success
    ).toBe(false)
    const parameters = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`p${i}`, i]))
    expect(agentConfigSchema.safeParse({ parameters }).success).toBe(false)
  })

  it('trims guideline text and refuses an empty condition', () => {
    expect(guidelineSchema.parse({ condition: ' asks ', action: ' answer ' })).toEqual({
      condition: 'asks',
      action: 'answer',
    })
    expect(guidelineSchema.safeParse({ condition: ' ', action: 'a' }).success).toBe(false)
  })

  it('changes only the given fields on update (no defaults)', () => {
    expect(updateAgentInputSchema.parse({ name: 'b' })).toEqual({ name: 'b' })
  })
})

describe('permissions', () => {
  it.each([
    ['admin', 'read', true],
    ['admin', 'admin', true],
    ['write', 'write', true],
    ['write', 'admin', false],
    ['read', 'write', false],
    [null, 'read', false],
    [undefined, 'read', false],
  ] as const)('%s satisfies %s: %s', (have, required, expected) => {
    expect(permissionSatisfies(have, required)).toBe(expected)
  })
})

describe('describeIssues', () => {
  it('names each field by its dotted path', () => {
    const result = createAgentInputSchema.safeParse({
      name: '',
      guidelines: [{ condition: 'c', action: '' }],
    })
    expect(result.success).toBe(false)
    if (result.success) return
    expect(describeIssues(result.error).map((issue) => issue.field)).toEqual([
      'guidelines.0.action',
      'name',
    ])
  })
})
