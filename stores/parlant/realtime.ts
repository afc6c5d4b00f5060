/**
 * The browser side of the bridge's realtime channel: ONE shared socket.io connection to the
 * `/parlant` namespace, a room join per subscribed agent and per watched workspace (its agent
 * list), and every join re-sent after a reconnect
 * (rooms do not survive a new connection). A one-time token is minted for every connection attempt,
 * as Sim's socket provider does, because a token is consumed by the handshake that uses it.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client'
import {
  type AgentStatusEvent,
  type ChatEventPayload,
  PARLANT_EVENTS,
  type TurnEndEvent,
  type WorkspaceAgentEvent,
} from '@/lib/parlant/realtime/events'
import type { SubscriptionState } from '@/stores/parlant/types'

/** Builds a socket; tests inject one bound to their own server. */
export type SocketFactory = (
  url: string,
  options: Partial<ManagerOptions & SocketOptions>
) => Socket

/** Where realtime events go. */
export interface RealtimeHandlers {
  onStatus(event: AgentStatusEvent): void
  onChatEvent(event: ChatEventPayload): void
  onTurnEnd(event: TurnEndEvent, failed: boolean): void
  onSubscription(agentId: string, state: SubscriptionState | null): void
  onConnection(state: 'connecting' | 'connected' | 'disconnected'): void
  /** A join succeeded on a connection after the first: events may have been missed meanwhile. */
  onResubscribed?(agentId: string): void
  /** An agent of a watched workspace was created, changed or deleted. */
  onWorkspaceAgent?(event: WorkspaceAgentEvent): void
  /** The workspace room was joined again after a reconnect: the list may have missed changes. */
  onWorkspaceResubscribed?(workspaceId: string): void
}

export interface ParlantRealtimeOptions {
  /** Origin of the socket server; '' (default) is the page's own origin. */
  url?: string
  /** The bridge's namespace (`PARLANT_SOCKET_NAMESPACE`). Default `/parlant`. */
  namespace?: string
  mintToken(): Promise<string>
  socketFactory?: SocketFactory
  /** Passed to the socket.io manager (tests shorten the delays). */
  reconnectionDelay?: number
  reconnectionDelayMax?: number
}

/** The shared realtime connection. */
export interface ParlantRealtime {
  /** Joins the agent's room (reference-counted); returns the leave function. */
  subscribe(workspaceId: string, agentId: string): () => void
  /** Joins the workspace's agent-list room (reference-counted); returns the leave function. */
  watchWorkspace(workspaceId: string): () => void
  /** Disconnects and forgets every subscription. */
  close(): void
  /** The socket, once a subscription created it. */
  readonly socket: Socket | null
}

