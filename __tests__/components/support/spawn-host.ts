/** Starts `host-process.ts` in a child process and resolves with its URL and dev identity. */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

/** A running host process. */
export interface HostProcess {
  url: string
  apiKey: string
  workspaceId: string
  stop(): Promise<void>
}

/** Boots a host on the embedded defaults (PGlite, in-process emulator) in a fresh data folder. */
export function spawnHost(): Promise<HostProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parlant-ui-host-'))
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(here, 'host-process.ts')],
    {
      cwd: resolve(here, '../../..'),
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        PARLANT_BRIDGE_DATA_DIR: dataDir,
        DATABASE_URL: '',
        REDIS_URL: '',
        PARLANT_SERVER_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }
  )
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done))
      child.kill('SIGTERM')
      await exited
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
  return new Promise((done, fail) => {
    let out = ''
    let err = ''
    const timer = setTimeout(() => {
      void stop()
      fail(new Error(`the host did not start: ${err}`))
    }, 60_000)
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString()
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const line = out.split('\n').find((l) => l.startsWith('READY '))
      if (!line) return
      clearTimeout(timer)
      const info = JSON.parse(line.slice('READY '.length)) as Omit<HostProcess, 'stop'>
      done({ ...info, stop })
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`the host exited (${code}) before it was ready: ${err}`))
    })
  })
}
