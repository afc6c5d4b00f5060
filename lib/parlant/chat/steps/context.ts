/**
 * What every step of a chat turn shares: the service's parts, the request, the turn's abort scope
 * and what the turn has learned so far (the failure path reports it).
 */
import type { PostedMessage } from '@/lib/parlant/chat/turn'
import type { ChatDefaults, ChatRequest, ChatServiceDeps } from '@/lib/parlant/chat/types'
import type { BridgeError } from '@/lib/parlant/errors'

/** The conversation a turn belongs to, as the bridge's events name it. */
export interface ConversationRef {
  workspaceId: string
  agentId: string
  conversationKey: string
}

/** The turn's abort scope: deadline, agent stop, caller abort and, once held, the lease. */
export interface TurnScope {
  /**
   * Aborts when the turn must stop; the same signal all turn long, which the lease's loss aborts
   * too once `joinLease` was called.
   */
  readonly signal: AbortSignal
  /** The error a stop of the agent fails the turn with. */
  readonly stopped: BridgeError
  /** Why the turn was aborted, as a bridge error (deadline, agent stopped, caller, lease lost). */
  abortReason(): BridgeError | undefined
  /** From now on the lease's loss aborts the turn too. */
  joinLease(lost: AbortSignal): void
  dispose(): void
}

/** What a send has learned so far; set as the steps go. */
export interface TurnState {
  /** Set once this send owns the turn (holds its lease): only an owner records its failure. */
  turnId?: string
  sessionId?: string
  traceId?: string
  /**
   * The customer event this turn posted (or found posted), and whether the turn row records it
   * yet: it is written with the next write the turn makes anyway (a mid-turn cursor write, the
   * settle or the failure), not in a statement of its own.
   */
  posted?: { message: PostedMessage; recorded: boolean }
  /** The conversation's Parlant session was gone and the turn continues it in a new one. */
  sessionRenewed?: boolean
  /** The agent was provisioned on Parlant again during this turn (at most once per turn). */
  reprovisioned?: boolean
}

/** The shared context of one `send`. */
export interface TurnContext {
  deps: ChatServiceDeps
  defaults: ChatDefaults
  request: ChatRequest
  base: ConversationRef
  scope: TurnScope
  state: TurnState
  startedAt: Date
  /** Broadcasts to a room; never throws (failures are logged). */
  publish(room: string, event: string, payload: unknown): void
}
