/**
 * Bad input and the HTTP edges: random and malformed bodies, queries and ids to every route always
 * get a 4xx naming the field, never a 500, never a database change; oversized bodies (413), non-JSON
 * bodies (415), the rate limit (429) and the integration switch (503).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BRIDGE_ROUTES } from '@/lib/parlant/api'
import { type Bridge, createBridge } from '@/lib/parlant/bridge'
import { createParlantClient } from '@/lib/parlant/client'
import { type RunningHost, startHost } from '@/host/server'

const dataDir = () => mkdtempSync(join(tmpdir(), 'bridge-bad-input-'))

describe('bad input to every bridge route', () => {
  let host: RunningHost
  let bridge: Bridge
  let agentId = ''

  beforeAll(async () => {
    host = await startHost({ env: { PARLANT_BRIDGE_DATA_DIR: dataDir(), PORT: '0' } })
    // The same handlers as the host's, with a limit high enough that validation, not the rate
    // limiter, answers every generated request.
    bridge = createBridge({
      host: host.bridgeHost,
      config: host.bridgeConfig,
      parlant: createParlantClient({ baseUrl: host.parlantUrl }),
      rateLimit: { capacity: 1_000_000 },
    })
    agentId = (await host.bridge.lifecycle.create(host.identity.workspaceId, null, { name: 'a' }))
      .id
  })

  afterAll(async () => {
    await bridge?.stop()
    await host?.close()
  })

  async function snapshot() {
    const result = await host.database.db.execute(sql`
      select
        (select count(*) from workspace_agents)::int as agents,
        (select coalesce(sum(version), 0) from workspace_agents)::int as versions,
        (select count(*) from agent_auth_tokens)::int as tokens,
        (select count(*) from agent_auth_tokens where revoked_at is not null)::int as revoked,
        (select count(*) from agent_conversations)::int as conversations,
        (select count(*) from agent_chat_turns)::int as turns`)
    return JSON.stringify((result as unknown as { rows: unknown[] }).rows)
  }

  const json = fc.jsonValue({ maxDepth: 3 })
  const badId = fc.oneof(
    fc.constant(''),
    fc.string({ minLength: 1, maxLength: 8 }).filter((s) => /[^A-Za-z0-9_-]/.test(s)),
    fc.constant('x'.repeat(129))
  )
  /** A body that is wrong on purpose: arbitrary JSON, or a near-valid object with one bad field. */
  const body = fc.oneof(
    json,
    fc.record({ workspaceId: badId, name: fc.string() }),
    fc.record({ workspaceId: fc.constant('dev-workspace'), name: fc.constant('') }),
    fc.record({
      workspaceId: fc.constant('dev-workspace'),
      message: fc.constantFrom('', '\u0000', 42),
    }),
    fc.record({ workspaceId: fc.constant('dev-workspace'), agentId: badId }),
    fc.record({ workspaceId: fc.constant('dev-workspace'), unexpected: json })
  )

  it('answers 4xx naming the field, never 500, and changes nothing', async () => {
    const before = await snapshot()
    const routes = BRIDGE_ROUTES.map((r) => ({
      method: r.contract.method,
      pattern: r.contract.path,
    }))
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        badId,
        fc.oneof(badId, fc.constant(undefined)),
        body,
        async (route, id, workspaceId, payload) => {
          // The list tool needs nothing but a workspace, so that body is simply valid.
          fc.pre(
            !(
              route.pattern === '/api/tools/parlant/list' &&
              typeof payload === 'object' &&
              payload !== null &&
              !Array.isArray(payload) &&
              payload.workspaceId === 'dev-workspace'
            )
          )
          const path = route.pattern
            .replace('[agentId]', encodeURIComponent(id))
            .replace('[tokenId]', encodeURIComponent(id))
            .replace('[workspaceId]', encodeURIComponent(id))
          const query =
            workspaceId === undefined ? '' : `?workspaceId=${encodeURIComponent(workspaceId)}`
          const hasBody = route.method !== 'GET'
          const response = await bridge.handle(
            new Request(`http://bridge${path}${query}`, {
              method: route.method,
              headers: {
                authorization: `Bearer ${host.identity.apiKey}`,
                ...(hasBody ? { 'content-type': 'application/json' } : {}),
              },
              body: hasBody ? JSON.stringify(payload) : undefined,
            })
          )
          expect(response).toBeDefined()
          const status = response?.status ?? 0
          const text = (await response?.text()) ?? ''
          expect(status, `${route.method} ${path}${query} → ${text}`).toBeGreaterThanOrEqual(400)
          expect(status, `${route.method} ${path}${query} → ${text}`).toBeLessThan(500)
          if (status === 400) {
            const parsed = JSON.parse(text) as {
              error: string
              details?: Array<{ field: string }>
            }
            if (route.pattern.startsWith('/api/tools/')) {
              // Sim's tool shape has no details: the message names the field.
              expect(parsed.error).toMatch(/^Invalid request: [A-Za-z_.0-9-]+: /)
            } else {
              const detail = parsed.details?.[0]
              expect(detail?.field).toBeTruthy()
              expect(parsed.error).toContain(detail?.field ?? '?')
            }
          }
        }
      ),
      { numRuns: 300 }
    )
    expect(await snapshot()).toBe(before)
  })

  it('a real agent with a bad body is untouched and the field is named', async () => {
    const response = await bridge.handle(
      new Request(`http://bridge/api/parlant/agents/${agentId}?workspaceId=dev-workspace`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${host.identity.apiKey}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ maxEngineIterations: 99, colour: 'red' }),
      })
    )
    expect(response?.status).toBe(400)
    const body = (await response?.json()) as { details: Array<{ field: string }> }
    expect(body.details.map((d) => d.field).sort()).toEqual(['colour', 'maxEngineIterations'])
    expect((await host.bridge.lifecycle.get('dev-workspace', agentId)).version).toBe(0)
  })

  it('the app/api route files serve the registered bridge in Sim’s wrapper', async () => {
    const route = await import('@/app/api/parlant/agents/route')
    const response = await route.GET(
      new Request('http://sim/api/parlant/agents?workspaceId=dev-workspace', {
        headers: { authorization: `Bearer ${host.identity.apiKey}` },
      }),
      {}
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('x-request-id')).toBeTruthy()
    expect(route.dynamic).toBe('force-dynamic')
  })

  it('route files validate with their contract after authentication, in the bridge’s shapes', async () => {
    const auth = { authorization: `Bearer ${host.identity.apiKey}` }
    const post = (url: string, body: unknown, headers: Record<string, string> = auth) =>
      new Request(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const agents = await import('@/app/api/parlant/agents/route')
    const bad = await agents.POST(
      post('http://sim/api/parlant/agents', { workspaceId: 'dev-workspace', name: '', x: 1 }),
      {}
    )
    expect(bad.status).toBe(400)
    const body = (await bad.json()) as { code: string; details: Array<{ field: string }> }
    expect(body.code).toBe('validation_error')
    expect(body.details.map((d) => d.field).sort()).toEqual(['name', 'x'])

    // Authentication comes first: an anonymous caller learns nothing about the body's faults.
    const anonymous = await agents.POST(post('http://sim/api/parlant/agents', { name: '' }, {}), {})
    expect(anonymous.status).toBe(401)

    const start = await import('@/app/api/parlant/agents/[agentId]/start/route')
    const badId = await start.POST(
      post('http://sim/api/parlant/agents/a%20b/start?workspaceId=dev-workspace', {}),
      { params: Promise.resolve({ agentId: 'a b' }) }
    )
    expect(badId.status).toBe(400)
    expect(((await badId.json()) as { details: Array<{ field: string }> }).details[0]?.field).toBe(
      'agentId'
    )

    const tool = await import('@/app/api/tools/parlant/status/route')
    const toolBad = await tool.POST(
      post('http://sim/api/tools/parlant/status', { _context: { workspaceId: 'dev-workspace' } }),
      {}
    )
    expect(toolBad.status).toBe(400)
    expect(await toolBad.json()).toEqual({
      success: false,
      error: expect.stringMatching(/^Invalid request: agentId: /),
    })
    const notJson = await tool.POST(
      new Request('http://sim/api/tools/parlant/status', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{',
      }),
      {}
    )
    expect(notJson.status).toBe(400)
    expect(((await notJson.json()) as { error: string }).error).toMatch(/body: is not valid JSON/)
  })

  it('rejects oversized bodies before parsing (413) and non-JSON bodies (415)', async () => {
    const headers = {
      authorization: `Bearer ${host.identity.apiKey}`,
      'content-type': 'application/json',
    }
    const big = await fetch(`${host.url}/api/parlant/agents`, {
      method: 'POST',
      headers,
      body: `{"workspaceId":"dev-workspace","name":"${'x'.repeat(2 * 1024 * 1024)}"}`,
    })
    expect(big.status).toBe(413)
    expect(await big.json()).toMatchObject({ code: 'payload_too_large' })
    const text = await fetch(`${host.url}/api/parlant/agents`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/plain' },
      body: 'name=x',
    })
    expect(text.status).toBe(415)
    expect(await text.json()).toMatchObject({ code: 'unsupported_media_type' })
  })

  it('holds the body limit on what arrives, whatever Content-Length declares', async () => {
    const send = (declared: string, body: string) =>
      bridge.handle(
        new Request('http://bridge/api/parlant/agents', {
          method: 'POST',
          headers: {
            authorization: `Bearer ${host.identity.apiKey}`,
            'content-type': 'application/json',
            'content-length': declared,
          },
          body,
        })
      )
    const big = `{"workspaceId":"dev-workspace","name":"${'x'.repeat(2 * 1024 * 1024)}"}`
    // A request built in-process can declare less than it carries: the bytes read decide.
    const understated = await send('10', big)
    expect(understated?.status).toBe(413)
    expect(await understated?.json()).toMatchObject({ code: 'payload_too_large' })
    const overstated = await send(String(2 * 1024 * 1024), '{}')
    expect(overstated?.status).toBe(413)
    // A declared length within the limit reads the body in one go; UTF-8 survives it.
    const name = 'Ünïcode “agent” ☃'
    const body = JSON.stringify({ workspaceId: 'dev-workspace', name })
    const created = await send(String(Buffer.byteLength(body)), body)
    expect(created?.status).toBe(201)
    expect(await created?.json()).toMatchObject({ agent: { name } })
  })

  it('answers 404 off the bridge routes and 405 with Allow on a known path', async () => {
    const auth = { authorization: `Bearer ${host.identity.apiKey}` }
    expect(await bridge.handle(new Request('http://bridge/api/elsewhere'))).toBeUndefined()
    const missing = await bridge.handle(
      new Request('http://bridge/api/parlant/agents/a/nowhere', { headers: auth })
    )
    expect(missing?.status).toBe(404)
    expect(await missing?.json()).toMatchObject({ code: 'not_found' })
    const wrong = await bridge.handle(
      new Request(`http://bridge/api/parlant/agents/${agentId}`, { method: 'POST', headers: auth })
    )
    expect(wrong?.status).toBe(405)
    expect(wrong?.headers.get('allow')).toBe('GET, PUT, DELETE')
    expect(await wrong?.json()).toMatchObject({
      error: 'Method POST is not allowed here; use GET, PUT, DELETE',
    })
    // Path parameters are decoded before validation (an encoded space is named as invalid).
    const encoded = await bridge.handle(
      new Request('http://bridge/api/parlant/agents/a%20b?workspaceId=dev-workspace', {
        headers: auth,
      })
    )
    expect(encoded?.status).toBe(400)
    expect(await encoded?.json()).toMatchObject({ details: [{ field: 'agentId' }] })
  })

  it('rate-limits mutating routes per user with 429 and Retry-After', async () => {
    const limited = createBridge({
      host: host.bridgeHost,
      config: host.bridgeConfig,
      parlant: createParlantClient({ baseUrl: host.parlantUrl }),
      rateLimit: { capacity: 2, refillPerSecond: 0.01 },
    })
    const stop = () =>
      limited.handle(
        new Request(`http://bridge/api/parlant/agents/${agentId}/stop`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${host.identity.apiKey}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ workspaceId: 'dev-workspace' }),
        })
      )
    expect((await stop())?.status).toBe(200)
    expect((await stop())?.status).toBe(200)
    const third = await stop()
    expect(third?.status).toBe(429)
    expect(Number(third?.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await third?.json()).toMatchObject({ code: 'rate_limited' })
  })

  it('ENABLE_PARLANT_INTEGRATION=false → every bridge route answers 503, the rest is unchanged', async () => {
    const off = await startHost({
      env: { PARLANT_BRIDGE_DATA_DIR: dataDir(), PORT: '0', ENABLE_PARLANT_INTEGRATION: 'false' },
    })
    try {
      const headers = { authorization: `Bearer ${off.identity.apiKey}` }
      const list = await fetch(`${off.url}/api/parlant/agents?workspaceId=x`, { headers })
      expect(list.status).toBe(503)
      expect(await list.json()).toMatchObject({
        code: 'integration_disabled',
        error: expect.stringMatching(/ENABLE_PARLANT_INTEGRATION=false/),
      })
      const tool = await fetch(`${off.url}/api/tools/parlant/list`, { method: 'POST', headers })
      expect(tool.status).toBe(503)
      expect(await tool.json()).toMatchObject({ success: false })
      expect((await fetch(`${off.url}/health`)).status).toBe(200)
    } finally {
      await off.close()
    }
  })
})
