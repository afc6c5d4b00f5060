/**
 * The attack pass's F1/F2 cases not covered by `__tests__/faults/scoping.test.ts`, both engines:
 * the tool route's default conversation (`tool:<userId>`) is its caller's — another member naming
 * that key, over the tool route or the API, reaches their own — and a member of the same workspace
 * naming `customerId: "sim-user-<other>"` gets a workspace-scoped customer, not that user's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, grant } from '@/host/directory'
import { type FaultHost, startFaultHost } from '../faults/support'
import { ENGINES } from '../support/databases'

interface Turn {
  sessionId: string
  traceId: string
}

describe.each(ENGINES)('caller scoping follow-ups (%s)', (engine) => {
  let f: FaultHost
  let agentId = ''
  let other = { id: '', apiKey: '' }

  beforeAll(async () => {
    f = await startFaultHost(engine)
    const lifecycle = f.host.bridge.lifecycle
    agentId = (await lifecycle.create(f.workspaceId, null, { name: 'scoped' })).id
    await lifecycle.start(f.workspaceId, agentId)
    other = await createUser(f.host.database.db, { name: 'Mo', email: `mo-${engine}@x.test` })
    await grant(f.host.database.db, other.id, f.workspaceId, 'write')
  })
  afterAll(async () => {
    await f?.close()
  })

  const tool = (bearer: string, body: Record<string, unknown>) =>
    f.call('POST', '/api/tools/parlant/chat', bearer, {
      _context: { workspaceId: f.workspaceId },
      agentId,
      ...body,
    })
  const session = (answer: { body: Record<string, unknown> }) =>
    (answer.body.output ?? answer.body.result) as Turn

  it("the tool route's default key tool:<userId> is not reachable by another user", async () => {
    const owner = f.host.identity.userId
    const mine = await tool(f.adminKey, { message: 'mine, by default' })
    expect(mine.status).toBe(200)
    const viaTool = await tool(other.apiKey, {
      message: 'into yours?',
      conversationKey: `tool:${owner}`,
    })
    const viaApi = await f.call('POST', `/api/parlant/agents/${agentId}/chat`, other.apiKey, {
      workspaceId: f.workspaceId,
      message: 'into yours, via the API?',
      conversationKey: `tool:${owner}`,
    })
    for (const answer of [viaTool, viaApi]) {
      expect(answer.status).toBe(200)
      expect(session(answer).sessionId).not.toBe(session(mine).sessionId)
    }
    // The owner's default conversation holds only the owner's message.
    const again = await tool(f.adminKey, { message: 'still mine' })
    expect(session(again).sessionId).toBe(session(mine).sessionId)
    const texts = (f.emulator.control.store.sessions.get(session(mine).sessionId)?.events ?? [])
      .filter((e) => e.kind === 'message' && e.source === 'customer')
      .map((e) => (e.data as { message?: string }).message)
    expect(texts).toEqual(['mine, by default', 'still mine'])
  })

  it('a member naming customerId sim-user-<other member> gets a workspace customer, not theirs', async () => {
    const owner = f.host.identity.userId
    const own = await tool(f.adminKey, { message: 'as me', conversationKey: 'me' })
    const ownCustomer = f.emulator.control.store.sessions.get(session(own).sessionId)?.dto
      .customer_id
    expect(ownCustomer).toBe(`sim-user-${owner}`)
    const posing = await tool(other.apiKey, {
      message: 'as the owner?',
      conversationKey: 'pose',
      customerId: `sim-user-${owner}`,
    })
    expect(posing.status).toBe(200)
    const used = f.emulator.control.store.sessions.get(session(posing).sessionId)?.dto.customer_id
    expect(used).toBe(`ws-${f.workspaceId}-sim-user-${owner}`)
    expect(used).not.toBe(ownCustomer)
  })
})
