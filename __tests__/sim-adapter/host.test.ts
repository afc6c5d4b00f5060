/**
 * The Sim adapter's host port with Sim's modules stubbed (they need Sim's auth, session and
 * database, so they cannot run outside a Sim checkout): Sim's `AuthResult` → the bridge's user,
 * permission passthrough, Sim's `db`, and `publish` against a real local HTTP server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { BridgeLogger } from '@/lib/parlant/ports'

const sim = vi.hoisted(() => ({
  checkSessionOrInternalAuth: vi.fn(),
  getUserEntityPermissions: vi.fn(),
  db: { marker: 'sim-db' },
}))
vi.mock('@/lib/auth/hybrid', () => ({
  checkSessionOrInternalAuth: sim.checkSessionOrInternalAuth,
}))
vi.mock('@/lib/workspaces/permissions/utils', () => ({
  getUserEntityPermissions: sim.getUserEntityPermissions,
}))
vi.mock('@sim/db', () => ({ db: sim.db }))

import { createSimBridgeHost, PARLANT_EVENT_PATH } from '@/lib/parlant/sim/host'

const SECRET = 'internal-secret-value'

function recordingLogger() {
  const lines: Array<{ level: string; message: string; context?: Record<string, unknown> }> = []
  const at =
    (level: string) =>
    (message: string, context?: Record<string, unknown>): void => {
      lines.push({ level, message, context })
    }
  const logger: BridgeLogger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  }
  return { logger, lines, text: () => JSON.stringify(lines) }
}

const request = (headers: Record<string, string> = {}) =>
  new Request('http://sim.test/api/parlant/agents?workspaceId=ws-1', { headers })

beforeEach(() => {
  sim.checkSessionOrInternalAuth.mockReset()
  sim.getUserEntityPermissions.mockReset()
})

describe('authenticate', () => {
  it('maps a browser session to the user, with its name', async () => {
    sim.checkSessionOrInternalAuth.mockResolvedValue({
      success: true,
      userId: 'user-1',
      userName: 'Ada',
      userEmail: 'ada@example.com',
      authType: 'session',
    })
    const host = createSimBridgeHost({ env: {}, logger: recordingLogger().logger })
    const req = request({ cookie: 'session=abc' })
    await expect(host.authenticate(req)).resolves.toEqual({
      userId: 'user-1',
      name: 'Ada',
      authType: 'session',
    })
    // Sim's route-side check, API keys refused, a workflow id not required.
    expect(sim.checkSessionOrInternalAuth).toHaveBeenCalledWith(req, { requireWorkflowId: false })
  })

  it("maps the executor's internal JWT to its user", async () => {
    sim.checkSessionOrInternalAuth.mockResolvedValue({
      success: true,
      userId: 'user-2',
      authType: 'internal_jwt',
    })
    const host = createSimBridgeHost({ env: {}, logger: recordingLogger().logger })
    await expect(host.authenticate(request({ authorization: 'Bearer jwt' }))).resolves.toEqual({
      userId: 'user-2',
      authType: 'internal_jwt',
    })
  })

  it('answers null for a failed check, a JWT without a user, or a check that throws', async () => {
    const { logger, text } = recordingLogger()
    const host = createSimBridgeHost({ env: {}, logger })
    sim.checkSessionOrInternalAuth.mockResolvedValueOnce({ success: false, error: 'Unauthorized' })
    await expect(host.authenticate(request())).resolves.toBeNull()
    sim.checkSessionOrInternalAuth.mockResolvedValueOnce({
      success: false,
      error: 'API key access not allowed for this endpoint',
    })
    await expect(host.authenticate(request({ 'x-api-key': 'sk-sim-key' }))).resolves.toBeNull()
    sim.checkSessionOrInternalAuth.mockResolvedValueOnce({
      success: true,
      authType: 'internal_jwt',
    })
    await expect(host.authenticate(request({ authorization: 'Bearer jwt' }))).resolves.toBeNull()
    sim.checkSessionOrInternalAuth.mockRejectedValueOnce(new Error('session store down'))
    await expect(
      host.authenticate(request({ authorization: 'Bearer secret-token-123' }))
    ).resolves.toBeNull()
    expect(text()).toContain('session store down')
    expect(text()).not.toContain('secret-token-123')
  })
})

describe('workspacePermission and db', () => {
  it("passes Sim's workspace permission through", async () => {
    const host = createSimBridgeHost({ env: {}, logger: recordingLogger().logger })
    sim.getUserEntityPermissions.mockResolvedValueOnce('write')
    await expect(host.workspacePermission('user-1', 'ws-1')).resolves.toBe('write')
    expect(sim.getUserEntityPermissions).toHaveBeenCalledWith('user-1', 'workspace', 'ws-1')
    sim.getUserEntityPermissions.mockResolvedValueOnce(null)
    await expect(host.workspacePermission('user-1', 'ws-2')).resolves.toBeNull()
  })

  it("uses Sim's database", () => {
    const host = createSimBridgeHost({ env: {}, logger: recordingLogger().logger })
    expect(host.db).toBe(sim.db)
    expect(host.clock.now()).toBeInstanceOf(Date)
  })
})

describe('publish', () => {
  type Received = {
    method?: string
    url?: string
    headers: IncomingMessage['headers']
    body: string
  }
  let server: Server
  let url = ''
  let received: Received[] = []
  let respond: (res: ServerResponse) => void = (res) => res.end('{"success":true}')

  beforeEach(async () => {
    received = []
    respond = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"success":true}')
    }
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        received.push({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        })
        respond(res)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  afterEach(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('posts { room, event, payload } to the socket server with the internal API key', async () => {
    const { logger, lines } = recordingLogger()
    const host = createSimBridgeHost({
      env: { SOCKET_SERVER_URL: `${url}/`, INTERNAL_API_SECRET: SECRET },
      logger,
    })
    const payload = { agentId: 'a1', status: 'active' }
    await host.publish('parlant-agent:a1', 'parlant-agent-status', payload)
    expect(received).toHaveLength(1)
    const [call] = received
    expect(call?.method).toBe('POST')
    expect(call?.url).toBe(PARLANT_EVENT_PATH)
    expect(call?.url).toBe('/api/parlant-event')
    expect(call?.headers['x-api-key']).toBe(SECRET)
    expect(call?.headers['content-type']).toBe('application/json')
    expect(JSON.parse(call?.body ?? '')).toEqual({
      room: 'parlant-agent:a1',
      event: 'parlant-agent-status',
      payload,
    })
    expect(lines.filter((line) => line.level !== 'debug')).toEqual([])
  })

  it('swallows a refusal, logging the status but never the secret', async () => {
    respond = (res) => {
      res.writeHead(401, { 'content-type': 'application/json' })
      res.end('{"error":"Invalid API key"}')
    }
    const { logger, lines, text } = recordingLogger()
    const host = createSimBridgeHost({
      env: { SOCKET_SERVER_URL: url, INTERNAL_API_SECRET: SECRET },
      logger,
    })
    await expect(
      host.publish('parlant-agent:a1', 'parlant-chat-event', {})
    ).resolves.toBeUndefined()
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 'warn', context: { status: 401 } })
    expect(text()).not.toContain(SECRET)
  })

  it('gives up after the timeout and swallows it', async () => {
    respond = () => {} // never answers
    const { logger, lines, text } = recordingLogger()
    const host = createSimBridgeHost({
      env: { SOCKET_SERVER_URL: url, INTERNAL_API_SECRET: SECRET },
      logger,
      publishTimeoutMs: 150,
    })
    const started = Date.now()
    await expect(
      host.publish('parlant-agent:a1', 'parlant-chat-event', {})
    ).resolves.toBeUndefined()
    expect(Date.now() - started).toBeLessThan(1500)
    expect(lines).toHaveLength(1)
    expect(lines[0]?.level).toBe('warn')
    expect(text()).not.toContain(SECRET)
  })

  it('swallows an unreachable socket server', async () => {
    const { logger, lines } = recordingLogger()
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const host = createSimBridgeHost({
      env: { SOCKET_SERVER_URL: `http://127.0.0.1:${port}`, INTERNAL_API_SECRET: SECRET },
      logger,
    })
    await expect(
      host.publish('parlant-agent:a1', 'parlant-chat-event', {})
    ).resolves.toBeUndefined()
    expect(lines.map((line) => line.level)).toEqual(['warn'])
  })

  it('without INTERNAL_API_SECRET posts nothing and warns once', async () => {
    const { logger, lines } = recordingLogger()
    const host = createSimBridgeHost({ env: { SOCKET_SERVER_URL: url }, logger })
    await host.publish('parlant-agent:a1', 'parlant-chat-event', {})
    await host.publish('parlant-agent:a1', 'parlant-chat-event', {})
    expect(received).toEqual([])
    expect(lines).toHaveLength(1)
    expect(lines[0]?.message).toContain('INTERNAL_API_SECRET')
  })
})
