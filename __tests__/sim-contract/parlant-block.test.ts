/**
 * Sim's fleet-wide block and tool checks (blocks.test.ts, password-masking,
 * selector-backed-subblocks, check-block-registry, tool-metadata, tool id rules), enforced on the
 * Parlant block and tools so a violation fails here before it would fail in Sim.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { evaluateSubBlockCondition } from '@/lib/workflows/subblocks/visibility'
import { ParlantBlock, ParlantBlockMeta } from '@/blocks/blocks/parlant'
import type { BlockConfig } from '@/blocks/types'
import {
  PARLANT_AGENTS_CONTEXT_FIELDS,
  parlantSelectors,
} from '@/hooks/selectors/providers/parlant/selectors'
import { toolRegistry } from '@/host/executor'
import {
  type AnyTool,
  basicBlockViolations,
  canonicalViolations,
  operationIds,
  outputAlignmentViolations,
  registryViolations,
  selectorViolations,
  toolViolations,
} from './rules'

const tools = toolRegistry as unknown as Record<string, AnyTool>
const parlantToolIds = Object.keys(toolRegistry).filter((id) => id.startsWith('parlant_'))

function withSubBlocks(subBlocks: BlockConfig['subBlocks']): BlockConfig {
  return { ...ParlantBlock, subBlocks }
}

function subBlock(id: string) {
  const found = ParlantBlock.subBlocks.find((sb) => sb.id === id)
  if (!found) throw new Error(`no sub-block ${id}`)
  return found
}

describe('Parlant block: blocks.test.ts rules', () => {
  it('has the basic shape every registered block has', () => {
    expect(basicBlockViolations(ParlantBlock)).toEqual([])
    expect(ParlantBlock.type).toBe('parlant')
    expect(ParlantBlock.name).toBe('Parlant Agent')
    expect(ParlantBlock.category).toBe('tools')
    expect(ParlantBlock.integrationType).toBe('ai')
    expect(ParlantBlock.authMode).toBe('api_key')
    expect(ParlantBlock.bgColor).toMatch(/^#[0-9A-Fa-f]{6}$/)
    expect(ParlantBlock.iconColor).toMatch(/^#[0-9A-Fa-f]{6}$/)
    expect(ParlantBlock.docsLink).toBe('https://docs.sim.ai/integrations/parlant')
    expect(ParlantBlock.longDescription?.trim()).toBeTruthy()
    expect(ParlantBlock.bestPractices?.trim()).toBeTruthy()
    expect(ParlantBlock.preview).toBeUndefined()
    expect(ParlantBlock.hideFromToolbar).toBeUndefined()
  })

  it('the basic-shape rule bites on a broken copy', () => {
    const broken = {
      ...ParlantBlock,
      bgColor: '',
      subBlocks: [{ id: 'x', type: 'checkbox', password: true }],
      outputs: { content: { type: 'text' } },
    } as unknown as BlockConfig
    expect(basicBlockViolations(broken).length).toBeGreaterThanOrEqual(3)
  })

  it('keeps canonical pairs consistent', () => {
    expect(canonicalViolations(ParlantBlock)).toEqual([])
    const members = ParlantBlock.subBlocks.filter((sb) => sb.canonicalParamId === 'agentId')
    expect(members.map((sb) => [sb.id, sb.mode])).toEqual([
      ['agentSelector', 'basic'],
      ['manualAgentId', 'advanced'],
    ])
  })

  it('the canonical rule bites when a member drifts', () => {
    const drifted = withSubBlocks(
      ParlantBlock.subBlocks.map((sb) =>
        sb.id === 'manualAgentId' ? { ...sb, condition: { field: 'operation', value: 'x' } } : sb
      )
    )
    expect(canonicalViolations(drifted)).toContain('members of agentId have different conditions')
    const rawInput = {
      ...ParlantBlock,
      inputs: { ...ParlantBlock.inputs, agentSelector: { type: 'string' as const } },
    }
    expect(canonicalViolations(rawInput)).toContain(
      'inputs lists raw member agentSelector of agentId'
    )
  })

  it('uses password only where Sim honours it (and holds no secret at all)', () => {
    expect(ParlantBlock.subBlocks.filter((sb) => sb.password)).toEqual([])
  })
})

describe('Parlant block: operations and tool selection', () => {
  it('offers one operation per tool, ids equal to tool ids, seeded with chat', () => {
    expect(operationIds(ParlantBlock)).toEqual(
      parlantToolIds.sort(
        (a, b) => operationIds(ParlantBlock).indexOf(a) - operationIds(ParlantBlock).indexOf(b)
      )
    )
    expect(new Set(operationIds(ParlantBlock))).toEqual(new Set(ParlantBlock.tools.access))
    expect(subBlock('operation').value?.({})).toBe('parlant_chat')
  })

  it('spells tools.access out literally in the source (the docs generator reads it)', async () => {
    const { readFileSync } = await import('node:fs')
    const source = readFileSync(new URL('../../blocks/blocks/parlant.ts', import.meta.url), 'utf8')
    const access = source.match(/access:\s*\[([^\]]*)\]/)?.[1] ?? ''
    const literal = [...access.matchAll(/'([a-z_]+)'/g)].map((m) => m[1])
    expect(literal).toEqual(ParlantBlock.tools.access)
  })

  it('tools.config.tool picks each operation and falls back to chat', () => {
    const pick = ParlantBlock.tools.config!.tool
    for (const op of operationIds(ParlantBlock)) expect(pick({ operation: op })).toBe(op)
    expect(pick({})).toBe('parlant_chat')
    expect(pick({ operation: '' })).toBe('parlant_chat')
    expect(pick({ operation: 'parlant_delete_everything' })).toBe('parlant_chat')
  })

  it('tools.config.tool never throws and always returns an access id', () => {
    const pick = ParlantBlock.tools.config!.tool
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.anything()), fc.anything(), (params, op) => {
        const id = pick({ ...params, operation: op })
        expect(ParlantBlock.tools.access).toContain(id)
      })
    )
    expect(ParlantBlock.tools.access).toContain(
      pick(undefined as unknown as Record<string, unknown>)
    )
  })

  it('every access id is a registered tool and required user-only params have a sub-block', () => {
    expect(registryViolations(ParlantBlock, tools)).toEqual([])
    const bare = withSubBlocks(ParlantBlock.subBlocks.filter((sb) => sb.id !== 'message'))
    const strictTools = {
      ...tools,
      parlant_chat: {
        ...tools.parlant_chat,
        params: {
          ...tools.parlant_chat!.params,
          message: { type: 'string', required: true, visibility: 'user-only' },
        },
      },
    } as Record<string, AnyTool>
    expect(registryViolations(bare, strictTools)).toEqual([
      'parlant_chat.message is required and user-only but no sub-block provides it',
    ])
  })
})

describe('Parlant block: tools.config.params coercion', () => {
  const params = ParlantBlock.tools.config!.params!

  it('trims text, parses the deadline and the auto-start switch', () => {
    expect(
      params({
        agentId: '  agent-1 ',
        message: '  hello  ',
        conversationKey: ' ',
        customerId: ' c1 ',
        deadlineSeconds: ' 30 ',
        autoStart: 'false',
      })
    ).toEqual({
      agentId: 'agent-1',
      message: 'hello',
      conversationKey: undefined,
      customerId: 'c1',
      deadlineSeconds: 30,
      autoStart: false,
    })
    expect(params({ deadlineSeconds: 12.5, autoStart: true })).toMatchObject({
      deadlineSeconds: 12.5,
      autoStart: true,
    })
    expect(params({ deadlineSeconds: '' })).toMatchObject({ deadlineSeconds: undefined })
  })

  it('rejects a deadline that is not a positive number, naming it', () => {
    for (const bad of ['soon', '-1', '0', 'NaN', 'Infinity']) {
      expect(() => params({ deadlineSeconds: bad })).toThrow(/Turn deadline/)
    }
  })

  it('never throws for any params without a deadline, and outputs plain values', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.anything()), (input) => {
        const { deadlineSeconds: _ignored, ...rest } = input
        const out = params(rest)
        for (const key of ['agentId', 'conversationKey', 'customerId']) {
          const value = out[key]
          expect(
            value === undefined ||
              (typeof value === 'string' && value === value.trim() && value !== '')
          ).toBe(true)
        }
        expect([true, false, undefined]).toContain(out.autoStart)
      })
    )
  })

  it('any positive finite number (or its text) is accepted as the deadline', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 1e6, noNaN: true }), fc.boolean(), (n, asText) => {
        expect(params({ deadlineSeconds: asText ? String(n) : n }).deadlineSeconds).toBe(n)
      })
    )
  })
})

describe('Parlant block: visibility and required per operation', () => {
  const visibleIds = (operation: string, mode: 'basic' | 'advanced') =>
    ParlantBlock.subBlocks
      .filter((sb) => (mode === 'basic' ? sb.mode !== 'advanced' : sb.mode !== 'basic'))
      .filter((sb) => evaluateSubBlockCondition(sb.condition, { operation }))
      .map((sb) => sb.id)

  it('shows the chat fields only for chat', () => {
    expect(visibleIds('parlant_chat', 'basic')).toEqual([
      'operation',
      'agentSelector',
      'message',
      'conversationKey',
      'parlantConfig',
    ])
    expect(visibleIds('parlant_chat', 'advanced')).toEqual([
      'operation',
      'manualAgentId',
      'message',
      'conversationKey',
      'customerId',
      'deadlineSeconds',
      'autoStart',
      'parlantConfig',
    ])
    for (const op of ['parlant_start_agent', 'parlant_stop_agent', 'parlant_get_status']) {
      expect(visibleIds(op, 'basic')).toEqual(['operation', 'agentSelector', 'parlantConfig'])
    }
    expect(visibleIds('parlant_list_agents', 'basic')).toEqual(['operation', 'parlantConfig'])
  })

  it('requires the agent for every operation but list, and the message for chat only', () => {
    const required = (id: string, operation: string) => {
      const spec = subBlock(id).required
      return typeof spec === 'boolean' ? spec : evaluateSubBlockCondition(spec, { operation })
    }
    for (const op of operationIds(ParlantBlock)) {
      expect(required('agentSelector', op)).toBe(op !== 'parlant_list_agents')
      expect(required('manualAgentId', op)).toBe(op !== 'parlant_list_agents')
      expect(required('message', op)).toBe(op === 'parlant_chat')
    }
  })

  it('keeps a legacy block without an operation usable (agent shown)', () => {
    expect(evaluateSubBlockCondition(subBlock('agentSelector').condition, {})).toBe(true)
  })

  it('opens the configuration panel through a registered modal id', () => {
    expect(subBlock('parlantConfig')).toMatchObject({ type: 'modal', modalId: 'parlant-config' })
    expect(subBlock('autoStart')).toMatchObject({ type: 'switch', mode: 'advanced' })
    expect(subBlock('customerId').mode).toBe('advanced')
    expect(subBlock('deadlineSeconds').mode).toBe('advanced')
    expect(subBlock('message').type).toBe('long-input')
  })
})

describe('Parlant block: selector-backed sub-blocks', () => {
  it('names a registered selector with fetchList, no static options, dependsOn when needed', () => {
    expect(
      selectorViolations(ParlantBlock, parlantSelectors, {
        'parlant.agents': PARLANT_AGENTS_CONTEXT_FIELDS,
      })
    ).toEqual([])
    expect(subBlock('agentSelector').selectorKey).toBe('parlant.agents')
  })

  it('the selector rule bites on an unregistered key or leftover options', () => {
    const broken = withSubBlocks(
      ParlantBlock.subBlocks.map((sb) =>
        sb.id === 'agentSelector'
          ? { ...sb, selectorKey: 'parlant.nothing', options: [{ id: 'a', label: 'A' }] }
          : sb
      )
    )
    expect(selectorViolations(broken, parlantSelectors, {})).toHaveLength(2)
    expect(
      selectorViolations(ParlantBlock, parlantSelectors, { 'parlant.agents': ['agentScope'] })
    ).toEqual(['agentSelector reads agentScope but declares no dependsOn'])
  })

  it('fetches the workspace agents from the bridge route and keys the cache by workspace', async () => {
    const selector = parlantSelectors['parlant.agents']
    const args = { key: 'parlant.agents' as const, context: { workspaceId: 'ws-1' } }
    expect(selector.getQueryKey(args)).toEqual(['selectors', 'parlant.agents', 'ws-1'])
    expect(selector.enabled(args)).toBe(true)
    expect(selector.enabled({ key: 'parlant.agents', context: {} })).toBe(false)
    const calls: string[] = []
    const originalFetch = globalThis.fetch
    globalThis.fetch = (async (input: string | URL | Request) => {
      calls.push(String(input))
      return Response.json({
        agents: [agentRecord('b', 'Billing', 'active'), agentRecord('a', 'Access', 'inactive')],
        maxAgents: 10,
      })
    }) as typeof fetch
    try {
      expect(await selector.fetchList(args)).toEqual([
        { id: 'a', label: 'Access · inactive' },
        { id: 'b', label: 'Billing · active' },
      ])
      expect(await selector.fetchById({ ...args, detailId: 'b' })).toEqual({
        id: 'b',
        label: 'Billing · active',
      })
    } finally {
      globalThis.fetch = originalFetch
    }
    expect(calls[0]).toBe('/api/parlant/agents?workspaceId=ws-1')
  })
})

/** An agent as the list route answers it (`agentViewSchema`). */
function agentRecord(id: string, name: string, status: 'active' | 'inactive') {
  const at = '2026-11-01T00:00:00.000Z'
  return {
    id,
    workspaceId: 'ws-1',
    name,
    description: null,
    compositionMode: 'fluid',
    messageOutputMode: 'block',
    maxEngineIterations: 1,
    guidelines: [],
    parameters: {},
    status,
    lastError: null,
    statusChangedAt: at,
    parlantAgentId: null,
    version: 1,
    createdAt: at,
    updatedAt: at,
  }
}

