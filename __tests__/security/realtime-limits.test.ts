/**
 * Issue 13 §4 against real socket.io: the join budget is per caller across its sockets (three
 * sockets on one agent token no longer get 90 join authorizations at once), agent-token
 * handshakes are rate-limited, a caller's sockets are capped — on each engine — and, with two
 * nodes on PostgreSQL and the real Redis, budget and cap hold across nodes.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import { sleep } from '@sim/utils/helpers'
import { createClient } from 'redis'
import type { Socket } from 'socket.io-client'
import { PARLANT_EVENTS } from '@/lib/parlant/realtime/events'
import {
  DEFAULT_ADDRESS_HANDSHAKE_RULE,
  DEFAULT_JOIN_RULE,
  DEFAULT_MAX_SOCKETS_PER_CALLER,
  DEFAULT_TOKEN_HANDSHAKE_RULE,
} from '@/lib/parlant/realtime/limits'
import { type RunningEmulator, startEmulator } from '@/emulator'
import { redisLimitStore, SOCKET_LEASE_MS } from '@/host/redis-limits'
import { type RunningHost, startHost } from '@/host/server'
import { api, connect, createActiveAgent, socketToken } from '../realtime/support'
import { createPostgresDatabase, ENGINES } from '../support/databases'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** Sends `count` joins spread over `sockets` at once; counts the answers by code. */
async function joinBurst(sockets: Socket[], count: number, payload: Record<string, string>) {
  const codes: string[] = []
  const onSuccess = () => codes.push('ok')
  const onError = (error: { code?: unknown }) => codes.push(String(error.code))
  for (const socket of sockets) {
    socket.on(PARLANT_EVENTS.joinSuccess, onSuccess)
    socket.on(PARLANT_EVENTS.joinError, onError)
  }
  for (let i = 0; i < count; i++) {
    ;(sockets[i % sockets.length] as Socket).emit(PARLANT_EVENTS.join, payload)
  }
  await vi.waitFor(() => expect(codes).toHaveLength(count), { timeout: 10_000 })
  for (const socket of sockets) {
    socket.off(PARLANT_EVENTS.joinSuccess, onSuccess)
    socket.off(PARLANT_EVENTS.joinError, onError)
  }
  return {
    limited: codes.filter((c) => c === 'rate_limited').length,
    served: codes.filter((c) => c !== 'rate_limited').length,
  }
}

/** Connects, resolving to the socket or to the refusal's message. */
async function tryConnect(url: string, token: string) {
  try {
    return await connect(url, token)
  } catch (error) {
    return (error as Error).message
  }
}

function closeAll(sockets: Array<Socket | string>) {
  for (const socket of sockets) if (typeof socket !== 'string') socket.close()
}

