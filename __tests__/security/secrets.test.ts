/**
 * Issue 13 §3 on both engines: a Parlant server (here a real HTTP proxy in front of the emulator)
 * that echoes the API key in a 422 item's `msg`, `loc` and `type` leaks it nowhere — not in the
 * start or chat response, `lastError`, `parlant-agent-status` / `parlant-turn-failed` events or the
 * log; and a failed query's log line names the error class, the driver's code and the statement,
 * never its parameters (here the agent's reply).
 */

import { mkdtempSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { insertAgentToken } from '@/lib/parlant/db/queries'
import { loggableError } from '@/lib/parlant/log-error'
import { PARLANT_EVENTS } from '@/lib/parlant/realtime/events'
import { type RunningEmulator, startEmulator } from '@/emulator'
import { type RunningHost, startHost } from '@/host/server'
import { api, connect, join as joinRoom, record, socketToken } from '../realtime/support'
import { createPostgresDatabase, createTestDatabase, ENGINES } from '../support/databases'

const API_KEY = 'pk-live-SECRET-7f3a9c21e4b8d6'

/** Paths the proxy answers with a 422 echoing the bearer key (`POST /agents`, event posts). */
interface ProxyState {
  rejectAgents: boolean
  rejectEvents: boolean
  /** Replaces each error event's `exception` with one that quotes the key, encoded many ways. */
  leakInErrorEvents: boolean
  /** Makes every agent message a stream quoting the key in chunks shorter than a fragment. */
  leakInChunks: boolean
}

/** Rewrites agent messages (a listing or one event) to stream the key in 5-character chunks. */
function withChunkedKey(body: Buffer, key: string): Buffer {
  const parsed = JSON.parse(body.toString('utf8')) as unknown
  const events = (Array.isArray(parsed) ? parsed : [parsed]) as Array<{
    kind: string
    source: string
    data: { message?: string; chunks?: Array<string | null> }
  }>
  for (const event of events) {
    if (event.kind !== 'message' || event.source !== 'ai_agent') continue
    const text = `Your key is ${key}.`
    event.data.message = text
    event.data.chunks = [...(text.match(/[\s\S]{1,5}/g) ?? []), null]
  }
  return Buffer.from(JSON.stringify(parsed))
}

/** An exception text a misconfigured Parlant might report: the key, plain and encoded. */
function leakyException(key: string) {
  return [
    `httpx.HTTPStatusError: key ${key} refused`,
    `headers: {'Authorization': 'Bearer ${key}'}`,
    `upper ${key.toUpperCase()} url ${encodeURIComponent(`Bearer ${key}`)}`,
    `b64 ${Buffer.from(`Bearer ${key}`).toString('base64')} prefix ${key.slice(0, 14)}…`,
  ].join('\n')
}

/** Rewrites the `exception` of every error status event in an events listing. */
function withLeakyExceptions(body: Buffer, key: string): Buffer {
  const events = JSON.parse(body.toString('utf8')) as Array<{
    kind: string
    data: { status?: string; data?: Record<string, unknown> }
  }>
  if (!Array.isArray(events)) return body
  for (const event of events) {
    if (event.kind === 'status' && event.data.status === 'error' && event.data.data)
      event.data.data.exception = leakyException(key)
  }
  return Buffer.from(JSON.stringify(events))
}

async function startEchoProxy(upstream: string, state: ProxyState) {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const path = req.url ?? '/'
    const reject =
      (state.rejectAgents && req.method === 'POST' && /^\/agents\/?(\?|$)/.test(path)) ||
      (state.rejectEvents && req.method === 'POST' && /^\/sessions\/[^/]+\/events/.test(path))
    if (reject) {
      const key = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '')
      res.writeHead(422, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          detail: [
            {
              loc: ['body', key],
              msg: `value ${key} is not allowed`,
              type: `value_error.${key}`,
              input: key,
            },
          ],
        })
      )
      return
    }
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name))
        headers[name] = value
    }
    const answer = await fetch(`${upstream}${path}`, {
      method: req.method,
      headers,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    })
    let body: Buffer = Buffer.from(await answer.arrayBuffer())
    if (
      state.leakInErrorEvents &&
      req.method === 'GET' &&
      answer.ok &&
      /^\/sessions\/[^/]+\/events\/?(\?|$)/.test(path)
    )
      body = withLeakyExceptions(body, API_KEY)
    if (
      state.leakInChunks &&
      req.method === 'GET' &&
      answer.ok &&
      /^\/sessions\/[^/]+\/events(\/[^/?]+)?\/?(\?|$)/.test(path)
    )
      body = withChunkedKey(body, API_KEY)
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' })
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** Records everything the host logs (the shim logger writes through console). */
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

