/**
 * A host node killed mid-turn: node A runs as a child process on a fresh PostgreSQL database and
 * an emulator in this process. While a slow turn and an agent start are in flight on A, it gets
 * SIGKILL. Node B (in process, same database and emulator) then repairs the half-started agent
 * with the reconciler, ends A's presence rows, and carries the conversation on: the retried turn
 * collects the reply of the message A posted (never posting it again), the next turn gets its own
 * reply, and the cursor only moves forward.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { and, eq, isNull } from 'drizzle-orm'
import type { Socket } from 'socket.io-client'
import { agentConversations, agentSessions, workspaceAgents } from '@/lib/parlant/db/schema'
import { PARLANT_EVENTS } from '@/lib/parlant/realtime/events'
import { endPresenceOfNode } from '@/lib/parlant/realtime/presence'
import { type RunningEmulator, startEmulator } from '@/emulator'
import { type OpenedDatabase, openDatabase } from '@/host/db/open'
import { type RunningHost, startHost } from '@/host/server'
import { api, connect, createActiveAgent, join, record, socketToken } from '../realtime/support'
import { createPostgresDatabase } from '../support/databases'
import { call, duplicatePosts, eventually, postsOf, sleep, tempDataDir } from './support'

const root = fileURLToPath(new URL('../..', import.meta.url))
const script = fileURLToPath(new URL('./host-node.ts', import.meta.url))

interface NodeInfo {
  url: string
  nodeId: string
  apiKey: string
  workspaceId: string
}

/** Starts node A as a child process and resolves once it prints its READY line. */
function spawnNode(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; info: NodeInfo }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    const timer = setTimeout(() => reject(new Error(`node A did not start: ${err}`)), 45_000)
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString()
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const line = out.split('\n').find((l) => l.startsWith('READY '))
      if (!line) return
      clearTimeout(timer)
      resolve({ child, info: JSON.parse(line.slice('READY '.length)) as NodeInfo })
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`node A exited with ${code}: ${err}`))
    })
  })
}

