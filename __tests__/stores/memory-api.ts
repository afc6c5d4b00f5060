/**
 * An in-memory `ParlantApi` that keeps agents like the bridge does and validates with the same zod
 * schemas, plus hooks to hold or fail the next call of an operation, so store and component tests
 * can observe the optimistic state and the rollback deterministically.
 */
import type { ConversationMessage } from '@/lib/parlant/api/contracts'
import type { FieldIssue } from '@/lib/parlant/errors'
import {
  type AgentView,
  type ChatTurnResult,
  createAgentInputSchema,
  describeIssues,
  updateAgentInputSchema,
} from '@/lib/parlant/schemas'
import { type ParlantApi, ParlantApiError } from '@/stores/parlant/api'

type Operation = keyof ParlantApi

interface Gate {
  release: () => void
  fail: (error: ParlantApiError) => void
  promise: Promise<void>
}

/** The in-memory API plus its controls. */
export interface MemoryApi extends ParlantApi {
  agents: Map<string, AgentView>
  /** Transcripts by `agentId::conversationKey`, as chat calls built them. */
  transcripts: Map<string, { createdAt: string; messages: ConversationMessage[] }>
  calls: Array<{ operation: Operation; args: unknown[] }>
  /** The next call of `operation` waits until the returned gate is released or failed. */
  hold(operation: Operation): Gate
  /** The next call of `operation` fails with this error. */
  failNext(operation: Operation, error: ParlantApiError): void
  /** How each chat call answers. */
  reply: (message: string) => string
}

let counter = 0

