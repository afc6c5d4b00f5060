/** Params and responses of the Parlant tools. */
import type { ToolResponse, WorkflowToolExecutionContext } from '@/tools/types'

/** Params every Parlant tool receives: the executor forwards the workspace in `_context`. */
export interface ParlantBaseParams {
  _context?: WorkflowToolExecutionContext
}

export interface ParlantAgentParams extends ParlantBaseParams {
  agentId: string
}

export interface ParlantChatParams extends ParlantAgentParams {
  message: string
  conversationKey?: string
  customerId?: string
  /** Turn deadline in seconds (the block parses it; the route takes milliseconds). */
  deadlineSeconds?: number
  autoStart?: boolean
}

export type ParlantListAgentsParams = ParlantBaseParams

export interface ParlantGetConversationParams extends ParlantAgentParams {
  conversationKey?: string
  limit?: number
  before?: number
}

/** One message of a conversation transcript. */
export interface ParlantConversationMessage {
  id: string
  offset: number
  source: string
  text: string
  at: string
  traceId: string
  preamble: boolean
}

export interface ParlantGetConversationResponse extends ToolResponse {
  output: {
    conversationKey: string
    sessionId: string | null
    messages: ParlantConversationMessage[]
    count: number
    nextBefore: number | null
  }
}

/** One event of a chat turn, in the order the agent produced it. */
export interface ParlantTurnEvent {
  kind: 'preamble' | 'message' | 'tool'
  text?: string
  offset?: number
  data?: Record<string, unknown>
}

export interface ParlantChatResponse extends ToolResponse {
  output: {
    content: string
    outcome: string
    messages: unknown[]
    preambles: unknown[]
    toolCalls: unknown[]
    matchedGuidelines: string[]
    events: ParlantTurnEvent[]
    agentId: string
    sessionId: string
    conversationKey: string
    sessionRenewed: boolean
    traceId: string
    status: string
    timing: Record<string, unknown>
  }
}

export interface ParlantAgentStatusResponse extends ToolResponse {
  output: {
    agentId: string
    name: string
    status: string
    lastError: string | null
    since: string | null
  }
}

export interface ParlantAgentSummary {
  id: string
  name: string
  description: string | null
  status: string
}

export interface ParlantListAgentsResponse extends ToolResponse {
  output: { agents: ParlantAgentSummary[]; count: number }
}
