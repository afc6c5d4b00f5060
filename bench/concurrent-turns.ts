/**
 * Concurrent turns: 1,000 conversations in flight at once against the emulator replying after 2 s.
 * The bridge host runs in this process (PostgreSQL), the emulator and the load driver in their
 * own; we report completion, event-loop delay and the bridge's CPU per turn.
 */

import { monitorEventLoopDelay } from 'node:perf_hooks'
import { budgetRow, measureCpuBudget } from './lib/cpu-budget'
import { profiled } from './lib/cpu-profile'
import { startLoadRig } from './lib/load-rig'
import { emit } from './lib/output'
import { type BenchRow, ms } from './lib/report'
import { summarize } from './lib/stats'

const CONVERSATIONS = Number(process.env.BENCH_CONCURRENT_CONVERSATIONS ?? 1_000)
const REPLY_DELAY_MS = 2_000

const rig = await startLoadRig({
  conversations: CONVERSATIONS,
  replyDelayMs: REPLY_DELAY_MS,
  trailingErrorWaitMs: 250,
})
const rows: BenchRow[] = []
try {
  // First round creates each conversation's customer and session; the second is measured.
  const warm = await rig.drive({
    turnsPerConversation: 1,
    concurrency: CONVERSATIONS,
    progressEvery: 250,
  })
  if (warm.errors > 0) throw new Error(`warm-up errors: ${warm.sampleErrors.join(' | ')}`)
  const loop = monitorEventLoopDelay({ resolution: 5 })
  const cpuBefore = process.cpuUsage()
  loop.enable()
  const started = performance.now()
  const { result, msByPart } = await measureCpuBudget(rig.budgetParts(), () =>
    profiled('concurrent-turns', () =>
      rig.drive({ turnsPerConversation: 1, concurrency: CONVERSATIONS, progressEvery: 250 })
    )
  )
  const wallSeconds = (performance.now() - started) / 1000
  loop.disable()
  const cpu = process.cpuUsage(cpuBefore)
  const cpuMsPerTurn = (cpu.user + cpu.system) / 1000 / CONVERSATIONS
  const lat = summarize(result.latencies)
  const loopP99 = loop.percentile(99) / 1e6
  rows.push({
    metric: `${CONVERSATIONS} turns in flight, reply after 2 s`,
    figures: `${result.latencies.length}/${CONVERSATIONS} completed, ${result.errors} errors · turn p50 ${ms(lat.median)} · p99 ${ms(lat.p99)} · wall ${wallSeconds.toFixed(1)} s`,
    target: 'all complete · p50 ≤ 2.5 s · p99 ≤ 3.5 s',
    met:
      result.latencies.length === CONVERSATIONS &&
      result.errors === 0 &&
      lat.median <= 2_500 &&
      lat.p99 <= 3_500,
    data: { ...lat, errors: result.errors, sampleErrors: result.sampleErrors, wallSeconds },
  })
  rows.push({
    metric: 'bridge event-loop delay during the round',
    figures: `p50 ${ms(loop.percentile(50) / 1e6)} · p99 ${ms(loopP99)} · max ${ms(loop.max / 1e6)}`,
    target: 'p99 ≤ 20 ms',
    met: loopP99 <= 20,
    data: { p50: loop.percentile(50) / 1e6, p99: loopP99, max: loop.max / 1e6 },
  })
  rows.push({
    metric: 'bridge CPU per turn',
    figures: `${ms(cpuMsPerTurn)} (user ${(cpu.user / 1e6).toFixed(2)} s + system ${(cpu.system / 1e6).toFixed(2)} s for ${CONVERSATIONS} turns)`,
    target: '≤ 2 ms',
    met: cpuMsPerTurn <= 2,
    data: { cpuMsPerTurn, userSeconds: cpu.user / 1e6, systemSeconds: cpu.system / 1e6 },
  })
  rows.push(budgetRow(msByPart, CONVERSATIONS))
} finally {
  await rig.close()
}
emit({
  name: 'concurrent turns',
  config: {
    conversations: CONVERSATIONS,
    replyDelayMs: REPLY_DELAY_MS,
    trailingErrorWaitMs: 250,
    database: 'PostgreSQL (pool 10)',
    processes: 'bridge | emulator | load driver',
  },
  rows,
})
process.exit(0)
