/**
 * The standalone tool executor: runs a block's tool the way Sim's executor does, so the Parlant
 * block and tools behave the same on the canvas of a Sim checkout and against the standalone
 * host. Serializer (`serializeBlock`) → generic block handler (`executeBlock`) → `executeTool`
 * (internal route resolved against the host, `?workflowId&userId`, internal bearer, `_context`,
 * error extraction, `transformResponse`).
 */

import { getErrorMessage } from '@sim/utils/errors'
import type { BlockConfig, SubBlockConfig } from '@/blocks/types'
import { mintInternalToken } from '@/host/auth'
import {
  parlantChatTool,
  parlantGetConversationTool,
  parlantGetStatusTool,
  parlantListAgentsTool,
  parlantStartAgentTool,
  parlantStopAgentTool,
} from '@/tools/parlant'
import type { ToolConfig, ToolResponse, WorkflowToolExecutionContext } from '@/tools/types'

type PostProcess = (
  result: ToolResponse,
  params: never,
  executeTool: (toolId: string, params: Record<string, unknown>) => Promise<ToolResponse>
) => Promise<ToolResponse>

/**
 * A tool of any params and response type; the executor passes params it cannot type-check
 * itself. `postProcess` takes its own response type in and out, so it is kept opaque here.
 */
export type AnyToolConfig = Omit<ToolConfig<never, ToolResponse>, 'postProcess'> & {
  postProcess?: unknown
}

/** The tools this executor knows, keyed by id like Sim's `tools/registry.ts`. */
export const toolRegistry: Record<string, AnyToolConfig> = {
  parlant_chat: parlantChatTool,
  parlant_get_conversation: parlantGetConversationTool,
  parlant_get_status: parlantGetStatusTool,
  parlant_list_agents: parlantListAgentsTool,
  parlant_start_agent: parlantStartAgentTool,
  parlant_stop_agent: parlantStopAgentTool,
}

/** Who runs the workflow and where: what Sim's executor knows about an execution. */
export interface ExecutionContext {
  /** Origin internal `/api/` routes are resolved against (Sim's `getInternalApiBaseUrl()`). */
  baseUrl: string
  /** Signs the internal bearer (Sim's `INTERNAL_API_SECRET`). */
  internalSecret: string
  userId: string
  workspaceId: string
  workflowId?: string
  executionId?: string
  signal?: AbortSignal
  registry?: Record<string, AnyToolConfig>
}

/** A block as Sim's serializer stores it: the chosen tool and the params by canonical id. */
export interface SerializedBlock {
  id: string
  metadata: { id: string; name: string }
  config: { tool: string; params: Record<string, unknown> }
  canonicalModes?: Record<string, 'basic' | 'advanced'>
}

/** A failed block, carrying what Sim's `GenericBlockHandler` attaches to its error. */
export class BlockExecutionError extends Error {
  constructor(
    message: string,
    readonly toolId: string,
    readonly blockId: string,
    readonly statusCode?: number
  ) {
    super(message)
    this.name = 'BlockExecutionError'
  }
}

function isEmpty(value: unknown) {
  return value === undefined || value === null || value === ''
}

interface CanonicalGroup {
  basicId?: string
  advancedIds: string[]
}

/** Canonical groups of a block's non-trigger sub-blocks, keyed by canonical id. */
export function canonicalGroups(subBlocks: readonly SubBlockConfig[]) {
  const groups: Record<string, CanonicalGroup> = {}
  for (const subBlock of subBlocks) {
    if (!subBlock.canonicalParamId || subBlock.mode?.startsWith('trigger')) continue
    const group = groups[subBlock.canonicalParamId] ?? { advancedIds: [] }
    groups[subBlock.canonicalParamId] = group
    if (subBlock.mode === 'advanced') group.advancedIds.push(subBlock.id)
    else group.basicId = subBlock.id
  }
  return groups
}

/**
 * Replaces the raw members of each canonical pair by the canonical id holding the active
 * member's value: the explicit mode when given, else advanced only when basic is empty.
 */