describe('reliability: a host node killed mid-turn', () => {
  let emulator: RunningEmulator
  let pgDrop: (() => Promise<void>) | undefined
  let db: OpenedDatabase | undefined
  let child: ChildProcess | undefined
  let nodeB: RunningHost | undefined
  const sockets: Socket[] = []

  afterAll(async () => {
    for (const s of sockets) s.close()
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await nodeB?.close()
    await db?.close()
    await emulator?.close()
    await pgDrop?.()
  })

  it('repairs state on another node and continues the conversation from its cursor', async () => {
    const pg = await createPostgresDatabase()
    pgDrop = pg.drop
    emulator = await startEmulator({ port: 0, delayMs: 5, waitUnitMs: 20 })
    const dataDir = tempDataDir('kill')
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: pg.url,
      PARLANT_SERVER_URL: emulator.url,
      PARLANT_BRIDGE_DATA_DIR: dataDir,
      PORT: '0',
    }
    delete env.REDIS_URL
    const spawned = await spawnNode({ ...env, NODE_ID: 'node-a' })
    child = spawned.child
    const a = spawned.info
    db = await openDatabase({ databaseUrl: pg.url, poolSize: 2 })
    const { workspaceId, apiKey: key } = a

    const agentId = await createActiveAgent(a.url, key, workspaceId, 'survivor', [
      { condition: 'the customer says "refund"', action: 'Refunds take 5 days.' },
    ])
    const { agent: halfStarted } = await api<{ agent: { id: string } }>(
      a.url,
      key,
      'POST',
      '/api/parlant/agents',
      { workspaceId, name: 'half-started' }
    )

    // A subscriber on node A: its presence row carries node A's id.
    const socketA = await connect(a.url, await socketToken(a.url, key))
    sockets.push(socketA)
    expect(await join(socketA, { workspaceId, agentId })).toEqual({ ok: true })

    const conversationKey = 'across-nodes'
    const chat = (url: string, message: string, idempotencyKey: string, deadlineMs = 60_000) =>
      call(
        url,
        key,
        'POST',
        `/api/parlant/agents/${agentId}/chat`,
        { workspaceId, message, conversationKey, idempotencyKey, deadlineMs },
        deadlineMs + 5_000
      )
    const cursor = async () => {
      const [row] = await (db as OpenedDatabase).db
        .select({ cursor: agentConversations.eventCursor })
        .from(agentConversations)
        .where(eq(agentConversations.conversationKey, conversationKey))
      return row?.cursor ?? -1
    }
    const statusOf = async (id: string) => {
      const [row] = await (db as OpenedDatabase).db
        .select({ status: workspaceAgents.status, lastError: workspaceAgents.lastError })
        .from(workspaceAgents)
        .where(eq(workspaceAgents.id, id))
      return row
    }

    const first = await chat(a.url, 'hello there', 'turn-1')
    expect(first.kind, JSON.stringify(first)).toBe('ok')
    const cursorAfterFirst = await cursor()
    expect(cursorAfterFirst).toBeGreaterThan(0)

    // In flight on A when it dies: a slow turn (its message already posted) and a start whose
    // Parlant provisioning hangs.
    emulator.control.setFaults({
      turn: { latencyMs: { processing: 1_500 } },
      routes: [{ method: 'POST', path: '/agents', action: 'delay', delayMs: 10_000, times: 1 }],
    })
    const doomedMessage = 'I want a refund please'
    const doomedTurn = chat(a.url, doomedMessage, 'turn-2')
    const doomedStart = call(
      a.url,
      key,
      'POST',
      `/api/parlant/agents/${halfStarted.id}/start`,
      { workspaceId },
      10_000
    )
    await eventually('the turn posted and the start under way', async () =>
      postsOf(emulator, doomedMessage) === 1 &&
      (await statusOf(halfStarted.id))?.status === 'starting'
        ? true
        : undefined
    )
    const killedAt = Date.now()
    child.kill('SIGKILL')
    await new Promise((resolve) => child?.once('exit', resolve))
    // The caller on node A sees its connection cut, not an answer.
    expect((await doomedTurn).kind).toBe('network')
    expect((await doomedStart).kind).toBe('network')
    emulator.control.setFaults({})

    const openRowsOfA = () =>
      (db as OpenedDatabase).db
        .select({ id: agentSessions.id })
        .from(agentSessions)
        .where(and(eq(agentSessions.nodeId, 'node-a'), isNull(agentSessions.endedAt)))
    expect((await openRowsOfA()).length).toBe(1)

    nodeB = await startHost({ env: { ...env, NODE_ID: 'node-b' } })
    const b = nodeB

    // Whoever notices node A is gone ends its presence rows (a restart under A's id does the same).
    expect(await endPresenceOfNode(b.database.db, 'node-a', new Date())).toBe(1)
    expect(await openRowsOfA()).toEqual([])

    // A subscriber on node B sees the rest of the conversation.
    const socketB = await connect(b.url, await socketToken(b.url, key))
    sockets.push(socketB)
    const received = record(socketB)
    expect(await join(socketB, { workspaceId, agentId })).toEqual({ ok: true })

    // The retried turn waits out A's conversation lease, finds the message A posted and collects
    // its reply — without posting it again.
    const retried = await chat(b.url, doomedMessage, 'turn-2')
    expect(retried.kind, JSON.stringify(retried)).toBe('ok')
    if (retried.kind === 'ok') {
      expect((retried.body.result as { content: string }).content).toBe('Refunds take 5 days.')
    }
    expect(postsOf(emulator, doomedMessage)).toBe(1)
    const cursorAfterRetry = await cursor()
    expect(cursorAfterRetry).toBeGreaterThan(cursorAfterFirst)

    // The reconciler (node B's, driven here instead of waiting for its interval) repairs the start
    // A left behind once the transition lease has passed.
    const repaired = await eventually(
      'the reconciler to repair the interrupted start',
      async () => {
        await b.bridge.lifecycle.reconcile()
        const row = await statusOf(halfStarted.id)
        return row?.status === 'starting' ? undefined : row
      },
      45_000,
      500
    )
    expect(repaired.status).toBe('error')
    expect(repaired.lastError).toMatch(/interrupted/)
    const restarted = await call(
      b.url,
      key,
      'POST',
      `/api/parlant/agents/${halfStarted.id}/start`,
      { workspaceId },
      10_000
    )
    expect(restarted.kind, JSON.stringify(restarted)).toBe('ok')
    expect((await statusOf(halfStarted.id))?.status).toBe('active')

    // The conversation goes on with the next turn's own reply.
    const next = await chat(b.url, 'and how do I ask for a refund?', 'turn-3')
    expect(next.kind, JSON.stringify(next)).toBe('ok')
    if (next.kind === 'ok') {
      expect((next.body.result as { content: string }).content).toBe('Refunds take 5 days.')
    }
    const cursorAfterNext = await cursor()
    expect(cursorAfterNext).toBeGreaterThan(cursorAfterRetry)

    // Events relayed on node B: none twice, in offset order.
    await sleep(100)
    const chatEvents = received
      .filter((r) => r.event === PARLANT_EVENTS.chatEvent)
      .map((r) => r.payload as { eventId: string; offset: number })
    expect(chatEvents.length).toBeGreaterThan(0)
    expect(new Set(chatEvents.map((e) => e.eventId)).size).toBe(chatEvents.length)
    const offsets = chatEvents.map((e) => e.offset)
    expect(offsets).toEqual([...offsets].sort((x, y) => x - y))
    expect(received.filter((r) => r.event === PARLANT_EVENTS.turnComplete)).toHaveLength(2)

    const duplicates = duplicatePosts(emulator)
    expect(duplicates).toEqual([])
    process.stdout.write(
      `[reliability:node-kill] killed node-a mid-turn; node-b took over after ${Math.round(
        (Date.now() - killedAt) / 1000
      )} s; cursor ${cursorAfterFirst} → ${cursorAfterRetry} → ${cursorAfterNext}; ` +
        `presence rows ended=1; agents repaired=1; duplicates found=${duplicates.length}; events relayed on B=${chatEvents.length}\n`
    )
  }, 150_000)
})
