/**
 * One process at a time on an embedded (PGlite) data folder. PGlite keeps the database in memory
 * and writes it back to the folder, so a second process on the same folder works on its own copy:
 * its writes look done and are lost when the first one writes back. The holder records itself in
 * `<folder>/pglite.lock`; a lock whose process is gone (a crash) is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { generateId } from '@sim/utils/id'

/** Who holds a data folder. */
export interface FolderHolder {
  pid: number
  role: string
  since: string
}

/** Another process (or another database in this one) holds the folder. */
export class DataFolderBusyError extends Error {
  override name = 'DataFolderBusyError'
  constructor(
    readonly folder: string,
    readonly holder: FolderHolder
  ) {
    super(
      `The embedded database in ${folder} is in use by ${holder.role === 'host' ? 'a running host' : holder.role} (pid ${holder.pid}, since ${holder.since}). ` +
        'PGlite cannot be shared between processes: a second one would write to a copy that the first overwrites. ' +
        'Stop it first, or run both against PostgreSQL (DATABASE_URL).'
    )
  }
}

function alive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readHolder(path: string): (FolderHolder & { nonce?: string }) | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as FolderHolder & { nonce?: string }
    return typeof parsed.pid === 'number' ? parsed : undefined
  } catch {
    return undefined
  }
}

/** Takes the folder for `role` (e.g. `host`, `host:admin`), or throws `DataFolderBusyError`. */
export function lockDataFolder(folder: string, role: string): { release(): void } {
  const path = join(folder, 'pglite.lock')
  const nonce = generateId()
  const mine = { pid: process.pid, role, since: new Date().toISOString(), nonce }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      try {
        writeSync(fd, JSON.stringify(mine))
      } finally {
        closeSync(fd)
      }
      return {
        release() {
          if (readHolder(path)?.nonce !== nonce) return
          try {
            unlinkSync(path)
          } catch {
            // Already gone: nothing to release.
          }
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = readHolder(path)
      // A half-written lock (the holder is between create and write) is treated as held.
      if (!holder)
        throw new DataFolderBusyError(folder, { pid: 0, role: 'another process', since: 'now' })
      if (alive(holder.pid)) throw new DataFolderBusyError(folder, holder)
      // The holder died without releasing (SIGKILL, power loss): the folder is free.
      try {
        unlinkSync(path)
      } catch {
        // Someone else removed it first; try again.
      }
    }
  }
  throw new Error(`Could not lock ${folder}`)
}
