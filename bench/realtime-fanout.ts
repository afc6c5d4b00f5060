/**
 * Realtime fan-out: 10,000 authenticated socket.io clients (websocket) on one node, a status
 * event published to a room of 1,000 of them, delivery latency per subscriber; memory per idle
 * connection; then two nodes sharing PostgreSQL and the Redis adapter.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { agentRoom, PARLANT_EVENTS } from '@/lib/parlant/realtime/events'
import { type RunningHost, startHost } from '@/host/server'
import { createPostgresDatabase } from '../__tests__/support/databases'
import { emit } from './lib/output'
import { type BenchRow, ms } from './lib/report'
import { summarize } from './lib/stats'

const CLIENTS = Number(process.env.BENCH_FANOUT_CLIENTS ?? 10_000)
const SUBSCRIBERS = Number(process.env.BENCH_FANOUT_SUBSCRIBERS ?? 1_000)
/** Every client is one bench user, so the per-caller realtime limits are raised to fit them. */
const FANOUT_LIMITS = {
  PARLANT_SOCKETS_PER_CALLER: String(CLIENTS),
  PARLANT_JOIN_BURST_PER_CALLER: String(SUBSCRIBERS),
}
const ROUNDS = Number(process.env.BENCH_FANOUT_ROUNDS ?? 20)
const PROCESSES = 4
const CLIENT_SCRIPT = fileURLToPath(new URL('./lib/fanout-client.ts', import.meta.url))

function gc() {
  const collect = (globalThis as { gc?: () => void }).gc
  collect?.()
  collect?.()
}

async function createAgent(host: RunningHost) {
  const response = await fetch(`${host.url}/api/parlant/agents`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${host.identity.apiKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ workspaceId: host.identity.workspaceId, name: `fanout-${Date.now()}` }),
  })
  if (response.status !== 201)
    throw new Error(`create agent: ${response.status} ${await response.text()}`)
  return ((await response.json()) as { agent: { id: string } }).agent.id
}

interface ClientGroup {
  children: ChildProcess[]
  collect(): Promise<number[]>
  close(): void
}

