/**
 * What the HTTP API needs from the chat service: its own request and service types, under the
 * names the API uses. Without a service the API answers 503 for chat.
 */
export type {
  ChatRequest as ChatTurnRequest,
  ChatService as ChatPort,
} from '@/lib/parlant/chat/types'
