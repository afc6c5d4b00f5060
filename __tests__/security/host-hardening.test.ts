/**
 * The attack pass's follow-ups on the standalone host, both engines: the page and its assets
 * cannot be framed and are not sniffed (X-Frame-Options, CSP `frame-ancestors 'none'`, nosniff);
 * reloading the page keeps its session instead of minting rows, and no client grows the session
 * table; a failed query in the host's own routes (`GET /`, socket-token, the API-key lookup) is
 * logged as the one-liner — never its SQL or parameters — and answered with the JSON error shape.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { SESSION_COOKIE } from '@/host/auth'
import { hostSessions } from '@/host/db/schema'
import { type RunningHost, startHost } from '@/host/server'
import { MAX_SESSIONS_PER_USER } from '@/host/session'
import { createPostgresDatabase, ENGINES } from '../support/databases'

function captureConsole() {
  const lines: string[] = []
  const spies = (['log', 'warn', 'error', 'info', 'debug'] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '))
    })
  )
  return {
    lines,
    restore() {
      for (const spy of spies) spy.mockRestore()
    },
  }
}

const sessionCookieOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
    ?.split(';')[0]

describe.each(ENGINES)('host hardening (%s)', (engine) => {
  let host: RunningHost
  let dropDb: (() => Promise<void>) | undefined

  beforeAll(async () => {
    const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
    dropDb = pg?.drop
    host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-hardening-')),
        DATABASE_URL: pg?.url,
        HOST: '127.0.0.1',
        PORT: '0',
      },
    })
  })
  afterAll(async () => {
    await host?.close()
    await dropDb?.()
  })

  const sessions = async () => (await host.database.db.select().from(hostSessions)).length

  it('the page, its assets and the API cannot be framed or sniffed', async () => {
    const paths = [
      '/',
      '/demo/styles.css',
      '/favicon.svg',
      '/health',
      '/nowhere',
      '/api/parlant/agents',
    ]
    for (const path of paths) {
      const response = await fetch(`${host.url}${path}`)
      await response.arrayBuffer()
      expect(response.headers.get('x-frame-options'), path).toBe('DENY')
      expect(response.headers.get('content-security-policy'), path).toMatch(
        /(^|; )frame-ancestors 'none'(;|$)/
      )
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff')
    }
    const missing = await fetch(`${host.url}/nowhere`)
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ error: 'Not found', code: 'not_found' })
  })

  it('a reload keeps its session; cookieless loads cannot grow the table', async () => {
    const first = await fetch(`${host.url}/`)
    await first.text()
    const cookie = sessionCookieOf(first)
    expect(cookie).toBeDefined()
    const before = await sessions()
    for (let i = 0; i < 20; i++) {
      const again = await fetch(`${host.url}/`, { headers: { cookie: cookie as string } })
      await again.text()
      expect(sessionCookieOf(again)).toBeUndefined()
    }
    expect(await sessions()).toBe(before)
    // An expired or unknown cookie gets a fresh session.
    const stale = await fetch(`${host.url}/`, {
      headers: { cookie: `${SESSION_COOKIE}=${'x'.repeat(43)}` },
    })
    await stale.text()
    expect(sessionCookieOf(stale)).toBeDefined()
    // 300 loads that never keep the cookie: the table stays at the cap, expired rows are pruned.
    await host.database.db.execute(
      sql`update host_sessions set expires_at = now() - interval '1 hour' where user_id = ${host.identity.userId} and id_hash = (select id_hash from host_sessions limit 1)`
    )
    for (let i = 0; i < 300; i++) await (await fetch(`${host.url}/`)).text()
    expect(await sessions()).toBeLessThanOrEqual(MAX_SESSIONS_PER_USER)
    const expired = await host.database.db.execute(
      sql`select count(*)::int as n from host_sessions where expires_at <= now()`
    )
    expect((expired as unknown as { rows: Array<{ n: number }> }).rows[0]?.n).toBe(0)
    // The newest session still works.
    const latest = await fetch(`${host.url}/`)
    await latest.text()
    const kept = await fetch(`${host.url}/`, {
      headers: { cookie: sessionCookieOf(latest) as string },
    })
    await kept.text()
    expect(sessionCookieOf(kept)).toBeUndefined()
  })

  it("a failed query in the host's own routes logs the one-liner and answers JSON", async () => {
    const logs = captureConsole()
    const db = host.database.db
    try {
      await db.execute(sql`alter table host_sessions rename to host_sessions_away`)
      const page = await fetch(`${host.url}/`)
      expect(page.status).toBe(500)
      expect(await page.json()).toEqual({ error: 'Internal server error', code: 'internal' })
      await db.execute(sql`alter table host_sessions_away rename to host_sessions`)

      await db.execute(sql`alter table host_api_keys rename to host_api_keys_away`)
      const minted = await fetch(`${host.url}/api/auth/socket-token`, {
        method: 'POST',
        headers: { authorization: `Bearer ${host.identity.apiKey}` },
      })
      expect(minted.status).toBe(500)
      expect(minted.headers.get('content-type')).toMatch(/^application\/json/)
      expect(await minted.json()).toEqual({ error: 'Internal server error', code: 'internal' })
      const listed = await fetch(
        `${host.url}/api/parlant/agents?workspaceId=${host.identity.workspaceId}`,
        {
          headers: { authorization: `Bearer ${host.identity.apiKey}` },
        }
      )
      expect(listed.status).toBe(500)
      expect(((await listed.json()) as { code: string }).code).toBe('internal')
    } finally {
      await db.execute(sql`alter table if exists host_sessions_away rename to host_sessions`)
      await db.execute(sql`alter table if exists host_api_keys_away rename to host_api_keys`)
      logs.restore()
    }
    const logged = logs.lines.join('\n')
    expect(logged).toMatch(/query failed \(\w+ 42P01\) in (delete|insert) host_sessions/)
    expect(logged).toMatch(/query failed \(\w+ 42P01\) in select host_api_keys/)
    expect(logged).not.toMatch(/insert into|select "|params|\$1/i)
    expect(logged).not.toContain(host.identity.apiKey.slice(0, 12))
  })
})