describe.each(ENGINES)('secrets in Parlant errors and logs (%s)', (engine) => {
  let emulator: RunningEmulator
  let proxy: Awaited<ReturnType<typeof startEchoProxy>>
  let host: RunningHost
  let dropDb: (() => Promise<void>) | undefined
  let logs: ReturnType<typeof captureConsole>
  const state: ProxyState = {
    rejectAgents: false,
    rejectEvents: false,
    leakInErrorEvents: false,
    leakInChunks: false,
  }
  const previousLevel = process.env.LOG_LEVEL

  beforeAll(async () => {
    process.env.LOG_LEVEL = 'debug'
    logs = captureConsole()
    emulator = await startEmulator({ port: 0, apiKey: API_KEY })
    proxy = await startEchoProxy(emulator.url, state)
    const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
    dropDb = pg?.drop
    host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-secrets-')),
        DATABASE_URL: pg?.url,
        PARLANT_SERVER_URL: proxy.url,
        PARLANT_API_KEY: API_KEY,
        PARLANT_CHAT_TRAILING_ERROR_WAIT_SECONDS: '0',
        // The proxy rewrites whole JSON listings, so turns long poll through it (a stream event's
        // redaction is tested in __tests__/client/stream.test.ts).
        PARLANT_CHAT_EVENT_STREAM: 'false',
        PORT: '0',
      },
    })
  })
  afterAll(async () => {
    await host?.close()
    await proxy?.close()
    await emulator?.close()
    await dropDb?.()
    logs?.restore()
    if (previousLevel === undefined) delete process.env.LOG_LEVEL
    else process.env.LOG_LEVEL = previousLevel
  })

  it('a 422 echoing the key in msg, loc and type leaks it into no response, event or log', async () => {
    const key = host.identity.apiKey
    const workspaceId = host.identity.workspaceId
    const { agent } = await api<{ agent: { id: string } }>(
      host.url,
      key,
      'POST',
      '/api/parlant/agents',
      { workspaceId, name: 'echo-422' }
    )
    const socket = await connect(host.url, await socketToken(host.url, key))
    try {
      const events = record(socket)
      expect(await joinRoom(socket, { workspaceId, agentId: agent.id })).toEqual({ ok: true })

      state.rejectAgents = true
      const started = await fetch(`${host.url}/api/parlant/agents/${agent.id}/start`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ workspaceId }),
      })
      const startText = await started.text()
      expect(started.status).toBeGreaterThanOrEqual(400)
      expect(startText).toContain('[redacted]')
      expect(startText).not.toContain(API_KEY)
      state.rejectAgents = false

      const read = await api<{ agent: { status: string; lastError: string | null } }>(
        host.url,
        key,
        'GET',
        `/api/parlant/agents/${agent.id}?workspaceId=${workspaceId}`
      )
      expect(read.agent.status).toBe('error')
      expect(read.agent.lastError).toContain('[redacted]')
      expect(read.agent.lastError).not.toContain(API_KEY)

      // Started for real this time, then the event post is rejected with the echo.
      await api(host.url, key, 'POST', `/api/parlant/agents/${agent.id}/start`, { workspaceId })
      state.rejectEvents = true
      const chat = await fetch(`${host.url}/api/parlant/agents/${agent.id}/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ workspaceId, message: 'hello' }),
      })
      const chatText = await chat.text()
      expect(chat.status).toBeGreaterThanOrEqual(400)
      expect(chatText).not.toContain(API_KEY)
      state.rejectEvents = false

      await vi.waitFor(() =>
        expect(events.some((e) => e.event === PARLANT_EVENTS.turnFailed)).toBe(true)
      )
      const statuses = events.filter((e) => e.event === PARLANT_EVENTS.status)
      expect(statuses.some((e) => e.payload.status === 'error')).toBe(true)
      expect(JSON.stringify(events)).not.toContain(API_KEY)
      expect(logs.lines.length).toBeGreaterThan(0)
      expect(logs.lines.join('\n')).not.toContain(API_KEY)
    } finally {
      socket.close()
    }
  })

  it('an error event whose exception quotes the key (any case, encoded, a prefix) leaks it nowhere', async () => {
    const key = host.identity.apiKey
    const workspaceId = host.identity.workspaceId
    const { agent } = await api<{ agent: { id: string; parlantAgentId?: string } }>(
      host.url,
      key,
      'POST',
      '/api/parlant/agents',
      { workspaceId, name: 'leaky-error' }
    )
    const started = await api<{ agent: { parlantAgentId: string } }>(
      host.url,
      key,
      'POST',
      `/api/parlant/agents/${agent.id}/start`,
      { workspaceId }
    )
    emulator.control.setFaults({
      agents: { [started.agent.parlantAgentId]: { outcome: 'error' } },
    })
    const socket = await connect(host.url, await socketToken(host.url, key))
    const from = logs.lines.length
    state.leakInErrorEvents = true
    try {
      const events = record(socket)
      expect(await joinRoom(socket, { workspaceId, agentId: agent.id })).toEqual({ ok: true })
      const chat = await fetch(`${host.url}/api/parlant/agents/${agent.id}/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ workspaceId, message: 'hello', conversationKey: 'leaky' }),
      })
      const chatText = await chat.text()
      expect(chat.status).toBeGreaterThanOrEqual(400)
      await vi.waitFor(() =>
        expect(events.some((e) => e.event === PARLANT_EVENTS.turnFailed)).toBe(true)
      )
      const logged = logs.lines.slice(from).join('\n')
      expect(logged).toContain('Parlant reported a turn error')
      expect(logged).toContain('[redacted]')
      const everywhere = [chatText, JSON.stringify(events), logged].join('\n')
      for (const leak of [
        API_KEY,
        API_KEY.toUpperCase(),
        API_KEY.slice(0, 14),
        encodeURIComponent(API_KEY),
        Buffer.from(`Bearer ${API_KEY}`).toString('base64').slice(0, 24),
      ])
        expect(everywhere).not.toContain(leak)
      expect(everywhere).not.toContain('[redacted]]')
    } finally {
      state.leakInErrorEvents = false
      emulator.control.setFaults({ agents: {} })
      socket.close()
    }
  })

  it('a streamed message quoting the key in short chunks leaks it nowhere (socket.io, chat)', async () => {
    const key = host.identity.apiKey
    const workspaceId = host.identity.workspaceId
    const { agent } = await api<{ agent: { id: string } }>(
      host.url,
      key,
      'POST',
      '/api/parlant/agents',
      { workspaceId, name: 'leaky-chunks' }
    )
    await api(host.url, key, 'POST', `/api/parlant/agents/${agent.id}/start`, { workspaceId })
    const socket = await connect(host.url, await socketToken(host.url, key))
    state.leakInChunks = true
    try {
      const events = record(socket)
      expect(await joinRoom(socket, { workspaceId, agentId: agent.id })).toEqual({ ok: true })
      const chat = await fetch(`${host.url}/api/parlant/agents/${agent.id}/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ workspaceId, message: 'hello', conversationKey: 'chunks' }),
      })
      const chatText = await chat.text()
      expect(chat.status).toBe(200)
      await vi.waitFor(() =>
        expect(events.some((e) => e.event === PARLANT_EVENTS.turnComplete)).toBe(true)
      )
      const streamed = events.filter(
        (e) => e.event === PARLANT_EVENTS.chatEvent && Array.isArray(e.payload.chunks)
      )
      expect(streamed.length).toBeGreaterThan(0)
      for (const e of streamed) expect(e.payload.chunks).toEqual(['Your key is [redacted].', null])
      // However a client puts the chunks back together, the key is not there.
      const rejoined = streamed.map((e) => (e.payload.chunks as string[]).join('')).join('\n')
      for (const text of [chatText, JSON.stringify(events), rejoined]) {
        expect(text).not.toContain(API_KEY)
        expect(text).not.toContain(API_KEY.slice(0, 10))
      }
    } finally {
      state.leakInChunks = false
      socket.close()
    }
  })

  it('a failed query logs class, driver code and statement, never the reply it carried', async () => {
    const workspaceId = host.identity.workspaceId
    const key = host.identity.apiKey
    const { agent } = await api<{ agent: { id: string } }>(
      host.url,
      key,
      'POST',
      '/api/parlant/agents',
      {
        workspaceId,
        name: 'query-fails',
        guidelines: [{ condition: 'the customer says "order"', action: 'Parcel ZX-SECRET-REPLY.' }],
      }
    )
    await api(host.url, key, 'POST', `/api/parlant/agents/${agent.id}/start`, { workspaceId })
    // Completing any turn (an update carrying the reply) now fails with a check violation.
    await host.database.db.execute(
      sql.raw(
        'alter table agent_chat_turns add constraint no_results check (result is null) not valid'
      )
    )
    try {
      const before = logs.lines.length
      const chat = await fetch(`${host.url}/api/parlant/agents/${agent.id}/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ workspaceId, message: 'where is my order?' }),
      })
      expect(chat.status).toBe(500)
      const written = logs.lines.slice(before).join('\n')
      expect(written).toMatch(/query failed \(\w+ 23514\) in update agent_chat_turns/)
      expect(written).not.toContain('ZX-SECRET-REPLY')
      expect(written).not.toContain('where is my order')
    } finally {
      await host.database.db.execute(
        sql.raw('alter table agent_chat_turns drop constraint no_results')
      )
    }
  })
})

