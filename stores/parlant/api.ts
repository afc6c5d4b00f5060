/**
 * The bridge's HTTP API as the browser (or a test) calls it. The fetch function, base URL and extra
 * headers are injectable so tests can point it at a real host with a bearer key.
 */
import { getErrorMessage } from '@sim/utils/errors'
import type { ConversationMessages, ConversationSummary } from '@/lib/parlant/api/contracts'
import type { FieldIssue } from '@/lib/parlant/errors'
import type {
  AgentView,
  ChatTurnResult,
  CreateAgentInput,
  UpdateAgentInput,
} from '@/lib/parlant/schemas'

/** A failed API call, carrying the bridge's `{ error, code, details? }` body. */
export class ParlantApiError extends Error {
  override name = 'ParlantApiError'

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldIssue[] = []
  ) {
    super(message)
  }
}

/** Whether `error` is a `ParlantApiError`. */
export function isParlantApiError(error: unknown): error is ParlantApiError {
  return error instanceof ParlantApiError
}

/** A readable message and a code for any thrown value. */
export function describeError(error: unknown): { code: string; message: string } {
  if (isParlantApiError(error)) return { code: error.code, message: error.message }
  return { code: 'network_error', message: getErrorMessage(error, 'Unknown error') }
}

/** A workspace's agents and how many it may have. */
export interface AgentList {
  agents: AgentView[]
  /** The workspace's quota (`PARLANT_MAX_AGENTS_PER_WORKSPACE`); null when the server does not say. */
  maxAgents: number | null
}

/** What the store needs from the bridge. */
export interface ParlantApi {
  listAgents(workspaceId: string): Promise<AgentList>
  createAgent(workspaceId: string, input: CreateAgentInput): Promise<AgentView>
  updateAgent(workspaceId: string, agentId: string, input: UpdateAgentInput): Promise<AgentView>
  deleteAgent(workspaceId: string, agentId: string): Promise<void>
  startAgent(workspaceId: string, agentId: string): Promise<AgentView>
  stopAgent(workspaceId: string, agentId: string): Promise<AgentView>
  chat(
    workspaceId: string,
    agentId: string,
    body: { message: string; conversationKey?: string; idempotencyKey?: string }
  ): Promise<ChatTurnResult>
  /** The caller's conversations with an agent, newest first; pass `nextCursor` for older ones. */
  listConversations(
    workspaceId: string,
    agentId: string,
    page?: { limit?: number; cursor?: string }
  ): Promise<{ conversations: ConversationSummary[]; nextCursor: string | null }>
  /** A conversation's latest messages, oldest first; pass `nextBefore` as `before` for older ones. */
  getConversationMessages(
    workspaceId: string,
    agentId: string,
    conversationKey: string,
    page?: { limit?: number; before?: number }
  ): Promise<ConversationMessages>
  /** Ends a conversation (its Parlant session is deleted; the key starts afresh next time). */
  deleteConversation(workspaceId: string, agentId: string, conversationKey: string): Promise<void>
  /** Mints a one-time socket token (cookie- or header-authenticated). */
  mintSocketToken(): Promise<string>
}

