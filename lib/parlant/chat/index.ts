/** Chat turns with Parlant: `createChatService` and its contract. */
export { customerIdForUser } from '@/lib/parlant/chat/conversations'
export { createChatService } from '@/lib/parlant/chat/service'
export type {
  ActiveAgent,
  ChatDefaults,
  ChatRequest,
  ChatService,
  ChatServiceDeps,
} from '@/lib/parlant/chat/types'
export { DEFAULT_CHAT_DEFAULTS } from '@/lib/parlant/chat/types'
