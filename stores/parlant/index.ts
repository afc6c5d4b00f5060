/** The Parlant store: state, actions, selectors, API client and realtime connection. */
export {
  createHttpParlantApi,
  describeError,
  type HttpParlantApiOptions,
  isParlantApiError,
  type ParlantApi,
  ParlantApiError,
} from '@/stores/parlant/api'
export {
  createParlantRealtime,
  type ParlantRealtime,
  type ParlantRealtimeOptions,
  type RealtimeHandlers,
  type SocketFactory,
} from '@/stores/parlant/realtime'
export {
  useAgentStatus,
  useConversation,
  useOperationError,
  useParlantAgent,
  useParlantAgents,
  usePendingOperation,
  useTranscript,
} from '@/stores/parlant/selectors'
export {
  configureParlantStore,
  disconnectParlantRealtime,
  type ParlantStoreConfig,
  randomId,
  useParlantStore,
} from '@/stores/parlant/store'
export { conversationId } from '@/stores/parlant/transcript'
export * from '@/stores/parlant/types'
