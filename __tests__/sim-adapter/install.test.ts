/**
 * What the installer does for the Sim adapter: route files take the entry through
 * `@/lib/parlant/sim/route`, the adapter ships with `lib/parlant`, and the socket server gets
 * `POST /api/parlant-event` — whose template is run here against a real HTTP server (with Sim's
 * `@/env` replaced by the process environment) to check its key check, validation and emit — and
 * the socket handler template, run against stand-ins for Sim's auth middleware and `authorizeRoom`.
 */
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { callerRoom } from '@/lib/parlant/realtime/events'
import { DEFAULT_MAX_SOCKETS_PER_CALLER, TOO_MANY_JOINS } from '@/lib/parlant/realtime/limits'
import { buildPlan, type CopyOp, type EditOp } from '@/scripts/install-into-sim/plan'
import {
  REALTIME_HANDLER,
  REALTIME_PARLANT_EVENT_ROUTE,
} from '@/scripts/install-into-sim/templates'

const REPO = new URL('../..', import.meta.url).pathname
const FIXTURE = new URL('../installer/fixtures/sim', import.meta.url).pathname

/** The fixture as a Sim checkout (its files are stored with a `.txt` suffix). */
function fixtureCheckout() {
  const root = mkdtempSync(join(tmpdir(), 'sim-adapter-fixture-'))
  cpSync(FIXTURE, root, { recursive: true })
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) visit(path)
      else if (name.endsWith('.txt')) renameSync(path, path.slice(0, -'.txt'.length))
    }
  }
  visit(root)
  return root
}

describe('installing the Sim adapter', () => {
  const checkout = fixtureCheckout()
  afterAll(() => rmSync(checkout, { recursive: true, force: true }))
  const plan = buildPlan(REPO, checkout)
  const copies = plan.filter((op): op is CopyOp => op.kind === 'copy')
  const edits = plan.filter((op): op is EditOp => op.kind === 'edit')

  it('routes every installed route file through the Sim adapter', () => {
    const routes = copies.filter((op) => /^apps\/sim\/app\/api\/.*\/route\.ts$/.test(op.to))
    expect(routes.length).toBeGreaterThan(10)
    for (const route of routes) {
      expect(route.content).toMatch(
        /^import \{ [^}]*\bparlantRoute\b[^}]* \} from '@\/lib\/parlant\/sim\/route'$/m
      )
      expect(route.content).not.toContain('route-entry')
    }
    const shipped = copies.map((op) => op.to)
    for (const file of ['host', 'bridge', 'route'])
      expect(shipped).toContain(`apps/sim/lib/parlant/sim/${file}.ts`)
    expect(shipped).toContain('apps/sim/lib/parlant/api/route-entry.ts')
  })

  it("adds POST /api/parlant-event to the socket server's HTTP handler", () => {
    expect(
      copies.find((op) => op.to === 'apps/realtime/src/routes/parlant-event.ts')?.content
    ).toBe(REALTIME_PARLANT_EVENT_ROUTE)
    const http = 'apps/realtime/src/routes/http.ts'
    let text = readFileSync(join(FIXTURE, `${http}.txt`), 'utf8')
    for (const op of edits.filter((e) => e.file === http)) text = op.apply(text)
    expect(text).toMatch(
      /^import \{ handleParlantEvent \} from '@\/routes\/parlant-event'( \/\/ parlant-bridge:end import)?$/m
    )
    const route = text.indexOf("req.url === '/api/parlant-event'")
    expect(route).toBeGreaterThan(text.indexOf("req.url === '/api/workflow-deleted'"))
    expect(route).toBeLessThan(text.indexOf('res.writeHead(404'))
    expect(text).toContain(
      '      await handleParlantEvent(req, res, roomManager.io, logger)\n      return\n    }'
    )
  })
})

interface Emitted {
  namespace: string
  room: string
  event: string
  payload: unknown
}
interface ParlantEventModule {
  handleParlantEvent(
    req: IncomingMessage,
    res: ServerResponse,
    io: unknown,
    logger: { warn(...args: unknown[]): void; error(...args: unknown[]): void }
  ): Promise<void>
}

