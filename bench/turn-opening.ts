/**
 * Turn opening: a turn on an existing conversation opened in one statement
 * (`openOnConversation`: agent and conversation read, ledger row created, lease taken) beside the
 * same opening in two (`findAgentAndConversation`, then `createTurnTakingLease`: the path a send
 * takes when this node already has a send queued on the conversation), interleaved, on both
 * engines. Each opening's lease is released after it by the same statement on both sides. CPU is
 * this process's (the bridge's side); on PostgreSQL, the backends' CPU is read beside it.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { and, eq } from 'drizzle-orm'
import { findAgentAndConversation } from '@/lib/parlant/chat/conversations'
import { createTurnTakingLease, openOnConversation } from '@/lib/parlant/chat/turn-with-lease'
import { agentConversations } from '@/lib/parlant/db/schema'
import { startEmulator } from '@/emulator'
import { startHost } from '@/host/server'
import { createPostgresDatabase } from '../__tests__/support/databases'
import { backendPids, processCpuMs } from './lib/cpu-budget'
import { createStartedRefundAgent, MESSAGE } from './lib/load-rig'
import { emit } from './lib/output'
import { type BenchRow, ms } from './lib/report'
import { summarize } from './lib/stats'
import { bridgeTurn } from './lib/turns'

const OPENINGS = Number(process.env.BENCH_OPENINGS ?? 1_000)
const ROUNDS = 6
const WARMUP = 300

/** Median of a few per-round figures. */
function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

async function runOn(engine: 'pglite' | 'postgres', rows: BenchRow[]) {
  const emulator = await startEmulator({ port: 0, delayMs: 0 })
  const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
  const host = await startHost({
    env: {
      ...process.env,
      PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), `bench-opening-${engine}-`)),
      DATABASE_URL: pg?.url ?? '',
      REDIS_URL: '',
      PARLANT_SERVER_URL: emulator.url,
    },
    port: 0,
  })
  try {
    const { workspaceId, apiKey, userId } = host.identity
    const agentId = await createStartedRefundAgent(host)
    // One turn through the API creates the conversation the openings run on.
    await bridgeTurn(host.url, apiKey, workspaceId, agentId, 'opening', MESSAGE)
    const db = host.database.db
    const [conversation] = await db
      .select()
      .from(agentConversations)
      .where(
        and(
          eq(agentConversations.workspaceAgentId, agentId),
          eq(agentConversations.conversationKey, 'opening')
        )
      )
    if (!conversation) throw new Error('the conversation was not created')
    const named = {
      workspaceId,
      agentId,
      callerKey: conversation.callerKey,
      conversationKey: conversation.conversationKey,
    }
    const lease = { owner: 'bench-opening:1', ttlSeconds: 30 }
    let n = 0
    const ask = () => ({ idempotencyKey: `opening-${n++}`, requestHash: 'hash', userId })
    const release = () =>
      db
        .update(agentConversations)
        .set({ leaseOwner: null, leaseExpiresAt: null })
        .where(eq(agentConversations.id, conversation.id))
    const sides = {
      'one statement': async () => {
        const opened = await openOnConversation(
          db,
          { ...named, ...ask(), expectedCustomerId: null },
          lease
        )
        if (!opened.taken) throw new Error('the one statement took no lease')
      },
      'read, then the opening': async () => {
        const found = await findAgentAndConversation(db, named)
        const conversationId = found.conversation?.id ?? ''
        const opened = await createTurnTakingLease(
          db,
          { workspaceId, conversationId, ...ask() },
          lease
        )
        if (!opened.taken) throw new Error('the opening took no lease')
      },
    }
    const backends = pg ? await backendPids(pg.url) : []
    const backendCpu = () => backends.reduce((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0)
    const figures = Object.fromEntries(
      Object.keys(sides).map((side) => [
        side,
        { cpu: [] as number[], db: [] as number[], ms: [] as number[] },
      ])
    )
    for (let round = -1; round < ROUNDS; round++) {
      for (const [side, open] of Object.entries(sides)) {
        const count = round < 0 ? WARMUP : OPENINGS
        const cpuBefore = process.cpuUsage()
        const dbBefore = backendCpu()
        const samples: number[] = []
        for (let i = 0; i < count; i++) {
          const start = performance.now()
          await open()
          samples.push(performance.now() - start)
          await release()
        }
        if (round < 0) continue
        const cpu = process.cpuUsage(cpuBefore)
        const entry = figures[side]!
        entry.cpu.push((cpu.user + cpu.system) / 1000 / count)
        entry.db.push((backendCpu() - dbBefore) / count)
        entry.ms.push(...samples)
      }
    }
    const label = engine === 'postgres' ? 'PostgreSQL' : 'PGlite'
    for (const [side, entry] of Object.entries(figures)) {
      const latency = summarize(entry.ms)
      const cpu = median(entry.cpu)
      const dbCpu = median(entry.db)
      rows.push({
        metric: `turn opening, ${side} (${label})`,
        figures: `p50 ${ms(latency.median)} · p99 ${ms(latency.p99)} · CPU ${ms(cpu)}${pg ? ` · PostgreSQL CPU ${ms(dbCpu)}` : ''} per opening (and its release)`,
        target: 'reported (one statement beside two)',
        met: null,
        data: { ...latency, cpuMs: cpu, databaseCpuMs: pg ? dbCpu : null, rounds: entry.cpu },
      })
    }
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
  name: 'turn opening',
  config: { openings: OPENINGS, rounds: ROUNDS, warmup: WARMUP, interleaved: true },
  rows,
})
process.exit(0)
