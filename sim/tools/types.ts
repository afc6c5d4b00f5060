/** Shim of `apps/sim/tools/types.ts`: the tool contract the executor runs. */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD'

export type ParameterVisibility = 'user-or-llm' | 'user-only' | 'llm-only' | 'hidden'

export type OutputType =
  | 'string'
  | 'number'
  | 'boolean'
  | 'json'
  | 'file'
  | 'file[]'
  | 'array'
  | 'object'

export interface ToolParameterItemSchema {
  type: string
  description?: string
  properties?: Record<string, ToolParameterItemSchema>
  items?: ToolParameterItemSchema
}

export interface ToolParamConfig {
  type: string
  required?: boolean
  visibility?: ParameterVisibility
  default?: string | number | boolean | null | Record<string, unknown> | unknown[]
  description?: string
  items?: ToolParameterItemSchema
}

export interface ToolOutputProperty {
  type: OutputType
  description?: string
  optional?: boolean
  nullable?: boolean
  properties?: Record<string, ToolOutputProperty>
  items?: ToolOutputProperty | { type: OutputType; properties?: Record<string, ToolOutputProperty> }
}

/** What Sim's executor forwards to a tool as `params._context`. */
export interface WorkflowToolExecutionContext {
  workspaceId?: string
  workflowId?: string
  executionId?: string
  userId?: string
  chatId?: string
  isDeployedContext?: boolean
}

export interface ToolResponse {
  success: boolean
  output: Record<string, unknown>
  error?: string
  statusCode?: number
  timing?: { startTime: string; endTime: string; duration: number }
}

export interface ToolRetryConfig {
  enabled: boolean
  maxRetries?: number
  initialDelayMs?: number
  maxDelayMs?: number
  retryIdempotentOnly?: boolean
}

export interface ToolConfig<P = Record<string, unknown>, R = ToolResponse> {
  id: string
  name: string
  description: string
  version: string
  params: Record<string, ToolParamConfig>
  outputs?: Record<string, ToolOutputProperty>
  errorExtractor?: string
  request: {
    url: string | ((params: P) => string)
    method: HttpMethod | ((params: P) => HttpMethod)
    headers: (params: P) => Record<string, string>
    body?: (params: P) => Record<string, unknown> | string | FormData | undefined
    internalAuth?: 'executor_delegation'
    retry?: ToolRetryConfig
  }
  postProcess?: (
    result: R,
    params: P,
    executeTool: (toolId: string, params: Record<string, unknown>) => Promise<ToolResponse>
  ) => Promise<R>
  transformResponse?: (response: Response, params?: P) => Promise<R>
  directExecution?: (params: P, signal?: AbortSignal) => Promise<ToolResponse>
}
