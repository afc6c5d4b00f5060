/**
 * The official `parlant-client` package, as an outside client, drives the emulator through
 * agent → customer → session → message → long poll until ready{completed}. Per-call options avoid
 * its traps: no retries (it would re-post messages and repeat 504 long polls) and a timeout above
 * `waitForData`.
 */
import { ParlantClient } from 'parlant-client'
import { type RunningEmulator, startEmulator } from '@/emulator'

let emulator: RunningEmulator

beforeAll(async () => {
  emulator = await startEmulator({ delayMs: 1, waitUnitMs: 100 })
})
afterAll(async () => {
  await emulator.close()
})

describe('official parlant-client against the emulator', () => {
  it('runs a whole turn until ready{completed}', async () => {
    const client = new ParlantClient({ environment: emulator.url })
    const once = { maxRetries: 0, timeoutInSeconds: 10 }
    const agent = await client.agents.create({ id: 'official', name: 'Official' }, once)
    await client.guidelines.create(
      { condition: 'the customer says "ping"', action: 'pong', tags: [`agent:${agent.id}`] },
      once
    )
    const customer = await client.customers.create({ id: 'cust-official', name: 'Ada' }, once)
    const session = await client.sessions.create(
      { agentId: agent.id, customerId: customer.id, allowGreeting: false },
      once
    )
    const posted = await client.sessions.createEvent(
      session.id,
      { kind: 'message', source: 'customer', message: 'ping!' },
      once
    )
    expect(posted.offset).toBe(0)

    let minOffset = posted.offset + 1
    const replies: string[] = []
    let completed = false
    for (let i = 0; i < 30 && !completed; i++) {
      const events = await client.sessions.listEvents(
        session.id,
        { minOffset, waitForData: 2, kinds: 'message,status', traceId: posted.traceId },
        { maxRetries: 0, timeoutInSeconds: 12 }
      )
      for (const event of events) {
        minOffset = Math.max(minOffset, event.offset + 1)
        // `data` is passed through untouched, so it stays snake_case.
        const data = event.data as { message?: string; status?: string; data?: { stage?: string } }
        if (event.kind === 'message' && event.source === 'ai_agent' && data.message) {
          replies.push(data.message)
        }
        if (
          event.kind === 'status' &&
          data.status === 'ready' &&
          data.data?.stage === 'completed'
        ) {
          completed = true
        }
      }
    }
    expect(completed).toBe(true)
    expect(replies).toEqual(['pong'])
    expect(emulator.control.countRequests('POST', '/sessions/*/events')).toBe(1)
  })
})