interface Subscription {
  workspaceId: string
  count: number
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/** Creates the shared realtime connection; it connects on the first subscription. */
export function createParlantRealtime(
  options: ParlantRealtimeOptions,
  handlers: RealtimeHandlers
): ParlantRealtime {
  const subscriptions = new Map<string, Subscription>()
  /** Watched workspaces → reference count. */
  const workspaces = new Map<string, number>()
  /** Whether anyone still needs the socket (an agent or a workspace). */
  const listening = () => subscriptions.size > 0 || workspaces.size > 0
  const factory = options.socketFactory ?? ((url, socketOptions) => io(url, socketOptions))
  let socket: Socket | null = null
  let connections = 0

  const join = (agentId: string, workspaceId: string) => {
    handlers.onSubscription(agentId, 'joining')
    socket?.emit(PARLANT_EVENTS.join, { workspaceId, agentId })
  }

  const ensureSocket = () => {
    if (socket) return socket
    handlers.onConnection('connecting')
    const created = factory(`${options.url ?? ''}${options.namespace ?? '/parlant'}`, {
      transports: ['websocket', 'polling'],
      withCredentials: true,
      reconnectionAttempts: Number.POSITIVE_INFINITY,
      reconnectionDelay: options.reconnectionDelay ?? 1000,
      reconnectionDelayMax: options.reconnectionDelayMax ?? 30_000,
      timeout: 10_000,
      auth: (cb: (data: object) => void) => {
        options.mintToken().then(
          (token) => cb({ token }),
          // Without a token the handshake is refused and the manager retries with a fresh mint.
          () => cb({})
        )
      },
    })
    socket = created
    created.on('connect', () => {
      connections += 1
      handlers.onConnection('connected')
      for (const workspaceId of workspaces.keys())
        created.emit(PARLANT_EVENTS.joinWorkspace, { workspaceId })
      for (const [agentId, sub] of subscriptions) join(agentId, sub.workspaceId)
    })
    created.on('disconnect', (reason) => {
      handlers.onConnection('disconnected')
      for (const agentId of subscriptions.keys()) handlers.onSubscription(agentId, 'joining')
      // socket.io does not reconnect after a server-side disconnect (e.g. a node shutting down);
      // while someone still listens, come back once after the usual delay.
      if (reason === 'io server disconnect' && listening()) {
        setTimeout(() => {
          if (socket === created && !created.connected && listening()) created.connect()
        }, options.reconnectionDelay ?? 1000)
      }
    })
    created.on('connect_error', () => handlers.onConnection('disconnected'))
    created.on(PARLANT_EVENTS.joinSuccess, (payload: unknown) => {
      if (!isRecord(payload) || typeof payload.agentId !== 'string') return
      if (!subscriptions.has(payload.agentId)) return
      handlers.onSubscription(payload.agentId, 'joined')
      if (connections > 1) handlers.onResubscribed?.(payload.agentId)
    })
    created.on(PARLANT_EVENTS.joinError, (payload: unknown) => {
      if (!isRecord(payload) || typeof payload.agentId !== 'string') return
      if (subscriptions.has(payload.agentId)) handlers.onSubscription(payload.agentId, 'error')
    })
    created.on(PARLANT_EVENTS.evicted, (payload: unknown) => {
      if (isRecord(payload) && typeof payload.agentId === 'string')
        handlers.onSubscription(payload.agentId, 'error')
    })
    created.on(PARLANT_EVENTS.joinWorkspaceSuccess, (payload: unknown) => {
      if (!isRecord(payload) || typeof payload.workspaceId !== 'string') return
      if (workspaces.has(payload.workspaceId) && connections > 1)
        handlers.onWorkspaceResubscribed?.(payload.workspaceId)
    })
    created.on(PARLANT_EVENTS.workspaceAgent, (event: WorkspaceAgentEvent) =>
      handlers.onWorkspaceAgent?.(event)
    )
    created.on(PARLANT_EVENTS.status, (event: AgentStatusEvent) => handlers.onStatus(event))
    created.on(PARLANT_EVENTS.chatEvent, (event: ChatEventPayload) => handlers.onChatEvent(event))
    created.on(PARLANT_EVENTS.turnComplete, (event: TurnEndEvent) =>
      handlers.onTurnEnd(event, false)
    )
    created.on(PARLANT_EVENTS.turnFailed, (event: TurnEndEvent) => handlers.onTurnEnd(event, true))
    return created
  }

  return {
    subscribe(workspaceId, agentId) {
      const existing = subscriptions.get(agentId)
      if (existing && existing.workspaceId === workspaceId) existing.count += 1
      else {
        subscriptions.set(agentId, { workspaceId, count: 1 })
        const current = ensureSocket()
        if (current.connected) join(agentId, workspaceId)
        else handlers.onSubscription(agentId, 'joining')
      }
      let left = false
      return () => {
        if (left) return
        left = true
        const sub = subscriptions.get(agentId)
        if (!sub) return
        sub.count -= 1
        if (sub.count > 0) return
        subscriptions.delete(agentId)
        handlers.onSubscription(agentId, null)
        if (socket?.connected) socket.emit(PARLANT_EVENTS.leave, { workspaceId, agentId })
      }
    },
    watchWorkspace(workspaceId) {
      const count = workspaces.get(workspaceId) ?? 0
      workspaces.set(workspaceId, count + 1)
      if (count === 0) {
        const current = ensureSocket()
        if (current.connected) current.emit(PARLANT_EVENTS.joinWorkspace, { workspaceId })
      }
      let left = false
      return () => {
        if (left) return
        left = true
        const remaining = (workspaces.get(workspaceId) ?? 1) - 1
        if (remaining > 0) {
          workspaces.set(workspaceId, remaining)
          return
        }
        workspaces.delete(workspaceId)
        if (socket?.connected) socket.emit(PARLANT_EVENTS.leaveWorkspace, { workspaceId })
      }
    },
    close() {
      subscriptions.clear()
      workspaces.clear()
      socket?.removeAllListeners()
      socket?.disconnect()
      socket = null
      connections = 0
    },
    get socket() {
      return socket
    },
  }
}
