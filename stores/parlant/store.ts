/**
 * The Parlant store (Sim's shape: zustand 5 + devtools, `reset()`, no persist — everything here is
 * server state or live state that must not survive a reload). Actions call the bridge API through
 * an injectable client, guess statuses optimistically and roll back when the server says no;
 * realtime events flow in through one shared socket.
 */
import { create } from 'zustand'
import { devtools } from 'zustand/middleware'
import type { AgentStatusEvent } from '@/lib/parlant/realtime/events'
import type { AgentStatus, AgentView } from '@/lib/parlant/schemas'
import {
  createHttpParlantApi,
  describeError,
  isParlantApiError,
  type ParlantApi,
} from '@/stores/parlant/api'
import {
  createParlantRealtime,
  type ParlantRealtime,
  type ParlantRealtimeOptions,
} from '@/stores/parlant/realtime'
import {
  addLocalMessage,
  applyChatEvent,
  applyTranscript,
  applyTurnEnd,
  applyTurnFailure,
  applyTurnResult,
  conversationId,
  emptyConversation,
  markFailed,
  removeEntries,
} from '@/stores/parlant/transcript'
import {
  type AgentStatusState,
  type ConversationState,
  NEW_AGENT_KEY,
  type ParlantState,
  type ParlantStateData,
  type PendingOperation,
} from '@/stores/parlant/types'

/** What the store talks to; replaced by tests and by hosts with another origin. */
export interface ParlantStoreConfig {
  api: ParlantApi
  /** Realtime options (minus the token minting, which uses `api`), or false for none. */
  realtime: Omit<ParlantRealtimeOptions, 'mintToken'> | false
}

let config: ParlantStoreConfig = { api: createHttpParlantApi(), realtime: {} }
let realtime: ParlantRealtime | null = null

/** Points the store at an API client and a socket server (closing any current socket). */
export function configureParlantStore(next: Partial<ParlantStoreConfig>) {
  realtime?.close()
  realtime = null
  config = { ...config, ...next }
}

/** Closes the shared socket (it reopens on the next subscription). */
export function disconnectParlantRealtime() {
  realtime?.close()
  realtime = null
}

/**
 * A random id. `crypto.randomUUID` exists only in secure contexts, so a plain-http LAN origin
 * falls back to `crypto.getRandomValues`, which every browser has.
 */
export function randomId() {
  const cryptoApi = globalThis.crypto
  if (typeof cryptoApi.randomUUID === 'function') return cryptoApi.randomUUID()
  const bytes = cryptoApi.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

const initialState: ParlantStateData = {
  workspaceId: null,
  agents: {},
  agentOrder: [],
  statuses: {},
  conversations: {},
  pending: {},
  errors: {},
  selectedAgentId: null,
  subscriptions: {},
  connection: 'idle',
  loading: false,
  loaded: false,
  loadError: null,
  maxAgents: null,
}

function statusOf(agent: AgentView): AgentStatusState {
  return {
    status: agent.status,
    lastError: agent.lastError,
    version: agent.version,
    at: agent.statusChangedAt,
  }
}

/** Whether a server-reported status may replace the current one (never go back in version). */
function isNewer(current: AgentStatusState | undefined, version: number) {
  return !current || current.optimistic === true || version >= current.version
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _removed, ...rest } = record
  return rest
}

/** The selection once `removedId` is gone: unchanged, or the first agent left. */
function nextSelection(state: ParlantStateData, removedId: string) {
  if (state.selectedAgentId !== removedId) return state.selectedAgentId
  return state.agentOrder.find((id) => id !== removedId) ?? null
}

/**
 * The workspace every action is scoped to. The Parlant surfaces set it from the page's route
 * before anything can be clicked, so an empty one means a surface was rendered outside a
 * workspace.
 */
function requireWorkspace(workspaceId: string | null): string {
  if (!workspaceId) throw new Error('Open a workspace to manage its Parlant agents')
  return workspaceId
}

