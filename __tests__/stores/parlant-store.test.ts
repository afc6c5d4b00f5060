/** @vitest-environment node */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  type AgentStatusEvent,
  agentRoom,
  type ChatEventPayload,
  PARLANT_EVENTS,
} from '@/lib/parlant/realtime/events'
import {
  configureParlantStore,
  conversationId,
  ParlantApiError,
  useParlantStore,
} from '@/stores/parlant'
import { createMemoryApi, type MemoryApi } from './memory-api'

const WS = 'ws-1'

let api: MemoryApi

beforeEach(() => {
  api = createMemoryApi()
  configureParlantStore({ api, realtime: false })
  useParlantStore.getState().reset()
  useParlantStore.getState().setWorkspace(WS)
})

afterEach(() => {
  useParlantStore.getState().reset()
})

async function seedAgent() {
  return useParlantStore.getState().createAgent({
    name: 'Support',
    guidelines: [{ condition: 'the customer asks about "refund"', action: 'Refunds take 5 days.' }],
  })
}

describe('workspace', () => {
  it('takes its workspace from a surface and lists its agents once', async () => {
    const agent = await seedAgent()
    useParlantStore.getState().reset()
    expect(useParlantStore.getState().workspaceId).toBeNull()
    const store = useParlantStore.getState()
    store.ensureWorkspace('')
    expect(useParlantStore.getState().workspaceId).toBeNull()
    store.ensureWorkspace(WS)
    store.ensureWorkspace(WS)
    expect(useParlantStore.getState()).toMatchObject({ workspaceId: WS, loading: true })
    await vi.waitFor(() => expect(useParlantStore.getState().loaded).toBe(true))
    expect(api.calls.filter((c) => c.operation === 'listAgents')).toHaveLength(1)
    expect(useParlantStore.getState().agentOrder).toEqual([agent.id])
    store.ensureWorkspace(WS)
    expect(api.calls.filter((c) => c.operation === 'listAgents')).toHaveLength(1)
  })
})

describe('workspace agent events', () => {
  it('adds, updates and removes agents changed elsewhere, never going back in version', async () => {
    const agent = await seedAgent()
    const store = useParlantStore.getState()
    const at = new Date().toISOString()
    const other = { ...agent, id: 'agent-other', name: 'Other tab' }
    store.applyWorkspaceAgentEvent({
      workspaceId: WS,
      agentId: other.id,
      change: 'created',
      agent: other,
      at,
    })
    expect(useParlantStore.getState().agentOrder).toEqual([agent.id, other.id])
    // Another workspace's event, and an older definition, change nothing.
    store.applyWorkspaceAgentEvent({
      workspaceId: 'ws-2',
      agentId: 'x',
      change: 'created',
      agent: { ...other, id: 'x', workspaceId: 'ws-2' },
      at,
    })
    const renamed = { ...other, name: 'Renamed', version: other.version + 1 }
    store.applyWorkspaceAgentEvent({
      workspaceId: WS,
      agentId: other.id,
      change: 'updated',
      agent: renamed,
      at,
    })
    store.applyWorkspaceAgentEvent({
      workspaceId: WS,
      agentId: other.id,
      change: 'updated',
      agent: { ...other, name: 'Stale' },
      at,
    })
    expect(useParlantStore.getState().agents[other.id]?.name).toBe('Renamed')
    expect(useParlantStore.getState().agentOrder).toEqual([agent.id, other.id])
    store.selectAgent(other.id)
    store.applyWorkspaceAgentEvent({
      workspaceId: WS,
      agentId: other.id,
      change: 'deleted',
      agent: null,
      at,
    })
    const state = useParlantStore.getState()
    expect(state.agentOrder).toEqual([agent.id])
    expect(state.agents[other.id]).toBeUndefined()
    expect(state.statuses[other.id]).toBeUndefined()
    // The selection moves to an agent that is still there.
    expect(state.selectedAgentId).toBe(agent.id)
  })

  it('learns the workspace quota from the list', async () => {
    await useParlantStore.getState().loadAgents()
    expect(useParlantStore.getState().maxAgents).toBe(10)
  })
})

