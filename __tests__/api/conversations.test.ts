/**
 * The conversation routes over real HTTP against the standalone host on each engine: listing the
 * caller's conversations (newest first, by cursor), reading one's messages from the Parlant
 * session (by `before`), ending one (session deleted, the key starts afresh), the transcript tool,
 * and another caller's conversations answered as missing.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConversationMessages } from '@/lib/parlant/api/contracts'
import { createUser, grant } from '@/host/directory'
import { type RunningHost, startHost } from '@/host/server'
import { api, createActiveAgent } from '../realtime/support'
import { createPostgresDatabase, ENGINES } from '../support/databases'

interface Listing {
  conversations: Array<{
    conversationKey: string
    customerId: string
    createdAt: string
    lastMessageAt: string
    preview: string | null
  }>
  nextCursor: string | null
}

async function call(url: string, key: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

describe.each(ENGINES)('conversation routes (%s)', (engine) => {
  let host: RunningHost
  let dropDb: (() => Promise<void>) | undefined
  let alice: string
  let aliceId: string
  let bob: string
  let agentToken: string
  let workspaceId: string
  let agentId: string
  let otherAgentId: string

  const base = () => `/api/parlant/agents/${agentId}/conversations`
  const ws = () => `workspaceId=${workspaceId}`
  const chat = (key: string, message: string, conversationKey: string) =>
    api<{ result: { sessionId: string; content: string } }>(
      host.url,
      key,
      'POST',
      `/api/parlant/agents/${agentId}/chat`,
      { workspaceId, message, conversationKey }
    )
  const list = (key: string, query = '') =>
    api<Listing>(host.url, key, 'GET', `${base()}?${ws()}${query}`)
  const messages = (key: string, conversationKey: string, query = '') =>
    api<ConversationMessages>(
      host.url,
      key,
      'GET',
      `${base()}/${encodeURIComponent(conversationKey)}/messages?${ws()}${query}`
    )

  beforeAll(async () => {
    const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
    dropDb = pg?.drop
    host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-conversations-')),
        DATABASE_URL: pg?.url,
        PORT: '0',
      },
    })
    alice = host.identity.apiKey
    aliceId = host.identity.userId
    workspaceId = host.identity.workspaceId
    const other = await createUser(host.database.db, {
      name: 'Bob',
      email: `bob-${engine}@example.test`,
    })
    await grant(host.database.db, other.id, workspaceId, 'write')
    bob = other.apiKey
    agentId = await createActiveAgent(host.url, alice, workspaceId, 'history-agent', [
      { condition: 'the customer says "order"', action: 'Your order ships tomorrow.' },
    ])
    otherAgentId = await createActiveAgent(host.url, alice, workspaceId, 'other-agent')
    agentToken = (
      await api<{ token: string }>(host.url, alice, 'POST', '/api/parlant/auth/token', {
        workspaceId,
        agentId,
      })
    ).token
  })
  afterAll(async () => {
    await host?.close()
    await dropDb?.()
  })

  it('lists the caller’s conversations newest first, a page at a time', async () => {
    await chat(alice, 'where is my order?', 'first')
    await chat(alice, 'hello there', 'first')
    await chat(alice, 'and my order?', 'second')
    await api(host.url, alice, 'POST', `/api/parlant/agents/${otherAgentId}/chat`, {
      workspaceId,
      message: 'elsewhere',
      conversationKey: 'on-the-other-agent',
    })

    const all = await list(alice)
    expect(all.conversations.map((c) => c.conversationKey)).toEqual(['second', 'first'])
    expect(all.nextCursor).toBeNull()
    const [second, first] = all.conversations
    expect(second).toMatchObject({
      customerId: `sim-user-${aliceId}`,
      preview: 'Your order ships tomorrow.',
    })
    expect(first?.preview).toBe('I received your message: "hello there"')
    expect(Date.parse(second?.lastMessageAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(first?.lastMessageAt ?? '')
    )
    expect(Date.parse(first?.lastMessageAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(first?.createdAt ?? '')
    )

    const page1 = await list(alice, '&limit=1')
    expect(page1.conversations.map((c) => c.conversationKey)).toEqual(['second'])
    expect(page1.nextCursor).toEqual(expect.any(String))
    const page2 = await list(alice, `&limit=1&cursor=${page1.nextCursor}`)
    expect(page2.conversations.map((c) => c.conversationKey)).toEqual(['first'])
    expect(page2.nextCursor).toBeNull()
  })

  it('reads a conversation’s messages in order from Parlant, older pages by `before`', async () => {
    const transcript = await messages(alice, 'first')
    expect(transcript.sessionId).toEqual(expect.any(String))
    expect(transcript.messages.map((m) => [m.source, m.text])).toEqual([
      ['customer', 'where is my order?'],
      ['ai_agent', 'Your order ships tomorrow.'],
      ['customer', 'hello there'],
      ['ai_agent', 'I received your message: "hello there"'],
    ])
    const offsets = transcript.messages.map((m) => m.offset)
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets)
    for (const message of transcript.messages) {
      expect(message.traceId).not.toBe('')
      expect(Number.isNaN(Date.parse(message.at))).toBe(false)
      expect(message.preamble).toBe(false)
    }
    // A customer message and the reply to it share the turn's trace id.
    expect(transcript.messages[0]?.traceId).toBe(transcript.messages[1]?.traceId)

    const latest = await messages(alice, 'first', '&limit=3')
    expect(latest.messages.map((m) => m.text)).toEqual(
      transcript.messages.slice(1).map((m) => m.text)
    )
    expect(latest.nextBefore).toBe(transcript.messages[1]?.offset)
    const older = await messages(alice, 'first', `&limit=3&before=${latest.nextBefore}`)
    expect(older.messages.map((m) => m.text)).toEqual(['where is my order?'])
    expect(older.nextBefore).toBeNull()
  })

  it('keeps another caller’s conversations invisible: another user, and an agent token', async () => {
    expect((await list(bob)).conversations).toEqual([])
    expect((await list(agentToken)).conversations).toEqual([])
    for (const key of [bob, agentToken]) {
      const read = await call(host.url, key, 'GET', `${base()}/first/messages?${ws()}`)
      expect(read).toEqual({
        status: 404,
        body: { error: 'Conversation not found', code: 'not_found' },
      })
      const end = await call(host.url, key, 'DELETE', `${base()}/first?${ws()}`)
      expect(end.status).toBe(404)
    }
    // The token's own machine conversation is the token's, and not Alice's.
    await chat(agentToken, 'from a bot', 'bot-thread')
    expect((await list(agentToken)).conversations.map((c) => c.conversationKey)).toEqual([
      'bot-thread',
    ])
    expect((await list(alice)).conversations.map((c) => c.conversationKey)).not.toContain(
      'bot-thread'
    )
    expect((await messages(agentToken, 'bot-thread')).messages).toHaveLength(2)
    // Alice's transcript is still whole.
    expect((await messages(alice, 'first')).messages).toHaveLength(4)
  })

  it('a token of another agent and a non-member see nothing', async () => {
    const otherToken = (
      await api<{ token: string }>(host.url, alice, 'POST', '/api/parlant/auth/token', {
        workspaceId,
        agentId: otherAgentId,
      })
    ).token
    expect((await call(host.url, otherToken, 'GET', `${base()}?${ws()}`)).status).toBe(403)
    const outsider = await createUser(host.database.db, {
      name: 'Eve',
      email: `eve-${engine}@example.test`,
    })
    expect((await call(host.url, outsider.apiKey, 'GET', `${base()}?${ws()}`)).status).toBe(404)
  })

  it('ends a conversation: its Parlant session is deleted and the key starts afresh', async () => {
    const before = await messages(alice, 'second')
    const sessionId = before.sessionId as string
    const ended = await api(host.url, alice, 'DELETE', `${base()}/second?${ws()}`)
    expect(ended).toEqual({ deleted: true, conversationKey: 'second' })
    const session = await fetch(`${host.parlantUrl}/sessions/${sessionId}`)
    expect(session.status).toBe(404)
    expect((await list(alice)).conversations.map((c) => c.conversationKey)).toEqual(['first'])
    expect((await call(host.url, alice, 'GET', `${base()}/second/messages?${ws()}`)).status).toBe(
      404
    )

    const again = await chat(alice, 'a new start', 'second')
    expect(again.result.sessionId).not.toBe(sessionId)
    const fresh = await messages(alice, 'second')
    expect(fresh.messages.map((m) => m.text)).toEqual([
      'a new start',
      'I received your message: "a new start"',
    ])
  })

  it('refuses to end a conversation while a reply is being produced', async () => {
    host.emulator!.control.setFaults({ turn: { latencyMs: { processing: 60_000 } } })
    try {
      const pending = call(host.url, alice, 'POST', `/api/parlant/agents/${agentId}/chat`, {
        workspaceId,
        message: 'slow one',
        conversationKey: 'busy',
        deadlineMs: 3000,
      })
      // The message is posted once the turn holds the conversation.
      while (
        !host
          .emulator!.control.createdEvents()
          .some((e) => e.event.kind === 'message' && e.event.data.message === 'slow one')
      )
        await new Promise((r) => setTimeout(r, 10))
      const refused = await call(host.url, alice, 'DELETE', `${base()}/busy?${ws()}`)
      expect(refused).toMatchObject({ status: 409, body: { code: 'turn_in_progress' } })
      expect((await pending).body).toMatchObject({ code: 'turn_deadline_exceeded' })
    } finally {
      host.emulator!.control.clearFaults()
    }
    // Once the turn is over the conversation can be ended.
    expect((await call(host.url, alice, 'DELETE', `${base()}/busy?${ws()}`)).status).toBe(200)
  })

  it('answers 400 naming the field for a bad page size or cursor', async () => {
    const zero = await call(host.url, alice, 'GET', `${base()}?${ws()}&limit=0`)
    expect(zero.status).toBe(400)
    expect(zero.body).toMatchObject({ details: [{ field: 'limit' }] })
    const cursor = await call(host.url, alice, 'GET', `${base()}?${ws()}&cursor=not-a-cursor`)
    expect(cursor).toMatchObject({ status: 400, body: { details: [{ field: 'cursor' }] } })
    const before = await call(host.url, alice, 'GET', `${base()}/first/messages?${ws()}&before=-1`)
    expect(before).toMatchObject({ status: 400, body: { details: [{ field: 'before' }] } })
  })

  it('the transcript tool returns the conversation as the block reads it', async () => {
    const tool = await api<{ success: true; output: ConversationMessages & { count: number } }>(
      host.url,
      alice,
      'POST',
      '/api/tools/parlant/conversation',
      { _context: { workspaceId }, agentId, conversationKey: 'first', limit: 2 }
    )
    expect(tool.success).toBe(true)
    expect(tool.output.count).toBe(2)
    expect(tool.output.messages.map((m) => m.source)).toEqual(['customer', 'ai_agent'])
    expect(tool.output.nextBefore).toEqual(expect.any(Number))
    // A workflow run reads its own conversation: chat and the tool default to the same key.
    await api(host.url, alice, 'POST', '/api/tools/parlant/chat', {
      _context: { workspaceId },
      agentId,
      message: 'from a workflow',
      executionId: 'exec-7',
    })
    const own = await api<{ output: ConversationMessages }>(
      host.url,
      alice,
      'POST',
      '/api/tools/parlant/conversation',
      { _context: { workspaceId }, agentId, executionId: 'exec-7' }
    )
    expect(own.output.conversationKey).toBe('exec:exec-7')
    expect(own.output.messages[0]?.text).toBe('from a workflow')
  })
})
