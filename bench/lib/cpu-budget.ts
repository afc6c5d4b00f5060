/**
 * Where a turn's CPU goes on this machine: the bridge process and the processes it shares the
 * cores with (PostgreSQL's backends for the bench database, the emulator, the load driver), read
 * from Linux's `/proc/<pid>/stat` over the same window. Their sum per turn bounds the throughput
 * two cores can give (2,000 ms of CPU a second ÷ the sum), whatever the bridge does.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import pg from 'pg'
import type { BenchRow } from './report'

/** Clock ticks per second of `/proc` times (`getconf CLK_TCK`; 100 on Linux when unknown). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/** User + system CPU of a process so far, ms; `null` when it is gone or not on Linux. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces: the fields that follow start after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12]) // utime, stime (fields 14 and 15)
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : null
  } catch {
    return null
  }
}

/** The backend pids serving `databaseUrl`'s database (other than the asking connection). */
export async function backendPids(databaseUrl: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()'
    )
    return rows.map((row) => row.pid)
  } finally {
    await client.end()
  }
}

export interface BudgetPart {
  name: string
  /** The processes of this part, asked at the start and at the end of the window. */
  pids(): number[] | Promise<number[]>
}

/** CPU per turn of each part over a window; a process seen only at one end counts from/to zero. */
export async function measureCpuBudget<T>(
  parts: BudgetPart[],
  run: () => Promise<T>
): Promise<{ result: T; msByPart: Record<string, number> }> {
  const sample = async () => {
    const byPart = new Map<string, Map<number, number>>()
    for (const part of parts) {
      const times = new Map<number, number>()
      for (const pid of await part.pids()) {
        const ms = processCpuMs(pid)
        if (ms !== null) times.set(pid, ms)
      }
      byPart.set(part.name, times)
    }
    return byPart
  }
  const before = await sample()
  const result = await run()
  const after = await sample()
  const msByPart: Record<string, number> = {}
  for (const part of parts) {
    const start = before.get(part.name) ?? new Map()
    let total = 0
    for (const [pid, ms] of after.get(part.name) ?? new Map()) total += ms - (start.get(pid) ?? 0)
    msByPart[part.name] = total
  }
  return { result, msByPart }
}

/** "bridge 3.1 · PostgreSQL 1.2 · … · total 6.0 ms a turn → ≤ 333 turns/s on 2 cores". */
export function describeBudget(msByPart: Record<string, number>, turns: number, cores: number) {
  const perTurn = Object.entries(msByPart).map(([name, ms]) => [name, ms / turns] as const)
  const total = perTurn.reduce((sum, [, ms]) => sum + ms, 0)
  const ceiling = (cores * 1000) / total
  return {
    perTurn: Object.fromEntries(perTurn),
    total,
    ceiling,
    text: `${perTurn.map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(' · ')} · total ${total.toFixed(2)} ms a turn → at most ${ceiling.toFixed(0)} turns/s on ${cores} cores`,
  }
}

/** The benchmark row of a budget measured over `turns` on this machine's cores. */
export function budgetRow(msByPart: Record<string, number>, turns: number): BenchRow {
  const budget = describeBudget(msByPart, turns, cpus().length)
  return {
    metric: 'CPU per turn by process (ms)',
    figures: budget.text,
    target: 'reported',
    met: null,
    data: budget,
  }
}
