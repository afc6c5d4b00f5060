/**
 * Route files inside Sim: `parlantRoute` through the Sim adapter creates Sim's bridge on the first
 * request, answers a clear 503 when it cannot (no PARLANT_SERVER_URL, integration off, a bad
 * setting) and retries on the next request; Sim's modules are stubbed, no database is touched.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const sim = vi.hoisted(() => ({
  checkSessionOrInternalAuth: vi.fn(),
  getUserEntityPermissions: vi.fn(),
  // Any query fails: these tests never reach the database, and the reconciler's failure is caught.
  db: new Proxy(
    {},
    {
      get(_target, property) {
        if (property === 'then' || typeof property === 'symbol') return undefined
        throw new Error('no database in these tests')
      },
    }
  ),
}))
vi.mock('@/lib/auth/hybrid', () => ({
  checkSessionOrInternalAuth: sim.checkSessionOrInternalAuth,
}))
vi.mock('@/lib/workspaces/permissions/utils', () => ({
  getUserEntityPermissions: sim.getUserEntityPermissions,
}))
vi.mock('@sim/db', () => ({ db: sim.db }))

import {
  parlantRoute as entryRoute,
  registerRouteBridge,
  setRouteBridgeFactory,
} from '@/lib/parlant/api/route-entry'
import { getSimBridge, resetSimBridge } from '@/lib/parlant/sim/bridge'
import { parlantRoute } from '@/lib/parlant/sim/route'

const agents = () => new Request('http://sim.test/api/parlant/agents?workspaceId=ws-1')
const toolStatus = () =>
  new Request('http://sim.test/api/tools/parlant/status', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agentId: 'a1' }),
  })

beforeEach(() => {
  registerRouteBridge(undefined)
  vi.stubEnv('PARLANT_SERVER_URL', '')
  vi.stubEnv('PARLANT_API_KEY', '')
  vi.stubEnv('ENABLE_PARLANT_INTEGRATION', '')
  vi.stubEnv('LOG_LEVEL', 'error')
  sim.checkSessionOrInternalAuth.mockReset()
})

afterEach(async () => {
  vi.unstubAllEnvs()
  await resetSimBridge()
})

describe('parlantRoute inside Sim', () => {
  it('is the route entry, with the Sim bridge registered as its factory', () => {
    expect(parlantRoute).toBe(entryRoute)
  })

  it('answers 503 naming PARLANT_SERVER_URL when it is unset, in both route shapes', async () => {
    const api = await parlantRoute(agents())
    expect(api.status).toBe(503)
    const body = (await api.json()) as { error: string; code: string }
    expect(body.code).toBe('integration_disabled')
    expect(body.error).toMatch(/set PARLANT_SERVER_URL/)
    expect(body.error).toContain('PARLANT_API_KEY')

    const tool = await parlantRoute(toolStatus())
    expect(tool.status).toBe(503)
    const toolBody = (await tool.json()) as { success: boolean; error: string }
    expect(toolBody.success).toBe(false)
    expect(toolBody.error).toMatch(/PARLANT_SERVER_URL/)
  })

  it('answers 503 when the integration is off, and names a bad setting without its value', async () => {
    vi.stubEnv('ENABLE_PARLANT_INTEGRATION', 'false')
    const off = await parlantRoute(agents())
    expect(off.status).toBe(503)
    expect(((await off.json()) as { error: string }).error).toContain(
      'ENABLE_PARLANT_INTEGRATION=false'
    )

    vi.stubEnv('ENABLE_PARLANT_INTEGRATION', '')
    vi.stubEnv('PARLANT_SERVER_URL', 'not a url with secret-ish-value')
    const bad = await parlantRoute(agents())
    expect(bad.status).toBe(503)
    const text = ((await bad.json()) as { error: string }).error
    expect(text).toMatch(/misconfigured: .*PARLANT_SERVER_URL/)
    expect(text).not.toContain('secret-ish-value')
  })

  it('creates the bridge once configured (no restart) and serves through it', async () => {
    expect((await parlantRoute(agents())).status).toBe(503)
    vi.stubEnv('PARLANT_SERVER_URL', 'http://127.0.0.1:9')
    sim.checkSessionOrInternalAuth.mockResolvedValue({ success: false, error: 'Unauthorized' })
    const [first, second] = await Promise.all([parlantRoute(agents()), parlantRoute(agents())])
    // The bridge answered: Sim's auth refused the anonymous caller.
    expect(first?.status).toBe(401)
    expect(second?.status).toBe(401)
    expect(sim.checkSessionOrInternalAuth).toHaveBeenCalledTimes(2)
    // One bridge per process.
    expect(await getSimBridge()).toBe(await getSimBridge())
  })
})

describe('route entry factory', () => {
  // Restore the Sim adapter's registration for the other tests in this file.
  afterEach(() => setRouteBridgeFactory(getSimBridge))

  it('shares one creation between concurrent requests, and a registered bridge wins', async () => {
    const handle = vi.fn(async () => new Response('ok'))
    let resolveBridge: (bridge: { handle: typeof handle }) => void = () => {}
    const factory = vi.fn(
      () =>
        new Promise<{ handle: typeof handle }>((resolve) => {
          resolveBridge = resolve
        })
    )
    setRouteBridgeFactory(factory)
    const pending = Promise.all([entryRoute(agents()), entryRoute(agents())])
    await Promise.resolve()
    resolveBridge({ handle })
    const responses = await pending
    expect(responses.map((r) => r.status)).toEqual([200, 200])
    expect(factory).toHaveBeenCalledTimes(1)

    const registered = { handle: vi.fn(async () => new Response('registered')) }
    registerRouteBridge(registered)
    expect(await (await entryRoute(agents())).text()).toBe('registered')
  })

  it('hides the message of an unexpected factory failure and retries next time', async () => {
    const factory = vi
      .fn<() => Promise<{ handle: (r: Request) => Promise<Response | undefined> }>>()
      .mockRejectedValueOnce(new Error('password=hunter2 in a stack'))
      .mockResolvedValueOnce({ handle: async () => new Response('ok') })
    setRouteBridgeFactory(factory)
    const failed = await entryRoute(agents())
    expect(failed.status).toBe(503)
    expect(await failed.text()).not.toContain('hunter2')
    expect((await entryRoute(agents())).status).toBe(200)
  })

  it('answers 503 when neither a bridge nor a factory is there', async () => {
    setRouteBridgeFactory(undefined)
    const response = await entryRoute(agents())
    expect(response.status).toBe(503)
    expect(((await response.json()) as { code: string }).code).toBe('integration_disabled')
  })
})
