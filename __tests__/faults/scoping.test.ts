/**
 * Issue 12 §2 and §3 over HTTP on both engines: only a retry of the same tool call is
 * deduplicated; an idempotency key reused for another request is a 409; conversation and
 * idempotency keys belong to their caller (a user: `user:<id>`; an agent token: `token:<id>`);
 * a conversation's customer is fixed at creation; caller-given customer ids live in the
 * workspace's own namespace.
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mintInternalToken } from '@/host/auth'
import { createUser, createWorkspace, grant } from '@/host/directory'
import { executeTool } from '@/host/executor'
import { ENGINES } from '../support/databases'
import { customerMessages, type FaultHost, startFaultHost } from './support'

interface Turn {
  traceId: string
  sessionId: string
  content: string
}

describe.each(ENGINES)('keys, callers and customers on %s', (engine) => {
  let f: FaultHost
  let agentId = ''
  let pid = ''
  let executor = ''
  let agentToken = ''
  let otherUserKey = ''
  let otherUserId = ''
  let outsiderKey = ''
  let outsiderWorkspace = ''
  let outsiderAgent = ''

  beforeAll(async () => {
    f = await startFaultHost(engine)
    const db = f.host.database.db
    const lifecycle = f.host.bridge.lifecycle
    const agent = await lifecycle.create(f.workspaceId, null, {
      name: 'keys',
      guidelines: [{ condition: 'something else', action: 'Something else, then.' }],
    })
    agentId = agent.id
    pid = (await lifecycle.start(f.workspaceId, agentId)).parlantAgentId as string
    executor = mintInternalToken(f.host.internalSecret, f.host.identity.userId)
    agentToken = (
      await f.host.bridge.tokens.issue({
        workspaceId: f.workspaceId,
        agentId,
        createdBy: f.host.identity.userId,
      })
    ).token
    const other = await createUser(db, { name: 'Bo', email: `bo-${engine}@x.test` })
    await grant(db, other.id, f.workspaceId, 'write')
    otherUserKey = other.apiKey
    otherUserId = other.id
    const outsider = await createUser(db, { name: 'Out', email: `out-${engine}@x.test` })
    outsiderKey = outsider.apiKey
    outsiderWorkspace = (await createWorkspace(db, { name: 'Elsewhere', ownerId: outsider.id })).id
    outsiderAgent = (await lifecycle.create(outsiderWorkspace, outsider.id, { name: 'theirs' })).id
    await lifecycle.start(outsiderWorkspace, outsiderAgent)
  })
  afterAll(async () => {
    await f?.close()
  })

  const chat = async (bearer: string, body: Record<string, unknown>, agent = agentId) =>
    f.call('POST', `/api/parlant/agents/${agent}/chat`, bearer, {
      workspaceId: f.workspaceId,
      ...body,
    })
  const turnOf = (answer: { body: Record<string, unknown> }) => answer.body.result as Turn
  const sent = (message: string) =>
    customerMessages(f.emulator, pid).filter((m) => m === message).length

  it('three tool calls of one execution ("yes", "something else", "yes") are three sends', async () => {
    const call = (message: string) =>
      f.call('POST', '/api/tools/parlant/chat', executor, {
        _context: { workspaceId: f.workspaceId },
        agentId,
        message,
        conversationKey: 'loop',
        executionId: 'exec-loop',
      })
    const answers = []
    for (const message of ['yes', 'something else', 'yes']) answers.push(await call(message))
    const traces = answers.map((a) => (a.body.output as Turn).traceId)
    expect(new Set(traces).size).toBe(3)
    const third = answers[2] as { body: Record<string, unknown> }
    expect((third.body.output as Turn).content).toBe('I received your message: "yes"')
    expect(sent('yes')).toBe(2)
  })

  it('the same tool, run by the executor in a loop, sends every iteration; a resent call once', async () => {
    const context = {
      baseUrl: f.host.url,
      internalSecret: f.host.internalSecret,
      userId: f.host.identity.userId,
      workspaceId: f.workspaceId,
      executionId: 'exec-executor',
    }
    const params = { agentId, message: 'again?', conversationKey: 'executor-loop' }
    for (let i = 0; i < 2; i++) {
      const result = await executeTool('parlant_chat', params, context)
      expect(result.success, result.error).toBe(true)
    }
    expect(sent('again?')).toBe(2)
    // A transport retry resends the very body the tool built once: one send.
    const resend = {
      _context: { workspaceId: f.workspaceId },
      agentId,
      message: 'resent',
      conversationKey: 'executor-loop',
      executionId: 'exec-executor',
      callId: 'one-call',
    }
    const a = await f.call('POST', '/api/tools/parlant/chat', executor, resend)
    const b = await f.call('POST', '/api/tools/parlant/chat', executor, resend)
    expect((b.body.output as Turn).traceId).toBe((a.body.output as Turn).traceId)
    expect(sent('resent')).toBe(1)
  })

  it('an idempotency key reused for a different request → 409 naming idempotencyKey, nothing posted', async () => {
    const first = await chat(f.adminKey, {
      message: 'first',
      conversationKey: 'c',
      idempotencyKey: 'k1',
    })
    expect(first.status).toBe(200)
    const again = await chat(f.adminKey, {
      message: 'first',
      conversationKey: 'c',
      idempotencyKey: 'k1',
    })
    expect(turnOf(again).traceId).toBe(turnOf(first).traceId)
    const before = await f.counts()
    const reused = await chat(f.adminKey, {
      message: 'second',
      conversationKey: 'c',
      idempotencyKey: 'k1',
    })
    expect(reused.status).toBe(409)
    expect(reused.body).toMatchObject({
      code: 'idempotency_conflict',
      details: [{ field: 'idempotencyKey', message: 'was already used with a different request' }],
    })
    expect(sent('second')).toBe(0)
    expect(await f.counts()).toEqual(before)
  })

  it("another caller's conversation and idempotency keys neither return the cached reply nor write into it", async () => {
    const mine = await chat(f.adminKey, {
      message: 'private',
      conversationKey: 'shared-key',
      idempotencyKey: 'shared-idem',
    })
    expect(mine.status).toBe(200)
    const myDefault = await chat(f.adminKey, { message: 'default mine' })
    const callers = [
      ['agent token', agentToken],
      ['another user', otherUserKey],
    ] as const
    for (const [who, bearer] of callers) {
      const theirs = await chat(bearer, {
        message: 'private',
        conversationKey: 'shared-key',
        idempotencyKey: 'shared-idem',
      })
      expect(theirs.status, who).toBe(200)
      expect(turnOf(theirs).traceId, who).not.toBe(turnOf(mine).traceId)
      expect(turnOf(theirs).sessionId, who).not.toBe(turnOf(mine).sessionId)
      // Naming the admin's default conversation key reaches the caller's own conversation.
      const intoDefault = await chat(bearer, {
        message: `${who} was here`,
        conversationKey: `api:user:${f.host.identity.userId}`,
      })
      expect(turnOf(intoDefault).sessionId, who).not.toBe(turnOf(myDefault).sessionId)
    }
    expect(sent('private')).toBe(3)
    const rows = await f.host.database.db.execute(
      sql`select caller_key from agent_conversations where conversation_key = 'shared-key' order by caller_key`
    )
    expect(
      (rows as unknown as { rows: Array<{ caller_key: string }> }).rows.map((r) => r.caller_key)
    ).toEqual(
      expect.arrayContaining([
        `user:${f.host.identity.userId}`,
        `user:${otherUserId}`,
        expect.stringMatching(/^token:/),
      ])
    )
    // And the conversations listing of each caller shows only its own.
    const listed = await f.call(
      'GET',
      `/api/parlant/agents/${agentId}/conversations?workspaceId=${f.workspaceId}`,
      agentToken
    )
    const keys = (listed.body.conversations as Array<{ conversationKey: string }>).map(
      (c) => c.conversationKey
    )
    expect(keys.sort()).toEqual([`api:user:${f.host.identity.userId}`, 'shared-key'].sort())
  })

  it("a conversation's customer is fixed: another customerId → 409 naming it, nothing posted", async () => {
    const alice = await chat(f.adminKey, {
      message: 'hi, Alice here',
      conversationKey: 'desk',
      customerId: 'alice',
    })
    expect(alice.status).toBe(200)
    const before = await f.counts()
    const bob = await chat(f.adminKey, {
      message: 'Bob here',
      conversationKey: 'desk',
      customerId: 'bob',
    })
    expect(bob.status).toBe(409)
    expect(bob.body).toMatchObject({
      code: 'conflict',
      details: [
        {
          field: 'customerId',
          message: 'differs from the customer this conversation was started with',
        },
      ],
    })
    expect(sent('Bob here')).toBe(0)
    expect(await f.counts()).toEqual(before)
    // Same customer, or none named: the conversation goes on as Alice's.
    expect(
      (
        await chat(f.adminKey, {
          message: 'still me',
          conversationKey: 'desk',
          customerId: 'alice',
        })
      ).status
    ).toBe(200)
    expect((await chat(f.adminKey, { message: 'me again', conversationKey: 'desk' })).status).toBe(
      200
    )
    const session = f.emulator.control.store.sessions.get(turnOf(alice).sessionId)
    expect(session?.dto.customer_id).toBe(`ws-${f.workspaceId}-alice`)
    // Listed with the customer id as the caller gave it.
    const listed = await f.call(
      'GET',
      `/api/parlant/agents/${agentId}/conversations?workspaceId=${f.workspaceId}`,
      f.adminKey
    )
    const desk = (
      listed.body.conversations as Array<{ conversationKey: string; customerId: string }>
    ).find((c) => c.conversationKey === 'desk')
    expect(desk?.customerId).toBe('alice')
  })

  it("another workspace cannot attach its chats to a user's Parlant customer", async () => {
    const mine = await chat(f.adminKey, { message: 'as myself', conversationKey: 'self' })
    const myCustomer = f.emulator.control.store.sessions.get(turnOf(mine).sessionId)?.dto
      .customer_id
    expect(myCustomer).toBe(`sim-user-${f.host.identity.userId}`)
    const hijack = await f.call('POST', `/api/parlant/agents/${outsiderAgent}/chat`, outsiderKey, {
      workspaceId: outsiderWorkspace,
      message: 'pretending',
      customerId: `sim-user-${f.host.identity.userId}`,
    })
    expect(hijack.status).toBe(200)
    const used = f.emulator.control.store.sessions.get(turnOf(hijack).sessionId)?.dto.customer_id
    expect(used).toBe(`ws-${outsiderWorkspace}-sim-user-${f.host.identity.userId}`)
    expect(used).not.toBe(myCustomer)
  })
})
