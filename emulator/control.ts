/**
 * The emulator's own control routes under `/__emulator` (not Parlant's): loopback only, never
 * faulted, no bearer check. Faults, reset, and the request and created-event logs.
 */
import { Hono } from 'hono'
import { type Ctx, type Env, errorResponse, readBody } from '@/emulator/api/http'
import type { AppContext } from '@/emulator/app'
import { type FaultConfig, faultConfigSchema } from '@/emulator/faults'

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])

export function controlRouter(ctx: AppContext) {
  const control = new Hono<Env>()
  control.use('*', async (c, next) => {
    const remote = c.env?.incoming?.socket?.remoteAddress
    if (remote !== undefined && !LOOPBACK.has(remote)) {
      return c.json({ detail: 'The emulator control API is loopback-only' }, 403)
    }
    return next()
  })
  control.get('/faults', (c) => c.json(ctx.faults.get()))
  const setFaults = async (c: Ctx) => {
    ctx.faults.set((await readBody(c, faultConfigSchema)) as FaultConfig)
    return c.json(ctx.faults.get())
  }
  control.put('/faults', setFaults)
  control.post('/faults', setFaults)
  control.delete('/faults', (c) => {
    ctx.faults.set({})
    return c.body(null, 204)
  })
  control.post('/reset', (c) => {
    ctx.reset()
    return c.body(null, 204)
  })
  control.get('/requests', (c) => c.json(ctx.requestLog))
  control.get('/events-log', (c) => c.json(ctx.createdEvents))
  control.onError((error, c) => errorResponse(c, error))
  return control
}
