/**
 * Shim of `apps/sim/blocks/types.ts` and `packages/workflow-types/src/blocks.ts`: the block
 * contract a plugin block compiles against.
 */
import type { JSX, SVGProps } from 'react'
import type { ToolResponse } from '@/tools/types'

export type BlockIcon = (props: SVGProps<SVGSVGElement>) => JSX.Element

export type BlockCategory = 'blocks' | 'tools' | 'triggers'

export type PrimitiveValueType =
  | 'string'
  | 'number'
  | 'boolean'
  | 'json'
  | 'array'
  | 'file'
  | 'file[]'
  | 'any'

export type ParamType = 'string' | 'number' | 'boolean' | 'json' | 'array' | 'file'

/** The 47 sub-block types Sim's `blocks.test.ts` pins. */
export const SUB_BLOCK_TYPES = [
  'short-input',
  'long-input',
  'dropdown',
  'combobox',
  'slider',
  'table',
  'code',
  'switch',
  'tool-input',
  'skill-input',
  'checkbox-list',
  'grouped-checkbox-list',
  'condition-input',
  'eval-input',
  'time-input',
  'oauth-input',
  'webhook-config',
  'schedule-info',
  'file-selector',
  'sheet-selector',
  'project-selector',
  'channel-selector',
  'user-selector',
  'folder-selector',
  'knowledge-base-selector',
  'knowledge-tag-filters',
  'document-selector',
  'document-tag-entry',
  'mcp-server-selector',
  'mcp-tool-selector',
  'mcp-dynamic-args',
  'input-format',
  'response-format',
  'filter-builder',
  'sort-builder',
  'file-upload',
  'input-mapping',
  'variables-input',
  'messages-input',
  'workflow-selector',
  'workflow-input-mapper',
  'text',
  'router-input',
  'table-selector',
  'column-selector',
  'modal',
] as const

export type SubBlockType = (typeof SUB_BLOCK_TYPES)[number]

export type SubBlockMode = 'basic' | 'advanced' | 'both' | 'trigger' | 'trigger-advanced'

export enum IntegrationType {
  AI = 'ai',
  Analytics = 'analytics',
  Commerce = 'commerce',
  Communication = 'communication',
  Databases = 'databases',
  DevOps = 'devops',
  Documents = 'documents',
  Email = 'email',
  HR = 'hr',
  Marketing = 'marketing',
  Observability = 'observability',
  Productivity = 'productivity',
  Sales = 'sales',
  Search = 'search',
  Security = 'security',
  Support = 'support',
}

export enum AuthMode {
  OAuth = 'oauth',
  ApiKey = 'api_key',
  BotToken = 'bot_token',
}

type ConditionValue = string | number | boolean | Array<string | number | boolean>

/** Static visibility/requirement condition on sibling sub-block values (inline in Sim's `SubBlockConfig`). */
interface SubBlockCondition {
  field: string
  value: ConditionValue
  not?: boolean
  and?: { field: string; value: ConditionValue | undefined; not?: boolean }
}

type SubBlockConditionSpec =
  | SubBlockCondition
  | ((values?: Record<string, unknown>) => SubBlockCondition)

export interface SubBlockOption {
  label: string
  id: string
  icon?: BlockIcon
  group?: string
  hidden?: boolean
  defaultChecked?: boolean
  description?: string
}

export type ParameterVisibilityHint = 'user-or-llm' | 'user-only' | 'llm-only' | 'hidden'

export interface WandConfig {
  enabled: boolean
  prompt: string
  generationType?: string
  placeholder?: string
  maintainHistory?: boolean
}

