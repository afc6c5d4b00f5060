/**
 * Chat overhead: one turn through the bridge's HTTP API vs the same turn driven directly against
 * the emulator with the Parlant client (emulator delays at zero), interleaved, 1,000 turns each.
 * The direct turn is run two ways: reading its events from one `sse=true` stream, as the bridge
 * does (the target's comparison: the same Parlant work on both sides), and by Parlant's long poll
 * (reported beside it; on an in-process emulator that answers at once, the long poll is the
 * cheaper read). All sides use the same trailing look (no wait), so the difference is the
 * bridge's own cost: HTTP hop, auth, permission, idempotency record, lease, cursor, relay.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createParlantClient } from '@/lib/parlant/client'
import { startEmulator } from '@/emulator'
import { createUser, grant } from '@/host/directory'
import { startHost } from '@/host/server'
import { createPostgresDatabase } from '../__tests__/support/databases'
import { createStartedRefundAgent, MESSAGE, REPLY } from './lib/load-rig'
import { emit } from './lib/output'
import { type BenchRow, ms } from './lib/report'
import { summarize } from './lib/stats'
import { bridgeTurn, directStreamTurn, directTurn } from './lib/turns'

const TURNS = Number(process.env.BENCH_CHAT_TURNS ?? 1_000)
const WARMUP = 50
const USERS = 25 // spreads the per-user rate limit on mutating routes

async function runOn(engine: 'pglite' | 'postgres', rows: BenchRow[]) {
  const emulator = await startEmulator({ port: 0, delayMs: 0 })
  const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
  const host = await startHost({
    env: {
      ...process.env,
      PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), `bench-chat-${engine}-`)),
      DATABASE_URL: pg?.url ?? '',
      REDIS_URL: '',
      PARLANT_SERVER_URL: emulator.url,
      PARLANT_CHAT_TRAILING_ERROR_WAIT_MS: '0',
    },
    port: 0,
  })
  try {
    const { workspaceId } = host.identity
    const agentId = await createStartedRefundAgent(host)
    const users = []
    for (let u = 0; u < USERS; u++) {
      const member = await createUser(host.database.db, {
        name: `c${u}`,
        email: `c${u}-${engine}@bench.local`,
      })
      await grant(host.database.db, member.id, workspaceId, 'write')
      users.push(member.apiKey)
    }
    // Direct side: the same agent (provisioned by the bridge), its own customer and session.
    const client = createParlantClient({ baseUrl: emulator.url, breaker: false, retry: false })
    const parlantAgentId = `sim-agent-${agentId}`
    await client.customers.getOrCreate({ id: 'bench-direct', name: 'Bench' })
    const session = await client.sessions.create({
      agent_id: parlantAgentId,
      customer_id: 'bench-direct',
    })
    const direct = { id: session.id, cursor: 0 }
    const streamed = await client.sessions.create({
      agent_id: parlantAgentId,
      customer_id: 'bench-direct',
    })
    const directStream = { id: streamed.id, cursor: 0 }

    const bridgeSamples: number[] = []
    const directSamples: number[] = []
    const streamSamples: number[] = []
    // CPU of this process around each turn: the emulator and the caller are in it on every side,
    // so the difference is the bridge's own CPU.
    const cpu = { bridge: 0, direct: 0, stream: 0 }
    const cpuNow = () => {
      const u = process.cpuUsage()
      return (u.user + u.system) / 1000
    }
    for (let i = 0; i < WARMUP + TURNS; i++) {
      const key = users[i % USERS]!
      const conversationKey = `bench-${i % USERS}`
      const orders = [
        ['bridge', 'stream', 'direct'],
        ['stream', 'direct', 'bridge'],
        ['direct', 'bridge', 'stream'],
      ]
      const order = orders[i % 3]!
      for (const side of order) {
        const cpuStart = cpuNow()
        if (side === 'bridge') {
          const turn = await bridgeTurn(
            host.url,
            key,
            workspaceId,
            agentId,
            conversationKey,
            MESSAGE
          )
          if (turn.content !== REPLY) throw new Error(`bridge reply: ${turn.content}`)
          if (i >= WARMUP) {
            bridgeSamples.push(turn.ms)
            cpu.bridge += cpuNow() - cpuStart
          }
        } else if (side === 'stream') {
          const turn = await directStreamTurn(client, directStream, MESSAGE)
          if (turn.content !== REPLY) throw new Error(`direct stream reply: ${turn.content}`)
          if (i >= WARMUP) {
            streamSamples.push(turn.ms)
            cpu.stream += cpuNow() - cpuStart
          }
        } else {
          const turn = await directTurn(client, direct, MESSAGE, 0)
          if (turn.content !== REPLY) throw new Error(`direct reply: ${turn.content}`)
          if (i >= WARMUP) {
            directSamples.push(turn.ms)
            cpu.direct += cpuNow() - cpuStart
          }
        }
      }
    }
    const b = summarize(bridgeSamples)
    const d = summarize(directSamples)
    const st = summarize(streamSamples)
    const label = engine === 'pglite' ? 'PGlite' : 'PostgreSQL'
    rows.push({
      metric: `turn via bridge HTTP (${label})`,
      figures: `p50 ${ms(b.median)} · p99 ${ms(b.p99)}`,
      target: '–',
      met: null,
      data: { ...b },
    })
    rows.push({
      metric: `turn direct with client, event stream (${label})`,
      figures: `p50 ${ms(st.median)} · p99 ${ms(st.p99)}`,
      target: '–',
      met: null,
      data: { ...st },
    })
    rows.push({
      metric: `turn direct with client, long poll (${label})`,
      figures: `p50 ${ms(d.median)} · p99 ${ms(d.p99)}`,
      target: '–',
      met: null,
      data: { ...d },
    })
    rows.push({
      metric: `added latency over the direct event-stream turn (${label})`,
      figures: `p50 +${ms(b.median - st.median)} · p99 +${ms(b.p99 - st.p99)} · ratio p50 ${(b.median / st.median).toFixed(2)}×`,
      target: 'p50 ≤ 2 ms, p99 ≤ 6 ms',
      met: b.median - st.median <= 2 && b.p99 - st.p99 <= 6,
      data: {
        addedP50: b.median - st.median,
        addedP99: b.p99 - st.p99,
        ratioP50: b.median / st.median,
      },
    })
    rows.push({
      metric: `added latency over the direct long-poll turn (${label})`,
      figures: `p50 +${ms(b.median - d.median)} · p99 +${ms(b.p99 - d.p99)} · ratio p50 ${(b.median / d.median).toFixed(2)}×`,
      target: '–',
      met: null,
      data: {
        addedP50: b.median - d.median,
        addedP99: b.p99 - d.p99,
        ratioP50: b.median / d.median,
      },
    })
    const bridgeCpu = cpu.bridge / TURNS
    const directCpu = cpu.direct / TURNS
    const streamCpu = cpu.stream / TURNS
    rows.push({
      metric: `CPU per turn (${label}; emulator and caller in the same process on every side)`,
      figures: `via bridge ${ms(bridgeCpu)} · direct, event stream ${ms(streamCpu)} · direct, long poll ${ms(directCpu)} · bridge's own +${ms(bridgeCpu - streamCpu)} (+${ms(bridgeCpu - directCpu)} over the long poll)`,
      target: "bridge's own ≤ 2 ms",
      met: bridgeCpu - streamCpu <= 2,
      data: {
        bridgeCpuMs: bridgeCpu,
        directStreamCpuMs: streamCpu,
        directCpuMs: directCpu,
        addedCpuMs: bridgeCpu - streamCpu,
        addedOverLongPollCpuMs: bridgeCpu - directCpu,
      },
    })
  } finally {
    await host.close()
    await emulator.close()
    await pg?.drop()
  }
}

const rows: BenchRow[] = []
await runOn('pglite', rows)
await runOn('postgres', rows)
emit({
  name: 'chat overhead',
  config: {
    turns: TURNS,
    warmup: WARMUP,
    interleaved: true,
    emulatorDelayMs: 0,
    trailingErrorWaitMs: 0,
  },
  rows,
})
process.exit(0)
