import { sleep } from '@sim/utils/helpers'
import {
  CircuitBreaker,
  createParlantClient,
  ParlantContractError,
  ParlantForbidden,
  ParlantTimeout,
  ParlantUnavailable,
  scrub,
} from '@/lib/parlant/client'
import { type RunningEmulator, startEmulator } from '@/emulator'
import { captureLogger } from './support'

const API_KEY = 'sk-parlant-DISTINCTIVE-7f3a9c1e5b'

let emulator: RunningEmulator

beforeAll(async () => {
  emulator = await startEmulator({ delayMs: 0, waitUnitMs: 100, apiKey: API_KEY })
})
afterAll(async () => {
  await emulator.close()
})
beforeEach(() => {
  emulator.control.reset()
})

function makeClient(overrides: Partial<Parameters<typeof createParlantClient>[0]> = {}) {
  const capture = captureLogger()
  const client = createParlantClient({
    baseUrl: emulator.url,
    apiKey: API_KEY,
    logger: capture.logger,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...overrides,
  })
  return { client, lines: capture.lines }
}

async function sessionWithAgent(client: ReturnType<typeof makeClient>['client']) {
  await client.agents.create({ id: 'ag', name: 'Agent' })
  await client.customers.create({ id: 'cu', name: 'Customer' })
  return client.sessions.create({ agent_id: 'ag', customer_id: 'cu' })
}

describe('retries', () => {
  it('never retries a POST of an event that failed with 500', async () => {
    const { client } = makeClient()
    const session = await sessionWithAgent(client)
    emulator.control.setFaults({
      routes: [{ method: 'POST', path: '/sessions/*/events', action: 'status', status: 500 }],
    })
    const error = await client.events.sendCustomerMessage(session.id, 'hi').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ParlantUnavailable)
    expect(emulator.control.countRequests('POST', '/sessions/*/events')).toBe(1)
    expect(emulator.control.createdEvents()).toHaveLength(0)
  })

  it('never retries a POST whose connection was dropped', async () => {
    const { client } = makeClient()
    const session = await sessionWithAgent(client)
    emulator.control.setFaults({
      routes: [{ method: 'POST', path: '/sessions/*/events', action: 'drop', times: 1 }],
    })
    const error = await client.events.sendCustomerMessage(session.id, 'hi').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ParlantUnavailable)
    expect((error as ParlantUnavailable).reason).toBe('network')
    expect(emulator.control.countRequests('POST', '/sessions/*/events')).toBe(1)
  })

  it('retries a GET that fails with 503 and succeeds', async () => {
    const { client } = makeClient()
    await client.agents.create({ id: 'ag', name: 'Agent' })
    emulator.control.setFaults({
      routes: [{ method: 'GET', path: '/agents/*', action: 'status', status: 503, times: 2 }],
    })
    expect(await client.agents.get('ag')).toMatchObject({ id: 'ag' })
    expect(emulator.control.countRequests('GET', '/agents/ag')).toBe(3)
  })

  it('retries a GET whose connection was dropped', async () => {
    const { client } = makeClient()
    await client.agents.create({ id: 'ag', name: 'Agent' })
    emulator.control.setFaults({
      routes: [{ method: 'GET', path: '/agents/*', action: 'drop', times: 1 }],
    })
    expect(await client.agents.get('ag')).toMatchObject({ id: 'ag' })
  })

  it('gives up after the retry budget with ParlantUnavailable', async () => {
    const { client } = makeClient({ retry: { retries: 1, baseDelayMs: 1 } })
    emulator.control.setFaults({
      routes: [{ method: 'GET', path: '/agents', action: 'status', status: 502 }],
    })
    await expect(client.agents.list()).rejects.toBeInstanceOf(ParlantUnavailable)
    expect(emulator.control.countRequests('GET', '/agents')).toBe(2)
  })
})

