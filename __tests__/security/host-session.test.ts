/**
 * Issue 13 §1 on both engines, as raw HTTP requests against the standalone host: the CSRF stop
 * (form content type, empty body, foreign Origin), DNS rebinding (`Host: attacker.example`),
 * an API key offered as the session cookie, and what the session cookie now is.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SESSION_COOKIE } from '@/host/auth'
import { hostSessions } from '@/host/db/schema'
import { type RunningHost, startHost } from '@/host/server'
import { createSession, MAX_SESSIONS_PER_USER, userForSession } from '@/host/session'
import { api, createActiveAgent } from '../realtime/support'
import { createPostgresDatabase, ENGINES } from '../support/databases'

interface RawAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** One request with exactly these headers (fetch would add or refuse some of them). */
function raw(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers, setHost: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          })
        )
      }
    )
    req.on('error', reject)
    req.end(body)
  })
}

function sessionCookieOf(answer: RawAnswer) {
  const cookies = ([] as string[]).concat(answer.headers['set-cookie'] ?? [])
  return cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))
}

describe.each(ENGINES)('the standalone host session (%s)', (engine) => {
  let host: RunningHost
  let dropDb: (() => Promise<void>) | undefined
  let here: string
  let cookie: string
  let workspaceId: string
  let agentId: string

  beforeAll(async () => {
    const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
    dropDb = pg?.drop
    host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-host-session-')),
        DATABASE_URL: pg?.url,
        HOST: '127.0.0.1',
        PORT: '0',
      },
    })
    here = `127.0.0.1:${host.port}`
    workspaceId = host.identity.workspaceId
    agentId = await createActiveAgent(host.url, host.identity.apiKey, workspaceId, 'csrf-target')
    const page = await raw(host.port, 'GET', '/', { host: here })
    const set = sessionCookieOf(page)
    if (!set) throw new Error('no session cookie')
    cookie = `${SESSION_COOKIE}=${set.split(';')[0]?.split('=')[1]}`
  })
  afterAll(async () => {
    await host?.close()
    await dropDb?.()
  })

  const agentStatus = async () =>
    (
      await api<{ agent: { status: string } }>(
        host.url,
        host.identity.apiKey,
        'GET',
        `/api/parlant/agents/${agentId}?workspaceId=${workspaceId}`
      )
    ).agent.status

  it('the cookie is a random, expiring, HttpOnly, SameSite=Strict session id stored hashed', async () => {
    const page = await raw(host.port, 'GET', '/', { host: here })
    const set = sessionCookieOf(page) ?? ''
    expect(set).toMatch(/HttpOnly/i)
    expect(set).toMatch(/SameSite=Strict/i)
    expect(set).toMatch(/Max-Age=\d+/i)
    const id = decodeURIComponent(set.split(';')[0]?.split('=')[1] ?? '')
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(id).not.toBe(host.identity.apiKey)
    expect(set).not.toContain(host.identity.apiKey)
    // Two page views, two sessions; the database holds hashes only.
    expect(cookie).not.toContain(id)
    const rows = await host.database.db.select().from(hostSessions)
    expect(rows.map((r) => r.idHash)).toContain(createHash('sha256').update(id).digest('hex'))
    expect(JSON.stringify(rows)).not.toContain(id)
    // The session reads with a cookie, and expires.
    const read = await raw(host.port, 'GET', `/api/parlant/agents?workspaceId=${workspaceId}`, {
      host: here,
      cookie,
    })
    expect(read.status).toBe(200)
    const old = await createSession(
      host.database.db,
      host.identity.userId,
      new Date(Date.now() - 60_000),
      1_000
    )
    expect(await userForSession(host.database.db, old.id)).toBeNull()
    const expired = await raw(host.port, 'GET', `/api/parlant/agents?workspaceId=${workspaceId}`, {
      host: here,
      cookie: `${SESSION_COOKIE}=${old.id}`,
    })
    expect(expired.status).toBe(401)
  })

  it('refuses the CSRF stop: form content type, empty body, foreign Origin', async () => {
    const token = await api<{ token: string }>(
      host.url,
      host.identity.apiKey,
      'POST',
      '/api/parlant/auth/token',
      { workspaceId, agentId }
    )
    const stop = `/api/parlant/agents/${agentId}/stop?workspaceId=${workspaceId}`
    const attempts: Array<[string, Record<string, string>]> = [
      // The reported attack, verbatim.
      [
        'form, empty body, foreign origin',
        {
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'http://127.0.0.1:8080',
          'content-length': '0',
        },
      ],
      [
        'form, same origin',
        { 'content-type': 'application/x-www-form-urlencoded', origin: `http://${here}` },
      ],
      ['text/plain, same origin', { 'content-type': 'text/plain', origin: `http://${here}` }],
      ['no content type, same origin', { origin: `http://${here}` }],
      [
        'JSON, foreign origin',
        { 'content-type': 'application/json', origin: 'http://127.0.0.1:8080' },
      ],
      [
        'JSON, other name same port',
        { 'content-type': 'application/json', origin: `http://localhost:${host.port}` },
      ],
      ['JSON, null origin', { 'content-type': 'application/json', origin: 'null' }],
      [
        'JSON, no origin, same-site',
        { 'content-type': 'application/json', 'sec-fetch-site': 'same-site' },
      ],
      [
        'JSON, no origin, cross-site',
        { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      ],
      ['JSON, no origin, no fetch metadata', { 'content-type': 'application/json' }],
    ]
    for (const [name, headers] of attempts) {
      const answer = await raw(host.port, 'POST', stop, { host: here, cookie, ...headers })
      expect({ name, status: answer.status }).toEqual({ name, status: 403 })
    }
    // The same for a body-less DELETE and for minting a socket token.
    const del = await raw(
      host.port,
      'DELETE',
      `/api/parlant/agents/${agentId}?workspaceId=${workspaceId}`,
      { host: here, cookie, origin: 'http://127.0.0.1:8080' }
    )
    expect(del.status).toBe(403)
    const mint = await raw(host.port, 'POST', '/api/auth/socket-token', {
      host: here,
      cookie,
      'content-type': 'application/json',
      origin: 'http://evil.localhost:3000',
    })
    expect(mint.status).toBe(403)
    expect(await agentStatus()).toBe('active')
    // Stop revokes the agent's tokens: this one still works, so no stop happened.
    const verify = await api<{ valid: boolean }>(
      host.url,
      host.identity.apiKey,
      'POST',
      '/api/parlant/auth/verify',
      { token: token.token }
    )
    expect(verify.valid).toBe(true)

    // The page's own request (JSON, same origin, or no Origin but Sec-Fetch-Site) is served.
    const sameOrigin = await raw(host.port, 'POST', '/api/auth/socket-token', {
      host: here,
      cookie,
      'content-type': 'application/json',
      origin: `http://${here}`,
    })
    expect(sameOrigin.status).toBe(200)
    const fetchMetadata = await raw(host.port, 'POST', '/api/auth/socket-token', {
      host: here,
      cookie,
      'content-type': 'application/json; charset=utf-8',
      'sec-fetch-site': 'same-origin',
    })
    expect(fetchMetadata.status).toBe(200)
    const stopped = await raw(
      host.port,
      'POST',
      stop,
      { host: here, cookie, 'content-type': 'application/json', origin: `http://${here}` },
      JSON.stringify({ workspaceId })
    )
    expect(stopped.status).toBe(200)
    expect(await agentStatus()).toBe('inactive')
    await api(host.url, host.identity.apiKey, 'POST', `/api/parlant/agents/${agentId}/start`, {
      workspaceId,
    })
  })

  it('bearer requests are unchanged: no Origin or content type needed', async () => {
    const answer = await raw(host.port, 'POST', '/api/auth/socket-token', {
      host: here,
      authorization: `Bearer ${host.identity.apiKey}`,
      origin: 'http://127.0.0.1:8080',
    })
    expect(answer.status).toBe(200)
  })

  it('refuses an API key offered as the session cookie', async () => {
    const answer = await raw(host.port, 'GET', `/api/parlant/agents?workspaceId=${workspaceId}`, {
      host: here,
      cookie: `${SESSION_COOKIE}=${encodeURIComponent(host.identity.apiKey)}`,
    })
    expect(answer.status).toBe(401)
    const write = await raw(
      host.port,
      'POST',
      '/api/auth/socket-token',
      {
        host: here,
        cookie: `${SESSION_COOKIE}=${host.identity.apiKey}`,
        'content-type': 'application/json',
        origin: `http://${here}`,
      },
      '{}'
    )
    expect(write.status).toBe(401)
  })

  it('answers 421 to a rebinding host name: no page, no cookie, no API, no socket', async () => {
    const attacker = `attacker.example:${host.port}`
    const page = await raw(host.port, 'GET', '/', { host: attacker })
    expect(page.status).toBe(421)
    expect(page.headers['set-cookie']).toBeUndefined()
    expect(page.body).not.toContain(host.identity.apiKey)
    for (const [method, path, extra] of [
      ['GET', `/api/parlant/agents?workspaceId=${workspaceId}`, { cookie }],
      [
        'GET',
        `/api/parlant/agents?workspaceId=${workspaceId}`,
        { authorization: `Bearer ${host.identity.apiKey}` },
      ],
      [
        'POST',
        '/api/auth/socket-token',
        { cookie, 'content-type': 'application/json', origin: `http://${attacker}` },
      ],
      ['GET', '/demo/app.js', {}],
      ['GET', '/health', {}],
    ] as const) {
      const answer = await raw(host.port, method, path, { host: attacker, ...extra })
      expect({ path, status: answer.status }).toEqual({ path, status: 421 })
      expect(answer.headers['x-frame-options'], path).toBe('DENY')
      expect(answer.headers['x-content-type-options'], path).toBe('nosniff')
    }
    // socket.io's own handshake (engine.io polling; a websocket upgrade passes the same check).
    const handshake = '/socket.io/?EIO=4&transport=polling'
    expect((await raw(host.port, 'GET', handshake, { host: attacker })).status).toBe(403)
    expect((await raw(host.port, 'GET', handshake, { host: here })).status).toBe(200)
    // Loopback names are served.
    for (const name of [`localhost:${host.port}`, here, `[::1]:${host.port}`]) {
      expect((await raw(host.port, 'GET', '/health', { host: name })).status).toBe(200)
    }
  })

  it('treats a Host with an impossible port as a foreign name, over HTTP and socket.io', async () => {
    const handshake = '/socket.io/?EIO=4&transport=polling'
    for (const bad of ['127.0.0.1:99999', 'localhost:123456', '[::1]:70000', '127.0.0.1:-1']) {
      expect((await raw(host.port, 'GET', handshake, { host: bad })).status, bad).toBe(403)
      expect((await raw(host.port, 'GET', '/health', { host: bad })).status, bad).toBeGreaterThan(
        399
      )
    }
    expect((await raw(host.port, 'GET', handshake, { host: '127.0.0.1:65535' })).status).toBe(200)
  })

  it('a foreign page cannot log the user out by loading / many times (forced logout)', async () => {
    const id = decodeURIComponent(cookie.split('=')[1] ?? '')
    expect(await userForSession(host.database.db, id)).not.toBeNull()
    // <img src="http://127.0.0.1:PORT/?n=i">, an iframe, a fetch, a cross-site link: no cookie sent.
    const foreign = [
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'image', 'sec-fetch-mode': 'no-cors' },
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'iframe', 'sec-fetch-mode': 'navigate' },
      {
        'sec-fetch-site': 'cross-site',
        'sec-fetch-dest': 'document',
        'sec-fetch-mode': 'navigate',
      },
      { 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'cors' },
      { 'sec-fetch-dest': 'image' },
    ]
    for (let i = 0; i < MAX_SESSIONS_PER_USER + 5; i++) {
      const headers = foreign[i % foreign.length] as Record<string, string>
      const answer = await raw(host.port, 'GET', `/?n=${i}`, { host: here, ...headers })
      expect(answer.status).toBe(200)
      expect(answer.body).toContain('id="root"')
      expect(sessionCookieOf(answer), JSON.stringify(headers)).toBeUndefined()
    }
    expect(await userForSession(host.database.db, id)).not.toBeNull()
    // The user's own navigations still sign in: typed address, same origin, same site, curl.
    for (const site of ['none', 'same-origin', 'same-site', undefined]) {
      const headers: Record<string, string> = { host: here }
      if (site) Object.assign(headers, { 'sec-fetch-site': site, 'sec-fetch-dest': 'document' })
      expect(sessionCookieOf(await raw(host.port, 'GET', '/', headers)), site).toBeDefined()
    }
  })
})

describe('a host bound beyond loopback', () => {
  it('serves the page without signing anyone in, and only for its configured names', async () => {
    const host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-host-wide-')),
        HOST: '0.0.0.0',
        ALLOWED_HOSTS: 'bridge.example, other.example',
        PORT: '0',
      },
    })
    try {
      const page = await raw(host.port, 'GET', '/', { host: `bridge.example:${host.port}` })
      expect(page.status).toBe(200)
      expect(sessionCookieOf(page)).toBeUndefined()
      expect((await raw(host.port, 'GET', '/', { host: `127.0.0.1:${host.port}` })).status).toBe(
        200
      )
      expect((await raw(host.port, 'GET', '/', { host: `0.0.0.0:${host.port}` })).status).toBe(421)
      expect((await raw(host.port, 'GET', '/', { host: 'attacker.example' })).status).toBe(421)
      for (const name of ['attacker.localhost', '127.0.0.1.attacker.example', '2130706433']) {
        expect((await raw(host.port, 'GET', '/', { host: `${name}:${host.port}` })).status).toBe(
          421
        )
      }
    } finally {
      await host.close()
    }
  })
})