describe.each(ENGINES)('realtime limits per caller (%s)', (engine) => {
  let host: RunningHost
  let dropDb: (() => Promise<void>) | undefined
  let key: string
  let workspaceId: string
  let agentId: string

  beforeAll(async () => {
    const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
    dropDb = pg?.drop
    host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(joinPath(tmpdir(), 'bridge-rt-limits-')),
        DATABASE_URL: pg?.url,
        PORT: '0',
      },
    })
    key = host.identity.apiKey
    workspaceId = host.identity.workspaceId
    agentId = await createActiveAgent(host.url, key, workspaceId, 'limited')
  })
  afterAll(async () => {
    await host?.close()
    await dropDb?.()
  })

  const issueToken = async () =>
    (
      await api<{ token: string }>(host.url, key, 'POST', '/api/parlant/auth/token', {
        workspaceId,
        agentId,
      })
    ).token

  it('three sockets on one agent token share one join budget', async () => {
    const token = await issueToken()
    const sockets = [
      await connect(host.url, token),
      await connect(host.url, token),
      await connect(host.url, token),
    ]
    try {
      const { served, limited } = await joinBurst(sockets, 90, { workspaceId, agentId })
      // 30 at once, plus whatever refilled (10/s) while the burst was handled.
      expect(served).toBeGreaterThanOrEqual(DEFAULT_JOIN_RULE.capacity)
      expect(served).toBeLessThanOrEqual(DEFAULT_JOIN_RULE.capacity + 15)
      expect(limited).toBe(90 - served)
    } finally {
      closeAll(sockets)
    }
  })

  it('rate-limits agent-token handshakes: 30 in 2 s are not all accepted', async () => {
    const token = await issueToken()
    const attempts: Array<Socket | string> = []
    const started = Date.now()
    for (let i = 0; i < 30; i++) attempts.push(await tryConnect(host.url, token))
    try {
      expect(Date.now() - started).toBeLessThan(2_000)
      const accepted = attempts.filter((a) => typeof a !== 'string').length
      expect(accepted).toBeGreaterThanOrEqual(DEFAULT_TOKEN_HANDSHAKE_RULE.capacity)
      expect(accepted).toBeLessThanOrEqual(DEFAULT_TOKEN_HANDSHAKE_RULE.capacity + 1)
      expect(attempts).toContain('Too many connection attempts; retry shortly')
    } finally {
      closeAll(attempts)
    }
    // Another token is not held back by the first one's flood.
    const other = await tryConnect(host.url, await issueToken())
    expect(typeof other).not.toBe('string')
    closeAll([other])
  })

  it('rate-limits handshakes with made-up tokens per address, before any lookup', async () => {
    // All at once: faster than the budget refills.
    const answers = await Promise.all(
      Array.from({ length: DEFAULT_ADDRESS_HANDSHAKE_RULE.capacity + 30 }, () =>
        tryConnect(host.url, `plnt_${randomBytes(32).toString('base64url')}`)
      )
    )
    closeAll(answers)
    expect(answers.filter((a) => a === 'Invalid or expired token').length).toBeGreaterThan(0)
    expect(answers).toContain('Too many connection attempts; retry shortly')
    expect(answers.some((a) => typeof a !== 'string')).toBe(false)
    // Users' one-time socket tokens are not agent-token handshakes: not held back.
    const user = await tryConnect(host.url, await socketToken(host.url, key))
    expect(typeof user).not.toBe('string')
    closeAll([user])
    await sleep(1_000)
  })

  it("caps a user's sockets, and a closed one frees its place", async () => {
    const sockets: Socket[] = []
    try {
      for (let i = 0; i < DEFAULT_MAX_SOCKETS_PER_CALLER; i++) {
        sockets.push(await connect(host.url, await socketToken(host.url, key)))
      }
      expect(await tryConnect(host.url, await socketToken(host.url, key))).toBe(
        'Too many connections for this user'
      )
      const first = sockets.shift() as Socket
      first.close()
      await vi.waitFor(async () => {
        const again = await tryConnect(host.url, await socketToken(host.url, key))
        expect(typeof again).not.toBe('string')
        sockets.push(again as Socket)
      })
    } finally {
      closeAll(sockets)
    }
  })
})

describe('realtime limits across two nodes on Redis', () => {
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
      PARLANT_BRIDGE_DATA_DIR: mkdtempSync(joinPath(tmpdir(), 'bridge-rt-limits-2n-')),
      DATABASE_URL: pg.url,
      PORT: '0',
      REDIS_URL,
      PARLANT_REDIS_PREFIX: `bridge-test-${randomBytes(6).toString('hex')}`,
      PARLANT_SERVER_URL: emulator.url,
      INTERNAL_API_SECRET: randomBytes(24).toString('base64url'),
    }
    nodeA = await startHost({ env: { ...base, NODE_ID: 'limits-a' } })
    nodeB = await startHost({ env: { ...base, NODE_ID: 'limits-b' } })
    key = nodeA.identity.apiKey
    workspaceId = nodeA.identity.workspaceId
    agentId = await createActiveAgent(nodeA.url, key, workspaceId, 'limited-2n')
  })
  afterAll(async () => {
    await nodeA?.close()
    await nodeB?.close()
    await emulator?.close()
    await drop?.()
  })

  it("one user's join budget and socket cap hold across both nodes", async () => {
    const sockets: Socket[] = []
    try {
      // Half the cap on each node: full.
      for (let i = 0; i < DEFAULT_MAX_SOCKETS_PER_CALLER; i++) {
        const node = i % 2 === 0 ? nodeA : nodeB
        sockets.push(await connect(node.url, await socketToken(node.url, key)))
      }
      for (const node of [nodeA, nodeB]) {
        expect(await tryConnect(node.url, await socketToken(node.url, key))).toBe(
          'Too many connections for this user'
        )
      }
      const onA = sockets.filter((_, i) => i % 2 === 0)
      const onB = sockets.filter((_, i) => i % 2 === 1)
      const payload = { workspaceId, agentId }
      // One join on each node first, both served from the budget. Which node the burst's joins
      // reach first is up to the scheduler, so the burst alone cannot show both nodes served.
      const firstA = await joinBurst(onA, 1, payload)
      const firstB = await joinBurst(onB, 1, payload)
      expect([firstA.served, firstB.served]).toEqual([1, 1])
      // Then 58 joins at once, half on each node: one budget of 30 (plus refill) for all 60.
      const [a, b] = await Promise.all([joinBurst(onA, 29, payload), joinBurst(onB, 29, payload)])
      const served = 2 + a.served + b.served
      expect(served).toBeGreaterThanOrEqual(DEFAULT_JOIN_RULE.capacity)
      expect(served).toBeLessThanOrEqual(DEFAULT_JOIN_RULE.capacity + 15)
    } finally {
      closeAll(sockets)
    }
  })

  it('agent-token handshakes are counted across both nodes', async () => {
    const { token } = await api<{ token: string }>(
      nodeA.url,
      key,
      'POST',
      '/api/parlant/auth/token',
      { workspaceId, agentId }
    )
    const attempts: Array<Socket | string> = []
    for (let i = 0; i < 12; i++) {
      attempts.push(await tryConnect((i % 2 === 0 ? nodeA : nodeB).url, token))
    }
    try {
      const accepted = attempts.filter((a) => typeof a !== 'string').length
      expect(accepted).toBeGreaterThanOrEqual(DEFAULT_TOKEN_HANDSHAKE_RULE.capacity)
      expect(accepted).toBeLessThanOrEqual(DEFAULT_TOKEN_HANDSHAKE_RULE.capacity + 1)
    } finally {
      closeAll(attempts)
    }
  })
})