describe('timeouts', () => {
  it('surfaces a slow answer as ParlantTimeout', async () => {
    const { client } = makeClient({ retry: false })
    emulator.control.setFaults({ routes: [{ path: '/agents', action: 'delay', delayMs: 1500 }] })
    const error = await client.agents.list({ timeoutMs: 150 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ParlantTimeout)
    expect((error as ParlantTimeout).timeoutMs).toBe(150)
  })

  it('surfaces a stalled body as ParlantTimeout', async () => {
    const { client } = makeClient({ retry: false })
    emulator.control.setFaults({
      routes: [{ path: '/healthz', action: 'slow_body', delayMs: 1500 }],
    })
    await expect(client.health({ timeoutMs: 150 })).rejects.toBeInstanceOf(ParlantTimeout)
  })

  it('reads a slow body within the timeout', async () => {
    const { client } = makeClient()
    emulator.control.setFaults({ routes: [{ path: '/healthz', action: 'slow_body', delayMs: 50 }] })
    expect(await client.health()).toMatchObject({ status: 'healthy' })
  })
})

describe('circuit breaker', () => {
  it('fails fast while the server is down and closes after it returns', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 200 })
    const { client } = makeClient({ breaker, retry: false, timeouts: { defaultMs: 2000 } })
    await client.agents.create({ id: 'ag', name: 'Agent' })
    // A hanging server: every call waits for its timeout until the breaker opens.
    emulator.control.setFaults({ routes: [{ action: 'delay', delayMs: 3000 }] })
    for (let i = 0; i < 2; i++) {
      await expect(client.agents.get('ag', { timeoutMs: 300 })).rejects.toBeInstanceOf(
        ParlantTimeout
      )
    }
    expect(breaker.state).toBe('open')
    const started = performance.now()
    const error = await client.agents.get('ag').catch((e: unknown) => e)
    const elapsed = performance.now() - started
    expect(error).toBeInstanceOf(ParlantUnavailable)
    expect((error as ParlantUnavailable).reason).toBe('breaker_open')
    // Far below the 2000 ms timeout the call would otherwise wait.
    expect(elapsed).toBeLessThan(200)

    // The server goes away entirely and comes back.
    emulator.control.clearFaults()
    await emulator.control.stop()
    await sleep(220)
    await expect(client.agents.get('ag')).rejects.toMatchObject({ reason: 'network' })
    expect(breaker.state).toBe('open')
    await emulator.control.restart()
    await sleep(220)
    expect(breaker.state).toBe('half_open')
    expect(await client.agents.get('ag')).toMatchObject({ id: 'ag' })
    expect(breaker.state).toBe('closed')
  })

  it('does not count 4xx answers or long-poll 504s as failures', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 60_000 })
    const { client } = makeClient({ breaker })
    const session = await sessionWithAgent(client)
    await expect(client.agents.get('missing')).rejects.toThrow()
    const batch = await client.events.list(session.id, { minOffset: 5, waitForData: 1 })
    expect(batch.timedOut).toBe(true)
    expect(breaker.state).toBe('closed')
  })
})

describe('secrets', () => {
  it('keeps the API key out of errors and logs when Parlant echoes headers in a 403', async () => {
    const { client, lines } = makeClient({ apiKey: `${API_KEY}-wrong` })
    const error = await client.agents.list().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ParlantForbidden)
    const text = `${(error as Error).message} ${JSON.stringify(error)} ${String((error as Error).stack)}`
    expect(text).not.toContain(API_KEY)
    expect(lines.join('\n')).not.toContain(API_KEY)
  })

  it('sends the bearer key on every call', async () => {
    const { client, lines } = makeClient()
    const session = await sessionWithAgent(client)
    await client.events.sendCustomerMessage(session.id, 'hi')
    await client.events.list(session.id, { waitForData: 0 })
    expect(lines.join('\n')).not.toContain(API_KEY)
  })

  it('scrubs keys, bearer tokens and header dumps from server text', () => {
    const body = `Authorization failed: OPERATION=list_agents, HEADERS=Headers({'host': 'x', 'authorization': 'Bearer ${API_KEY}'})`
    const out = scrub(body, [API_KEY])
    expect(out).not.toContain(API_KEY)
    expect(out).toBe('Authorization failed: OPERATION=list_agents, HEADERS=[redacted]')
    expect(scrub(`token Bearer abc.def-ghi here`, [])).toBe('token Bearer [redacted] here')
    expect(scrub(`{"authorization": "Basic xyz"}`, [])).not.toContain('xyz')
    expect(scrub(`contains ${API_KEY} twice ${API_KEY}`, [API_KEY])).not.toContain(API_KEY)
  })

  it('scrubs the key from network error text', async () => {
    const { client } = makeClient({
      fetch: async () => {
        throw new Error(`socket hang up while sending Bearer ${API_KEY}`)
      },
      retry: false,
    })
    const error = await client.health().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ParlantUnavailable)
    expect((error as Error).message).not.toContain(API_KEY)
  })
})

describe('contract', () => {
  it('turns a response that breaks the contract into ParlantContractError', async () => {
    const { client } = makeClient({
      fetch: async () =>
        new Response(JSON.stringify({ id: 'a', name: 'x', composition_mode: 'poetic' }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }),
    })
    const error = await client.agents.get('a').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ParlantContractError)
    expect((error as ParlantContractError).issues.join(' ')).toContain('composition_mode')
  })

  it('turns a non-JSON 200 into ParlantContractError', async () => {
    const { client } = makeClient({ fetch: async () => new Response('<html>', { status: 200 }) })
    await expect(client.tags.list()).rejects.toBeInstanceOf(ParlantContractError)
  })
})
