/**
 * Shapes of the Parlant store: agents of the current workspace, their live status, transcripts per
 * conversation and operations in flight.
 */
import type { FieldIssue } from '@/lib/parlant/errors'
import type {
  AgentStatusEvent,
  ChatEventPayload,
  TurnEndEvent,
  WorkspaceAgentEvent,
} from '@/lib/parlant/realtime/events'
import type {
  AgentStatus,
  AgentView,
  ChatTurnResult,
  CreateAgentInput,
  UpdateAgentInput,
} from '@/lib/parlant/schemas'

/** An operation the UI is waiting for, per agent (or `create` under the `NEW_AGENT_KEY`). */
export type PendingOperation = 'create' | 'update' | 'delete' | 'start' | 'stop'

/** Key of pending/error entries that belong to no agent yet (a create in flight). */
export const NEW_AGENT_KEY = '__new__'

/** The live status of one agent; `version` orders updates from HTTP and realtime. */
export interface AgentStatusState {
  status: AgentStatus
  lastError: string | null
  version: number
  at: string
  /** True while the status is a local guess that the server has not confirmed yet. */
  optimistic?: boolean
}

/** What an entry in a transcript is. */
export type TranscriptEntryKind = 'customer' | 'agent' | 'preamble' | 'error' | 'notice'

/** One line of a transcript. */
export interface TranscriptEntry {
  /** The Parlant event id, or `local-…` for a message not yet confirmed by the server. */
  id: string
  kind: TranscriptEntryKind
  text: string
  /** Parlant event offset; local entries sort after the last known offset. */
  offset: number
  /** A customer message the bridge refused or failed to deliver. */
  failed?: boolean
  /** True while a streamed message is still receiving chunks. */
  streaming?: boolean
  traceId?: string
  at: string
  /** Agent replies: ids of the agent's own guidelines that matched in this turn. */
  matchedGuidelines?: string[]
  /** Error entries of a send: what Retry sends again (same idempotency key, so never twice). */
  retry?: { message: string; idempotencyKey: string }
}

/** What the agent is doing in a conversation, from the latest status event. */
export type ConversationActivity = 'idle' | 'acknowledged' | 'processing' | 'typing'

/** A status event as recorded (for the indicator, and so tests and tools can inspect the timeline). */
export interface RecordedStatus {
  eventId: string
  offset: number
  status: string
  stage?: string
  traceId: string
}

/** One conversation with one agent. */
export interface ConversationState {
  agentId: string
  conversationKey: string
  /** Entries by id: a replayed or re-delivered event replaces, never duplicates. */
  entries: Record<string, TranscriptEntry>
  /** Entry ids sorted by offset. */
  order: string[]
  activity: ConversationActivity
  /** Processing stage (e.g. `Interpreting`) while `activity` is `processing`. */
  stage: string | null
  /** Offset of the status event that set `activity`; older ones arriving late are ignored. */
  activityOffset: number
  /** Every status event seen, in offset order, each once. */
  statusLog: RecordedStatus[]
  /** True from send until the turn ends (HTTP response or turn-complete/failed event). */
  turnRunning: boolean
  /** The last send's failure, shown next to the input. */
  sendError: { code: string; message: string } | null
  /** Local id of the message whose turn is running (links its HTTP error and turn-failed event). */
  currentSendId: string | null
  /** `loading` while the transcript is read back from the server, `loaded` once it was. */
  history?: 'loading' | 'loaded'
  /** Why reading the transcript back failed. */
  historyError?: string | null
  /** Offset to read older messages from (`before`); null when the transcript is complete. */
  olderBefore?: number | null
  /**
   * Trace id of the running turn, learnt from the echo of its customer message: its final
   * `ready` ends the turn on screen, before the HTTP answer (which waits for a trailing error).
   */
  currentTraceId: string | null
}

/** Subscription state of one agent's room. */
export type SubscriptionState = 'joining' | 'joined' | 'error'

