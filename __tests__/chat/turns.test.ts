/**
 * Chat turns against the emulator over real HTTP, on both database engines: the reply, every
 * documented timeline, idempotent retries (counted in the emulator's event log) and serialization.
 */

import { generateRandomHex } from '@sim/utils/random'
import { createChatService } from '@/lib/parlant/chat'
import { createParlantClient, type ParlantEvent } from '@/lib/parlant/client'
import { agentChatTurns } from '@/lib/parlant/db/schema'
import { BridgeError } from '@/lib/parlant/errors'
import { type ChatEventPayload, callerRoom, PARLANT_EVENTS } from '@/lib/parlant/realtime/events'
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases'
import { type Bed, createBed, FAST, provisionAgent, recordingHost } from './support'

const REFUND = {
  condition: 'the customer asks about "refund"',
  action: 'Refunds take 5 business days.',
}

function customerMessages(bed: Bed, sessionId?: string) {
  return bed.emulator.control
    .createdEvents()
    .filter((e) => e.event.kind === 'message' && e.event.source === 'customer')
    .filter((e) => !sessionId || e.sessionId === sessionId)
}

/** Resolves once the emulator has stored `count` customer messages. */
async function customerPosted(bed: Bed, count = 1) {
  while (customerMessages(bed).length < count) await new Promise((r) => setTimeout(r, 5))
  return customerMessages(bed)[count - 1]!
}

function eventsOfSession(bed: Bed, sessionId: string): ParlantEvent[] {
  return bed.emulator.control.store.sessions.get(sessionId)?.events ?? []
}

