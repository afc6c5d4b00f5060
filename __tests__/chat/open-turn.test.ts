/**
 * Opening a turn, on both database engines: a new key's ledger row and a free lease are one
 * statement with no re-read; every other case (a duplicate, a busy lease, a reused key) waits and
 * re-reads as before, and a local waiter keeps its place in the node's queue.
 */

import { createLogger } from '@sim/logger'
import { generateRandomHex } from '@sim/utils/random'
import { eq } from 'drizzle-orm'
import { createChatService } from '@/lib/parlant/chat'
import { createLeaseManager } from '@/lib/parlant/chat/lease'
import { createTurnTakingLease, openOnConversation } from '@/lib/parlant/chat/turn-with-lease'
import { agentChatTurns, agentConversations, workspaceAgents } from '@/lib/parlant/db/schema'
import { activeAgentOf } from '@/lib/parlant/lifecycle/active-agent'
import type { ChatTurnResult } from '@/lib/parlant/schemas'
import {
  createTestDatabase,
  ENGINES,
  loggingDatabase,
  type TestDatabase,
} from '../support/databases'
import { type Bed, createBed, FAST, provisionAgent, recordingHost } from './support'

describe.each(ENGINES)('opening a turn on %s', (engine) => {
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
  })

  function customerMessages(text?: string) {
    return bed.emulator.control
      .createdEvents()
      .filter((e) => e.event.kind === 'message' && e.event.source === 'customer')
      .filter((e) => text === undefined || (e.event.data as { message?: string }).message === text)
  }

  async function agentWithConversation(name: string) {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, { name })
    const conversationKey = `conv-${generateRandomHex(8)}`
    const request = (message: string, idempotencyKey?: string) => ({
      workspaceId: bed.workspaceId,
      agentId: agent.agentId,
      userId: bed.user.id,
      message,
      conversationKey,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    })
    await bed.chat.send(request('hello'))
    const [conversation] = await database.db
      .select()
      .from(agentConversations)
      .where(eq(agentConversations.conversationKey, conversationKey))
    return { agent, conversation: conversation!, request }
  }

  function setLease(conversationId: string, owner: string | null) {
    return database.db
      .update(agentConversations)
      .set({ leaseOwner: owner, leaseExpiresAt: owner ? new Date(Date.now() + 60_000) : null })
      .where(eq(agentConversations.id, conversationId))
  }

  function turnsOf(conversationId: string) {
    return database.db
      .select()
      .from(agentChatTurns)
      .where(eq(agentChatTurns.conversationId, conversationId))
  }

  it('opens a turn on an existing conversation in one statement (agent, conversation, row, lease) and does not re-read the row', async () => {
    const { conversation, request } = await agentWithConversation('fused')
    const statements: string[] = []
    const db = loggingDatabase(database, (query) => statements.push(query))
    const chat = createChatService({
      host: recordingHost(db, []),
      parlant: bed.parlant,
      nodeId: 'node-logged',
      defaults: FAST,
    })
    const result = await chat.send(request('second', 'fused-key'))
    expect(result.content).toBe('I received your message: "second"')

    const turnStatements = statements.filter((s) => s.includes('"agent_chat_turns"'))
    // A slow turn records its posted event with its first mid-turn cursor write, a second in.
    const postedWrites = statements.filter((s) => s.startsWith('with "posted" as')).length
    // The opening and the settle (which records the posted event): no separate read, insert,
    // take, re-read or posted-event write.
    expect(turnStatements).toHaveLength(2 + postedWrites)
    const opening = turnStatements[0]!
    expect(statements.indexOf(opening)).toBe(0)
    expect(opening).toMatch(/^with "agent" as \(select .* from "workspace_agents"/)
    expect(opening).toMatch(
      /"conversation" as \(select .* from "agent_conversations" where .*"caller_key"/
    )
    expect(opening).toMatch(/"created_turn" as \(insert into "agent_chat_turns"/)
    expect(opening).toMatch(/update "agent_conversations" set "lease_owner"/)
    expect(statements.filter((s) => s.includes('set "lease_owner"'))).toHaveLength(1)
    // The opening and the settle (a slow turn may add a mid-turn cursor write, a second in; it is
    // not part of the opening). No turn re-reads its agent: stops made on another node reach it
    // through the node's agent watch (lifecycle/turn-signals.ts).
    const cursorWrites = statements.filter((s) =>
      s.startsWith('update "agent_conversations" set "event_cursor"')
    ).length
    expect(statements.filter((s) => s.includes('"workspace_agents"'))).toHaveLength(1)
    expect(statements.length - cursorWrites - postedWrites).toBe(2)

    const [row] = await turnsOf(conversation.id).then((rows) =>
      rows.filter((r) => r.idempotencyKey === 'fused-key')
    )
    // The settle recorded the posted event the turn did not write on its own.
    expect(row).toMatchObject({ status: 'completed', traceId: result.traceId })
    expect(row?.parlantEventId).toEqual(expect.any(String))
    expect(row?.parlantEventOffset).toEqual(expect.any(Number))
    const [after] = await database.db
      .select()
      .from(agentConversations)
      .where(eq(agentConversations.id, conversation.id))
    expect(after).toMatchObject({ leaseOwner: null, leaseExpiresAt: null })
  })

  async function rowsOf(conversationId: string) {
    const [conversation] = await database.db
      .select()
      .from(agentConversations)
      .where(eq(agentConversations.id, conversationId))
    return { conversation, turns: await turnsOf(conversationId) }
  }

  it('writes a turn in the one statement exactly when activeAgentOf lets the agent take it (every case)', async () => {
    const { agent, conversation } = await agentWithConversation('rule')
    const [original] = await database.db
      .select()
      .from(workspaceAgents)
      .where(eq(workspaceAgents.id, agent.agentId))
    const statuses = ['inactive', 'starting', 'active', 'stopping', 'error'] as const
    const customers = [null, conversation.parlantCustomerId, 'ws-other-customer']
    // All 60 cases, not a sample: the rule is small enough to check whole.
    const cases = statuses.flatMap((status) =>
      [true, false].flatMap((provisioned) =>
        [true, false].flatMap((ownWorkspace) =>
          customers.map((expectedCustomerId) => ({
            status,
            provisioned,
            ownWorkspace,
            expectedCustomerId,
          }))
        )
      )
    )
    let n = 0
    for (const { status, provisioned, ownWorkspace, expectedCustomerId } of cases) {
      await database.db
        .update(workspaceAgents)
        .set({ status, parlantAgentId: provisioned ? original!.parlantAgentId : null })
        .where(eq(workspaceAgents.id, agent.agentId))
      const workspaceId = ownWorkspace ? bed.workspaceId : 'ws-elsewhere'
      const opened = await openOnConversation(
        database.db,
        {
          workspaceId,
          agentId: agent.agentId,
          callerKey: conversation.callerKey,
          conversationKey: conversation.conversationKey,
          idempotencyKey: `rule-${n++}`,
          requestHash: 'hash',
          userId: bed.user.id,
          expectedCustomerId,
        },
        { owner: 'node-rule:1', ttlSeconds: 30 }
      )
      let takes = true
      try {
        activeAgentOf(opened.agent, workspaceId)
      } catch {
        takes = false
      }
      const sameCustomer =
        expectedCustomerId === null || expectedCustomerId === conversation.parlantCustomerId
      expect(opened.created !== undefined).toBe(takes && sameCustomer)
      expect(opened.taken !== undefined).toBe(takes && sameCustomer)
      // The conversation is read only within the caller's workspace.
      expect(opened.conversation?.id).toBe(ownWorkspace ? conversation.id : undefined)
      if (opened.taken) await setLease(conversation.id, null)
    }
    await database.db
      .update(workspaceAgents)
      .set({ status: original!.status, parlantAgentId: original!.parlantAgentId })
      .where(eq(workspaceAgents.id, agent.agentId))
  })

  it('refuses a send on an existing conversation of a stopped agent, or from another workspace, and writes nothing', async () => {
    const { agent, conversation, request } = await agentWithConversation('refused')
    const before = await rowsOf(conversation.id)
    const elsewhere = await bed.chat
      .send({ ...request('from elsewhere', 'refused-1'), workspaceId: 'ws-elsewhere' })
      .catch((e: unknown) => e)
    expect(elsewhere).toMatchObject({ code: 'not_found' })
    await database.db
      .update(workspaceAgents)
      .set({ status: 'inactive' })
      .where(eq(workspaceAgents.id, agent.agentId))
    try {
      const stopped = await bed.chat.send(request('stopped', 'refused-2')).catch((e: unknown) => e)
      expect(stopped).toMatchObject({ code: 'agent_not_active' })
      expect(await rowsOf(conversation.id)).toEqual(before)
      expect(customerMessages('stopped')).toEqual([])
      expect(customerMessages('from elsewhere')).toEqual([])
    } finally {
      await database.db
        .update(workspaceAgents)
        .set({ status: 'active' })
        .where(eq(workspaceAgents.id, agent.agentId))
    }
  })

  it('gives two concurrent sends of one key, on one node and on two, one post and one result', async () => {
    const { request } = await agentWithConversation('twice')
    const other = createChatService({
      host: recordingHost(database.db, []),
      parlant: bed.parlant,
      nodeId: 'node-other',
      defaults: FAST,
    })
    const local = request('same node', 'twice-local')
    const [a, b, c] = await Promise.all([
      bed.chat.send(local),
      bed.chat.send(local),
      bed.chat.send(local),
    ])
    expect(b).toEqual(a)
    expect(c).toEqual(a)
    expect(customerMessages('same node')).toHaveLength(1)

    const across = request('two nodes', 'twice-across')
    const [x, y] = await Promise.all([bed.chat.send(across), other.send(across)])
    expect(y).toEqual(x)
    expect(customerMessages('two nodes')).toHaveLength(1)
  })

  it('waits for a lease another owner holds, then returns the result it recorded', async () => {
    const { conversation, request } = await agentWithConversation('waits')
    // Another node opened this key's turn and holds the lease while it runs.
    const [turn] = await database.db
      .insert(agentChatTurns)
      .values({
        id: `turn-${generateRandomHex(8)}`,
        workspaceId: bed.workspaceId,
        conversationId: conversation.id,
        idempotencyKey: 'held-key',
        requestHash: null,
        bridgeMessageId: `msg-${generateRandomHex(8)}`,
      })
      .returning()
    await setLease(conversation.id, 'node-elsewhere:1')
    let settled = false
    const waiting = bed.chat.send(request('held', 'held-key')).finally(() => {
      settled = true
    })
    await new Promise((r) => setTimeout(r, 150))
    expect(settled).toBe(false)

    const recorded: ChatTurnResult = {
      content: 'recorded elsewhere',
      outcome: 'replied',
      messages: [],
      preambles: [],
      toolCalls: [],
      matchedGuidelines: [],
      agentId: request('').agentId,
      sessionId: conversation.parlantSessionId!,
      conversationKey: request('').conversationKey,
      sessionRenewed: false,
      traceId: 'trace-elsewhere',
      timing: { startedAt: '', completedAt: '', durationMs: 0 },
    }
    await database.db
      .update(agentChatTurns)
      .set({ status: 'completed', result: recorded })
      .where(eq(agentChatTurns.id, turn!.id))
    await setLease(conversation.id, null)
    expect(await waiting).toEqual(recorded)
    expect(customerMessages('held')).toEqual([])
  })

  it('runs a new key whose lease is busy once the holder lets go (row created, lease not taken)', async () => {
    const { conversation, request } = await agentWithConversation('busy')
    await setLease(conversation.id, 'node-elsewhere:2')
    const running = bed.chat.send(request('after the holder', 'busy-key'))
    await vi.waitFor(async () => {
      const rows = await turnsOf(conversation.id)
      expect(rows.some((r) => r.idempotencyKey === 'busy-key')).toBe(true)
    })
    await new Promise((r) => setTimeout(r, 100))
    expect(customerMessages('after the holder')).toEqual([])
    await setLease(conversation.id, null)
    expect((await running).content).toBe('I received your message: "after the holder"')
    expect(customerMessages('after the holder')).toHaveLength(1)
  })

  it('refuses a key reused for another message with 409 and writes nothing', async () => {
    const { conversation, request } = await agentWithConversation('conflict')
    await bed.chat.send(request('first use', 'reused-key'))
    const turnsBefore = await turnsOf(conversation.id)
    const [before] = await database.db
      .select()
      .from(agentConversations)
      .where(eq(agentConversations.id, conversation.id))
    const error = await bed.chat.send(request('second use', 'reused-key')).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'idempotency_conflict' })
    expect(await turnsOf(conversation.id)).toEqual(turnsBefore)
    const [after] = await database.db
      .select()
      .from(agentConversations)
      .where(eq(agentConversations.id, conversation.id))
    expect(after).toEqual(before)
    expect(customerMessages('second use')).toEqual([])
  })

  it('takes the lease only with a row it creates, and leaves a local waiter its place', async () => {
    const { conversation } = await agentWithConversation('queue')
    const leases = createLeaseManager({
      db: database.db,
      nodeId: 'node-queue',
      ttlMs: 2_000,
      retryMs: 20,
      logger: createLogger('lease-test'),
    })
    const name = {
      agentId: conversation.workspaceAgentId,
      callerKey: conversation.callerKey,
      conversationKey: conversation.conversationKey,
    }
    const key = (idempotencyKey: string) => ({
      workspaceId: bed.workspaceId,
      conversationId: conversation.id,
      idempotencyKey,
      requestHash: 'hash',
      userId: bed.user.id,
    })
    const take = (idempotencyKey: string) => (lease: { owner: string; ttlSeconds: number }) =>
      createTurnTakingLease(database.db, key(idempotencyKey), lease).then(({ created, taken }) => ({
        value: created,
        conversation: taken,
      }))

    const first = await leases.attempt(bed.workspaceId, name, take('q-1'))
    const [firstRow] = await database.db
      .select()
      .from(agentChatTurns)
      .where(eq(agentChatTurns.id, first!.value!.id))
    expect(firstRow?.idempotencyKey).toBe('q-1')
    expect(first?.lease?.conversation.id).toBe(conversation.id)
    const [leased] = await database.db
      .select()
      .from(agentConversations)
      .where(eq(agentConversations.id, conversation.id))
    expect(leased?.leaseOwner).toBe(first?.lease?.owner)
    // Held by this node: the next one queues behind it without touching the database.
    let ran = false
    const queued = await leases.attempt(bed.workspaceId, name, async (lease) => {
      ran = true
      return take('q-2')(lease)
    })
    expect(queued).toBeUndefined()
    expect(ran).toBe(false)
    await first!.lease!.release()

    // An existing key takes nothing.
    const again = await leases.attempt(bed.workspaceId, name, take('q-1'))
    expect(again).toEqual({ value: undefined, lease: null })
    const [row] = await database.db
      .select()
      .from(agentConversations)
      .where(eq(agentConversations.id, conversation.id))
    expect(row).toMatchObject({ leaseOwner: null })
    // The queue is empty again: a fresh key gets the fused take.
    const next = await leases.attempt(bed.workspaceId, name, take('q-3'))
    expect(next?.lease).not.toBeNull()
    next!.lease!.forget()
  })
})
