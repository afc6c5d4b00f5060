/**
 * Our own statement of the checks Sim runs over every block and tool (sim-contract §2): pure
 * functions returning the list of violations, so a rule can be tested on our block and on a
 * deliberately broken copy.
 */

import type { SubBlockCondition } from '@/lib/workflows/subblocks/visibility'
import { evaluateSubBlockCondition } from '@/lib/workflows/subblocks/visibility'
import type { BlockConfig, CanvasSentence, SubBlockConfig } from '@/blocks/types'
import { SUB_BLOCK_TYPES } from '@/blocks/types'
import type { ToolConfig } from '@/tools/types'

export const BLOCK_CATEGORIES = ['blocks', 'tools', 'triggers']
export const SUB_BLOCK_MODES = ['basic', 'advanced', 'both', 'trigger', 'trigger-advanced']
export const INPUT_TYPES = ['string', 'number', 'boolean', 'json', 'array', 'file']
export const OUTPUT_TYPES = [
  'string',
  'number',
  'boolean',
  'json',
  'array',
  'file',
  'file[]',
  'any',
]
export const PASSWORD_TYPES = ['short-input', 'long-input', 'code', 'table']
export const VISIBILITIES = ['user-or-llm', 'user-only', 'llm-only', 'hidden']
/** Param names the executor gives transport meaning to. */
export const RESERVED_PARAM_NAMES = [
  'method',
  'timeout',
  'proxyUrl',
  'retries',
  'retryDelayMs',
  'retryMaxDelayMs',
  'retryNonIdempotent',
  'credential',
  'oauthCredential',
  '_context',
]

type LooseBlock = BlockConfig

function nonTrigger(subBlocks: readonly SubBlockConfig[]) {
  return subBlocks.filter((sb) => !sb.mode?.startsWith('trigger'))
}

function staticKey(spec: SubBlockConfig['required']) {
  if (spec === undefined) return 'none'
  if (typeof spec === 'function') return 'function'
  return JSON.stringify(spec)
}

/** `blocks.test.ts` rules 1, 3–7 over one block. */
export function basicBlockViolations(block: LooseBlock): string[] {
  const v: string[] = []
  if (typeof block.type !== 'string' || !/^[a-z][a-z0-9_]*$/.test(block.type))
    v.push('type must be a snake_case string')
  if (typeof block.name !== 'string' || !block.name.trim()) v.push('name must be non-empty')
  if (typeof block.description !== 'string' || !block.description.trim())
    v.push('description must be non-empty')
  if (!BLOCK_CATEGORIES.includes(block.category)) v.push(`category ${block.category} is invalid`)
  if (typeof block.bgColor !== 'string' || !block.bgColor) v.push('bgColor must be non-empty')
  if (typeof block.icon !== 'function') v.push('icon must be a function')
  if (!Array.isArray(block.tools?.access)) v.push('tools.access must be an array')
  if (!block.inputs || typeof block.inputs !== 'object') v.push('inputs must be an object')
  if (!block.outputs || typeof block.outputs !== 'object') v.push('outputs must be an object')
  if (!Array.isArray(block.subBlocks)) v.push('subBlocks must be an array')
  for (const sb of block.subBlocks ?? []) {
    if (typeof sb.id !== 'string' || !sb.id) v.push('a sub-block has an empty id')
    if (!(SUB_BLOCK_TYPES as readonly string[]).includes(sb.type))
      v.push(`sub-block ${sb.id} has unknown type ${sb.type}`)
    if (sb.mode !== undefined && !SUB_BLOCK_MODES.includes(sb.mode))
      v.push(`sub-block ${sb.id} has unknown mode ${sb.mode}`)
    if (sb.password && !PASSWORD_TYPES.includes(sb.type))
      v.push(`sub-block ${sb.id}: password is only honoured on ${PASSWORD_TYPES.join(', ')}`)
  }
  for (const [key, input] of Object.entries(block.inputs ?? {})) {
    if (!INPUT_TYPES.includes(input.type)) v.push(`input ${key} has type ${input.type}`)
  }
  for (const [key, output] of Object.entries(block.outputs ?? {})) {
    if (key === 'visualization') continue
    const type = typeof output === 'string' ? output : (output as { type?: string }).type
    if (!type || !OUTPUT_TYPES.includes(type)) v.push(`output ${key} has type ${type}`)
    if (typeof output === 'object' && ('properties' in output || 'items' in output))
      v.push(`output ${key}: block outputs are flat (no properties/items)`)
  }
  if (block.authMode !== undefined && !['oauth', 'api_key', 'bot_token'].includes(block.authMode))
    v.push(`authMode ${block.authMode} is invalid`)
  if (block.category === 'tools' && !block.preview) {
    if (!block.integrationType) v.push('a tools block needs integrationType')
    if (!block.docsLink?.startsWith('https://docs.sim.ai/'))
      v.push('docsLink must point under https://docs.sim.ai/')
  }
  return v
}

