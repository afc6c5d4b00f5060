/**
 * Runs the lifecycle's background duties: the reconciler and the health monitor, each on boot
 * (so agents a restarted Parlant lost are provisioned again at once) and on an interval. Rounds
 * never overlap, and a failed round is logged, not thrown.
 */

import type { LifecycleService } from '@/lib/parlant/lifecycle/service'
import { loggableError } from '@/lib/parlant/log-error'
import type { BridgeLogger } from '@/lib/parlant/ports'

export interface SupervisorOptions {
  /** Default 15 s. */
  reconcileIntervalMs?: number
  /** Default 10 s. */
  healthIntervalMs?: number
}

/** Starts the reconciler and health monitor; returns a stopper. */
export function startSupervisor(
  lifecycle: LifecycleService,
  logger: BridgeLogger,
  options: SupervisorOptions = {}
) {
  const timers: NodeJS.Timeout[] = []
  const running = new Set<Promise<unknown>>()

  function loop(name: string, round: () => Promise<unknown>, intervalMs: number) {
    let busy = false
    const tick = () => {
      if (busy) return
      busy = true
      const run = round()
        .catch((error: unknown) => {
          logger.warn(`${name} round failed`, {
            error: loggableError(error),
          })
        })
        .finally(() => {
          busy = false
          running.delete(run)
        })
      running.add(run)
    }
    tick()
    const timer = setInterval(tick, intervalMs)
    timer.unref()
    timers.push(timer)
  }

  loop('Reconciler', () => lifecycle.reconcile(), options.reconcileIntervalMs ?? 15_000)
  loop('Health monitor', () => lifecycle.checkHealth(), options.healthIntervalMs ?? 10_000)

  return {
    /** Stops the timers and waits for a round in progress. */
    async stop() {
      for (const timer of timers) clearInterval(timer)
      await Promise.allSettled([...running])
    },
  }
}