describe('lifecycle actions', () => {
  it('shows starting at once, then the server status', async () => {
    const agent = await seedAgent()
    const gate = api.hold('startAgent')
    const started = useParlantStore.getState().startAgent(agent.id)
    const during = useParlantStore.getState()
    expect(during.statuses[agent.id]).toMatchObject({ status: 'starting', optimistic: true })
    expect(during.pending[agent.id]).toBe('start')
    gate.release()
    await started
    const after = useParlantStore.getState()
    expect(after.statuses[agent.id]).toMatchObject({ status: 'active', version: 2 })
    expect(after.statuses[agent.id]?.optimistic).toBeUndefined()
    expect(after.pending[agent.id]).toBeUndefined()
  })

  it('rolls a failed start back and keeps the reason', async () => {
    const agent = await seedAgent()
    const gate = api.hold('startAgent')
    const started = useParlantStore.getState().startAgent(agent.id)
    expect(useParlantStore.getState().statuses[agent.id]?.status).toBe('starting')
    gate.fail(new ParlantApiError(503, 'parlant_unavailable', 'Parlant is unreachable'))
    await started
    const after = useParlantStore.getState()
    expect(after.statuses[agent.id]).toMatchObject({ status: 'inactive', version: 1 })
    expect(after.errors[agent.id]).toEqual({
      operation: 'start',
      code: 'parlant_unavailable',
      message: 'Parlant is unreachable',
    })
    expect(after.pending[agent.id]).toBeUndefined()
  })

  it('keeps a realtime status that arrived during a failing call', async () => {
    const agent = await seedAgent()
    const gate = api.hold('startAgent')
    const started = useParlantStore.getState().startAgent(agent.id)
    useParlantStore.getState().applyStatusEvent(statusEvent(agent.id, 'error', 3, 'boom'))
    gate.fail(new ParlantApiError(502, 'parlant_error', 'Provisioning failed'))
    await started
    expect(useParlantStore.getState().statuses[agent.id]).toMatchObject({
      status: 'error',
      lastError: 'boom',
    })
  })

  it('ignores status events older than what it holds', async () => {
    const agent = await seedAgent()
    const store = useParlantStore.getState()
    store.applyStatusEvent(statusEvent(agent.id, 'active', 5))
    store.applyStatusEvent(statusEvent(agent.id, 'starting', 4))
    expect(useParlantStore.getState().statuses[agent.id]?.status).toBe('active')
  })

  it('updates optimistically and rolls back a rejected update', async () => {
    const agent = await seedAgent()
    const gate = api.hold('updateAgent')
    const update = useParlantStore.getState().updateAgent(agent.id, { name: 'Renamed' })
    expect(useParlantStore.getState().agents[agent.id]?.name).toBe('Renamed')
    gate.fail(new ParlantApiError(409, 'conflict', 'An agent named "Renamed" already exists'))
    await expect(update).rejects.toThrow('already exists')
    expect(useParlantStore.getState().agents[agent.id]?.name).toBe('Support')
    expect(useParlantStore.getState().errors[agent.id]?.code).toBe('conflict')
  })

  it('removes a deleted agent at once and restores it when the delete fails', async () => {
    const agent = await seedAgent()
    const gate = api.hold('deleteAgent')
    const deletion = useParlantStore.getState().deleteAgent(agent.id)
    expect(useParlantStore.getState().agentOrder).toEqual([])
    gate.fail(new ParlantApiError(403, 'forbidden', 'Deleting needs admin permission'))
    await expect(deletion).rejects.toThrow('admin')
    expect(useParlantStore.getState().agentOrder).toEqual([agent.id])
  })

  it('records a refused send as one error with Retry, frees the input, and retries once', async () => {
    const agent = await seedAgent()
    const result = await useParlantStore
      .getState()
      .sendMessage(agent.id, 'hello', { conversationKey: 'c1' })
    expect(result).toBeNull()
    const read = () => useParlantStore.getState().conversations[conversationId(agent.id, 'c1')]
    const conversation = read()
    expect(conversation?.turnRunning).toBe(false)
    expect(conversation?.sendError).toEqual({
      code: 'agent_not_active',
      message: 'Agent "Support" is not active',
    })
    const kinds = conversation?.order.map((id) => conversation.entries[id]?.kind)
    expect(kinds).toEqual(['customer', 'error'])
    const errorId = conversation?.order[1] ?? ''
    const retry = conversation?.entries[errorId]?.retry
    expect(retry?.message).toBe('hello')

    // Retry sends the same message with the same idempotency key; the failed copy goes away.
    await useParlantStore.getState().startAgent(agent.id)
    await useParlantStore.getState().retrySend(agent.id, 'c1', errorId)
    const chats = api.calls.filter((c) => c.operation === 'chat')
    expect(chats).toHaveLength(2)
    expect(chats[1]?.args[2]).toMatchObject({
      message: 'hello',
      idempotencyKey: retry?.idempotencyKey,
    })
    const after = read()
    const lines = after?.order.map((id) => after.entries[id]?.kind)
    expect(lines).toEqual(['customer', 'agent'])
    expect(after?.entries[errorId]).toBeUndefined()
    expect(after?.turnRunning).toBe(false)
  })

  it('ends a turn on screen at its final ready; a late error still appears', async () => {
    const agent = await seedAgent()
    await useParlantStore.getState().startAgent(agent.id)
    const gate = api.hold('chat')
    const sending = useParlantStore
      .getState()
      .sendMessage(agent.id, 'Refund?', { conversationKey: 'c1' })
    const read = () => useParlantStore.getState().conversations[conversationId(agent.id, 'c1')]
    const store = useParlantStore.getState()
    const at = (offset: number) => ({ offset, eventId: `t${offset}`, traceId: 'trace-9' })
    store.applyChatEvent(
      chatEvent(agent.id, { ...at(0), kind: 'message', source: 'customer', text: 'Refund?' })
    )
    store.applyChatEvent(
      chatEvent(agent.id, { ...at(1), kind: 'status', source: 'ai_agent', status: 'typing' })
    )
    expect(read()).toMatchObject({ turnRunning: true, activity: 'typing' })
    store.applyChatEvent(
      chatEvent(agent.id, { ...at(2), kind: 'message', source: 'ai_agent', text: 'Yes.' })
    )
    // Another trace's ready changes nothing; ours completes the turn before the HTTP answer.
    store.applyChatEvent(
      chatEvent(agent.id, {
        ...at(3),
        traceId: 'trace-other',
        kind: 'status',
        source: 'ai_agent',
        status: 'ready',
        stage: 'completed',
      })
    )
    expect(read()?.turnRunning).toBe(true)
    store.applyChatEvent(
      chatEvent(agent.id, {
        ...at(4),
        kind: 'status',
        source: 'ai_agent',
        status: 'ready',
        stage: 'completed',
      })
    )
    expect(read()).toMatchObject({ turnRunning: false, activity: 'idle' })
    // The trailing poll found an error after all.
    store.applyTurnEnd(
      {
        workspaceId: WS,
        agentId: agent.id,
        conversationKey: 'c1',
        traceId: 'trace-9',
        error: { code: 'parlant_error', message: 'The agent failed after replying' },
        at: new Date().toISOString(),
      },
      true
    )
    const errors = Object.values(read()?.entries ?? {}).filter((e) => e.kind === 'error')
    expect(errors.map((e) => e.text)).toEqual(['The agent failed after replying'])
    gate.release()
    await sending
    expect(read()?.turnRunning).toBe(false)
  })
})