/** `blocks.test.ts` rule 8: canonical pairs and duplicate ids. */
export function canonicalViolations(block: LooseBlock): string[] {
  const v: string[] = []
  const subBlocks = nonTrigger(block.subBlocks)
  const plainIds = new Set(subBlocks.filter((sb) => !sb.canonicalParamId).map((sb) => sb.id))
  const groups = new Map<string, SubBlockConfig[]>()
  for (const sb of subBlocks) {
    if (!sb.canonicalParamId) continue
    groups.set(sb.canonicalParamId, [...(groups.get(sb.canonicalParamId) ?? []), sb])
  }
  const byIdAndCondition = new Map<string, SubBlockConfig[]>()
  for (const sb of subBlocks) {
    const key = `${sb.id}|${staticKey(sb.condition)}`
    byIdAndCondition.set(key, [...(byIdAndCondition.get(key) ?? []), sb])
  }
  for (const [key, members] of byIdAndCondition) {
    if (members.length < 2) continue
    const modes = members.map((m) => m.mode ?? 'both')
    const swap = members.length === 2 && modes.includes('basic') && modes.includes('advanced')
    const allCanonical = members.every((m) => m.canonicalParamId)
    if (!swap && !allCanonical)
      v.push(`duplicate sub-block ${key.split('|')[0]} under one condition`)
  }
  const params = block.tools.config?.params?.toString() ?? ''
  for (const [canonicalId, members] of groups) {
    if (plainIds.has(canonicalId)) v.push(`canonical id ${canonicalId} equals a plain sub-block id`)
    if (new Set(members.map((m) => staticKey(m.condition))).size > 1)
      v.push(`members of ${canonicalId} have different conditions`)
    if (new Set(members.map((m) => staticKey(m.required))).size > 1)
      v.push(`members of ${canonicalId} disagree on required`)
    const basic = members.filter((m) => m.mode === 'basic').length
    const basicOrAdvanced = members.filter(
      (m) => m.mode === 'basic' || m.mode === 'advanced'
    ).length
    if (basic > 1) v.push(`${canonicalId} has more than one basic member`)
    if (basicOrAdvanced < 1) v.push(`${canonicalId} has no basic or advanced member`)
    if (!(canonicalId in block.inputs)) v.push(`inputs lacks canonical id ${canonicalId}`)
    for (const member of members) {
      if (member.id !== canonicalId && member.id in block.inputs)
        v.push(`inputs lists raw member ${member.id} of ${canonicalId}`)
      if (member.id !== canonicalId && new RegExp(`\\b${member.id}\\b`).test(params))
        v.push(`tools.config.params references raw member ${member.id}`)
    }
  }
  return v
}

/** `check-block-registry` (b): required user-only tool params need a sub-block. */
export function registryViolations(block: LooseBlock, tools: Record<string, AnyTool>): string[] {
  const v: string[] = []
  const ids = new Set(block.subBlocks.flatMap((sb) => [sb.id, sb.canonicalParamId ?? sb.id]))
  for (const toolId of block.tools.access) {
    const tool = tools[toolId]
    if (!tool) {
      v.push(`tools.access names unregistered tool ${toolId}`)
      continue
    }
    for (const [paramId, param] of Object.entries(tool.params)) {
      if (param.required && param.visibility === 'user-only' && !ids.has(paramId))
        v.push(`${toolId}.${paramId} is required and user-only but no sub-block provides it`)
    }
  }
  return v
}

export type AnyTool = ToolConfig<never, never>