describe.each(ENGINES)('loggableError on a real driver error (%s)', (engine) => {
  it('keeps the class, SQLSTATE and statement of a failed insert, drops hash and prefix', async () => {
    const database = await createTestDatabase(engine)
    try {
      // No such workspace: a foreign-key violation whose parameters hold a token hash and prefix.
      const failure = await insertAgentToken(database.db, {
        id: 'tok-1',
        workspaceId: 'no-such-workspace',
        agentId: 'no-such-agent',
        createdBy: null,
        tokenHash: 'HASH-a1b2c3d4e5f6',
        tokenPrefix: 'plnt_SECR',
        label: 'LABEL-secret',
        expiresAt: new Date(),
      }).then(
        () => undefined,
        (error: unknown) => error
      )
      const text = loggableError(failure)
      expect(text).toMatch(/^query failed \(\w+ 23503\) in insert agent_auth_tokens$/)
      for (const value of ['HASH-a1b2c3d4e5f6', 'plnt_SECR', 'LABEL-secret']) {
        expect(String((failure as Error).message)).toContain(value)
        expect(text).not.toContain(value)
      }
      // Anything that is not a query or driver failure keeps its message.
      expect(loggableError(new Error('plain'))).toBe('plain')
    } finally {
      await database.close()
    }
  })
})
