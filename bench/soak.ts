/**
 * Soak: 50,000 turns through the bridge's HTTP API (emulator at zero delay), 500 conversations,
 * 50 in flight. Memory is measured like with like: at every checkpoint (each tenth of the run after
 * a 10 % warm-up, and at the end) the bridge process's heap used after a forced full GC; the
 * figure is the least-squares slope of those samples per 10,000 turns, which must stay within
 * 1 MiB (a leak of 100 bytes per turn shows as ~1 MiB). Resident memory is reported beside it.
 */

import { budgetRow, measureCpuBudget } from './lib/cpu-budget'
import { profiled } from './lib/cpu-profile'
import { startLoadRig } from './lib/load-rig'
import { emit } from './lib/output'
import { type BenchRow, ms } from './lib/report'
import { slope, summarize } from './lib/stats'

const TURNS = Number(process.env.BENCH_SOAK_TURNS ?? 50_000)
const CONVERSATIONS = 500
const CONCURRENCY = 50
const WARMUP_FRACTION = 0.1

/** Largest heap slope per 10,000 turns that still counts as flat, bytes. */
const FLAT_SLOPE_BYTES = 2 ** 20

/** Heap used and resident size after a forced full GC (the runner passes `--expose-gc`). */
function memoryAfterGc() {
  const collect = (globalThis as { gc?: () => void }).gc
  if (!collect) throw new Error('run with --expose-gc (npm run bench does)')
  collect()
  collect()
  const { heapUsed, rss } = process.memoryUsage()
  return { heapUsed, rss }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`

const rig = await startLoadRig({
  conversations: CONVERSATIONS,
  replyDelayMs: 0,
  trailingErrorWaitMs: 0,
})
const rows: BenchRow[] = []
try {
  const perConversation = Math.ceil(TURNS / CONVERSATIONS)
  const samples: Array<{ turns: number; heapUsed: number; rss: number }> = []
  let nextSample = 0
  const warmupTurns = Math.floor(TURNS * WARMUP_FRACTION)
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const { result, msByPart } = await measureCpuBudget(rig.budgetParts(), () =>
    profiled('soak', () =>
      rig.drive(
        { turnsPerConversation: perConversation, concurrency: CONCURRENCY, progressEvery: 1_000 },
        (done) => {
          if (done >= warmupTurns && done >= nextSample) {
            samples.push({ turns: done, ...memoryAfterGc() })
            nextSample = done + Math.floor(TURNS / 10)
            const last = samples.at(-1)!
            process.stdout.write(
              `  ${done} turns, heap ${mib(last.heapUsed)}, rss ${mib(last.rss)}\n`
            )
          }
        }
      )
    )
  )
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  samples.push({ turns: perConversation * CONVERSATIONS, ...memoryAfterGc() })
  const first = samples[0]!
  const last = samples.at(-1)!
  const heapSlope = slope(samples.map((s) => ({ x: s.turns / 10_000, y: s.heapUsed })))
  const cpuMsPerTurn = (cpu.user + cpu.system) / 1000 / (perConversation * CONVERSATIONS)
  const lat = summarize(result.latencies)
  const total = perConversation * CONVERSATIONS
  rows.push({
    metric: `${total} turns, ${CONCURRENCY} in flight`,
    figures: `${result.latencies.length} ok, ${result.errors} errors · ${(total / seconds).toFixed(0)} turns/s · p50 ${ms(lat.median)} · p99 ${ms(lat.p99)}`,
    target: 'no errors · ≥ 400 turns/s',
    met: result.errors === 0 && total / seconds >= 400,
    data: { ...lat, errors: result.errors, sampleErrors: result.sampleErrors, seconds },
  })
  rows.push({
    metric: 'heap used after forced GC, per checkpoint',
    figures: `slope ${heapSlope >= 0 ? '+' : ''}${(heapSlope / 1024).toFixed(0)} KiB per 10,000 turns · ${samples.length} checkpoints ${mib(first.heapUsed)} → ${mib(last.heapUsed)} · rss ${mib(first.rss)} → ${mib(last.rss)}`,
    target: `slope ≤ ${mib(FLAT_SLOPE_BYTES)} per 10,000 turns`,
    met: heapSlope <= FLAT_SLOPE_BYTES,
    data: { samples, heapSlopeBytesPer10kTurns: heapSlope },
  })
  rows.push({
    metric: 'bridge CPU per turn',
    figures: `${ms(cpuMsPerTurn)} (user ${(cpu.user / 1e6).toFixed(1)} s + system ${(cpu.system / 1e6).toFixed(1)} s)`,
    target: 'reported',
    met: null,
    data: { cpuMsPerTurn, userSeconds: cpu.user / 1e6, systemSeconds: cpu.system / 1e6 },
  })
  rows.push(budgetRow(msByPart, total))
} finally {
  await rig.close()
}
emit({
  name: 'soak',
  config: {
    turns: TURNS,
    conversations: CONVERSATIONS,
    concurrency: CONCURRENCY,
    warmupFraction: WARMUP_FRACTION,
    database: 'PostgreSQL',
  },
  rows,
})
process.exit(0)
