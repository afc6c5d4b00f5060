/**
 * Two host nodes sharing one fresh PostgreSQL database, one Parlant emulator and the real Redis:
 * events of a turn driven through node A reach a socket on node B, one-time tokens are shared
 * (and single-use) across nodes, and concurrent sends to one conversation through both nodes run
 * one after the other.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import { PARLANT_EVENTS } from '@/lib/parlant/realtime/events'
import { type RunningEmulator, startEmulator } from '@/emulator'
import { type RunningHost, startHost } from '@/host/server'
import { createPostgresDatabase } from '../support/databases'
import { api, connect, createActiveAgent, join, next, record, socketToken } from './support'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

describe('two nodes on PostgreSQL and Redis', () => {
  let emulator: RunningEmulator
  let nodeA: RunningHost
  let nodeB: RunningHost
  let drop: () => Promise<void>
  let key: string
  let workspaceId: string
  let agentId: string

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, delayMs: 5 })
    const pg = await createPostgresDatabase()
    drop = pg.drop
    const base = {
      PARLANT_BRIDGE_DATA_DIR: mkdtempSync(joinPath(tmpdir(), 'bridge-2n-')),
      DATABASE_URL: pg.url,
      PORT: '0',
      REDIS_URL,
      // A fresh prefix per run: no cross-talk with other runs sharing this Redis.
      PARLANT_REDIS_PREFIX: `bridge-test-${randomBytes(6).toString('hex')}`,
      PARLANT_SERVER_URL: emulator.url,
      INTERNAL_API_SECRET: randomBytes(24).toString('base64url'),
    }
    nodeA = await startHost({ env: { ...base, NODE_ID: 'node-a' } })
    nodeB = await startHost({ env: { ...base, NODE_ID: 'node-b' } })
    key = nodeA.identity.apiKey
    workspaceId = nodeA.identity.workspaceId
    agentId = await createActiveAgent(nodeA.url, key, workspaceId, 'shared', [
      { condition: 'the customer says "ping"', action: 'pong' },
    ])
  })
  afterAll(async () => {
    await nodeA?.close()
    await nodeB?.close()
    await emulator?.close()
    await drop?.()
  })

  it('delivers the events of a turn driven on node A to a socket on node B', async () => {
    // Minted on A, used on B: the token is signed with the shared secret.
    const token = await socketToken(nodeA.url, key)
    const socket = await connect(nodeB.url, token)
    try {
      await expect(connect(nodeA.url, token)).rejects.toThrow(/Invalid/)
      expect(await join(socket, { workspaceId, agentId })).toEqual({ ok: true })
      const received = record(socket)
      const done = next(socket, PARLANT_EVENTS.turnComplete)
      const { result } = await api<{ result: { content: string; traceId: string } }>(
        nodeA.url,
        key,
        'POST',
        `/api/parlant/agents/${agentId}/chat`,
        { workspaceId, message: 'ping', conversationKey: 'two-nodes' }
      )
      expect(result.content).toBe('pong')
      expect(await done).toMatchObject({ content: 'pong', traceId: result.traceId })
      const chatEvents = received.filter((r) => r.event === PARLANT_EVENTS.chatEvent)
      expect(chatEvents.map((r) => r.payload.status ?? r.payload.source)).toEqual([
        'customer',
        'acknowledged',
        'processing',
        'typing',
        'ai_agent',
        'ready',
      ])
    } finally {
      socket.close()
    }
  })

  it('serializes concurrent sends to one conversation through both nodes', async () => {
    const send = (node: RunningHost, message: string) =>
      api<{ result: { sessionId: string; content: string } }>(
        node.url,
        key,
        'POST',
        `/api/parlant/agents/${agentId}/chat`,
        { workspaceId, message, conversationKey: 'contended' }
      )
    const sends = [
      send(nodeA, 'ping one'),
      send(nodeB, 'ping two'),
      send(nodeA, 'ping three'),
      send(nodeB, 'ping four'),
    ]
    const results = (await Promise.all(sends)).map((r) => r.result)
    expect(results.map((r) => r.content)).toEqual(['pong', 'pong', 'pong', 'pong'])
    const sessionIds = new Set(results.map((r) => r.sessionId))
    expect(sessionIds.size).toBe(1)
    const [sessionId] = [...sessionIds]
    const events = emulator.control.store.sessions.get(sessionId ?? '')?.events ?? []
    // Every customer message comes after the previous turn's final ready; nothing was cancelled.
    const customers = events.filter((e) => e.kind === 'message' && e.source === 'customer')
    expect(customers).toHaveLength(4)
    for (let i = 1; i < customers.length; i++) {
      const previous = customers[i - 1]!
      const finalReady = events.find(
        (e) =>
          e.trace_id === previous.trace_id &&
          e.kind === 'status' &&
          e.data.status === 'ready' &&
          e.data.data.stage === 'completed'
      )
      expect(finalReady).toBeDefined()
      expect(customers[i]!.offset).toBeGreaterThan(finalReady!.offset)
    }
    expect(events.some((e) => e.kind === 'status' && e.data.status === 'cancelled')).toBe(false)
  })
})