describe('Parlant tools: tool-metadata and id rules', () => {
  it('registers exactly the six tools', () => {
    expect(parlantToolIds.sort()).toEqual([
      'parlant_chat',
      'parlant_get_conversation',
      'parlant_get_status',
      'parlant_list_agents',
      'parlant_start_agent',
      'parlant_stop_agent',
    ])
    for (const [id, tool] of Object.entries(toolRegistry)) expect(tool.id).toBe(id)
  })

  it.each(parlantToolIds)('%s: snake_case id, plain-data params, declared outputs', (id) => {
    expect(toolViolations(tools[id]!)).toEqual([])
  })

  it('the metadata rule bites on function values, nulls and bad ids', () => {
    const broken = {
      ...tools.parlant_chat,
      id: 'custom_parlant_chat_v2',
      params: {
        x: { type: 'string', default: () => 'x', visibility: 'user-only', description: null },
      },
    } as unknown as AnyTool
    const violations = toolViolations(broken)
    expect(violations.some((v) => v.includes('reserved prefix'))).toBe(true)
    expect(violations.some((v) => v.includes('version suffix'))).toBe(true)
    expect(violations.some((v) => v.includes('is a function'))).toBe(true)
    expect(violations.some((v) => v.includes('is null'))).toBe(true)
  })

  it('gives every param a deliberate visibility, and nothing secret to a model', () => {
    const visibility = (tool: string, param: string) => tools[tool]!.params[param]?.visibility
    expect(visibility('parlant_chat', 'message')).toBe('user-or-llm')
    expect(visibility('parlant_chat', 'conversationKey')).toBe('user-or-llm')
    for (const id of [
      'parlant_chat',
      'parlant_start_agent',
      'parlant_stop_agent',
      'parlant_get_status',
    ])
      expect(visibility(id, 'agentId')).toBe('user-or-llm')
    expect(visibility('parlant_chat', 'customerId')).toBe('user-only')
    expect(visibility('parlant_chat', 'deadlineSeconds')).toBe('user-only')
    expect(visibility('parlant_chat', 'autoStart')).toBe('user-only')
    for (const id of parlantToolIds) {
      for (const name of Object.keys(tools[id]!.params))
        expect(name).not.toMatch(/apiKey|secret|token|password|credential/i)
    }
  })

  it('posts to the internal route of its action with the workspace from _context', () => {
    const actions: Record<string, string> = {
      parlant_chat: 'chat',
      parlant_start_agent: 'start',
      parlant_stop_agent: 'stop',
      parlant_get_status: 'status',
      parlant_list_agents: 'list',
      parlant_get_conversation: 'conversation',
    }
    for (const id of parlantToolIds) {
      const tool = toolRegistry[id]!
      expect(tool.request.url).toBe(`/api/tools/parlant/${actions[id]}`)
      expect(tool.request.method).toBe('POST')
      const body = tool.request.body?.({
        agentId: 'a1',
        message: 'hi',
        _context: { workspaceId: 'ws-1', executionId: 'ex-1' },
      } as never) as Record<string, unknown>
      expect(body.workspaceId).toBe('ws-1')
      expect(JSON.parse(JSON.stringify(body))).toEqual(body)
    }
  })
})

