/**
 * Room names, event names and payloads of the bridge's realtime channel, shared by the server
 * (lifecycle and chat publish through `BridgeHost.publish`), the socket handlers and the browser.
 * Sim's room naming: `${type}:${id}`, ids without ':'.
 */
import type { AgentStatus, AgentView } from '@/lib/parlant/schemas'

/** The room type of one agent's live channel. */
export const PARLANT_AGENT_ROOM_TYPE = 'parlant-agent'

/** The socket.io room of an agent. */
export function agentRoom(agentId: string) {
  return `${PARLANT_AGENT_ROOM_TYPE}:${agentId}`
}

/** The room type of one caller's conversations with an agent (chat events and turn results). */
export const PARLANT_CALLER_ROOM_TYPE = 'parlant-caller'

/**
 * The socket.io room of one caller's conversations with an agent: chat events and turn results go
 * only here, so a member sees their own chats and nobody else's (as over HTTP). `caller` is the
 * conversation's owner, `user:<id>` or `token:<id>`; it is percent-encoded so the id holds no ':'
 * (agent ids hold no '.', so the name is unambiguous).
 */
export function callerRoom(agentId: string, caller: string) {
  return `${PARLANT_CALLER_ROOM_TYPE}:${agentId}.${encodeURIComponent(caller)}`
}

/** The room type of a workspace's agent list (agents created, changed, deleted). */
export const PARLANT_WORKSPACE_ROOM_TYPE = 'parlant-workspace'

/** The socket.io room of a workspace's agent list. */
export function workspaceRoom(workspaceId: string) {
  return `${PARLANT_WORKSPACE_ROOM_TYPE}:${workspaceId}`
}

/** Event names, client → server and server → client. */
export const PARLANT_EVENTS = {
  join: 'join-parlant-agent',
  joinSuccess: 'join-parlant-agent-success',
  joinError: 'join-parlant-agent-error',
  leave: 'leave-parlant-agent',
  status: 'parlant-agent-status',
  chatEvent: 'parlant-chat-event',
  turnComplete: 'parlant-turn-complete',
  turnFailed: 'parlant-turn-failed',
  evicted: 'parlant-agent-evicted',
  joinWorkspace: 'join-parlant-workspace',
  joinWorkspaceSuccess: 'join-parlant-workspace-success',
  joinWorkspaceError: 'join-parlant-workspace-error',
  leaveWorkspace: 'leave-parlant-workspace',
  workspaceAgent: 'parlant-workspace-agent',
  workspaceEvicted: 'parlant-workspace-evicted',
} as const

/** Published to the workspace room when an agent is created, its definition changes, or it is deleted. */
export interface WorkspaceAgentEvent {
  workspaceId: string
  agentId: string
  change: 'created' | 'updated' | 'deleted'
  /** The agent as it now is; null once deleted. */
  agent: AgentView | null
  at: string
}

/** Published on every lifecycle transition. */
export interface AgentStatusEvent {
  workspaceId: string
  agentId: string
  status: AgentStatus
  previousStatus: AgentStatus | null
  lastError: string | null
  version: number
  at: string
}

/** One Parlant event of a turn, normalized, relayed as it arrives. */
export interface ChatEventPayload {
  workspaceId: string
  agentId: string
  conversationKey: string
  sessionId: string
  traceId: string
  offset: number
  eventId: string
  kind: 'message' | 'status' | 'tool' | 'custom'
  source: string
  /** Message text (for streaming messages, the text so far). */
  text?: string
  /** Streaming chunks so far; `null` last means the message is complete. */
  chunks?: Array<string | null>
  /** Status events: acknowledged | processing | typing | ready | cancelled | error. */
  status?: string
  /** Status detail, e.g. the processing stage. */
  stage?: string
  preamble?: boolean
  at: string
}

/** Published when a turn ends, successfully or not. */
export interface TurnEndEvent {
  workspaceId: string
  agentId: string
  conversationKey: string
  sessionId?: string
  traceId?: string
  content?: string
  outcome?: string
  error?: { code: string; message: string }
  at: string
}