describe('the Redis limit store', () => {
  it("stops counting a dead node's sockets once their lease runs out; renewed ones stay", async () => {
    const client = createClient({ url: REDIS_URL })
    await client.connect()
    let now = 1_000_000
    const store = redisLimitStore(
      client,
      `bridge-test-${randomBytes(6).toString('hex')}`,
      () => now
    )
    try {
      expect(await store.openSocket('user:u', 'live', 2)).toBe(true)
      expect(await store.openSocket('user:u', 'dead', 2)).toBe(true)
      expect(await store.openSocket('user:u', 'third', 2)).toBe(false)
      // Re-registering a held socket is not a new one.
      expect(await store.openSocket('user:u', 'live', 2)).toBe(true)
      now += SOCKET_LEASE_MS / 2
      await store.refreshSockets?.([{ caller: 'user:u', socketId: 'live' }])
      now += SOCKET_LEASE_MS / 2 + 1
      // `dead` was never renewed (its node died): its place is free; `live` still counts.
      expect(await store.openSocket('user:u', 'third', 2)).toBe(true)
      expect(await store.openSocket('user:u', 'fourth', 2)).toBe(false)
      await store.closeSocket('user:u', 'live')
      expect(await store.openSocket('user:u', 'fourth', 2)).toBe(true)
      // A bucket refills with the clock: 2 at once, then one per second.
      const rule = { capacity: 2, refillPerSecond: 1 }
      expect([await store.take('k', rule), await store.take('k', rule)]).toEqual([0, 0])
      expect(await store.take('k', rule)).toBeCloseTo(1, 5)
      now += 1_000
      expect(await store.take('k', rule)).toBe(0)
    } finally {
      await client.close()
    }
  })
})

describe('realtime limits set by the host environment', () => {
  let host: RunningHost

  beforeAll(async () => {
    host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(joinPath(tmpdir(), 'bridge-rt-config-')),
        PORT: '0',
        PARLANT_SOCKETS_PER_CALLER: '2',
        PARLANT_JOIN_BURST_PER_CALLER: '3',
      },
    })
  })
  afterAll(async () => {
    await host?.close()
  })

  it('PARLANT_SOCKETS_PER_CALLER and PARLANT_JOIN_BURST_PER_CALLER replace the defaults', async () => {
    const key = host.identity.apiKey
    const workspaceId = host.identity.workspaceId
    const agentId = await createActiveAgent(host.url, key, workspaceId, 'configured')
    const sockets: Array<Socket | string> = [
      await connect(host.url, await socketToken(host.url, key)),
      await connect(host.url, await socketToken(host.url, key)),
    ]
    try {
      sockets.push(await tryConnect(host.url, await socketToken(host.url, key)))
      expect(sockets[2]).toBe('Too many connections for this user')
      const { served } = await joinBurst(sockets.slice(0, 2) as Socket[], 12, {
        workspaceId,
        agentId,
      })
      // 3 at once, plus what refilled (10/s) while the burst was handled.
      expect(served).toBeGreaterThanOrEqual(3)
      expect(served).toBeLessThan(12)
    } finally {
      closeAll(sockets)
    }
  })

  it('refuses a cap that is not a positive integer, naming the variable', async () => {
    await expect(
      startHost({
        env: {
          PARLANT_BRIDGE_DATA_DIR: mkdtempSync(joinPath(tmpdir(), 'bridge-rt-bad-')),
          PORT: '0',
          PARLANT_SOCKETS_PER_CALLER: '0',
        },
      })
    ).rejects.toThrow(/PARLANT_SOCKETS_PER_CALLER/)
  })
})