describe('chat events', () => {
  it('applies events in offset order, each once, whatever the delivery order', async () => {
    const agent = await seedAgent()
    const store = useParlantStore.getState()
    const events = [
      chatEvent(agent.id, {
        offset: 4,
        eventId: 'e4',
        kind: 'message',
        source: 'ai_agent',
        text: 'Second',
      }),
      chatEvent(agent.id, {
        offset: 0,
        eventId: 'e0',
        kind: 'message',
        source: 'customer',
        text: 'Hi',
      }),
      chatEvent(agent.id, {
        offset: 2,
        eventId: 'e2',
        kind: 'message',
        source: 'ai_agent',
        text: 'First',
      }),
      chatEvent(agent.id, {
        offset: 2,
        eventId: 'e2',
        kind: 'message',
        source: 'ai_agent',
        text: 'First',
      }),
      chatEvent(agent.id, {
        offset: 1,
        eventId: 'e1',
        kind: 'message',
        source: 'ai_agent',
        text: 'One moment',
        preamble: true,
      }),
      chatEvent(agent.id, {
        offset: 0,
        eventId: 'e0',
        kind: 'message',
        source: 'customer',
        text: 'Hi',
      }),
    ]
    for (const event of events) store.applyChatEvent(event)
    const conversation = useParlantStore.getState().conversations[conversationId(agent.id, 'c1')]
    const lines = conversation?.order.map((id) => {
      const entry = conversation.entries[id]
      return `${entry?.kind}:${entry?.text}`
    })
    expect(lines).toEqual(['customer:Hi', 'preamble:One moment', 'agent:First', 'agent:Second'])
  })

  it('grows a streamed message chunk by chunk and never shrinks it', async () => {
    const agent = await seedAgent()
    const store = useParlantStore.getState()
    const part = (chunks: Array<string | null>) =>
      chatEvent(agent.id, { offset: 3, eventId: 's', kind: 'message', source: 'ai_agent', chunks })
    store.applyChatEvent(part(['Hel']))
    const entryOf = () =>
      useParlantStore.getState().conversations[conversationId(agent.id, 'c1')]?.entries.s
    expect(entryOf()).toMatchObject({ text: 'Hel', streaming: true })
    store.applyChatEvent(part(['Hel', 'lo']))
    store.applyChatEvent(part(['Hel']))
    expect(entryOf()).toMatchObject({ text: 'Hello', streaming: true })
    store.applyChatEvent(part(['Hel', 'lo', null]))
    expect(entryOf()).toMatchObject({ text: 'Hello', streaming: false })
  })

  it('shows the newest status only, and records each status once', async () => {
    const agent = await seedAgent()
    const store = useParlantStore.getState()
    const status = (offset: number, value: string, stage?: string) =>
      chatEvent(agent.id, {
        offset,
        eventId: `st${offset}`,
        kind: 'status',
        source: 'ai_agent',
        status: value,
        stage,
      })
    store.applyChatEvent(status(1, 'acknowledged'))
    store.applyChatEvent(status(3, 'typing'))
    store.applyChatEvent(status(2, 'processing', 'Interpreting'))
    store.applyChatEvent(status(3, 'typing'))
    let conversation = useParlantStore.getState().conversations[conversationId(agent.id, 'c1')]
    expect(conversation?.activity).toBe('typing')
    expect(conversation?.turnRunning).toBe(true)
    expect(conversation?.statusLog.map((s) => s.status)).toEqual([
      'acknowledged',
      'processing',
      'typing',
    ])
    store.applyTurnEnd(
      { workspaceId: WS, agentId: agent.id, conversationKey: 'c1', at: new Date().toISOString() },
      false
    )
    conversation = useParlantStore.getState().conversations[conversationId(agent.id, 'c1')]
    expect(conversation?.activity).toBe('idle')
    expect(conversation?.turnRunning).toBe(false)
  })

  it('merges the HTTP reply with the relayed events without duplicating them', async () => {
    const agent = await seedAgent()
    await useParlantStore.getState().startAgent(agent.id)
    api.reply = () => 'Refunds take 5 days.'
    const result = await useParlantStore
      .getState()
      .sendMessage(agent.id, 'refund please', { conversationKey: 'c1' })
    const message = result?.messages[0]
    expect(message).toBeDefined()
    useParlantStore.getState().applyChatEvent(
      chatEvent(agent.id, {
        offset: message?.offset ?? 0,
        eventId: message?.id ?? '',
        kind: 'message',
        source: 'ai_agent',
        text: 'Refunds take 5 days.',
      })
    )
    const conversation = useParlantStore.getState().conversations[conversationId(agent.id, 'c1')]
    const texts = conversation?.order.map((id) => conversation.entries[id]?.text)
    expect(texts).toEqual(['refund please', 'Refunds take 5 days.'])
  })
})