export interface ParlantStateData {
  workspaceId: string | null
  /** Agents of the workspace, by id. */
  agents: Record<string, AgentView>
  /** Agent ids, in the order the server lists them. */
  agentOrder: string[]
  statuses: Record<string, AgentStatusState>
  /** Conversations by `conversationId(agentId, conversationKey)`. */
  conversations: Record<string, ConversationState>
  /** Operation in flight per agent id (or `NEW_AGENT_KEY`). */
  pending: Record<string, PendingOperation>
  /** Last failed operation per agent id (or `NEW_AGENT_KEY`). */
  errors: Record<string, { operation: PendingOperation; message: string; code: string } | null>
  selectedAgentId: string | null
  subscriptions: Record<string, SubscriptionState>
  connection: 'idle' | 'connecting' | 'connected' | 'disconnected'
  loading: boolean
  /** True once the workspace's agents were listed (whether or not any exist). */
  loaded: boolean
  loadError: string | null
  /** How many agents the workspace may have (from the list), or null before it is known. */
  maxAgents: number | null
}

export interface ChatOptions {
  conversationKey: string
  idempotencyKey?: string
  /** False for a retry whose message the transcript already shows. Default true. */
  showMessage?: boolean
}

export interface ParlantActions {
  /** Scopes the store to a workspace (a different one starts from empty). */
  setWorkspace(workspaceId: string): void
  /**
   * What a Parlant surface calls with the workspace of the page it is on: scopes the store to it
   * and lists its agents once. An empty id (no workspace in the route) changes nothing.
   */
  ensureWorkspace(workspaceId: string | null | undefined): void
  loadAgents(): Promise<void>
  /** Creates an agent; rejects with `ParlantApiError` (with field `details`) on failure. */
  createAgent(input: CreateAgentInput): Promise<AgentView>
  updateAgent(agentId: string, input: UpdateAgentInput): Promise<AgentView>
  deleteAgent(agentId: string): Promise<void>
  startAgent(agentId: string): Promise<void>
  stopAgent(agentId: string): Promise<void>
  /** Sends again the message of a failed send (its error entry), with the same idempotency key. */
  retrySend(agentId: string, conversationKey: string, errorEntryId: string): Promise<void>
  /** Sends a message; the outcome lands in the transcript (errors too), never thrown. */
  sendMessage(
    agentId: string,
    message: string,
    options: ChatOptions
  ): Promise<ChatTurnResult | null>
  /**
   * Reads a conversation's transcript back from the server (on open and on reload) and merges it
   * with what is shown; never throws (a failure lands in `historyError`). A conversation that does
   * not exist yet loads as empty.
   */
  loadTranscript(agentId: string, conversationKey: string): Promise<void>
  /**
   * Starts a new conversation under the same key: the current one is ended on the server (its
   * Parlant session deleted) and the transcript cleared. Rejects with `ParlantApiError` when the
   * server refuses (e.g. 409 while a reply is still being produced).
   */
  newConversation(agentId: string, conversationKey: string): Promise<void>
  selectAgent(agentId: string | null): void
  /** Joins the agent's room on the shared socket; returns the leave function. */
  subscribeAgent(agentId: string): () => void
  /**
   * Joins the current workspace's agent-list room, so agents created, renamed or deleted
   * elsewhere (another tab, another user, a workflow) show up here; returns the leave function.
   */
  watchWorkspace(): () => void
  applyWorkspaceAgentEvent(event: WorkspaceAgentEvent): void
  applyStatusEvent(event: AgentStatusEvent): void
  applyChatEvent(event: ChatEventPayload): void
  applyTurnEnd(event: TurnEndEvent, failed: boolean): void
  setSubscription(agentId: string, state: SubscriptionState | null): void
  setConnection(state: ParlantStateData['connection']): void
  clearError(key: string): void
  reset(): void
}

export type ParlantState = ParlantStateData & ParlantActions

/** Re-exported for callers that only import the store's types. */
export type { FieldIssue }
