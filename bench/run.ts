/**
 * `npm run bench [-- name ...]`: runs each benchmark in its own Node process (so memory figures
 * are its own), prints the table, writes bench/results/latest.json and the README table.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BenchResult, machine, writeResults } from './lib/report'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** In run order. */
const BENCHMARKS = [
  'floor',
  'chat-overhead',
  'turn-opening',
  'agent-ops',
  'realtime-fanout',
  'concurrent-turns',
  'soak',
]

/** The `name` each benchmark reports (the table's first column). */
const DISPLAY_NAMES: Record<string, string> = {
  floor: 'floor',
  'chat-overhead': 'chat overhead',
  'turn-opening': 'turn opening',
  'agent-ops': 'agent operations',
  'realtime-fanout': 'realtime fan-out',
  'concurrent-turns': 'concurrent turns',
  soak: 'soak',
}

const LATEST = join(
  fileURLToPath(new URL('..', import.meta.url)),
  'bench',
  'results',
  'latest.json'
)

function displayName(file: string) {
  return DISPLAY_NAMES[file] ?? file
}

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'))
const selected = requested.length
  ? BENCHMARKS.filter((name) => requested.includes(name))
  : BENCHMARKS

process.stdout.write(`machine: ${JSON.stringify(machine())}\n`)
const results: BenchResult[] = []
const outDir = mkdtempSync(join(tmpdir(), 'bridge-bench-'))
for (const name of selected) {
  const out = join(outDir, `${name}.json`)
  process.stdout.write(`\n▶ ${name}\n`)
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--expose-gc', join(ROOT, 'bench', `${name}.ts`), out],
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, LOG_LEVEL: 'error' } }
  )
  if (run.status !== 0) {
    results.push({
      name: displayName(name),
      config: {},
      rows: [{ metric: 'run', figures: `failed (exit ${run.status})`, target: '–', met: false }],
    })
    continue
  }
  results.push(JSON.parse(readFileSync(out, 'utf8')) as BenchResult)
}
// A partial run (`npm run bench -- soak`) keeps the other benchmarks' latest figures in the table.
const previous = existsSync(LATEST)
  ? (JSON.parse(readFileSync(LATEST, 'utf8')) as { results: BenchResult[] }).results
  : []
const merged = BENCHMARKS.flatMap((name) => {
  const fresh = results.find((r) => r.name === displayName(name))
  if (selected.includes(name)) return fresh ? [fresh] : []
  const kept = previous.find((r) => r.name === DISPLAY_NAMES[name])
  return kept ? [kept] : []
})
process.stdout.write(`\n${writeResults(merged, ROOT)}\n`)
