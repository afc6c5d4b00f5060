/** How a benchmark process hands its result to the runner (a JSON file path in argv). */
import { writeFileSync } from 'node:fs'
import { type BenchResult, machine } from './report'

/** Prints the result and writes it where the runner asked; exits the process when done. */
export function emit(result: BenchResult) {
  process.stdout.write(`${JSON.stringify({ machine: machine(), config: result.config })}\n`)
  for (const row of result.rows) {
    const met = row.met === null ? '' : row.met ? '  ✓' : '  ✗'
    process.stdout.write(`  ${row.metric}: ${row.figures}  (target ${row.target})${met}\n`)
  }
  for (const note of result.notes ?? []) process.stdout.write(`  note: ${note}\n`)
  const out = process.argv[2]
  if (out) writeFileSync(out, JSON.stringify(result))
}
