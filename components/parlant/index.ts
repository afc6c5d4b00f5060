/** The Parlant UI: config panel, agent picker, status badge, start/stop, chat view, modal sub-block. */
export { AgentPicker, type AgentPickerProps } from '@/components/parlant/agent-picker'
export {
  AgentStatusBadge,
  type AgentStatusBadgeProps,
  statusLabel,
} from '@/components/parlant/agent-status-badge'
export {
  ChatView,
  type ChatViewProps,
  defaultConversationKey,
} from '@/components/parlant/chat-view'
export {
  COMPOSITION_MODES,
  compositionModeLabel,
} from '@/components/parlant/composition-modes'
export { ConfigPanel, type ConfigPanelProps } from '@/components/parlant/config-panel'
export {
  DeleteAgentDialog,
  type DeleteAgentDialogProps,
} from '@/components/parlant/delete-agent-dialog'
export { Markdown, type MarkdownProps } from '@/components/parlant/markdown'
export {
  type ModalSubBlockProps,
  PARLANT_AGENT_SUB_BLOCK_ID,
  PARLANT_CONFIG_MODAL_ID,
  PARLANT_MODAL_REGISTRY,
  ParlantConfigModal,
} from '@/components/parlant/parlant-config-modal'
export {
  StartStopControls,
  type StartStopControlsProps,
} from '@/components/parlant/start-stop-controls'
export {
  useAgentSubscriptions,
  useParlantWorkspace,
} from '@/components/parlant/use-agent-subscriptions'