export function createMemoryApi(): MemoryApi {
  const agents = new Map<string, AgentView>()
  const gates = new Map<Operation, Gate>()
  const failures = new Map<Operation, ParlantApiError>()
  const calls: MemoryApi['calls'] = []
  const transcripts: MemoryApi['transcripts'] = new Map()
  const transcriptKey = (agentId: string, key: string) => `${agentId}::${key}`

  const enter = async (operation: Operation, args: unknown[]) => {
    calls.push({ operation, args })
    const gate = gates.get(operation)
    if (gate) {
      gates.delete(operation)
      await gate.promise
    }
    const failure = failures.get(operation)
    if (failure) {
      failures.delete(operation)
      throw failure
    }
  }

  const mustGet = (agentId: string) => {
    const agent = agents.get(agentId)
    if (!agent) throw new ParlantApiError(404, 'not_found', 'Agent not found')
    return agent
  }

  const bump = (agent: AgentView, patch: Partial<AgentView>) => {
    const next = { ...agent, ...patch, version: agent.version + 1 }
    agents.set(agent.id, next)
    return next
  }

  const invalid = (details: FieldIssue[]) =>
    new ParlantApiError(400, 'validation_error', 'Invalid request body', details)

  const api: MemoryApi = {
    agents,
    transcripts,
    calls,
    reply: (message) => `Echo: ${message}`,
    hold(operation) {
      let release!: () => void
      let fail!: (error: ParlantApiError) => void
      const promise = new Promise<void>((resolve, reject) => {
        release = resolve
        fail = reject
      })
      const gate = { release, fail, promise }
      gates.set(operation, gate)
      return gate
    },
    failNext(operation, error) {
      failures.set(operation, error)
    },
    async listAgents(workspaceId) {
      await enter('listAgents', [workspaceId])
      return {
        agents: [...agents.values()].filter((a) => a.workspaceId === workspaceId),
        maxAgents: 10,
      }
    },
    async createAgent(workspaceId, input) {
      await enter('createAgent', [workspaceId, input])
      const parsed = createAgentInputSchema.safeParse(input)
      if (!parsed.success) throw invalid(describeIssues(parsed.error))
      const now = new Date().toISOString()
      counter += 1
      const agent: AgentView = {
        id: `agent-${counter}`,
        workspaceId,
        name: parsed.data.name,
        description: parsed.data.description ?? null,
        compositionMode: parsed.data.compositionMode,
        messageOutputMode: parsed.data.messageOutputMode,
        maxEngineIterations: parsed.data.maxEngineIterations,
        guidelines: parsed.data.guidelines,
        parameters: parsed.data.parameters,
        status: 'inactive',
        lastError: null,
        statusChangedAt: now,
        parlantAgentId: null,
        version: 1,
        createdAt: now,
        updatedAt: now,
      }
      agents.set(agent.id, agent)
      return agent
    },
    async updateAgent(workspaceId, agentId, input) {
      await enter('updateAgent', [workspaceId, agentId, input])
      const parsed = updateAgentInputSchema.safeParse(input)
      if (!parsed.success) throw invalid(describeIssues(parsed.error))
      const patch = Object.fromEntries(
        Object.entries(parsed.data).filter(([, value]) => value !== undefined)
      ) as Partial<AgentView>
      return bump(mustGet(agentId), patch)
    },
    async deleteAgent(workspaceId, agentId) {
      await enter('deleteAgent', [workspaceId, agentId])
      mustGet(agentId)
      agents.delete(agentId)
    },
    async startAgent(workspaceId, agentId) {
      await enter('startAgent', [workspaceId, agentId])
      return bump(mustGet(agentId), { status: 'active' })
    },
    async stopAgent(workspaceId, agentId) {
      await enter('stopAgent', [workspaceId, agentId])
      return bump(mustGet(agentId), { status: 'inactive' })
    },
    async chat(workspaceId, agentId, body) {
      await enter('chat', [workspaceId, agentId, body])
      const agent = mustGet(agentId)
      if (agent.status !== 'active')
        throw new ParlantApiError(409, 'agent_not_active', `Agent "${agent.name}" is not active`)
      const now = new Date().toISOString()
      const content = api.reply(body.message)
      counter += 1
      const key = transcriptKey(agentId, body.conversationKey ?? 'default')
      const transcript = transcripts.get(key) ?? { createdAt: now, messages: [] }
      transcripts.set(key, transcript)
      transcript.messages.push(
        {
          id: `evt-${counter}-c`,
          offset: counter * 10 - 1,
          source: 'customer',
          text: body.message,
          at: now,
          traceId: `trace-${counter}`,
          preamble: false,
        },
        {
          id: `evt-${counter}`,
          offset: counter * 10,
          source: 'ai_agent',
          text: content,
          at: now,
          traceId: `trace-${counter}`,
          preamble: false,
        }
      )
      const result: ChatTurnResult = {
        content,
        outcome: 'replied',
        messages: [
          {
            id: `evt-${counter}`,
            offset: counter * 10,
            source: 'ai_agent',
            text: content,
            createdAt: now,
          },
        ],
        preambles: [],
        toolCalls: [],
        matchedGuidelines: [],
        agentId,
        sessionId: 'session-1',
        sessionRenewed: false,
        conversationKey: body.conversationKey ?? 'default',
        traceId: `trace-${counter}`,
        timing: { startedAt: now, completedAt: now, durationMs: 0 },
      }
      return result
    },
    async listConversations(workspaceId, agentId, page = {}) {
      await enter('listConversations', [workspaceId, agentId, page])
      mustGet(agentId)
      const conversations = [...transcripts.entries()]
        .filter(([key]) => key.startsWith(`${agentId}::`))
        .map(([key, t]) => {
          const last = t.messages[t.messages.length - 1]
          return {
            conversationKey: key.slice(agentId.length + 2),
            customerId: 'sim-user-memory',
            createdAt: t.createdAt,
            lastMessageAt: last?.at ?? t.createdAt,
            preview: last?.text.slice(0, 200) ?? null,
          }
        })
        .reverse()
      return { conversations, nextCursor: null }
    },
    async getConversationMessages(workspaceId, agentId, conversationKey, page = {}) {
      await enter('getConversationMessages', [workspaceId, agentId, conversationKey, page])
      const transcript = transcripts.get(transcriptKey(agentId, conversationKey))
      if (!transcript) throw new ParlantApiError(404, 'not_found', 'Conversation not found')
      const before = page.before
      const eligible = transcript.messages.filter((m) => before === undefined || m.offset < before)
      const messages = eligible.slice(-(page.limit ?? 50))
      return {
        conversationKey,
        sessionId: 'session-1',
        messages,
        nextBefore: eligible.length > messages.length ? (messages[0]?.offset ?? null) : null,
      }
    },
    async deleteConversation(workspaceId, agentId, conversationKey) {
      await enter('deleteConversation', [workspaceId, agentId, conversationKey])
      if (!transcripts.delete(transcriptKey(agentId, conversationKey)))
        throw new ParlantApiError(404, 'not_found', 'Conversation not found')
    },
    async mintSocketToken() {
      await enter('mintSocketToken', [])
      counter += 1
      return `token-${counter}`
    },
  }
  return api
}