describe('the socket server route template', () => {
  const dir = join(REPO, 'test-artifacts', `parlant-event-route-${process.pid}`)
  const SECRET = 'internal-secret'
  const emitted: Emitted[] = []
  let server: Server
  let url = ''
  const savedSecret = process.env.INTERNAL_API_SECRET

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true })
    const file = join(dir, 'parlant-event.ts')
    // Sim's realtime `env` is its validated process environment.
    writeFileSync(
      file,
      REALTIME_PARLANT_EVENT_ROUTE.replace(
        "import { env } from '@/env'",
        'const env = { INTERNAL_API_SECRET: process.env.INTERNAL_API_SECRET }'
      )
    )
    process.env.INTERNAL_API_SECRET = SECRET
    const { handleParlantEvent } = (await import(file)) as ParlantEventModule
    const io = {
      of: (namespace: string) => ({
        to: (room: string) => ({
          emit: (event: string, payload: unknown) =>
            emitted.push({ namespace, room, event, payload }),
        }),
      }),
    }
    const logger = { warn: () => {}, error: () => {} }
    server = createServer((req, res) => void handleParlantEvent(req, res, io, logger))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/parlant-event`
  })

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    rmSync(dir, { recursive: true, force: true })
    if (savedSecret === undefined) delete process.env.INTERNAL_API_SECRET
    else process.env.INTERNAL_API_SECRET = savedSecret
  })

  const post = (body: unknown, key = SECRET) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })

  it('emits a valid event to the room in the bridge namespace', async () => {
    const payload = { agentId: 'a1', status: 'active' }
    const response = await post({
      room: 'parlant-agent:a1',
      event: 'parlant-agent-status',
      payload,
    })
    expect(response.status).toBe(200)
    expect(emitted).toEqual([
      { namespace: '/parlant', room: 'parlant-agent:a1', event: 'parlant-agent-status', payload },
    ])
    // A workspace's agent list is a bridge room too.
    const change = { workspaceId: 'w1', agentId: 'a1', change: 'deleted', agent: null }
    const listed = await post({
      room: 'parlant-workspace:w1',
      event: 'parlant-workspace-agent',
      payload: change,
    })
    expect(listed.status).toBe(200)
    expect(emitted.at(-1)).toEqual({
      namespace: '/parlant',
      room: 'parlant-workspace:w1',
      event: 'parlant-workspace-agent',
      payload: change,
    })
    // Chat events go to the room of the conversation's caller.
    const room = callerRoom('a1', 'user:u1')
    const turn = await post({ room, event: 'parlant-turn-complete', payload: { content: 'hi' } })
    expect(turn.status).toBe(200)
    expect(emitted.at(-1)).toMatchObject({ room, event: 'parlant-turn-complete' })
  })

  it('refuses a missing or wrong key, bad JSON, and rooms or events not ours', async () => {
    emitted.length = 0
    const valid = { room: 'parlant-agent:a1', event: 'parlant-chat-event', payload: {} }
    expect((await post(valid, '')).status).toBe(401)
    expect((await post(valid, 'wrong')).status).toBe(401)
    expect((await post('{not json')).status).toBe(400)
    expect((await post({ ...valid, room: 'parlant-workflow:1' })).status).toBe(400)
    const room = await post({ ...valid, room: 'workflow-1' })
    expect(room.status).toBe(400)
    expect(((await room.json()) as { error: string }).error).toContain('room')
    expect((await post({ ...valid, event: 'workflow-deleted' })).status).toBe(400)
    expect((await post({ ...valid, extra: true })).status).toBe(400)
    expect(emitted).toEqual([])
  })
})

interface FakeSocket {
  id: string
  userId?: string
  disconnected: boolean
  rooms: Set<string>
  sent: Array<[string, unknown]>
  on(event: string, listener: (payload: unknown) => unknown): FakeSocket
  once(event: string, listener: (payload: unknown) => unknown): FakeSocket
  trigger(event: string, payload?: unknown): Promise<unknown>
  emit(event: string, payload: unknown): boolean
  join(room: string | string[]): void
  leave(room: string): void
}

function fakeSocket(id: string, userId: string): FakeSocket {
  const listeners = new Map<string, (payload: unknown) => unknown>()
  const socket: FakeSocket = {
    id,
    userId,
    disconnected: false,
    rooms: new Set([id]),
    sent: [],
    on(event, listener) {
      listeners.set(event, listener)
      return socket
    },
    once(event, listener) {
      listeners.set(event, listener)
      return socket
    },
    trigger: async (event, payload) => listeners.get(event)?.(payload),
    emit(event, payload) {
      socket.sent.push([event, payload])
      return true
    },
    join: (room) => {
      for (const one of [room].flat()) socket.rooms.add(one)
    },
    leave: (room) => void socket.rooms.delete(room),
  }
  return socket
}

interface AuthorizeParams {
  userId: string
  room: { type: string; id: string }
  action?: string
}
interface RoomAuthorizationResult {
  allowed: boolean
  status: number
  workspaceId: string | null
  workspacePermission: string | null
}
interface HandlerStubs {
  authenticateSocket: unknown
  authorizeRoom(params: AuthorizeParams): Promise<RoomAuthorizationResult>
}
interface ParlantHandlerModule {
  setupParlantNamespace(io: unknown, roomManager: unknown): { namespace: unknown; stop: () => void }
}

describe('the socket handler template', () => {
  const dir = join(REPO, 'test-artifacts', `parlant-handler-${process.pid}`)
  const calls: AuthorizeParams[] = []
  /** Who may read which agent: agent id → workspace id, for user u1 only. */
  const readable = new Map<string, string>([['a1', 'w1']])
  /** Workspaces user u1 may read. */
  const readableWorkspaces = new Set(['w1'])
  const used: unknown[] = []
  let connect: ((socket: FakeSocket) => void) | undefined
  let namespaceName = ''
  let stop = () => {}
  const stubs: HandlerStubs = {
    authenticateSocket: Symbol('sim authenticateSocket'),
    // Sim's shape: a result object, denials included (so a truthiness check lets everyone in).
    async authorizeRoom(params) {
      calls.push(params)
      const workspaceId =
        params.room.type === 'parlant-workspace'
          ? readableWorkspaces.has(params.room.id)
            ? params.room.id
            : undefined
          : readable.get(params.room.id)
      const allowed = params.userId === 'u1' && workspaceId !== undefined
      return {
        allowed,
        status: allowed ? 200 : workspaceId ? 403 : 404,
        workspaceId: workspaceId ?? null,
        workspacePermission: allowed ? 'read' : null,
      }
    },
  }

  beforeAll(async () => {
    vi.useFakeTimers()
    mkdirSync(dir, { recursive: true })
    writeFileSync(
      join(dir, 'parlant-event.ts'),
      REALTIME_PARLANT_EVENT_ROUTE.replace("import { env } from '@/env'", 'const env = {}')
    )
    const stand = 'globalThis as unknown as { parlantHandlerStubs: HandlerStubs }'
    const replacements: Array<[string, string]> = [
      [
        "import { createLogger } from '@sim/logger'",
        'const createLogger = (_name: string) => ({ warn() {}, error() {} })',
      ],
      [
        "import { authorizeRoom } from '@sim/platform-authz/rooms'",
        `const authorizeRoom = (p: never) => (${stand}).parlantHandlerStubs.authorizeRoom(p)`,
      ],
      [
        "import { ROOM_TYPES } from '@sim/realtime-protocol/rooms'",
        "const ROOM_TYPES = { PARLANT_AGENT: 'parlant-agent', PARLANT_WORKSPACE: 'parlant-workspace' } as const",
      ],
      [
        "import { type AuthenticatedSocket, authenticateSocket } from '@/middleware/auth'",
        `type AuthenticatedSocket = never\nconst authenticateSocket = (${stand}).parlantHandlerStubs.authenticateSocket`,
      ],
      ["import type { IRoomManager } from '@/rooms'", 'type IRoomManager = unknown'],
      ["from '@/routes/parlant-event'", "from './parlant-event'"],
    ]
    let source = REALTIME_HANDLER
    for (const [from, to] of replacements) {
      expect(source).toContain(from)
      source = source.replace(from, to)
    }
    writeFileSync(join(dir, 'parlant.ts'), source)
    ;(globalThis as unknown as { parlantHandlerStubs: HandlerStubs }).parlantHandlerStubs = stubs
    const { setupParlantNamespace } = (await import(
      join(dir, 'parlant.ts')
    )) as ParlantHandlerModule
    const io = {
      of(name: string) {
        namespaceName = name
        return {
          use: (middleware: unknown) => used.push(middleware),
          on: (event: string, listener: (socket: FakeSocket) => void) => {
            if (event === 'connection') connect = listener
          },
        }
      },
    }
    stop = setupParlantNamespace(io, {}).stop
  })

  afterAll(() => {
    stop()
    vi.useRealTimers()
    rmSync(dir, { recursive: true, force: true })
  })

  it("serves the bridge namespace with Sim's socket auth", () => {
    expect(namespaceName).toBe('/parlant')
    // Sim's handshake auth first, then the bridge's cap on sockets per user.
    expect(used[0]).toBe(stubs.authenticateSocket)
    expect(used).toHaveLength(2)
    expect(connect).toBeTypeOf('function')
  })

  it("joins only on result.allowed with action 'read', and denials all read 'not found'", async () => {
    const member = fakeSocket('s1', 'u1')
    const outsider = fakeSocket('s2', 'u2')
    connect?.(member)
    connect?.(outsider)
    await member.trigger('join-parlant-agent', { workspaceId: 'w1', agentId: 'a1' })
    expect(calls.at(-1)).toEqual({
      userId: 'u1',
      room: { type: 'parlant-agent', id: 'a1' },
      action: 'read',
    })
    expect(member.rooms.has('parlant-agent:a1')).toBe(true)
    // Chat events: only of the member's own conversations (the caller room), never another's.
    expect([...member.rooms].filter((r) => r.startsWith('parlant-caller:'))).toEqual([
      callerRoom('a1', 'user:u1'),
    ])
    expect(member.sent.at(-1)?.[0]).toBe('join-parlant-agent-success')

    const notFound = { error: 'Agent not found', code: 'not_found', retryable: false }
    // Forbidden (exists, no permission), missing, and an agent named under another workspace.
    await outsider.trigger('join-parlant-agent', { workspaceId: 'w1', agentId: 'a1' })
    await outsider.trigger('join-parlant-agent', { workspaceId: 'w1', agentId: 'nope' })
    await member.trigger('join-parlant-agent', { workspaceId: 'w2', agentId: 'a1' })
    for (const [socket, count] of [
      [outsider, 2],
      [member, 1],
    ] as const) {
      const errors = socket.sent.filter(([event]) => event === 'join-parlant-agent-error')
      expect(errors).toHaveLength(count)
      for (const [, payload] of errors) expect(payload).toMatchObject(notFound)
    }
    expect(outsider.rooms.has('parlant-agent:a1')).toBe(false)
  })

  it('re-checks joined rooms periodically and evicts when access is revoked', async () => {
    const socket = fakeSocket('s3', 'u1')
    connect?.(socket)
    await socket.trigger('join-parlant-agent', { workspaceId: 'w1', agentId: 'a1' })
    expect(socket.rooms.has('parlant-agent:a1')).toBe(true)
    await vi.advanceTimersByTimeAsync(30_000)
    expect(socket.rooms.has('parlant-agent:a1')).toBe(true)

    readable.delete('a1')
    await vi.advanceTimersByTimeAsync(30_000)
    expect(socket.rooms.has('parlant-agent:a1')).toBe(false)
    expect(socket.rooms.has(callerRoom('a1', 'user:u1'))).toBe(false)
    expect(socket.sent.at(-1)).toEqual([
      'parlant-agent-evicted',
      {
        workspaceId: 'w1',
        agentId: 'a1',
        error: 'Access to this agent was revoked',
        code: 'not_found',
      },
    ])
  })

  it("joins a workspace's agent-list room under the 'parlant-workspace' room policy", async () => {
    const member = fakeSocket('s4', 'u1')
    const outsider = fakeSocket('s5', 'u2')
    connect?.(member)
    connect?.(outsider)
    await member.trigger('join-parlant-workspace', { workspaceId: 'w1' })
    expect(calls.at(-1)).toEqual({
      userId: 'u1',
      room: { type: 'parlant-workspace', id: 'w1' },
      action: 'read',
    })
    expect(member.rooms.has('parlant-workspace:w1')).toBe(true)
    expect(member.sent.at(-1)).toEqual(['join-parlant-workspace-success', { workspaceId: 'w1' }])

    await outsider.trigger('join-parlant-workspace', { workspaceId: 'w1' })
    expect(outsider.rooms.has('parlant-workspace:w1')).toBe(false)
    expect(outsider.sent.at(-1)).toEqual([
      'join-parlant-workspace-error',
      { workspaceId: 'w1', error: 'Workspace not found', code: 'not_found', retryable: false },
    ])

    readableWorkspaces.delete('w1')
    await vi.advanceTimersByTimeAsync(30_000)
    expect(member.rooms.has('parlant-workspace:w1')).toBe(false)
    expect(member.sent.at(-1)).toEqual([
      'parlant-workspace-evicted',
      { workspaceId: 'w1', error: 'Access to this workspace was revoked', code: 'not_found' },
    ])
  })

  it("shares one join budget across a user's sockets", async () => {
    const [first, second] = [fakeSocket('s6', 'u7'), fakeSocket('s7', 'u7')]
    connect?.(first)
    connect?.(second)
    // The budget is taken before authorization: u7 may read nothing, so each join is a
    // `not_found` until the 30 joins the two sockets share are spent.
    for (let i = 0; i < 30; i++) {
      await (i % 2 === 0 ? first : second).trigger('join-parlant-agent', {
        workspaceId: 'w1',
        agentId: `a${i}`,
      })
    }
    const refusals = [...first.sent, ...second.sent].map(([, payload]) => payload)
    expect(refusals).toHaveLength(30)
    for (const refusal of refusals) expect(refusal).toMatchObject({ code: 'not_found' })
    await second.trigger('join-parlant-workspace', { workspaceId: 'w1' })
    expect(second.sent.at(-1)).toEqual([
      'join-parlant-workspace-error',
      { workspaceId: 'w1', ...TOO_MANY_JOINS },
    ])
    const third = fakeSocket('s8', 'u7')
    connect?.(third)
    await third.trigger('join-parlant-agent', { workspaceId: 'w1', agentId: 'a1' })
    expect(third.sent.at(-1)?.[1]).toMatchObject({ code: 'rate_limited' })
    // Refilled over time (10 a second).
    await vi.advanceTimersByTimeAsync(1_000)
    await third.trigger('join-parlant-agent', { workspaceId: 'w1', agentId: 'a1' })
    expect(third.sent.at(-1)?.[1]).toMatchObject({ code: 'not_found' })
  })

  it('caps the sockets one user holds, and frees a place on disconnect', async () => {
    const cap = used[1] as (socket: FakeSocket, next: (error?: Error) => void) => void
    const admit = (socket: FakeSocket) =>
      new Promise<Error | undefined>((resolve) => cap(socket, resolve))
    const sockets = Array.from({ length: DEFAULT_MAX_SOCKETS_PER_CALLER }, (_, i) =>
      fakeSocket(`cap-${i}`, 'u8')
    )
    for (const socket of sockets) expect(await admit(socket)).toBeUndefined()
    const over = await admit(fakeSocket('cap-over', 'u8'))
    expect(over?.message).toBe('Too many connections for this user')
    // Another user is not affected.
    expect(await admit(fakeSocket('cap-other', 'u1'))).toBeUndefined()
    await sockets[0]?.trigger('disconnect')
    expect(await admit(fakeSocket('cap-again', 'u8'))).toBeUndefined()
  })
})
