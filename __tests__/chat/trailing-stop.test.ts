/**
 * A turn whose reply has arrived (Parlant's final `ready`) is complete: a stop during the short
 * look for a trailing error leaves it replied, on both engines. The chat view shows the turn done
 * at that `ready`, so the answer must agree.
 */
import { type ChatEventPayload, PARLANT_EVENTS } from '@/lib/parlant/realtime/events'
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases'
import { type Bed, createBed, FAST, provisionAgent } from './support'

describe.each(ENGINES)('a stop after the reply (%s)', (engine) => {
  let database: TestDatabase
  let bed: Bed

  beforeAll(async () => {
    database = await createTestDatabase(engine)
    // A long look for a trailing error (2 s), so the stop surely lands inside it.
    bed = await createBed(database.db, { ...FAST, trailingErrorWaitMs: 2_000 })
  })
  afterAll(async () => {
    await bed?.emulator.close()
    await database?.close()
  })

  it('leaves a replied turn replied', async () => {
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, {
      name: 'late stop',
      guidelines: [{ condition: 'the customer asks about "refund"', action: 'Refunds: 5 days.' }],
    })
    const pending = bed.chat.send({
      workspaceId: bed.workspaceId,
      agentId: agent.agentId,
      userId: bed.user.id,
      message: 'refund?',
      conversationKey: 'late-stop',
    })
    const completed = () =>
      bed.published.some((p) => {
        const event = p.payload as ChatEventPayload
        return (
          p.event === PARLANT_EVENTS.chatEvent &&
          event.status === 'ready' &&
          event.stage === 'completed'
        )
      })
    while (!completed()) await new Promise((resolve) => setTimeout(resolve, 5))
    bed.stops.get(agent.agentId)?.abort()
    const result = await pending
    expect(result).toMatchObject({ outcome: 'replied', content: 'Refunds: 5 days.' })
    expect(bed.published.at(-1)).toMatchObject({ event: PARLANT_EVENTS.turnComplete })
    bed.stops.delete(agent.agentId)
  })
})
