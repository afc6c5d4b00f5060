/**
 * The bridge assembled: lifecycle, tokens, the HTTP API and the background supervisor over one
 * host port and one Parlant client. Hosts call `handle(request)` for every request under
 * `/api/parlant/*` and `/api/tools/parlant/*`, and `start()`/`stop()` with their own lifetime.
 */
import { generateId } from '@sim/utils/id'
import type { ChatPort } from '@/lib/parlant/api/chat-port'
import { createRouter } from '@/lib/parlant/api/router'
import { BRIDGE_ROUTES } from '@/lib/parlant/api/routes'
import { createConversationService } from '@/lib/parlant/chat/history'
import { createChatService } from '@/lib/parlant/chat/service'
import type { ParlantClient } from '@/lib/parlant/client'
import type { BridgeConfig } from '@/lib/parlant/config'
import {
  createLifecycleService,
  type LifecycleOptions,
  type LifecycleService,
  type SupervisorOptions,
  startSupervisor,
} from '@/lib/parlant/lifecycle'
import type { BridgeHost } from '@/lib/parlant/ports'
import { createRateLimiter, type RateLimitOptions } from '@/lib/parlant/rate-limit'
import { createTokenService } from '@/lib/parlant/tokens'

/** What a chat factory gets, to build the chat service over the bridge's own parts. */
export interface ChatFactoryDeps {
  host: BridgeHost
  parlant: ParlantClient
  lifecycle: LifecycleService
  nodeId: string
}

/**
 * The chat service every real host wants: turns refused unless the agent is active, abandoned when
 * it stops, with the configured trailing-error wait. Pass as `createBridge({ chat: wiredChat(config) })`.
 */
export function wiredChat(config: BridgeConfig) {
  return ({ host, parlant, lifecycle, nodeId }: ChatFactoryDeps): ChatPort =>
    createChatService({
      host,
      parlant,
      nodeId,
      reprovisionAgent: (workspaceId, agentId) => lifecycle.reprovision(workspaceId, agentId),
      holdTurn: (agentId) => lifecycle.holdTurn(agentId),
      defaults: {
        trailingErrorWaitMs: config.chatTrailingErrorWaitMs ?? 250,
        eventStream: config.chatEventStream ?? true,
      },
    })
}

export interface CreateBridgeOptions {
  host: BridgeHost
  config: BridgeConfig
  parlant: ParlantClient
  /** The chat service, or a factory for it. Absent → the chat routes answer 503. */
  chat?: ChatPort | ((deps: ChatFactoryDeps) => ChatPort)
  /** This node's id (logs, leases). Default a new id. */
  nodeId?: string
  lifecycle?: LifecycleOptions
  supervisor?: SupervisorOptions
  rateLimit?: RateLimitOptions
  /** Per-caller budget of reads. Default a burst of 600, then 100/s. */
  readRateLimit?: RateLimitOptions
  /** Request body limit, bytes. Default 1 MiB. */
  bodyLimitBytes?: number
}

/** Creates the bridge. Nothing runs in the background until `start()`. */
export function createBridge(options: CreateBridgeOptions) {
  const { host, config, parlant } = options
  const nodeId = options.nodeId ?? generateId()
  const tokens = createTokenService({
    db: host.db,
    clock: host.clock,
    issuerPermission: (userId, workspaceId) => host.workspacePermission(userId, workspaceId),
  })
  const lifecycle = createLifecycleService({
    host,
    config,
    parlant,
    options: options.lifecycle,
  })
  const chat =
    typeof options.chat === 'function'
      ? options.chat({ host, parlant, lifecycle, nodeId })
      : options.chat
  const conversations = createConversationService({ host, parlant })
  const handle = createRouter(BRIDGE_ROUTES, {
    host,
    config,
    lifecycle,
    tokens,
    chat,
    conversations,
    limiter: createRateLimiter(options.rateLimit),
    readLimiter: createRateLimiter(
      options.readRateLimit ?? { capacity: 600, refillPerSecond: 100 }
    ),
    bodyLimitBytes: options.bodyLimitBytes,
  })
  let supervisor: ReturnType<typeof startSupervisor> | undefined

  return {
    nodeId,
    lifecycle,
    tokens,
    chat,
    conversations,
    /** A `Response` for a bridge route, undefined for any other path. */
    handle,
    /** Starts the reconciler (now and on an interval) and the health monitor. */
    start() {
      if (!config.enabled || supervisor) return
      supervisor = startSupervisor(lifecycle, host.logger, options.supervisor)
    },
    /** Stops the background work; pending Parlant cleanups make no further attempts. */
    async stop() {
      await supervisor?.stop()
      supervisor = undefined
      lifecycle.shutdown()
    },
  }
}

/** The bridge `createBridge` returns. */
export type Bridge = ReturnType<typeof createBridge>
