/**
 * What the HTTP API needs from the chat service (`lib/parlant/chat`). Declared here structurally so
 * the API works, answering 503 for chat, before or without that service.
 */
import type { ChatTurnResult } from '@/lib/parlant/schemas'

/** One customer message to an agent. */
export interface ChatTurnRequest {
  workspaceId: string
  agentId: string
  /** The Sim user the customer stands for; null for agent-token callers. */
  userId: string | null
  message: string
  conversationKey: string
  customerId?: string
  idempotencyKey?: string
  deadlineMs?: number
}

/** Sends a turn and resolves with its result. */
export interface ChatPort {
  send(request: ChatTurnRequest, signal?: AbortSignal): Promise<ChatTurnResult>
}
