/**
 * Blocks as LLM tools, the standalone counterpart of Sim's `transformBlockTool` and
 * `createLLMToolSchema` (`tools/params.ts`): what a model sees of a block's tool, and how its
 * call is turned back into a tool execution identical to a canvas run.
 */

import { getErrorMessage } from '@sim/utils/errors'
import type { BlockConfig } from '@/blocks/types'
import {
  type AnyToolConfig,
  applyBlockParams,
  type ExecutionContext,
  executeTool,
  resolveCanonicalParams,
  toolRegistry,
} from '@/host/executor'
import type { ToolResponse } from '@/tools/types'

/** One JSON-schema property of a tool parameter. */
export interface SchemaProperty {
  type: string
  description: string
  items?: Record<string, unknown>
}

/** The JSON schema of a tool's arguments as the model sees it. */
export interface ToolSchema {
  type: 'object'
  properties: Record<string, SchemaProperty>
  required: string[]
}

function isNonEmpty(value: unknown) {
  return value !== undefined && value !== null && value !== ''
}

/**
 * The argument schema offered to a model: params the user already filled, `user-only` and
 * `hidden` params are left out; `required` keeps the required `user-or-llm`/`llm-only` ones.
 */
export function createLLMToolSchema(
  tool: Pick<AnyToolConfig, 'params'>,
  userProvidedParams: Record<string, unknown>
): ToolSchema {
  const schema: ToolSchema = { type: 'object', properties: {}, required: [] }
  for (const [paramId, param] of Object.entries(tool.params)) {
    if (isNonEmpty(userProvidedParams[paramId])) continue
    if (param.visibility === 'user-only' || param.visibility === 'hidden') continue
    const type = param.type === 'json' || param.type === 'any' ? 'object' : param.type
    const property: SchemaProperty = { type, description: param.description ?? '' }
    if (param.type === 'array' && param.items) property.items = { ...param.items }
    schema.properties[paramId] = property
    if ((param.visibility === 'user-or-llm' || param.visibility === 'llm-only') && param.required) {
      schema.required.push(paramId)
    }
  }
  return schema
}

/** A block configured as a tool of an Agent block, as the provider layer sees it. */
export interface ProviderToolConfig {
  /** Function name given to the model: the tool id. */
  id: string
  name: string
  description: string
  /** Values the user filled in the tool's panel, by canonical id. */
  params: Record<string, unknown>
  parameters: ToolSchema
  /** Params a model may never supply (`user-only`, `hidden`). */
  modelBlockedParams: string[]
  block: BlockConfig
}

/**
 * Turns a block into a model-callable tool for one operation: the tool id comes from
 * `tools.config.tool` (when the block has several), the schema from the tool's params minus the
 * user's own values. `userParams` are keyed by sub-block id, as Sim stores them.
 */
export function transformBlockTool(
  block: BlockConfig,
  options: {
    operation?: string
    userParams?: Record<string, unknown>
    canonicalModes?: Record<string, 'basic' | 'advanced'>
    registry?: Record<string, AnyToolConfig>
  } = {}
): ProviderToolConfig {
  const params = resolveCanonicalParams(
    block.subBlocks,
    Object.fromEntries(
      Object.entries(options.userParams ?? {}).filter(([, value]) => isNonEmpty(value))
    ),
    options.canonicalModes
  )
  const toolId =
    block.tools.access.length > 1 && block.tools.config?.tool
      ? block.tools.config.tool({ ...params, operation: options.operation })
      : block.tools.access[0]
  const tool = toolId ? (options.registry ?? toolRegistry)[toolId] : undefined
  if (!toolId || !tool) throw new Error(`Block ${block.type} has no tool for ${options.operation}`)
  return {
    id: toolId,
    name: tool.name,
    description: tool.description,
    params: { ...params, ...(options.operation ? { operation: options.operation } : {}) },
    parameters: createLLMToolSchema(tool, params),
    modelBlockedParams: Object.entries(tool.params)
      .filter(([, param]) => param.visibility === 'user-only' || param.visibility === 'hidden')
      .map(([id]) => id),
    block,
  }
}

/**
 * Executes a model's call of a provider tool like Sim's `prepareToolExecution`: blocked
 * arguments dropped, the user's values win over the model's, the block's param step applied,
 * then the same `executeTool` a canvas run uses.
 */
export async function executeLLMToolCall(
  providerTool: ProviderToolConfig,
  modelArguments: Record<string, unknown>,
  context: ExecutionContext
): Promise<ToolResponse> {
  const blocked = new Set(providerTool.modelBlockedParams)
  const allowed = Object.fromEntries(
    Object.entries(modelArguments).filter(([key]) => !blocked.has(key) && key !== '_context')
  )
  let params: Record<string, unknown>
  try {
    params = applyBlockParams(providerTool.block, { ...allowed, ...providerTool.params })
  } catch (error) {
    return {
      success: false,
      output: {},
      error: getErrorMessage(error),
    }
  }
  return executeTool(providerTool.id, params, context)
}
