/**
 * Soak: 50,000 turns through the bridge's HTTP API (emulator at zero delay), 500 conversations,
 * 50 in flight. Resident memory of the bridge process is sampled after a forced GC; the growth
 * after warm-up must stay under 5 %.
 */

import { startLoadRig } from './lib/load-rig'
import { emit } from './lib/output'
import { type BenchRow, ms } from './lib/report'
import { summarize } from './lib/stats'

const TURNS = Number(process.env.BENCH_SOAK_TURNS ?? 50_000)
const CONVERSATIONS = 500
const CONCURRENCY = 50
const WARMUP_FRACTION = 0.1

function residentAfterGc() {
  const collect = (globalThis as { gc?: () => void }).gc
  collect?.()
  collect?.()
  return process.memoryUsage().rss
}

const rig = await startLoadRig({
  conversations: CONVERSATIONS,
  replyDelayMs: 0,
  trailingErrorWaitSeconds: 0,
})
const rows: BenchRow[] = []
try {
  const perConversation = Math.ceil(TURNS / CONVERSATIONS)
  const samples: Array<{ turns: number; rss: number }> = []
  let nextSample = 0
  const warmupTurns = Math.floor(TURNS * WARMUP_FRACTION)
  const started = performance.now()
  const result = await rig.drive(
    { turnsPerConversation: perConversation, concurrency: CONCURRENCY, progressEvery: 1_000 },
    (done) => {
      if (done >= warmupTurns && done >= nextSample) {
        samples.push({ turns: done, rss: residentAfterGc() })
        nextSample = done + Math.floor(TURNS / 10)
        process.stdout.write(
          `  ${done} turns, rss ${(samples.at(-1)!.rss / 2 ** 20).toFixed(0)} MiB\n`
        )
      }
    }
  )
  const seconds = (performance.now() - started) / 1000
  samples.push({ turns: perConversation * CONVERSATIONS, rss: residentAfterGc() })
  const first = samples[0]!
  const last = samples.at(-1)!
  const growth = (last.rss - first.rss) / first.rss
  const lat = summarize(result.latencies)
  const total = perConversation * CONVERSATIONS
  rows.push({
    metric: `${total} turns, ${CONCURRENCY} in flight`,
    figures: `${result.latencies.length} ok, ${result.errors} errors · ${(total / seconds).toFixed(0)} turns/s · p50 ${ms(lat.median)} · p99 ${ms(lat.p99)}`,
    target: 'no errors',
    met: result.errors === 0,
    data: { ...lat, errors: result.errors, sampleErrors: result.sampleErrors, seconds },
  })
  rows.push({
    metric: 'resident memory after warm-up',
    figures: `${(first.rss / 2 ** 20).toFixed(0)} MiB → ${(last.rss / 2 ** 20).toFixed(0)} MiB (${(growth * 100).toFixed(1)} %)`,
    target: 'growth < 5 %',
    met: growth < 0.05,
    data: { samples, growth },
  })
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