/** One editor field of a block; `id` is persisted in saved workflows. */
export interface SubBlockConfig {
  id: string
  title?: string
  type: SubBlockType
  description?: string
  tooltip?: string
  placeholder?: string
  canvasNoun?: string
  hidden?: boolean
  hideFromPreview?: boolean
  hideFromCopilot?: boolean
  readOnly?: boolean
  mode?: SubBlockMode
  canonicalParamId?: string
  defaultValue?: string | number | boolean | Record<string, unknown> | unknown[]
  value?: (params: Record<string, unknown>) => string
  options?: SubBlockOption[] | ((p?: { values?: Record<string, unknown> }) => SubBlockOption[])
  selectorKey?: string
  selectorAllowSearch?: boolean
  emptyIsValid?: boolean
  clearOnMissingOption?: boolean
  searchable?: boolean
  condition?: SubBlockConditionSpec
  required?: boolean | SubBlockConditionSpec
  dependsOn?: string[] | { all?: string[]; any?: string[] }
  password?: boolean
  paramVisibility?: ParameterVisibilityHint
  context?: 'tool-input'
  language?: 'javascript' | 'json' | 'python' | 'shell'
  min?: number
  max?: number
  step?: number
  integer?: boolean
  rows?: number
  modalId?: string
  wandConfig?: WandConfig
}

export interface ParamConfig {
  type: ParamType
  description?: string
  schema?: Record<string, unknown>
}

/** Sim: `OutputCondition` from `@sim/workflow-types/blocks`, re-exported by `@/blocks/types`. */
export type OutputCondition = SubBlockCondition

export type OutputFieldDefinition =
  | PrimitiveValueType
  | {
      type: PrimitiveValueType
      description?: string
      condition?: OutputCondition
      hiddenFromDisplay?: boolean
    }

export type CanvasSentenceClause =
  | string
  | { text?: string; field: string | readonly string[]; after?: string; core?: boolean }

export type CanvasSentence = readonly CanvasSentenceClause[]

export interface CanvasPresentation {
  typeLabel?: string
  defaultTitle: string
  operationSubBlockId?: string
  operationRowTitle?: string
  sentences?: { default?: CanvasSentence; byOperation?: Record<string, CanvasSentence> }
  triggerSentences?: { default?: CanvasSentence; byTrigger?: Record<string, CanvasSentence> }
}

/** A block definition as registered in Sim's `BLOCK_REGISTRY`. */
export interface BlockConfig<T extends ToolResponse = ToolResponse> {
  type: string
  name: string
  description: string
  category: BlockCategory
  longDescription?: string
  bestPractices?: string
  docsLink?: string
  bgColor: string
  iconColor?: string
  icon: BlockIcon
  integrationType?: IntegrationType
  authMode?: AuthMode
  subBlocks: SubBlockConfig[]
  tools: {
    access: string[]
    config?: {
      tool: (params: Record<string, unknown>) => string
      params?: (params: Record<string, unknown>) => Record<string, unknown>
    }
  }
  inputs: Record<string, ParamConfig>
  outputs: Record<string, OutputFieldDefinition> & {
    visualization?: { type: 'image'; url: string }
  }
  canvasPresentation?: CanvasPresentation
  triggerAllowed?: boolean
  triggers?: { enabled: boolean; available: string[] }
  singleInstance?: boolean
  hideFromToolbar?: boolean
  preview?: boolean
  sunset?: { status: 'legacy' | 'deprecated'; replacedBy?: string }
  /** Phantom use of `T` so the generic matches Sim's signature. */
  readonly __response?: T
}

export type IntegrationTag =
  | 'agentic'
  | 'llm'
  | 'customer-support'
  | 'messaging'
  | 'automation'
  | 'ai'
  | 'chat'

export interface BlockTemplate {
  icon: BlockIcon
  title: string
  prompt: string
  modules: readonly string[]
  category: string
  tags: readonly string[]
  image?: string
  featured?: boolean
  alsoIntegrations?: readonly string[]
}

export interface SuggestedSkill {
  name: string
  description: string
  content: string
}

/** Catalog metadata, exported beside a `'tools'` block and never read by the executor. */
export interface BlockMeta {
  tags: readonly IntegrationTag[]
  url?: string
  templates?: readonly BlockTemplate[]
  skills?: readonly SuggestedSkill[]
}
