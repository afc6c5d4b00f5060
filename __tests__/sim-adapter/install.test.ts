/**
 * What the installer does for the Sim adapter: route files take the entry through
 * `@/lib/parlant/sim/route`, the adapter ships with `lib/parlant`, and the socket server gets
 * `POST /api/parlant-event` — whose template is run here against a real HTTP server (with Sim's
 * `@/env` replaced by the process environment) to check its key check, validation and emit.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildPlan, type CopyOp, type EditOp } from '@/scripts/install-into-sim/plan'
import { REALTIME_PARLANT_EVENT_ROUTE } from '@/scripts/install-into-sim/templates'

const REPO = new URL('../..', import.meta.url).pathname
const FIXTURE = new URL('../installer/fixtures/sim', import.meta.url).pathname

describe('installing the Sim adapter', () => {
  const plan = buildPlan(REPO, FIXTURE)
  const copies = plan.filter((op): op is CopyOp => op.kind === 'copy')
  const edits = plan.filter((op): op is EditOp => op.kind === 'edit')

  it('routes every installed route file through the Sim adapter', () => {
    const routes = copies.filter((op) => /^apps\/sim\/app\/api\/.*\/route\.ts$/.test(op.to))
    expect(routes.length).toBeGreaterThan(10)
    for (const route of routes) {
      expect(route.content).toContain("import { parlantRoute } from '@/lib/parlant/sim/route'")
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
    expect(text).toMatch(/^import \{ handleParlantEvent \} from '@\/routes\/parlant-event'$/m)
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
  })

  it('refuses a missing or wrong key, bad JSON, and rooms or events not ours', async () => {
    emitted.length = 0
    const valid = { room: 'parlant-agent:a1', event: 'parlant-chat-event', payload: {} }
    expect((await post(valid, '')).status).toBe(401)
    expect((await post(valid, 'wrong')).status).toBe(401)
    expect((await post('{not json')).status).toBe(400)
    const room = await post({ ...valid, room: 'workflow-1' })
    expect(room.status).toBe(400)
    expect(((await room.json()) as { error: string }).error).toContain('room')
    expect((await post({ ...valid, event: 'workflow-deleted' })).status).toBe(400)
    expect((await post({ ...valid, extra: true })).status).toBe(400)
    expect(emitted).toEqual([])
  })
})
