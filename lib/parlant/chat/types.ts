/**
 * The chat service's public contract: what the API routes (issue 4) hand it and what it returns.
 */
import type { ParlantClient } from '@/lib/parlant/client'
import type { BridgeHost } from '@/lib/parlant/ports'
import type { ChatTurnResult } from '@/lib/parlant/schemas'

/** One customer message to send to a workspace agent. Validated by the caller's route. */
export interface ChatRequest {
  workspaceId: string
  agentId: string
  /** The calling Sim user; null for machine callers (agent tokens). */
  userId: string | null
  /**
   * Who calls (`user:<userId>` or `token:<tokenId>`, see `callerKeyOf`): conversation and
   * idempotency keys are scoped to it. Default: `user:<userId>`, or `token:unknown` without one.
   */
  caller?: string
  message: string
  /** Maps to one Parlant session; a Sim chat id, or one per workflow execution. */
  conversationKey: string
  /**
   * Caller-given customer id, scoped to the workspace (`parlantCustomerIdFor`); default the Sim
   * user's own customer (`sim-user-<userId>`, or `guest` without a user). Fixed when the
   * conversation is created: another one on an existing conversation is refused (409).
   */
  customerId?: string
  /** A retried request with the same key returns the recorded turn and never posts twice. */
  idempotencyKey?: string
  /** Overall deadline of the turn, ms (default 120 000). */
  deadlineMs?: number
}

/** Sends chat turns. */
export interface ChatService {
  send(request: ChatRequest, signal?: AbortSignal): Promise<ChatTurnResult>
}

/** What the chat service needs to know about an active agent. */
export interface ActiveAgent {
  id: string
  workspaceId: string
  parlantAgentId: string | null
  agentName?: string
  /** The agent's configuration; its `parameters` go into each new Parlant session's metadata. */
  agentConfig?: { parameters?: Record<string, string | number | boolean | null> }
}

/** Tunables; tests shrink the waits. */
export interface ChatDefaults {
  /** Overall turn deadline, ms. Default 120 000. */
  deadlineMs: number
  /** `wait_for_data` of each long poll, seconds. Default 25. */
  pollWaitSeconds: number
  /**
   * How long to look for a trailing `error` after the final ready, ms. Default 250. The long poll
   * (a server without event streams) rounds it up to Parlant's whole seconds.
   */
  trailingErrorWaitMs: number
  /** Read a turn's events as one server-sent-events stream; false: always long poll. Default true. */
  eventStream: boolean
  /** `wait_for_data` of each streaming re-read, seconds. Default 1. */
  streamWaitSeconds: number
  /**
   * Mid-turn cursor writes at most this often, ms: a node taking over a conversation re-reads at
   * most this much of its events (filtered by trace), and the turn's final cursor is written with
   * its result anyway. Default 5000: most replies come sooner, and write nothing mid-turn.
   */
  cursorWriteIntervalMs: number
  /** Conversation lease time to live, ms (renewed at a third of it). Default 30 000. */
  leaseTtlMs: number
  /** Pause between attempts to take a lease held by another node, ms. Default 100. */
  leaseRetryMs: number
}

export const DEFAULT_CHAT_DEFAULTS: ChatDefaults = {
  deadlineMs: 120_000,
  pollWaitSeconds: 25,
  trailingErrorWaitMs: 250,
  eventStream: true,
  streamWaitSeconds: 1,
  cursorWriteIntervalMs: 5_000,
  leaseTtlMs: 30_000,
  leaseRetryMs: 100,
}

/** Dependencies of `createChatService`. */
export interface ChatServiceDeps {
  host: BridgeHost
  parlant: ParlantClient
  /**
   * Provisions the agent on Parlant again when a turn finds it missing there (a restarted or wiped
   * server) and returns it to continue with; throws when that fails. Without it such a turn fails.
   */
  reprovisionAgent?(workspaceId: string, agentId: string): Promise<ActiveAgent>
  /**
   * Holds the agent's stop signal for one turn (released when the turn ends): aborted when the
   * agent is stopped, so in-flight turns are abandoned.
   */
  holdTurn?(agentId: string): { readonly signal: AbortSignal; release(): void }
  /** This node's id (lease owners, logs). */
  nodeId: string
  defaults?: Partial<ChatDefaults>
}