export function resolveCanonicalParams(
  subBlocks: readonly SubBlockConfig[],
  values: Record<string, unknown>,
  canonicalModes: Record<string, 'basic' | 'advanced'> = {}
) {
  const params = { ...values }
  for (const [canonicalId, group] of Object.entries(canonicalGroups(subBlocks))) {
    const basicValue = group.basicId ? values[group.basicId] : undefined
    const advancedValue = group.advancedIds.map((id) => values[id]).find((value) => !isEmpty(value))
    const mode =
      canonicalModes[canonicalId] ??
      (isEmpty(basicValue) && !isEmpty(advancedValue) ? 'advanced' : 'basic')
    const chosen = mode === 'advanced' ? advancedValue : basicValue
    for (const id of [group.basicId, ...group.advancedIds]) if (id) delete params[id]
    if (!isEmpty(chosen)) params[canonicalId] = chosen
    else if (!(canonicalId in values)) delete params[canonicalId]
  }
  return params
}

/**
 * Serializes a block from its stored sub-block values, as Sim's serializer does: values of a
 * new block are seeded from `value()`/`defaultValue`, canonical pairs collapse onto their
 * canonical id, and the tool is picked by `tools.config.tool` (or `access[0]`).
 */
export function serializeBlock(
  block: BlockConfig,
  values: Record<string, unknown>,
  options: {
    id?: string
    name?: string
    canonicalModes?: Record<string, 'basic' | 'advanced'>
  } = {}
): SerializedBlock {
  const seeded: Record<string, unknown> = {}
  for (const subBlock of block.subBlocks) {
    if (subBlock.id in seeded) continue
    if (subBlock.value) seeded[subBlock.id] = subBlock.value({})
    else if (subBlock.defaultValue !== undefined) seeded[subBlock.id] = subBlock.defaultValue
  }
  const params = resolveCanonicalParams(
    block.subBlocks,
    { ...seeded, ...values },
    options.canonicalModes
  )
  const tool = block.tools.config?.tool ? block.tools.config.tool(params) : block.tools.access[0]
  if (!tool) throw new Error(`Block ${block.type} has no tool to run`)
  return {
    id: options.id ?? `${block.type}-1`,
    metadata: { id: block.type, name: options.name ?? block.name },
    config: { tool, params },
    canonicalModes: options.canonicalModes,
  }
}

/** Parses `json`/`array` inputs given as text, as Sim does after `tools.config.params`. */
export function parseStructuredInputs(block: BlockConfig, params: Record<string, unknown>) {
  const parsed = { ...params }
  for (const [key, input] of Object.entries(block.inputs)) {
    const value = parsed[key]
    if ((input.type === 'json' || input.type === 'array') && typeof value === 'string') {
      if (value.trim() === '') continue
      try {
        parsed[key] = JSON.parse(value)
      } catch {
        throw new Error(`Input "${key}" must be valid JSON`)
      }
    }
  }
  return parsed
}

/**
 * The block-level param step of Sim's generic handler and of an LLM tool call: the block's
 * `tools.config.params` over the inputs, then JSON parsing of structured inputs.
 */
export function applyBlockParams(block: BlockConfig, inputs: Record<string, unknown>) {
  const mapped = block.tools.config?.params ? block.tools.config.params(inputs) : {}
  return parseStructuredInputs(block, { ...inputs, ...mapped })
}

/** Runs a serialized block like Sim's `GenericBlockHandler`; throws when the tool fails. */
export async function executeBlock(
  block: BlockConfig,
  serialized: SerializedBlock,
  context: ExecutionContext
): Promise<Record<string, unknown>> {
  const toolId = serialized.config.tool
  let finalInputs: Record<string, unknown>
  try {
    finalInputs = applyBlockParams(block, serialized.config.params)
  } catch (error) {
    throw new BlockExecutionError(getErrorMessage(error), toolId, serialized.id)
  }
  const result = await executeTool(toolId, finalInputs, context)
  if (!result.success) {
    throw new BlockExecutionError(
      result.error ?? `Tool ${toolId} failed`,
      toolId,
      serialized.id,
      result.statusCode
    )
  }
  return result.output
}