export interface HttpParlantApiOptions {
  /** Origin of the bridge; '' (default) means the page's own origin. */
  baseUrl?: string
  fetch?: typeof fetch
  /** Extra headers, e.g. `Authorization: Bearer …` outside a browser. */
  headers?: Record<string, string>
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseDetails(value: unknown): FieldIssue[] {
  if (!Array.isArray(value)) return []
  return value.flatMap((item) =>
    isRecord(item) && typeof item.field === 'string' && typeof item.message === 'string'
      ? [{ field: item.field, message: item.message }]
      : []
  )
}

/** The bridge API over HTTP (`/api/parlant/*`). */
export function createHttpParlantApi(options: HttpParlantApiOptions = {}): ParlantApi {
  const baseUrl = (options.baseUrl ?? '').replace(/\/$/, '')
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method,
        credentials: 'same-origin',
        headers: {
          accept: 'application/json',
          // Every change is declared JSON, even without a body (a DELETE): a cookie-authenticated
          // change that is not JSON is refused as a possible cross-site request.
          ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch (error) {
      throw new ParlantApiError(
        0,
        'network_error',
        `Could not reach the bridge: ${getErrorMessage(error, 'network error')}`
      )
    }
    const text = await response.text()
    let parsed: unknown
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      parsed = undefined
    }
    if (!response.ok) {
      const payload = isRecord(parsed) ? parsed : {}
      throw new ParlantApiError(
        response.status,
        typeof payload.code === 'string' ? payload.code : `http_${response.status}`,
        typeof payload.error === 'string'
          ? payload.error
          : `Request failed with status ${response.status}`,
        parseDetails(payload.details)
      )
    }
    return parsed as T
  }

  const ws = (workspaceId: string) => `workspaceId=${encodeURIComponent(workspaceId)}`
  const agentPath = (agentId: string) => `/api/parlant/agents/${encodeURIComponent(agentId)}`
  const conversationPath = (agentId: string, conversationKey: string) =>
    `${agentPath(agentId)}/conversations/${encodeURIComponent(conversationKey)}`
  /** `workspaceId=…` plus the defined page fields. */
  const pageQuery = (workspaceId: string, page: Record<string, string | number | undefined>) => {
    const query = new URLSearchParams({ workspaceId })
    for (const [name, value] of Object.entries(page)) {
      if (value !== undefined) query.set(name, String(value))
    }
    return query.toString()
  }

  return {
    async listAgents(workspaceId) {
      const body = await request<{ agents: AgentView[]; maxAgents?: number }>(
        'GET',
        `/api/parlant/agents?${ws(workspaceId)}`
      )
      return { agents: body.agents, maxAgents: body.maxAgents ?? null }
    },
    async createAgent(workspaceId, input) {
      const body = await request<{ agent: AgentView }>('POST', '/api/parlant/agents', {
        ...input,
        workspaceId,
      })
      return body.agent
    },
    async updateAgent(workspaceId, agentId, input) {
      const body = await request<{ agent: AgentView }>(
        'PUT',
        `${agentPath(agentId)}?${ws(workspaceId)}`,
        input
      )
      return body.agent
    },
    async deleteAgent(workspaceId, agentId) {
      await request<unknown>('DELETE', `${agentPath(agentId)}?${ws(workspaceId)}`)
    },
    async startAgent(workspaceId, agentId) {
      const body = await request<{ agent: AgentView }>('POST', `${agentPath(agentId)}/start`, {
        workspaceId,
      })
      return body.agent
    },
    async stopAgent(workspaceId, agentId) {
      const body = await request<{ agent: AgentView }>('POST', `${agentPath(agentId)}/stop`, {
        workspaceId,
      })
      return body.agent
    },
    async chat(workspaceId, agentId, chatBody) {
      const body = await request<{ result: ChatTurnResult }>('POST', `${agentPath(agentId)}/chat`, {
        ...chatBody,
        workspaceId,
      })
      return body.result
    },
    listConversations(workspaceId, agentId, page = {}) {
      return request('GET', `${agentPath(agentId)}/conversations?${pageQuery(workspaceId, page)}`)
    },
    getConversationMessages(workspaceId, agentId, conversationKey, page = {}) {
      return request(
        'GET',
        `${conversationPath(agentId, conversationKey)}/messages?${pageQuery(workspaceId, page)}`
      )
    },
    async deleteConversation(workspaceId, agentId, conversationKey) {
      await request<unknown>(
        'DELETE',
        `${conversationPath(agentId, conversationKey)}?${ws(workspaceId)}`
      )
    },
    async mintSocketToken() {
      // boundary-raw-fetch: the socket token is minted with the page's session, like Sim's provider
      const body = await request<{ token: string }>('POST', '/api/auth/socket-token', {})
      return body.token
    },
  }
}
