/**
 * Real socket.io clients against the standalone host, on both engines: who may watch an agent's
 * room, what they receive, and eviction when access is revoked.
 */

import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import { sleep } from '@sim/utils/helpers'
import { and, eq, isNull } from 'drizzle-orm'
import type { Socket } from 'socket.io-client'
import { agentSessions } from '@/lib/parlant/db/schema'
import { PARLANT_EVENTS } from '@/lib/parlant/realtime/events'
import { createUser, createWorkspace, grant, revoke } from '@/host/directory'
import { type RunningHost, startHost } from '@/host/server'
import { createPostgresDatabase, ENGINES } from '../support/databases'
import { api, connect, createActiveAgent, join, next, record, socketToken } from './support'

const GREETING = { condition: 'the customer says "hello"', action: 'Hello from the bridge!' }

describe.each(ENGINES)('realtime on the standalone host (%s)', (engine) => {
  let host: RunningHost
  let dropDb: (() => Promise<void>) | undefined
  let ownerKey: string
  let workspaceId: string
  let agentId: string
  let bob: { id: string; apiKey: string }
  let carol: { id: string; apiKey: string }
  let carolWorkspace: string
  let carolAgent: string
  const sockets: Socket[] = []

  const chat = (message: string, conversationKey = 'rt') =>
    api<{ result: { content: string } }>(
      host.url,
      ownerKey,
      'POST',
      `/api/parlant/agents/${agentId}/chat`,
      {
        workspaceId,
        message,
        conversationKey,
      }
    )

  async function socketFor(key: string) {
    const socket = await connect(host.url, await socketToken(host.url, key))
    sockets.push(socket)
    return socket
  }

  beforeAll(async () => {
    const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
    dropDb = pg?.drop
    host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(joinPath(tmpdir(), 'bridge-rt-')),
        DATABASE_URL: pg?.url,
        PORT: '0',
        PARLANT_SOCKET_REVALIDATE_MS: '100',
      },
    })
    ownerKey = host.identity.apiKey
    workspaceId = host.identity.workspaceId
    const db = host.database.db
    bob = await createUser(db, { name: 'Bob', email: 'bob@example.com' })
    await grant(db, bob.id, workspaceId, 'read')
    carol = await createUser(db, { name: 'Carol', email: 'carol@example.com' })
    carolWorkspace = (await createWorkspace(db, { name: 'Carol WS', ownerId: carol.id })).id
    agentId = await createActiveAgent(host.url, ownerKey, workspaceId, 'greeter', [GREETING])
    carolAgent = await createActiveAgent(host.url, carol.apiKey, carolWorkspace, 'carols')
  })
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    await host?.close()
    await dropDb?.()
  })

  it("delivers status events to every member, chat events and turn results only to the conversation's caller", async () => {
    const socket = await socketFor(bob.apiKey)
    const owner = await socketFor(ownerKey)
    const received = record(socket)
    const mine = record(owner)
    expect(await join(socket, { workspaceId, agentId })).toEqual({ ok: true })
    expect(await join(owner, { workspaceId, agentId })).toEqual({ ok: true })

    const done = next(owner, PARLANT_EVENTS.turnComplete)
    const { result } = await chat('hello there')
    expect(result.content).toBe('Hello from the bridge!')
    await done
    const stopped = next(socket, PARLANT_EVENTS.status, (p) => p.status === 'inactive')
    await api(host.url, ownerKey, 'POST', `/api/parlant/agents/${agentId}/stop`, { workspaceId })
    await stopped
    await api(host.url, ownerKey, 'POST', `/api/parlant/agents/${agentId}/start`, { workspaceId })

    const chatEvents = mine.filter((r) => r.event === PARLANT_EVENTS.chatEvent)
    const offsets = chatEvents.map((r) => r.payload.offset as number)
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b))
    expect(chatEvents.map((r) => r.payload.status ?? r.payload.source)).toEqual([
      'customer',
      'acknowledged',
      'processing',
      'typing',
      'ai_agent',
      'ready',
    ])
    expect(
      chatEvents.find((r) => r.payload.kind === 'message' && r.payload.source === 'ai_agent')
        ?.payload.text
    ).toBe('Hello from the bridge!')
    const order = mine.map((r) => r.event)
    const completeAt = order.indexOf(PARLANT_EVENTS.turnComplete)
    expect(completeAt).toBeGreaterThan(order.lastIndexOf(PARLANT_EVENTS.chatEvent))
    expect(order.indexOf(PARLANT_EVENTS.status)).toBeGreaterThan(completeAt)
    // Bob, a reader, sees the agent's status but none of the owner's chat (as over HTTP: 404).
    const statuses = received
      .filter((r) => r.event === PARLANT_EVENTS.status)
      .map((r) => r.payload.status)
    expect(statuses.slice(0, 2)).toEqual(['stopping', 'inactive'])
    expect(received.map((r) => r.event)).not.toContain(PARLANT_EVENTS.chatEvent)
    expect(received.map((r) => r.event)).not.toContain(PARLANT_EVENTS.turnComplete)
    expect(JSON.stringify(received)).not.toContain('hello there')

    const open = await host.database.db
      .select()
      .from(agentSessions)
      .where(and(eq(agentSessions.socketId, socket.id ?? ''), isNull(agentSessions.endedAt)))
    expect(open).toHaveLength(1)
    expect(open[0]).toMatchObject({
      userId: bob.id,
      nodeId: host.nodeId,
      workspaceAgentId: agentId,
    })

    // Disconnecting ends the presence row.
    const socketId = socket.id ?? ''
    socket.close()
    for (;;) {
      const [row] = await host.database.db
        .select()
        .from(agentSessions)
        .where(eq(agentSessions.socketId, socketId))
      if (row?.endedAt) break
      await sleep(20)
    }
  })

  it('refuses anonymous sockets and forged or reused one-time tokens', async () => {
    await expect(connect(host.url)).rejects.toThrow(/Authentication required/)
    await expect(connect(host.url, 'sim_sock.eyJzdWIiOiJ4In0.forged')).rejects.toThrow(/Invalid/)
    await expect(connect(host.url, host.identity.apiKey)).rejects.toThrow(/Invalid/)
    const token = await socketToken(host.url, bob.apiKey)
    const first = await connect(host.url, token)
    sockets.push(first)
    await expect(connect(host.url, token)).rejects.toThrow(/Invalid/)
    const anonymousMint = await fetch(`${host.url}/api/auth/socket-token`, { method: 'POST' })
    expect(anonymousMint.status).toBe(401)

    // Minting is rate limited per user (a burst of 30, as Sim's route).
    const eager = await createUser(host.database.db, { name: 'Eve', email: 'eve@example.com' })
    const statuses: number[] = []
    for (let i = 0; i < 31; i++) {
      const response = await fetch(`${host.url}/api/auth/socket-token`, {
        method: 'POST',
        headers: { authorization: `Bearer ${eager.apiKey}` },
      })
      statuses.push(response.status)
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0)
  })

  it('refuses members of another workspace, foreign agents and malformed joins alike', async () => {
    const outsider = await socketFor(carol.apiKey)
    const outsiderJoin = await join(outsider, { workspaceId, agentId })
    expect(outsiderJoin).toMatchObject({ ok: false, error: { code: 'not_found', agentId } })

    const member = await socketFor(bob.apiKey)
    // Carol's agent named under Bob's workspace, and under Carol's: both look missing.
    const viaOwn = await join(member, { workspaceId, agentId: carolAgent })
    const viaTheirs = await join(member, { workspaceId: carolWorkspace, agentId: carolAgent })
    expect(viaOwn).toMatchObject({ ok: false, error: { code: 'not_found', retryable: false } })
    expect(viaTheirs).toMatchObject({ ok: false, error: { code: 'not_found' } })
    if (!viaOwn.ok && !viaTheirs.ok) expect(viaTheirs.error.error).toBe(viaOwn.error.error)

    const malformed = await join(member, { workspaceId, agentId: 'bad:id' })
    expect(malformed).toMatchObject({ ok: false, error: { code: 'validation_error' } })
    expect(malformed.ok ? '' : String(malformed.error.error)).toMatch(/agentId/)

    // Neither receives the agent's events.
    const heard = [...record(outsider), ...record(member)]
    const watcher = await socketFor(ownerKey)
    await join(watcher, { workspaceId, agentId })
    const done = next(watcher, PARLANT_EVENTS.turnComplete)
    await chat('hello again', 'refusals')
    await done
    expect(heard.filter((h) => h.event === PARLANT_EVENTS.chatEvent)).toEqual([])
  })

  it('lets an agent token watch its own agent only', async () => {
    const { token } = await api<{ token: string }>(
      host.url,
      ownerKey,
      'POST',
      '/api/parlant/auth/token',
      {
        workspaceId,
        agentId,
      }
    )
    const socket = await connect(host.url, token)
    sockets.push(socket)
    expect(await join(socket, { workspaceId, agentId })).toEqual({ ok: true })
    expect(await join(socket, { workspaceId: carolWorkspace, agentId: carolAgent })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    })
    await expect(connect(host.url, 'plnt_not-a-real-token')).rejects.toThrow(/Invalid/)

    // The token hears its own chats; the owner's chat and the token's stay apart.
    const owner = await socketFor(ownerKey)
    expect(await join(owner, { workspaceId, agentId })).toEqual({ ok: true })
    const tokenHeard = record(socket)
    const ownerHeard = record(owner)
    const ownerDone = next(owner, PARLANT_EVENTS.turnComplete)
    await chat('hello, owner here', 'token-apart')
    await ownerDone
    const tokenDone = next(socket, PARLANT_EVENTS.turnComplete)
    await api(host.url, token, 'POST', `/api/parlant/agents/${agentId}/chat`, {
      workspaceId,
      message: 'hello, token here',
      conversationKey: 'token-apart',
    })
    await tokenDone
    const texts = (heard: Array<{ payload: Record<string, unknown> }>) =>
      heard.map((h) => h.payload.text).filter((t) => typeof t === 'string')
    expect(texts(tokenHeard)).toContain('hello, token here')
    expect(texts(tokenHeard)).not.toContain('hello, owner here')
    expect(texts(ownerHeard)).not.toContain('hello, token here')
    expect(tokenHeard.filter((h) => h.event === PARLANT_EVENTS.turnComplete)).toHaveLength(1)
    expect(ownerHeard.filter((h) => h.event === PARLANT_EVENTS.turnComplete)).toHaveLength(1)
  })

  it('evicts a member whose permission is revoked; they stop receiving events', async () => {
    const dave = await createUser(host.database.db, { name: 'Dave', email: 'dave@example.com' })
    await grant(host.database.db, dave.id, workspaceId, 'read')
    const evictee = await socketFor(dave.apiKey)
    const watcher = await socketFor(ownerKey)
    expect(await join(evictee, { workspaceId, agentId })).toEqual({ ok: true })
    expect(await join(watcher, { workspaceId, agentId })).toEqual({ ok: true })

    const evicted = next(evictee, PARLANT_EVENTS.evicted)
    await revoke(host.database.db, dave.id, workspaceId)
    expect(await evicted).toMatchObject({ workspaceId, agentId })
    const afterEviction = record(evictee)

    const done = next(watcher, PARLANT_EVENTS.turnComplete)
    await chat('hello once more', 'eviction')
    await done
    expect(afterEviction).toEqual([])
    const open = await host.database.db
      .select()
      .from(agentSessions)
      .where(and(eq(agentSessions.userId, dave.id), isNull(agentSessions.endedAt)))
    expect(open).toEqual([])
  })
})