/** The error text of a failed response body: `error`, `error.message` or `message`. */
export function extractErrorMessage(body: unknown, status: number): string {
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>
    const error = record.error
    if (typeof error === 'string' && error) return error
    if (error && typeof error === 'object') {
      const message = (error as Record<string, unknown>).message
      if (typeof message === 'string' && message) return message
    }
    if (typeof record.message === 'string' && record.message) return record.message
  }
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 500)
  return `Request failed with status ${status}`
}

function stripPrivateKeys(output: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(output).filter(([key]) => !key.startsWith('__')))
}

function isLoopback(url: URL) {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
}

/**
 * Runs one tool like Sim's `executeTool`: `_context` added to the params, internal routes
 * called on the host with the user's internal bearer, failures returned (not thrown) as
 * `{ success: false, error }`.
 */
export async function executeTool(
  toolId: string,
  params: Record<string, unknown>,
  context: ExecutionContext
): Promise<ToolResponse> {
  const startTime = new Date()
  const tool = (context.registry ?? toolRegistry)[toolId]
  if (!tool) return { success: false, output: {}, error: `Tool not found: ${toolId}` }
  const toolContext: WorkflowToolExecutionContext = {
    workspaceId: context.workspaceId,
    workflowId: context.workflowId,
    executionId: context.executionId,
    userId: context.userId,
  }
  const toolParams = { ...params, _context: toolContext } as never
  const finish = (result: ToolResponse): ToolResponse => {
    const endTime = new Date()
    return {
      ...result,
      output: stripPrivateKeys(result.output ?? {}),
      timing: {
        startTime: startTime.toISOString(),
        endTime: endTime.toISOString(),
        duration: endTime.getTime() - startTime.getTime(),
      },
    }
  }

  try {
    if (tool.directExecution) return finish(await tool.directExecution(toolParams, context.signal))

    const rawUrl =
      typeof tool.request.url === 'function' ? tool.request.url(toolParams) : tool.request.url
    const method =
      typeof tool.request.method === 'function'
        ? tool.request.method(toolParams)
        : tool.request.method
    const headers = new Headers(tool.request.headers(toolParams))
    let url: URL
    if (rawUrl.startsWith('/api/')) {
      url = new URL(rawUrl, context.baseUrl)
      if (toolContext.workflowId) url.searchParams.set('workflowId', toolContext.workflowId)
      if (toolContext.userId) url.searchParams.set('userId', toolContext.userId)
      headers.set(
        'Authorization',
        `Bearer ${mintInternalToken(context.internalSecret, context.userId)}`
      )
    } else {
      url = new URL(rawUrl)
      // Sim's SSRF guard: external calls need https (plain http only to loopback when self-hosted).
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
        return finish({ success: false, output: {}, error: `Refusing non-https URL for ${toolId}` })
      }
    }
    const rawBody = tool.request.body?.(toolParams)
    const body =
      rawBody === undefined || typeof rawBody === 'string' || rawBody instanceof FormData
        ? rawBody
        : JSON.stringify(rawBody)

    const response = await fetch(url, { method, headers, body, signal: context.signal })
    if (!response.ok) {
      const text = await response.text()
      let parsed: unknown = text
      try {
        parsed = JSON.parse(text)
      } catch {}
      return finish({
        success: false,
        output: {},
        error: extractErrorMessage(parsed, response.status),
        statusCode: response.status,
      })
    }
    if ([202, 204, 205].includes(response.status)) {
      return finish({ success: true, output: { status: response.status } })
    }
    let result: ToolResponse
    if (tool.transformResponse) {
      result = await tool.transformResponse(response, toolParams)
    } else {
      const json = (await response.json()) as Record<string, unknown>
      const output = json.output && typeof json.output === 'object' ? json.output : json
      result = { success: true, output: output as Record<string, unknown> }
    }
    if (result.success && typeof tool.postProcess === 'function') {
      result = await (tool.postProcess as PostProcess)(result, toolParams, (id, next) =>
        executeTool(id, next, context)
      )
    }
    return finish(result)
  } catch (error) {
    return finish({
      success: false,
      output: {},
      error: getErrorMessage(error),
    })
  }
}