describe('Parlant block outputs', () => {
  it('are flat, typed, and cover every tool output with the same type', () => {
    expect(outputAlignmentViolations(ParlantBlock, tools)).toEqual([])
    for (const key of [
      'content',
      'messages',
      'sessionId',
      'conversationKey',
      'status',
      'agentId',
      'events',
      'timing',
    ])
      expect(ParlantBlock.outputs).toHaveProperty(key)
  })

  it('avoid names the executor reserves for control flow', () => {
    for (const key of ['error', 'selectedOption', 'selectedRoute', '_pauseMetadata'])
      expect(ParlantBlock.outputs).not.toHaveProperty(key)
  })
})

describe('ParlantBlockMeta', () => {
  it('has tags, a vendor url and at least seven grounded templates and skills', () => {
    expect(ParlantBlockMeta.tags).toContain('agentic')
    expect(ParlantBlockMeta.url).toMatch(/^https:\/\//)
    expect(ParlantBlockMeta.templates.length).toBeGreaterThanOrEqual(7)
    for (const template of ParlantBlockMeta.templates) {
      expect(template.icon).toBe(ParlantBlock.icon)
      expect(template.prompt).toMatch(/Parlant/)
      for (const module of template.modules)
        expect(['knowledge-base', 'tables', 'files', 'workflows', 'scheduled', 'agent']).toContain(
          module
        )
      expect([
        'popular',
        'sales',
        'support',
        'engineering',
        'marketing',
        'productivity',
        'operations',
      ]).toContain(template.category)
    }
    for (const skill of ParlantBlockMeta.skills)
      expect(skill.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
  })
})
