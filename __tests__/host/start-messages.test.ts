/**
 * What `npm start` tells a newcomer: settings from `./.env` (the environment winning over it),
 * the dev user's id (which `host:admin create-workspace` needs), and — when the port is taken —
 * a sentence naming `PORT` instead of a bare EADDRINUSE.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PortInUseError, startHost } from '@/host/server'

const REPO = process.cwd()

/** This process's environment minus `names` (so the child's `.env` supplies them). */
function environmentWithout(...names: string[]) {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !names.includes(name)))
}

describe('starting the host', () => {
  it('says which variable to set when the port is taken, before opening anything', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    const dataDir = mkdtempSync(join(tmpdir(), 'bridge-port-'))
    try {
      const start = startHost({
        env: { PARLANT_BRIDGE_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' },
      })
      await expect(start).rejects.toBeInstanceOf(PortInUseError)
      await expect(start).rejects.toThrow(
        `Port ${port} on 127.0.0.1 is already in use (another host still running?). Stop it, or set PORT to a free port, e.g. PORT=${port + 1} npm start`
      )
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()))
    }
  })

  it('reads ./.env (the environment wins) and prints the dev user id', {
    timeout: 60_000,
  }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bridge-dotenv-'))
    writeFileSync(
      join(cwd, '.env'),
      'PORT=0\nPARLANT_BRIDGE_DATA_DIR=./from-dotenv\nHOST=0.0.0.0\n'
    )
    const child = spawn(
      join(REPO, 'node_modules/.bin/tsx'),
      ['--tsconfig', join(REPO, 'tsconfig.json'), join(REPO, 'host/main.ts')],
      // HOST from the environment beats the file's.
      {
        cwd,
        env: {
          ...environmentWithout('PORT', 'PARLANT_BRIDGE_DATA_DIR'),
          HOST: '127.0.0.1',
          DATABASE_URL: '',
        },
      }
    )
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('exit', () => reject(new Error(`host exited early:\n${output}`)))
        const timer = setInterval(() => {
          if (output.includes('dev API key')) {
            clearInterval(timer)
            resolve()
          }
        }, 50)
      })
      expect(output).toContain('  dev user: dev-user   dev workspace: dev-workspace')
      expect(output).toContain(`settings read from ${join(cwd, '.env')}`)
      // PORT=0 from the file (a free port), HOST from the environment.
      expect(output).toMatch(/running at http:\/\/127\.0\.0\.1:\d+/)
      expect(output).not.toContain('127.0.0.1:3000')
      expect(output).toContain(join(cwd, 'from-dotenv', 'dev-api-key'))
    } finally {
      child.removeAllListeners('exit')
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGINT')
      await exited
    }
  })
})