describe.each(ENGINES)('chat turns on %s', (engine) => {
  let database: TestDatabase
  let bed: Bed

  beforeAll(async () => {
    database = await createTestDatabase(engine)
    bed = await createBed(database.db)
  })
  afterAll(async () => {
    await bed?.emulator.close()
    await database?.close()
  })
  beforeEach(() => {
    bed.emulator.control.clearFaults()
    bed.emulator.control.clearLogs()
    bed.published.length = 0
  })

  const send = (agentId: string, message: string, extra: Record<string, unknown> = {}) =>
    bed.chat.send({
      workspaceId: bed.workspaceId,
      agentId,
      userId: bed.user.id,
      message,
      conversationKey: `conv-${generateRandomHex(12)}`,
      ...extra,
    })

  it('returns the exact guideline-driven reply and relays every event in order', async () => {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, {
      name: 'refunds',
      guidelines: [REFUND],
    })
    const result = await send(agent.agentId, 'Can I get a REFUND please?')
    expect(result.content).toBe('Refunds take 5 business days.')
    expect(result.outcome).toBe('replied')
    expect(result.messages.map((m) => m.text)).toEqual(['Refunds take 5 business days.'])
    expect(result.matchedGuidelines).toHaveLength(1)
    const chatEvents = bed.published
      .filter((p) => p.event === PARLANT_EVENTS.chatEvent)
      .map((p) => p.payload as ChatEventPayload)
    expect(chatEvents.map((e) => e.offset)).toEqual([0, 1, 2, 3, 4, 5])
    expect(chatEvents.map((e) => e.status ?? `${e.kind}:${e.source}`)).toEqual([
      'message:customer',
      'acknowledged',
      'processing',
      'typing',
      'message:ai_agent',
      'ready',
    ])
    expect(chatEvents.every((e) => e.traceId === result.traceId)).toBe(true)
    expect(bed.published.at(-1)).toMatchObject({
      // Only to the caller's own room of the agent.
      room: callerRoom(agent.agentId, `user:${bed.user.id}`),
      event: PARLANT_EVENTS.turnComplete,
      payload: { content: 'Refunds take 5 business days.', outcome: 'replied' },
    })
    // The customer is the Sim user, with a deterministic id.
    const session = bed.emulator.control.store.sessions.get(result.sessionId)
    expect(session?.dto.customer_id).toBe(`sim-user-${bed.user.id}`)
    expect(session?.dto.metadata.conversation_key).toBe(result.conversationKey)
  })

  it('reports a preamble separately from the reply', async () => {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, { name: 'pre' })
    bed.emulator.control.setFaults({
      agents: { [agent.parlantAgentId]: { preamble: 'One moment please.' } },
    })
    const result = await send(agent.agentId, 'hello')
    expect(result.preambles.map((m) => m.text)).toEqual(['One moment please.'])
    expect(result.messages.map((m) => m.text)).toEqual(['I received your message: "hello"'])
    expect(result.content).toBe('I received your message: "hello"')
    const pre = bed.published
      .map((p) => p.payload as ChatEventPayload)
      .find((p) => p.text === 'One moment please.')
    expect(pre?.preamble).toBe(true)
  })

  it('collects two messages (canned mode, interim ready {} between them)', async () => {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, {
      name: 'two',
      compositionMode: 'canned_fluid',
      guidelines: [{ condition: 'the customer says "hi"', action: 'Hello!\n\nHow can I help?' }],
    })
    const result = await send(agent.agentId, 'hi there')
    expect(result.messages.map((m) => m.text)).toEqual(['Hello!', 'How can I help?'])
    expect(result.content).toBe('Hello!\n\nHow can I help?')
  })

  it('returns no_reply when the agent ends the turn without a message', async () => {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, { name: 'mute' })
    bed.emulator.control.setFaults({ agents: { [agent.parlantAgentId]: { outcome: 'silence' } } })
    const pending = send(agent.agentId, 'anyone?')
    // Script the engine deciding not to reply: acknowledged → processing → ready{completed}.
    const { sessionId, event } = await customerPosted(bed)
    const state = bed.emulator.control.store.sessions.get(sessionId)!
    const status = (name: string, data: Record<string, unknown> = {}) =>
      bed.emulator.control.store.append(state, {
        kind: 'status',
        source: 'ai_agent',
        traceId: event.trace_id,
        data: { status: name, data },
      })
    status('acknowledged')
    status('processing', { stage: 'Interpreting' })
    status('ready', { stage: 'completed', matched_guidelines: [] })
    const result = await pending
    expect(result.outcome).toBe('no_reply')
    expect(result.content).toBe('')
    expect(result.messages).toEqual([])
  })

  it('follows a streaming message until its chunks end with null, relaying the growth', async () => {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, {
      name: 'streamer',
      stream: true,
      guidelines: [
        {
          condition: 'the customer says "story"',
          action: 'Once upon a time there was a bridge between two lands.',
        },
      ],
    })
    bed.emulator.control.setFaults({
      agents: { [agent.parlantAgentId]: { latencyMs: { chunk: 30 } } },
    })
    const result = await send(agent.agentId, 'tell me a story')
    expect(result.content).toBe('Once upon a time there was a bridge between two lands.')
    const updates = bed.published
      .map((p) => p.payload as ChatEventPayload)
      .filter((p) => p.kind === 'message' && p.source === 'ai_agent')
    expect(updates.length).toBeGreaterThan(1)
    expect(updates.at(-1)?.chunks?.at(-1)).toBeNull()
    expect(updates.at(-1)?.text).toBe(result.content)
  })

  it('ends as cancelled when a newer message takes over the session', async () => {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, { name: 'slow' })
    bed.emulator.control.setFaults({
      agents: { [agent.parlantAgentId]: { latencyMs: { processing: 60_000 } } },
    })
    const pending = send(agent.agentId, 'first')
    const { sessionId } = await customerPosted(bed)
    await bed.parlant.events.sendCustomerMessage(sessionId, 'someone else typed this')
    const result = await pending
    expect(result.outcome).toBe('cancelled')
    expect(result.messages).toEqual([])
  })

  it('fails with parlant_error when an error follows the final ready', async () => {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, { name: 'err' })
    bed.emulator.control.setFaults({ agents: { [agent.parlantAgentId]: { outcome: 'error' } } })
    const failure = await send(agent.agentId, 'boom').catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(BridgeError)
    expect(failure).toMatchObject({ code: 'parlant_error' })
    expect((failure as Error).message).not.toMatch(/Traceback/)
    expect(bed.published.at(-1)).toMatchObject({
      event: PARLANT_EVENTS.turnFailed,
      payload: { error: { code: 'parlant_error' } },
    })
  })

  it('polls again on 504 until the events come', async () => {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, { name: 'lag' })
    // Each long poll waits 2 × 40 ms; the reply takes several polls to arrive.
    bed.emulator.control.setFaults({
      agents: { [agent.parlantAgentId]: { latencyMs: { typing: 400 } } },
    })
    const result = await send(agent.agentId, 'patience')
    expect(result.content).toBe('I received your message: "patience"')
    const timeouts = bed.emulator.control
      .requests()
      .filter((r) => r.method === 'GET' && r.path.endsWith('/events') && r.status === 504)
    expect(timeouts.length).toBeGreaterThan(0)
  })

  it('gives up with turn_deadline_exceeded when Parlant stays silent', async () => {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, { name: 'void' })
    bed.emulator.control.setFaults({ agents: { [agent.parlantAgentId]: { outcome: 'silence' } } })
    const failure = await send(agent.agentId, 'hello?', { deadlineMs: 300 }).catch(
      (e: unknown) => e
    )
    expect(failure).toMatchObject({ code: 'turn_deadline_exceeded' })
  })

  it('recreates a deleted session once, then fails clearly if it keeps vanishing', async () => {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, { name: 'gone' })
    const conversationKey = 'deleted-session'
    const first = await send(agent.agentId, 'one', { conversationKey })
    await bed.parlant.sessions.delete(first.sessionId)
    const second = await send(agent.agentId, 'two', { conversationKey })
    expect(second.sessionId).not.toBe(first.sessionId)
    expect(second.content).toBe('I received your message: "two"')

    bed.emulator.control.setFaults({
      routes: [{ method: 'POST', path: '/sessions/*/events', action: 'status', status: 404 }],
    })
    const failure = await send(agent.agentId, 'three', { conversationKey }).catch((e: unknown) => e)
    expect(failure).toMatchObject({ code: 'parlant_error' })
    expect((failure as Error).message).toMatch(/deleted/)
  })

  it('says so when the session is in manual mode', async () => {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, { name: 'human' })
    const conversationKey = 'manual'
    const first = await send(agent.agentId, 'one', { conversationKey })
    await bed.parlant.sessions.update(first.sessionId, { mode: 'manual' })
    const result = await send(agent.agentId, 'two', { conversationKey })
    expect(result.outcome).toBe('manual_mode')
    expect(result.content).toMatch(/manual mode/)
  })

  it('abandons the turn when the agent is stopped', async () => {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, { name: 'stop' })
    bed.emulator.control.setFaults({
      agents: { [agent.parlantAgentId]: { latencyMs: { processing: 60_000 } } },
    })
    const pending = send(agent.agentId, 'hello').catch((e: unknown) => e)
    await customerPosted(bed)
    bed.stops.get(agent.agentId)?.abort()
    expect(await pending).toMatchObject({ code: 'agent_not_active' })
    bed.stops.delete(agent.agentId)
  })

  it('never posts twice for one idempotency key, even after an ambiguous failure', async () => {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, { name: 'idem' })
    const request = {
      workspaceId: bed.workspaceId,
      agentId: agent.agentId,
      userId: bed.user.id,
      message: 'only once',
      conversationKey: 'idem',
      idempotencyKey: 'exec-1:block-1',
    }
    const [a, b] = await Promise.all([bed.chat.send(request), bed.chat.send(request)])
    const c = await bed.chat.send(request)
    expect(b).toEqual(a)
    expect(c).toEqual(a)
    expect(customerMessages(bed, a.sessionId)).toHaveLength(1)

    // The POST is stored but its answer stalls past the client timeout: the bridge must find its
    // message instead of posting it again.
    const impatient = createParlantClient({
      baseUrl: bed.emulator.url,
      retry: false,
      breaker: false,
      timeouts: { defaultMs: 300 },
    })
    const chat = createChatService({
      host: recordingHost(database.db, []),
      parlant: impatient,
      nodeId: 'node-impatient',
      defaults: FAST,
    })
    bed.emulator.control.setFaults({
      routes: [
        {
          method: 'POST',
          path: '/sessions/*/events',
          action: 'slow_body',
          delayMs: 1_000,
          times: 1,
        },
      ],
    })
    const ambiguous = { ...request, message: 'stalled', idempotencyKey: 'exec-2:block-1' }
    const result = await chat.send(ambiguous)
    expect(result.content).toBe('I received your message: "stalled"')
    expect(
      customerMessages(bed, a.sessionId).filter(
        (e) => e.event.kind === 'message' && e.event.data.message === 'stalled'
      )
    ).toHaveLength(1)
    const rows = await database.db.select().from(agentChatTurns)
    expect(rows.filter((r) => r.idempotencyKey === 'exec-1:block-1')).toHaveLength(1)
  })

  it('a duplicate that gives up waiting leaves the running turn alone', async () => {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, { name: 'dup' })
    bed.emulator.control.setFaults({
      agents: { [agent.parlantAgentId]: { latencyMs: { processing: 400 } } },
    })
    const request = {
      workspaceId: bed.workspaceId,
      agentId: agent.agentId,
      userId: bed.user.id,
      message: 'patient original',
      conversationKey: 'dup',
      idempotencyKey: 'dup-key',
    }
    const original = bed.chat.send(request)
    await customerPosted(bed)
    const impatient = await bed.chat.send({ ...request, deadlineMs: 50 }).catch((e: unknown) => e)
    expect(impatient).toMatchObject({ code: 'turn_deadline_exceeded' })
    const result = await original
    expect(result.content).toBe('I received your message: "patient original"')
    expect(await bed.chat.send(request)).toEqual(result)
    expect(customerMessages(bed, result.sessionId)).toHaveLength(1)
    expect(bed.published.filter((p) => p.event === PARLANT_EVENTS.turnFailed)).toEqual([])
  })

  it('runs concurrent sends to one conversation one after the other, to two side by side', async () => {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, { name: 'busy' })
    bed.emulator.control.setFaults({
      agents: { [agent.parlantAgentId]: { latencyMs: { processing: 150 } } },
    })
    const one = (conversationKey: string, message: string) =>
      send(agent.agentId, message, { conversationKey })
    const [a, b, x, y] = await Promise.all([
      one('same', 'A'),
      one('same', 'B'),
      one('left', 'X'),
      one('right', 'Y'),
    ])
    expect([a.outcome, b.outcome, x.outcome, y.outcome]).toEqual([
      'replied',
      'replied',
      'replied',
      'replied',
    ])
    expect(a.sessionId).toBe(b.sessionId)
    // One conversation: the second message is posted only after the first turn completed.
    const log = eventsOfSession(bed, a.sessionId)
    const firstTrace = log.find((e) => e.kind === 'message' && e.source === 'customer')!.trace_id
    const firstDone = log.find(
      (e) =>
        e.trace_id === firstTrace &&
        e.kind === 'status' &&
        e.data.status === 'ready' &&
        e.data.data.stage === 'completed'
    )!
    const secondCustomer = log.filter((e) => e.kind === 'message' && e.source === 'customer')[1]!
    expect(secondCustomer.offset).toBeGreaterThan(firstDone.offset)
    expect(log.some((e) => e.kind === 'status' && e.data.status === 'cancelled')).toBe(false)
    // Two conversations: both messages were posted before either turn finished.
    const posted = (id: string) => customerMessages(bed, id)[0]!.event.creation_utc
    const finished = (id: string) =>
      eventsOfSession(bed, id).find(
        (e) => e.kind === 'status' && e.data.data.stage === 'completed'
      )!.creation_utc
    expect(posted(x.sessionId) < finished(y.sessionId)).toBe(true)
    expect(posted(y.sessionId) < finished(x.sessionId)).toBe(true)
  })
})
