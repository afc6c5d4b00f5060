/** `GET /healthz`, restated from Parlant's `tests/api/test_app.py` and `core/health`. */
import { emulatorPerFile, sleep } from './support'

const { call, ok } = emulatorPerFile()

describe('Parlant /healthz', () => {
  it('reports the overall status and the event loop check with its latency', async () => {
    const health = await ok('GET', '/healthz')
    expect(health).toEqual({
      instance_id: expect.any(String),
      status: expect.any(String),
      checks: { event_loop: { status: expect.any(String), latency_ms: expect.any(Number) } },
    })
    // On an idle machine the loop is healthy; a busy CI box may already be slower.
    expect(['healthy', 'degraded', 'unhealthy']).toContain(health.status)
    expect(health.status).toBe(health.checks.event_loop.status)
  })

  it('turns degraded when the event loop is blocked for over 200 ms', async () => {
    await sleep(150)
    const until = Date.now() + 300
    while (Date.now() < until) {
      // Block the loop, as Parlant's test blocks it with a synchronous sleep.
    }
    await sleep(150)
    const health = await ok('GET', '/healthz')
    expect(health.checks.event_loop.latency_ms).toBeGreaterThanOrEqual(200)
    expect(['degraded', 'unhealthy']).toContain(health.checks.event_loop.status)
    expect(health.status).toBe(health.checks.event_loop.status)
  })
})

describe('Starlette answers for unknown routes', () => {
  it('is 404 for an unknown path and 405 for a known path with another method', async () => {
    const unknown = await call('GET', '/nowhere')
    expect(unknown.status).toBe(404)
    expect(unknown.json).toEqual({ detail: 'Not Found' })
    const method = await call('PUT', '/agents/a')
    expect(method.status).toBe(405)
    expect(method.json).toEqual({ detail: 'Method Not Allowed' })
    expect(method.headers.get('allow')).toBe('GET, PATCH, DELETE')
  })
})