/** The Parlant store hook. Outside React: `useParlantStore.getState()`. */
export const useParlantStore = create<ParlantState>()(
  devtools(
    (set, get) => {
      /** Stores an agent returned by the server, keeping a newer live status if one arrived. */
      const receiveAgent = (agent: AgentView) =>
        set((state) => {
          const current = state.statuses[agent.id]
          return {
            agents: { ...state.agents, [agent.id]: agent },
            agentOrder: state.agentOrder.includes(agent.id)
              ? state.agentOrder
              : [...state.agentOrder, agent.id],
            statuses: isNewer(current, agent.version)
              ? { ...state.statuses, [agent.id]: statusOf(agent) }
              : state.statuses,
          }
        })

      const begin = (key: string, operation: PendingOperation) =>
        set((state) => ({
          pending: { ...state.pending, [key]: operation },
          errors: { ...state.errors, [key]: null },
        }))

      const finish = (key: string, operation: PendingOperation, error?: unknown) =>
        set((state) => ({
          pending: without(state.pending, key),
          errors: error
            ? { ...state.errors, [key]: { operation, ...describeError(error) } }
            : state.errors,
        }))

      /** Start/stop: show the transitional status at once, roll back if the call fails. */
      const transition = async (
        agentId: string,
        operation: 'start' | 'stop',
        guess: AgentStatus
      ) => {
        const workspaceId = requireWorkspace(get().workspaceId)
        const previous = get().statuses[agentId]
        begin(agentId, operation)
        set((state) => ({
          statuses: {
            ...state.statuses,
            [agentId]: {
              status: guess,
              lastError: null,
              version: previous?.version ?? 0,
              at: new Date().toISOString(),
              optimistic: true,
            },
          },
        }))
        try {
          const agent =
            operation === 'start'
              ? await config.api.startAgent(workspaceId, agentId)
              : await config.api.stopAgent(workspaceId, agentId)
          receiveAgent(agent)
          finish(agentId, operation)
        } catch (error) {
          set((state) => {
            const current = state.statuses[agentId]
            // A realtime event may already have told the truth; only undo our own guess.
            if (!current?.optimistic || !previous) return {}
            return { statuses: { ...state.statuses, [agentId]: previous } }
          })
          finish(agentId, operation, error)
        }
      }

      /** The shared socket, created on first use with the store's handlers. */
      const ensureRealtime = (realtimeOptions: ParlantStoreConfig['realtime'] & object) => {
        if (realtime) return realtime
        const api = config.api
        realtime = createParlantRealtime(
          { ...realtimeOptions, mintToken: () => api.mintSocketToken() },
          {
            onStatus: (event) => get().applyStatusEvent(event),
            onChatEvent: (event) => get().applyChatEvent(event),
            onTurnEnd: (event, failed) => get().applyTurnEnd(event, failed),
            onSubscription: (id, state) => get().setSubscription(id, state),
            onConnection: (state) => get().setConnection(state),
            // Status changes published while we were disconnected are gone: re-read them.
            onResubscribed: () => void get().loadAgents(),
            onWorkspaceAgent: (event) => get().applyWorkspaceAgentEvent(event),
            onWorkspaceResubscribed: () => void get().loadAgents(),
          }
        )
        return realtime
      }

      const updateConversation = (
        agentId: string,
        conversationKey: string,
        update: (conversation: ConversationState) => ConversationState
      ) =>
        set((state) => {
          const id = conversationId(agentId, conversationKey)
          const current = state.conversations[id] ?? emptyConversation(agentId, conversationKey)
          const next = update(current)
          return next === current && state.conversations[id]
            ? {}
            : { conversations: { ...state.conversations, [id]: next } }
        })

      return {
        ...initialState,

        setWorkspace(workspaceId) {
          if (get().workspaceId === workspaceId) return
          disconnectParlantRealtime()
          set({ ...initialState, workspaceId })
        },

        ensureWorkspace(workspaceId) {
          if (!workspaceId) return
          get().setWorkspace(workspaceId)
          const { loaded, loading } = get()
          if (!loaded && !loading) void get().loadAgents()
        },

        async loadAgents() {
          const workspaceId = requireWorkspace(get().workspaceId)
          set({ loading: true, loadError: null })
          try {
            const { agents, maxAgents } = await config.api.listAgents(workspaceId)
            if (get().workspaceId !== workspaceId) return
            set((state) => {
              const statuses: Record<string, AgentStatusState> = {}
              for (const agent of agents) {
                const current = state.statuses[agent.id]
                statuses[agent.id] =
                  current && !isNewer(current, agent.version) ? current : statusOf(agent)
              }
              return {
                agents: Object.fromEntries(agents.map((agent) => [agent.id, agent])),
                agentOrder: agents.map((agent) => agent.id),
                statuses,
                loading: false,
                loaded: true,
                maxAgents,
                selectedAgentId:
                  state.selectedAgentId && agents.some((a) => a.id === state.selectedAgentId)
                    ? state.selectedAgentId
                    : (agents[0]?.id ?? null),
              }
            })
          } catch (error) {
            set({ loading: false, loadError: describeError(error).message })
          }
        },

        async createAgent(input) {
          const workspaceId = requireWorkspace(get().workspaceId)
          begin(NEW_AGENT_KEY, 'create')
          try {
            const agent = await config.api.createAgent(workspaceId, input)
            receiveAgent(agent)
            finish(NEW_AGENT_KEY, 'create')
            set({ selectedAgentId: agent.id })
            return agent
          } catch (error) {
            finish(NEW_AGENT_KEY, 'create', error)
            throw error
          }
        },

        async updateAgent(agentId, input) {
          const workspaceId = requireWorkspace(get().workspaceId)
          const previous = get().agents[agentId]
          begin(agentId, 'update')
          if (previous) {
            const guess = {
              ...previous,
              ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
            } as AgentView
            set((state) => ({ agents: { ...state.agents, [agentId]: guess } }))
          }
          try {
            const agent = await config.api.updateAgent(workspaceId, agentId, input)
            receiveAgent(agent)
            finish(agentId, 'update')
            return agent
          } catch (error) {
            if (previous) set((state) => ({ agents: { ...state.agents, [agentId]: previous } }))
            finish(agentId, 'update', error)
            throw error
          }
        },

        async deleteAgent(agentId) {
          const workspaceId = requireWorkspace(get().workspaceId)
          const before = get()
          const agent = before.agents[agentId]
          const index = before.agentOrder.indexOf(agentId)
          begin(agentId, 'delete')
          set((state) => ({
            agents: without(state.agents, agentId),
            agentOrder: state.agentOrder.filter((id) => id !== agentId),
            selectedAgentId: nextSelection(state, agentId),
          }))
          try {
            await config.api.deleteAgent(workspaceId, agentId)
            set((state) => ({ statuses: without(state.statuses, agentId) }))
            finish(agentId, 'delete')
          } catch (error) {
            if (agent)
              set((state) => {
                const order = [...state.agentOrder]
                order.splice(index < 0 ? order.length : index, 0, agentId)
                return { agents: { ...state.agents, [agentId]: agent }, agentOrder: order }
              })
            finish(agentId, 'delete', error)
            throw error
          }
        },

        startAgent: (agentId) => transition(agentId, 'start', 'starting'),
        stopAgent: (agentId) => transition(agentId, 'stop', 'stopping'),

        async sendMessage(agentId, message, { conversationKey, idempotencyKey, showMessage }) {
          const workspaceId = requireWorkspace(get().workspaceId)
          const localId = `local-${randomId()}`
          const key = idempotencyKey ?? localId
          updateConversation(agentId, conversationKey, (c) =>
            addLocalMessage(c, localId, message, new Date().toISOString(), showMessage !== false)
          )
          try {
            const result = await config.api.chat(workspaceId, agentId, {
              message,
              conversationKey,
              idempotencyKey: key,
            })
            updateConversation(agentId, conversationKey, (c) => applyTurnResult(c, result, localId))
            return result
          } catch (error) {
            updateConversation(agentId, conversationKey, (c) => {
              const failed = applyTurnFailure(
                markFailed(c, localId),
                describeError(error),
                new Date().toISOString(),
                c.currentSendId === localId ? (c.currentTraceId ?? undefined) : undefined,
                localId,
                { message, idempotencyKey: key }
              )
              // Only the send that is still running frees the input.
              if (c.currentSendId !== localId) return failed
              return {
                ...failed,
                turnRunning: false,
                activity: 'idle',
                stage: null,
                currentSendId: null,
                currentTraceId: null,
              }
            })
            return null
          }
        },

        async loadTranscript(agentId, conversationKey) {
          const workspaceId = requireWorkspace(get().workspaceId)
          updateConversation(agentId, conversationKey, (c) => ({
            ...c,
            history: 'loading',
            historyError: null,
          }))
          try {
            const page = await config.api.getConversationMessages(
              workspaceId,
              agentId,
              conversationKey,
              { limit: 200 }
            )
            if (get().workspaceId !== workspaceId) return
            updateConversation(agentId, conversationKey, (c) => ({
              ...applyTranscript(c, page.messages),
              history: 'loaded',
              olderBefore: page.nextBefore,
            }))
          } catch (error) {
            if (get().workspaceId !== workspaceId) return
            // No conversation under this key yet: an empty transcript, not an error.
            const missing = isParlantApiError(error) && error.status === 404
            updateConversation(agentId, conversationKey, (c) => ({
              ...c,
              history: 'loaded',
              historyError: missing ? null : describeError(error).message,
              olderBefore: missing ? null : c.olderBefore,
            }))
          }
        },

        async newConversation(agentId, conversationKey) {
          const workspaceId = requireWorkspace(get().workspaceId)
          try {
            await config.api.deleteConversation(workspaceId, agentId, conversationKey)
          } catch (error) {
            // Nothing to end: the key is already fresh.
            if (!isParlantApiError(error) || error.status !== 404) throw error
          }
          set((state) => ({
            conversations: {
              ...state.conversations,
              [conversationId(agentId, conversationKey)]: {
                ...emptyConversation(agentId, conversationKey),
                history: 'loaded',
              },
            },
          }))
        },

        async retrySend(agentId, conversationKey, errorEntryId) {
          const id = conversationId(agentId, conversationKey)
          const conversation = get().conversations[id]
          const entry = conversation?.entries[errorEntryId]
          if (!conversation || !entry?.retry || conversation.turnRunning) return
          const { message, idempotencyKey } = entry.retry
          const localId = errorEntryId.replace(/^error-/, '')
          // A message the server echoed is shown already; one it never got is sent afresh.
          const unconfirmed = conversation.entries[localId] !== undefined
          updateConversation(agentId, conversationKey, (c) =>
            removeEntries(c, [errorEntryId, localId])
          )
          await get().sendMessage(agentId, message, {
            conversationKey,
            idempotencyKey,
            showMessage: unconfirmed,
          })
        },

        selectAgent(agentId) {
          set({ selectedAgentId: agentId })
        },

        subscribeAgent(agentId) {
          const workspaceId = get().workspaceId
          if (!workspaceId || config.realtime === false) return () => {}
          return ensureRealtime(config.realtime).subscribe(workspaceId, agentId)
        },

        watchWorkspace() {
          const workspaceId = get().workspaceId
          if (!workspaceId || config.realtime === false) return () => {}
          return ensureRealtime(config.realtime).watchWorkspace(workspaceId)
        },

        applyWorkspaceAgentEvent(event) {
          if (event.workspaceId !== get().workspaceId) return
          if (event.change === 'deleted' || !event.agent) {
            set((state) => {
              if (!state.agents[event.agentId]) return {}
              return {
                agents: without(state.agents, event.agentId),
                agentOrder: state.agentOrder.filter((id) => id !== event.agentId),
                statuses: without(state.statuses, event.agentId),
                selectedAgentId: nextSelection(state, event.agentId),
              }
            })
            return
          }
          const incoming = event.agent
          const current = get().agents[incoming.id]
          // A definition older than what we hold (events may cross an HTTP answer) changes nothing.
          if (current && current.version > incoming.version) return
          receiveAgent(incoming)
        },

        applyStatusEvent(event: AgentStatusEvent) {
          if (event.workspaceId !== get().workspaceId) return
          set((state) => {
            if (!isNewer(state.statuses[event.agentId], event.version)) return {}
            const agent = state.agents[event.agentId]
            return {
              statuses: {
                ...state.statuses,
                [event.agentId]: {
                  status: event.status,
                  lastError: event.lastError,
                  version: event.version,
                  at: event.at,
                },
              },
              agents: agent
                ? {
                    ...state.agents,
                    [event.agentId]: {
                      ...agent,
                      status: event.status,
                      lastError: event.lastError,
                      statusChangedAt: event.at,
                    },
                  }
                : state.agents,
            }
          })
        },

        applyChatEvent(event) {
          if (event.workspaceId !== get().workspaceId) return
          updateConversation(event.agentId, event.conversationKey, (c) => applyChatEvent(c, event))
        },

        applyTurnEnd(event, failed) {
          if (event.workspaceId !== get().workspaceId) return
          updateConversation(event.agentId, event.conversationKey, (c) =>
            applyTurnEnd(c, event, failed)
          )
        },

        setSubscription(agentId, state) {
          set((current) => ({
            subscriptions: state
              ? { ...current.subscriptions, [agentId]: state }
              : without(current.subscriptions, agentId),
          }))
        },

        setConnection(connection) {
          set({ connection })
        },

        clearError(key) {
          set((state) => ({ errors: { ...state.errors, [key]: null } }))
        },

        reset: () => {
          disconnectParlantRealtime()
          set(initialState)
        },
      }
    },
    { name: 'parlant-store' }
  )
)