describe('realtime subscription', () => {
  it('joins over one socket, applies events, and rejoins after a reconnect', async () => {
    const http = createServer()
    const io = new Server(http)
    const tokens: string[] = []
    const joins: Array<{ socketId: string; agentId: string }> = []
    const namespace = io.of('/parlant')
    namespace.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown }).token
      if (typeof token !== 'string' || tokens.includes(token)) return next(new Error('bad token'))
      tokens.push(token)
      next()
    })
    namespace.on('connection', (socket) => {
      socket.on(PARLANT_EVENTS.join, (payload: { workspaceId: string; agentId: string }) => {
        joins.push({ socketId: socket.id ?? '', agentId: payload.agentId })
        void socket.join(agentRoom(payload.agentId))
        socket.emit(PARLANT_EVENTS.joinSuccess, payload)
      })
    })
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
    try {
      configureParlantStore({
        api,
        realtime: { url, reconnectionDelay: 50, reconnectionDelayMax: 100 },
      })
      useParlantStore.getState().setWorkspace(WS)
      const first = await seedAgent()
      const second = await useParlantStore.getState().createAgent({ name: 'Sales' })
      const leaveFirst = useParlantStore.getState().subscribeAgent(first.id)
      const leaveSecond = useParlantStore.getState().subscribeAgent(second.id)
      await until(() => joins.length === 2)
      await until(
        () =>
          useParlantStore.getState().subscriptions[first.id] === 'joined' &&
          useParlantStore.getState().subscriptions[second.id] === 'joined'
      )
      expect(namespace.sockets.size).toBe(1)

      namespace
        .to(agentRoom(first.id))
        .emit(PARLANT_EVENTS.status, statusEvent(first.id, 'active', 7))
      await until(() => useParlantStore.getState().statuses[first.id]?.status === 'active')

      // Drop the transport: the client reconnects with a fresh token and rejoins both rooms.
      for (const socket of namespace.sockets.values()) socket.conn.close()
      await until(() => joins.length === 4)
      expect(new Set(joins.map((j) => j.socketId)).size).toBe(2)
      expect(
        joins
          .slice(2)
          .map((j) => j.agentId)
          .sort()
      ).toEqual([first.id, second.id].sort())
      expect(tokens).toHaveLength(2)
      await until(() => useParlantStore.getState().subscriptions[second.id] === 'joined')

      namespace.to(agentRoom(second.id)).emit(
        PARLANT_EVENTS.chatEvent,
        chatEvent(second.id, {
          offset: 1,
          eventId: 'after',
          kind: 'message',
          source: 'ai_agent',
          text: 'Back again',
        })
      )
      await until(
        () =>
          useParlantStore.getState().conversations[conversationId(second.id, 'c1')]?.entries.after
            ?.text === 'Back again'
      )
      // A server-side disconnect (no automatic reconnect in socket.io) is also recovered from.
      for (const socket of namespace.sockets.values()) socket.disconnect(true)
      await until(() => joins.length === 6)
      expect(new Set(joins.map((j) => j.socketId)).size).toBe(3)
      expect(tokens).toHaveLength(3)

      leaveFirst()
      leaveSecond()
      expect(useParlantStore.getState().subscriptions).toEqual({})
    } finally {
      useParlantStore.getState().reset()
      await io.close()
    }
  })
})

function statusEvent(
  agentId: string,
  status: AgentStatusEvent['status'],
  version: number,
  lastError: string | null = null
): AgentStatusEvent {
  return {
    workspaceId: WS,
    agentId,
    status,
    previousStatus: null,
    lastError,
    version,
    at: new Date().toISOString(),
  }
}

function chatEvent(
  agentId: string,
  fields: Pick<ChatEventPayload, 'offset' | 'eventId' | 'kind' | 'source'> &
    Partial<ChatEventPayload>
): ChatEventPayload {
  return {
    workspaceId: WS,
    agentId,
    conversationKey: 'c1',
    sessionId: 'session-1',
    traceId: 'trace-1',
    at: new Date().toISOString(),
    ...fields,
  }
}

/** Waits for a condition driven by real I/O (bounded by the test timeout, not by a clock). */
async function until(condition: () => boolean) {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10))
}