/** Tool id rules, metadata rules (plain data, no nulls) and visibility sanity. */
export function toolViolations(tool: AnyTool): string[] {
  const v: string[] = []
  if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(tool.id)) v.push(`tool id ${tool.id} is not snake_case`)
  if (tool.id.startsWith('custom_') || tool.id.startsWith('mcp-'))
    v.push(`tool id ${tool.id} uses a reserved prefix`)
  if (/_v\d+$/.test(tool.id)) v.push(`tool id ${tool.id} ends like a version suffix`)
  if (!tool.name?.trim() || !tool.description?.trim())
    v.push(`${tool.id} needs name and description`)
  if (!tool.version) v.push(`${tool.id} needs a version`)
  const walk = (value: unknown, path: string) => {
    if (value === null) v.push(`${path} is null`)
    else if (typeof value === 'function') v.push(`${path} is a function`)
    else if (Array.isArray(value))
      value.forEach((item, i) => {
        walk(item, `${path}[${i}]`)
      })
    else if (typeof value === 'object')
      for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`)
  }
  walk(tool.params, `${tool.id}.params`)
  walk(tool.outputs ?? {}, `${tool.id}.outputs`)
  for (const [paramId, param] of Object.entries(tool.params)) {
    if (!param.visibility || !VISIBILITIES.includes(param.visibility))
      v.push(`${tool.id}.${paramId} needs a deliberate visibility`)
    if (RESERVED_PARAM_NAMES.includes(paramId)) v.push(`${tool.id}.${paramId} is a reserved name`)
    if (!param.description?.trim()) v.push(`${tool.id}.${paramId} needs a description`)
  }
  if (!tool.outputs || Object.keys(tool.outputs).length === 0)
    v.push(`${tool.id} declares no outputs`)
  return v
}

/** Block outputs must cover every tool output with a compatible type. */
export function outputAlignmentViolations(
  block: LooseBlock,
  tools: Record<string, AnyTool>
): string[] {
  const v: string[] = []
  const normalize = (type: string) => (type === 'object' ? 'json' : type)
  for (const toolId of block.tools.access) {
    for (const [key, output] of Object.entries(tools[toolId]?.outputs ?? {})) {
      const declared = block.outputs[key]
      if (!declared) {
        v.push(`${toolId} output ${key} is missing from block outputs`)
        continue
      }
      const type = typeof declared === 'string' ? declared : declared.type
      if (normalize(type) !== normalize(output.type))
        v.push(`${toolId} output ${key} is ${output.type} but the block says ${type}`)
    }
  }
  return v
}

/** `selector-backed-subblocks` rules. */
export function selectorViolations(
  block: LooseBlock,
  selectors: Record<string, { fetchList?: unknown; fetchPage?: unknown }>,
  contextFieldsBySelector: Record<string, readonly string[]>
): string[] {
  const v: string[] = []
  const surfaceSourced = new Set(['workspaceId', 'workflowId', 'excludeWorkflowId'])
  for (const sb of block.subBlocks) {
    if (!sb.selectorKey) continue
    const selector = selectors[sb.selectorKey]
    if (!selector) v.push(`${sb.id} names unregistered selector ${sb.selectorKey}`)
    else if (typeof selector.fetchList !== 'function' && typeof selector.fetchPage !== 'function')
      v.push(`selector ${sb.selectorKey} has neither fetchList nor fetchPage`)
    if (sb.options !== undefined) v.push(`${sb.id} declares both selectorKey and options`)
    const needed = (contextFieldsBySelector[sb.selectorKey] ?? []).filter(
      (field) => !surfaceSourced.has(field)
    )
    const deps = Array.isArray(sb.dependsOn)
      ? sb.dependsOn
      : [...(sb.dependsOn?.all ?? []), ...(sb.dependsOn?.any ?? [])]
    if (needed.length > 0 && deps.length === 0)
      v.push(`${sb.id} reads ${needed.join(', ')} but declares no dependsOn`)
  }
  return v
}

// ---------------------------------------------------------------------------------------------
// Canvas sentences

const DANGLING = new Set(
  'and as at by for from in into of on setting to using where with'.split(' ')
)

function clauseFields(field: string | readonly string[]) {
  return typeof field === 'string' ? [field] : [...field]
}

function lastWord(text: string) {
  return (
    text
      .trim()
      .toLowerCase()
      .replace(/[.,;:]+$/, '')
      .split(/\s+/)
      .at(-1) ?? ''
  )
}

function operationSubBlock(block: LooseBlock) {
  const id = block.canvasPresentation?.operationSubBlockId ?? 'operation'
  return block.subBlocks.find((sb) => sb.id === id && sb.type === 'dropdown')
}

export function operationIds(block: LooseBlock): string[] {
  const options = operationSubBlock(block)?.options
  const list = typeof options === 'function' ? options() : options
  return (list ?? []).map((option) => option.id)
}

/** Whether a sub-block shows on the card for an operation in the basic (or advanced) view. */
function visibleFor(sb: SubBlockConfig, operation: string, advanced: boolean) {
  if (sb.hidden || sb.mode?.startsWith('trigger') || sb.context === 'tool-input') return false
  if (!advanced && sb.mode === 'advanced') return false
  if (advanced && sb.mode === 'basic' && sb.canonicalParamId) return true
  const condition = sb.condition
  if (!condition) return true
  const resolved: SubBlockCondition =
    typeof condition === 'function' ? condition({ operation }) : condition
  // Only the operation part can be decided on an untouched card.
  const clauses = [resolved, ...(resolved.and ? [resolved.and] : [])].filter(
    (clause) => clause.field === 'operation'
  )
  return clauses.every((clause) =>
    evaluateSubBlockCondition({ ...clause }, { operation } as Record<string, unknown>)
  )
}

/** The noun a core chip shows while its field is empty. */
export function fieldNoun(sb: SubBlockConfig | undefined) {
  return sb?.canvasNoun ?? `a ${(sb?.title ?? 'value').toLowerCase()}`
}

/** The reading of a sentence: `bare` on an untouched card, `filled` with every field set. */
export function renderSentence(
  block: LooseBlock,
  sentence: CanvasSentence,
  operation: string,
  mode: 'bare' | 'filled'
) {
  const parts: string[] = []
  for (const clause of sentence) {
    if (typeof clause === 'string') {
      parts.push(clause)
      continue
    }
    const fields = clauseFields(clause.field)
    const shown = fields.some((id) =>
      block.subBlocks.some((sb) => sb.id === id && visibleFor(sb, operation, false))
    )
    if (!shown) continue
    if (mode === 'bare' && !clause.core) continue
    const chip =
      mode === 'filled'
        ? `⟨${fields[0]}⟩`
        : fieldNoun(block.subBlocks.find((sb) => sb.id === fields[0]))
    parts.push([clause.text, chip, clause.after].filter(Boolean).join(' '))
  }
  return parts.join(' ').replace(/\s+/g, ' ').trim()
}

/** `check-canvas-sentences --require-coverage` rules, in our words. */
export function sentenceViolations(block: LooseBlock): string[] {
  const v: string[] = []
  const sentences = block.canvasPresentation?.sentences
  if (!block.canvasPresentation?.defaultTitle) v.push('canvasPresentation.defaultTitle is missing')
  const ops = operationIds(block)
  const byOperation = sentences?.byOperation ?? {}
  if (!sentences?.default) {
    for (const op of ops) if (!(op in byOperation)) v.push(`no sentence for operation ${op}`)
  }
  const canonicalMembers = new Map<string, string[]>()
  for (const sb of nonTrigger(block.subBlocks)) {
    if (!sb.canonicalParamId) continue
    canonicalMembers.set(sb.canonicalParamId, [
      ...(canonicalMembers.get(sb.canonicalParamId) ?? []),
      sb.id,
    ])
  }
  const filled = new Map<string, string>()
  const bare = new Map<string, string>()
  for (const [op, sentence] of Object.entries(byOperation)) {
    const where = `byOperation.${op}`
    if (!ops.includes(op)) v.push(`${where}: no operation option with that id`)
    const lead =
      sentence[0] === undefined
        ? ''
        : typeof sentence[0] === 'string'
          ? sentence[0]
          : (sentence[0].text ?? '')
    const leadWord = lead.trim().split(/\s+/)[0] ?? ''
    if (/[^s]s$/i.test(leadWord)) v.push(`${where}: opens "${leadWord}" in the third person`)
    let guaranteed = false
    sentence.forEach((clause, index) => {
      const next = sentence[index + 1]
      const nextSurvives =
        next !== undefined &&
        (typeof next === 'string' ||
          (next.core === true &&
            clauseFields(next.field).some((id) =>
              block.subBlocks.some((sb) => sb.id === id && visibleFor(sb, op, false))
            )))
      const trailing = typeof clause === 'string' ? clause : clause.after
      if (trailing && DANGLING.has(lastWord(trailing)) && !nextSurvives)
        v.push(
          `${where}: clause ${index} ends on "${lastWord(trailing)}" before a droppable clause`
        )
      if (typeof clause === 'string') {
        guaranteed = true
        return
      }
      const fields = clauseFields(clause.field)
      if (fields.length === 0) v.push(`${where}: clause ${index} has an empty field`)
      const definitions = block.subBlocks.filter((sb) => fields.includes(sb.id))
      for (const id of fields) {
        const defs = block.subBlocks.filter((sb) => sb.id === id)
        if (defs.length === 0) v.push(`${where}: clause ${index} names unknown field ${id}`)
        else if (!defs.some((sb) => visibleFor(sb, op, false) || visibleFor(sb, op, true)))
          v.push(`${where}: clause ${index} names ${id}, never visible for ${op}`)
      }
      const previous = index > 0 ? sentence[index - 1] : undefined
      const before =
        clause.text ?? (typeof previous === 'string' ? previous : (previous?.after ?? ''))
      if (/\b(an?|the)$/i.test(before.trim()))
        v.push(`${where}: clause ${index} puts an article before a chip`)
      for (const id of fields) {
        const canonicalId = block.subBlocks.find((sb) => sb.id === id)?.canonicalParamId
        const members = canonicalId ? (canonicalMembers.get(canonicalId) ?? []) : []
        const missing = members.filter((member) => !fields.includes(member))
        if (missing.length > 0)
          v.push(`${where}: clause ${index} omits canonical member(s) ${missing.join(', ')}`)
      }
      if (clause.core) {
        const onCard = definitions.some((sb) => visibleFor(sb, op, false))
        if (!onCard)
          v.push(`${where}: clause ${index} is core but its field is not on the basic card`)
        else guaranteed = true
        if (definitions.some((sb) => sb.mode === 'advanced' && !sb.canonicalParamId))
          v.push(`${where}: clause ${index} is core on an advanced field`)
      }
    })
    if (!guaranteed) v.push(`${where}: nothing is guaranteed to render on an untouched card`)
    filled.set(op, renderSentence(block, sentence, op, 'filled'))
    bare.set(op, renderSentence(block, sentence, op, 'bare'))
    if (!bare.get(op)) v.push(`${where}: renders empty on an untouched card`)
  }
  for (const readings of [filled, bare]) {
    const seen = new Map<string, string>()
    for (const [op, text] of readings) {
      const other = seen.get(text)
      if (other) v.push(`byOperation.${op} renders identically to ${other}: "${text}"`)
      seen.set(text, op)
    }
  }
  return v
}

// ---------------------------------------------------------------------------------------------
// Icons

const PATH_ARITY: Record<string, number> = {
  m: 2,
  l: 2,
  h: 1,
  v: 1,
  c: 6,
  s: 4,
  q: 4,
  t: 2,
  a: 7,
  z: 0,
}

/** Violations of SVG path grammar in one `d` attribute. */
export function pathGrammarViolations(d: string): string[] {
  const v: string[] = []
  const tokens =
    d.match(/[MmLlHhVvCcSsQqTtAaZz]|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|\S/g) ?? []
  if (!tokens[0] || !/^[Mm]$/.test(tokens[0])) v.push('path must start with M or m')
  let command = ''
  let args: string[] = []
  const flush = () => {
    if (!command) return
    const arity = PATH_ARITY[command.toLowerCase()] ?? -1
    if (arity === 0) {
      if (args.length) v.push(`Z takes no arguments (got ${args.length})`)
    } else if (args.length === 0 || args.length % arity !== 0) {
      v.push(`${command} needs a multiple of ${arity} numbers, got ${args.length}`)
    } else if (command.toLowerCase() === 'a') {
      for (let i = 0; i < args.length; i += 7) {
        if (!['0', '1'].includes(args[i + 3] ?? '') || !['0', '1'].includes(args[i + 4] ?? ''))
          v.push('arc flags must be 0 or 1')
      }
    }
  }
  for (const token of tokens) {
    if (/^[A-Za-z]$/.test(token)) {
      if (!(token.toLowerCase() in PATH_ARITY)) v.push(`unknown command ${token}`)
      flush()
      command = token
      args = []
    } else if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(token)) {
      args.push(token)
    } else if (token !== ',') {
      v.push(`unexpected token ${token}`)
    }
  }
  flush()
  return v
}

/** Numbers in path data with more than three fractional digits. */
export function precisionViolations(d: string): string[] {
  return (d.match(/\d*\.\d{4,}/g) ?? []).map((n) => `${n} has more than 3 decimals`)
}
