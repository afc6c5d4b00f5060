/**
 * `GET /healthz`, as Parlant's `HealthReporter.snapshot()` renders it: `instance_id`, the overall
 * `status` and `checks.event_loop` with its `status` and `latency_ms`. The latency is measured like
 * Parlant's `EventLoopMonitor`: a timer every 100 ms records how late it fires, and the worst
 * lateness of the last 300 s classifies the loop (healthy < 200 ms ≤ degraded < 500 ms ≤ unhealthy).
 */
import { Hono } from 'hono'
import type { Env } from '@/emulator/api/http'

const INTERVAL_MS = 100
const WINDOW_MS = 300_000

type Health = 'healthy' | 'degraded' | 'unhealthy'

const classify = (latencyMs: number): Health =>
  latencyMs >= 500 ? 'unhealthy' : latencyMs >= 200 ? 'degraded' : 'healthy'

/** Measures event-loop lateness in the background; `stop()` ends it. */
export class EventLoopMonitor {
  private peakMs = 0
  private windowStart = Date.now()
  private timer: NodeJS.Timeout | undefined

  start() {
    if (this.timer) return
    const tick = () => {
      const expected = Date.now() + INTERVAL_MS
      this.timer = setTimeout(() => {
        const now = Date.now()
        if (now - this.windowStart >= WINDOW_MS) {
          this.windowStart = now
          this.peakMs = 0
        }
        this.peakMs = Math.max(this.peakMs, Math.max(0, now - expected))
        tick()
      }, INTERVAL_MS)
      // The monitor must never keep a process alive on its own.
      this.timer.unref()
    }
    tick()
  }

  stop() {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  get status() {
    return { status: classify(this.peakMs), latency_ms: Math.round(this.peakMs * 100) / 100 }
  }
}

export function healthRouter(monitor: EventLoopMonitor, instanceId: string) {
  const router = new Hono<Env>()
  router.get('/', (c) => {
    const eventLoop = monitor.status
    return c.json({
      instance_id: instanceId,
      status: eventLoop.status,
      checks: { event_loop: eventLoop },
    })
  })
  return router
}
