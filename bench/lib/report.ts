/**
 * Benchmark results: every benchmark returns rows of figures with a target and whether it was met;
 * the runner prints them as a table, writes JSON, and refreshes the table in the README.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'

export interface BenchRow {
  /** What was measured, e.g. "create agent (PGlite)". */
  metric: string
  /** Formatted figures, e.g. "p50 0.41 ms · p99 1.9 ms". */
  figures: string
  /** The target, e.g. "p99 ≤ 20 ms". */
  target: string
  met: boolean | null
  /** Raw numbers for the JSON file. */
  data?: Record<string, unknown>
}

export interface BenchResult {
  name: string
  config: Record<string, unknown>
  rows: BenchRow[]
  notes?: string[]
}

/** The machine the run happened on. */
export function machine() {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  }
}

/** Formats milliseconds with sensible precision. */
export function ms(value: number) {
  if (!Number.isFinite(value)) return 'n/a'
  return value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(1)} ms`
}

/** A markdown table of all results. */
export function toMarkdown(results: readonly BenchResult[], date: string) {
  const m = machine()
  const lines = [
    `Measured ${date} on ${m.cores} cores (${m.cpu}), Node ${m.node}, with \`npm run bench\`.`,
    '',
    '| benchmark | metric | figures | target | met |',
    '|---|---|---|---|---|',
  ]
  for (const result of results) {
    for (const row of result.rows) {
      const met = row.met === null ? '–' : row.met ? 'yes' : '**no**'
      lines.push(`| ${result.name} | ${row.metric} | ${row.figures} | ${row.target} | ${met} |`)
    }
  }
  return lines.join('\n')
}

const START = '<!-- bench:start -->'
const END = '<!-- bench:end -->'

/** Writes `bench/results/latest.json` and replaces the table between the README's markers. */
export function writeResults(results: readonly BenchResult[], root: string) {
  const date = new Date().toISOString().slice(0, 10)
  mkdirSync(`${root}/bench/results`, { recursive: true })
  writeFileSync(
    `${root}/bench/results/latest.json`,
    `${JSON.stringify({ date, machine: machine(), results }, null, 2)}\n`
  )
  const table = toMarkdown(results, date)
  const readmePath = `${root}/README.md`
  const readme = readFileSync(readmePath, 'utf8')
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start >= 0 && end > start) {
    writeFileSync(
      readmePath,
      `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`
    )
  }
  return table
}
