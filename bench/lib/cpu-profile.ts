/**
 * A CPU profile of the bridge (this process) over a benchmark's measured window only, when
 * `BENCH_CPU_PROFILE_DIR` is set: `node --cpu-prof` would also profile the rig's set-up. The file
 * (`<name>.cpuprofile`) opens in Chrome DevTools. Profiling slows the process; figures from a
 * profiled run are not the table's.
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'

/** Runs `work`, profiled if `BENCH_CPU_PROFILE_DIR` names a folder. */
export async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROFILE_DIR
  if (!dir) return work()
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  try {
    return await work()
  } finally {
    const { profile } = await session.post('Profiler.stop')
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile))
    session.disconnect()
  }
}
