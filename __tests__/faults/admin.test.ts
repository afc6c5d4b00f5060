/**
 * Issue 12 §5: `npm run host:admin` beside a running host. On PGlite another process cannot share
 * the data folder, so the tool refuses while a host holds it (and reports no write); once the host
 * is stopped its writes persist and the key works on the next start. On PostgreSQL it works beside
 * the running host. Errors are sentences, never SQL; list-users and list-workspaces list.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataFolderBusyError, lockDataFolder } from '@/host/db/folder-lock'
import { type RunningHost, startHost } from '@/host/server'
import { createPostgresDatabase, ENGINES } from '../support/databases'

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')

/** Runs `host:admin` in its own process, as an operator would. */
function admin(env: Record<string, string>, ...args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'host/admin.ts', ...args], {
      cwd: root,
      env: { ...process.env, REDIS_URL: '', PARLANT_SERVER_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('exit', (code) => done({ code, stdout, stderr }))
  })
}

const keyOf = (stdout: string) => stdout.match(/api key (\S+)/)?.[1]

async function authenticates(host: RunningHost, key: string) {
  const caller = await host.bridgeHost.authenticate(
    new Request('http://x/', { headers: { authorization: `Bearer ${key}` } })
  )
  return caller?.userId ?? null
}

describe.each(ENGINES)('host:admin beside a host on %s', (engine) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bridge-admin-'))
  let env: Record<string, string>
  let host: RunningHost | undefined
  let drop: (() => Promise<void>) | undefined

  beforeAll(async () => {
    const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
    drop = pg?.drop
    env = { PARLANT_BRIDGE_DATA_DIR: dataDir, DATABASE_URL: pg?.url ?? '', PORT: '0' }
    host = await startHost({ env })
  })
  afterAll(async () => {
    await host?.close()
    await drop?.()
  })

  it('never reports a write that is then lost; the created key works', {
    timeout: 120_000,
  }, async () => {
    const running = host as RunningHost
    const beside = await admin(env, 'create-user', 'alice@example.com', 'Alice')
    if (engine === 'pglite') {
      expect(beside.code).toBe(1)
      expect(beside.stdout).toBe('')
      expect(beside.stderr).toMatch(/in use by a running host \(pid \d+/)
      expect(beside.stderr).toMatch(/Stop it first, or run both against PostgreSQL/)
      await running.close()
      host = undefined
      const after = await admin(env, 'create-user', 'alice@example.com', 'Alice')
      expect(after.code, after.stderr).toBe(0)
      const key = keyOf(after.stdout) as string
      host = await startHost({ env })
      expect(await authenticates(host, key)).toMatch(/\S/)
      // And the host holds the folder again: the tool is refused once more.
      expect((await admin(env, 'list-users')).code).toBe(1)
    } else {
      expect(beside.code, beside.stderr).toBe(0)
      const key = keyOf(beside.stdout) as string
      expect(await authenticates(running, key)).toBe(beside.stdout.match(/user (\S+)/)?.[1])
    }
  })

  // Each call is a process that opens the database: allow for a loaded machine.
  it('lists, and answers mistakes with sentences instead of SQL', {
    timeout: 120_000,
  }, async () => {
    // On PGlite the tool needs the folder to itself.
    if (engine === 'pglite') {
      await host?.close()
      host = undefined
    }
    const users = await admin(env, 'list-users')
    expect(users.code, users.stderr).toBe(0)
    expect(users.stdout).toMatch(/\talice@example\.com\tAlice\n/)
    const aliceId = users.stdout.match(/^(\S+)\talice@example\.com/m)?.[1] as string
    const spaces = await admin(env, 'list-workspaces')
    expect(spaces.stdout).toMatch(/\towner \S+\t1 member\(s\)/)

    const duplicate = await admin(env, 'create-user', 'alice@example.com')
    expect(duplicate).toMatchObject({ code: 1, stdout: '' })
    expect(duplicate.stderr.trim()).toBe(
      `A user with the email alice@example.com already exists (id ${aliceId}). Use issue-key ${aliceId} for a new key.`
    )
    const unknownUser = await admin(env, 'grant', 'nobody', 'dev-workspace', 'read')
    expect(unknownUser.code).toBe(1)
    expect(unknownUser.stderr.trim()).toBe(
      'There is no user with id "nobody". Run list-users to see them.'
    )
    const noGrant = await admin(env, 'revoke', aliceId, 'missing-workspace')
    expect(noGrant.stderr.trim()).toBe(
      'There is no workspace with id "missing-workspace". Run list-workspaces to see them.'
    )
    for (const answer of [duplicate, unknownUser, noGrant]) {
      expect(answer.stderr).not.toMatch(/insert|select|params|failed query/i)
    }
  })
})

describe('the data folder lock', () => {
  it('refuses a second holder and takes over from a dead one', () => {
    const folder = mkdtempSync(join(tmpdir(), 'bridge-lock-'))
    const first = lockDataFolder(folder, 'host')
    expect(() => lockDataFolder(folder, 'host:admin')).toThrow(DataFolderBusyError)
    first.release()
    lockDataFolder(folder, 'host:admin').release()
    // A holder that died without releasing (its pid no longer runs) does not block.
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid as number
    writeFileSync(
      join(folder, 'pglite.lock'),
      JSON.stringify({ pid: dead, role: 'host', since: 'then', nonce: 'x' })
    )
    const taken = lockDataFolder(folder, 'host')
    expect(() => lockDataFolder(folder, 'host')).toThrow(/in use by a running host/)
    taken.release()
  })
})