/** Spreads `perHost` sockets over child processes; the first `joiners` of each host join the room. */
async function connectClients(
  plan: Array<{ host: RunningHost; clients: number; joiners: number; agentId: string }>
): Promise<ClientGroup> {
  const children: ChildProcess[] = []
  const ready: Promise<void>[] = []
  for (const { host, clients, joiners, agentId } of plan) {
    const processes = Math.max(1, Math.min(PROCESSES, Math.ceil(clients / 500)))
    for (let p = 0; p < processes; p++) {
      const count = Math.floor(clients / processes) + (p < clients % processes ? 1 : 0)
      const joinHere = Math.floor(joiners / processes) + (p < joiners % processes ? 1 : 0)
      const tokens = Array.from(
        { length: count },
        () => host.realtime.tokens.mint(host.identity.userId).token
      )
      const child = fork(CLIENT_SCRIPT, [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' })
      children.push(child)
      ready.push(
        new Promise<void>((resolve, reject) => {
          child.on('message', (message: { type: string; error?: string }) => {
            if (message.type === 'ready') resolve()
            if (message.type === 'error') reject(new Error(message.error))
          })
          child.send({
            type: 'start',
            job: {
              url: `${host.url}${host.bridgeConfig.socketNamespace}`,
              tokens,
              joiners: joinHere,
              workspaceId: host.identity.workspaceId,
              agentId,
            },
          })
        })
      )
    }
  }
  await Promise.all(ready)
  return {
    children,
    async collect() {
      const parts = await Promise.all(
        children.map(
          (child) =>
            new Promise<number[]>((resolve) => {
              const onMessage = (message: { type: string; latencies?: number[] }) => {
                if (message.type !== 'samples') return
                child.off('message', onMessage)
                resolve(message.latencies ?? [])
              }
              child.on('message', onMessage)
              child.send({ type: 'collect' })
            })
        )
      )
      return parts.flat()
    },
    close() {
      for (const child of children) child.send({ type: 'exit' })
    },
  }
}

async function publishRounds(host: RunningHost, agentId: string) {
  for (let round = 0; round < ROUNDS; round++) {
    host.bridgeHost.publish(agentRoom(agentId), PARLANT_EVENTS.status, {
      workspaceId: host.identity.workspaceId,
      agentId,
      status: round % 2 === 0 ? 'active' : 'inactive',
      previousStatus: null,
      lastError: null,
      version: round,
      at: new Date().toISOString(),
      sentAt: performance.timeOrigin + performance.now(),
    })
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  await new Promise((resolve) => setTimeout(resolve, 1000))
}

async function singleNode(rows: BenchRow[]) {
  const host = await startHost({
    env: {
      ...process.env,
      PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-fanout-')),
      DATABASE_URL: '',
      REDIS_URL: '',
      ...FANOUT_LIMITS,
    },
    port: 0,
  })
  try {
    const agentId = await createAgent(host)
    gc()
    const before = process.memoryUsage()
    const started = performance.now()
    const group = await connectClients([{ host, clients: CLIENTS, joiners: SUBSCRIBERS, agentId }])
    const connectSeconds = (performance.now() - started) / 1000
    await new Promise((resolve) => setTimeout(resolve, 2000))
    gc()
    const after = process.memoryUsage()
    const perConnRss = (after.rss - before.rss) / CLIENTS
    const perConnHeap = (after.heapUsed - before.heapUsed) / CLIENTS
    await publishRounds(host, agentId)
    const latencies = await group.collect()
    group.close()
    const s = summarize(latencies)
    rows.push({
      metric: `1 node: ${SUBSCRIBERS} subscribers of ${CLIENTS} clients, ${ROUNDS} events`,
      figures: `p50 ${ms(s.median)} · p99 ${ms(s.p99)} · ${s.count}/${SUBSCRIBERS * ROUNDS} delivered`,
      target: 'p99 ≤ 100 ms',
      met: s.p99 <= 100 && s.count === SUBSCRIBERS * ROUNDS,
      data: { ...s, expected: SUBSCRIBERS * ROUNDS },
    })
    rows.push({
      metric: 'memory per idle connection (server)',
      figures: `${(perConnRss / 1024).toFixed(1)} KiB RSS · ${(perConnHeap / 1024).toFixed(1)} KiB heap; ${CLIENTS} connected in ${connectSeconds.toFixed(1)} s`,
      target: 'reported',
      met: null,
      data: { perConnRss, perConnHeap, connectSeconds },
    })
  } finally {
    await host.close()
  }
}

async function twoNodes(rows: BenchRow[]) {
  const database = await createPostgresDatabase()
  const prefix = `bench-fanout-${Date.now()}`
  const env = (name: string) => ({
    ...process.env,
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    PARLANT_REDIS_PREFIX: prefix,
    INTERNAL_API_SECRET: 'bench-fanout-shared-secret-0123456789',
    NODE_ID: name,
    PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), `bench-${name}-`)),
    ...FANOUT_LIMITS,
  })
  const a = await startHost({ env: env('node-a'), port: 0 })
  const b = await startHost({ env: env('node-b'), port: 0 })
  try {
    const agentId = await createAgent(a)
    const half = Math.floor(SUBSCRIBERS / 2)
    const group = await connectClients([
      { host: a, clients: half, joiners: half, agentId },
      { host: b, clients: SUBSCRIBERS - half, joiners: SUBSCRIBERS - half, agentId },
    ])
    await publishRounds(a, agentId)
    const latencies = await group.collect()
    group.close()
    const s = summarize(latencies)
    rows.push({
      metric: `2 nodes + Redis adapter: ${SUBSCRIBERS} subscribers split, published on one node`,
      figures: `p50 ${ms(s.median)} · p99 ${ms(s.p99)} · ${s.count}/${SUBSCRIBERS * ROUNDS} delivered`,
      target: 'p99 ≤ 100 ms',
      met: s.p99 <= 100 && s.count === SUBSCRIBERS * ROUNDS,
      data: { ...s, expected: SUBSCRIBERS * ROUNDS },
    })
  } finally {
    await a.close()
    await b.close()
    await database.drop()
  }
}

const rows: BenchRow[] = []
await singleNode(rows)
await twoNodes(rows)
emit({
  name: 'realtime fan-out',
  config: {
    clients: CLIENTS,
    subscribers: SUBSCRIBERS,
    rounds: ROUNDS,
    clientProcesses: PROCESSES,
    transport: 'websocket',
  },
  rows,
  notes: ['client processes run on the same 2 cores as the server'],
})
process.exit(0)
