/**
 * Chat overhead: one turn through the bridge's HTTP API vs the same turn driven directly against
 * the emulator with the Parlant client (emulator delays at zero), interleaved, 1,000 turns each.
 * Both sides use the same trailing-error poll (wait 0), so the difference is the bridge's own cost:
 * HTTP hop, auth, permission, idempotency record, lease, cursor, relay.
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
import { bridgeTurn, directTurn } from './lib/turns'

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

    const bridgeSamples: number[] = []
    const directSamples: number[] = []
    // CPU of this process around each turn: the emulator and the caller are in it on both sides,
    // so the difference is the bridge's own CPU.
    const cpu = { bridge: 0, direct: 0 }
    const cpuNow = () => {
      const u = process.cpuUsage()
      return (u.user + u.system) / 1000
    }
    for (let i = 0; i < WARMUP + TURNS; i++) {
      const key = users[i % USERS]!
      const conversationKey = `bench-${i % USERS}`
      const order = i % 2 === 0 ? ['bridge', 'direct'] : ['direct', 'bridge']
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
    const label = engine === 'pglite' ? 'PGlite' : 'PostgreSQL'
    rows.push({
      metric: `turn via bridge HTTP (${label})`,
      figures: `p50 ${ms(b.median)} · p99 ${ms(b.p99)}`,
      target: '–',
      met: null,
      data: { ...b },
    })
    rows.push({
      metric: `turn direct with client (${label})`,
      figures: `p50 ${ms(d.median)} · p99 ${ms(d.p99)}`,
      target: '–',
      met: null,
      data: { ...d },
    })
    rows.push({
      metric: `added latency (${label})`,
      figures: `p50 +${ms(b.median - d.median)} · p99 +${ms(b.p99 - d.p99)} · ratio p50 ${(b.median / d.median).toFixed(2)}×`,
      target: 'p50 ≤ 2 ms, p99 ≤ 6 ms',
      met: b.median - d.median <= 2 && b.p99 - d.p99 <= 6,
      data: {
        addedP50: b.median - d.median,
        addedP99: b.p99 - d.p99,
        ratioP50: b.median / d.median,
      },
    })
    const bridgeCpu = cpu.bridge / TURNS
    const directCpu = cpu.direct / TURNS
    rows.push({
      metric: `CPU per turn (${label}; emulator and caller in the same process on both sides)`,
      figures: `via bridge ${ms(bridgeCpu)} · direct ${ms(directCpu)} · bridge's own +${ms(bridgeCpu - directCpu)}`,
      target: "bridge's own ≤ 2 ms",
      met: bridgeCpu - directCpu <= 2,
      data: { bridgeCpuMs: bridgeCpu, directCpuMs: directCpu, addedCpuMs: bridgeCpu - directCpu },
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
