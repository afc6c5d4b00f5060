/**
 * Agents that heal themselves, against the emulator on both engines: an active agent whose Parlant
 * agent is gone is provisioned again from its configuration — by the boot round, the health
 * monitor or a turn — once, and the turn goes on; a conversation whose session is gone continues
 * in a new one (`sessionRenewed`); only a failed re-provisioning puts the agent in `error`, with
 * one message.
 */
import { createLogger } from '@sim/logger'
import { sleep } from '@sim/utils/helpers'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Bridge, createBridge, wiredChat } from '@/lib/parlant/bridge'
import { createParlantClient } from '@/lib/parlant/client'
import type { BridgeConfig } from '@/lib/parlant/config'
import { agentGuidelineTag, parlantAgentIdFor } from '@/lib/parlant/lifecycle'
import { type BridgeHost, systemClock } from '@/lib/parlant/ports'
import type { AgentStatusEvent } from '@/lib/parlant/realtime/events'
import { type RunningEmulator, startEmulator } from '@/emulator'
import { createUser, createWorkspace } from '@/host/directory'
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases'

describe.each(ENGINES)('self-healing agents on %s', (engine) => {
  let database: TestDatabase
  let emulator: RunningEmulator
  let host: BridgeHost
  let bridge: Bridge
  let workspaceId: string
  let userId: string
  const published: AgentStatusEvent[] = []
  const config: BridgeConfig = {
    enabled: true,
    socketNamespace: '/parlant',
    maxAgentsPerWorkspace: 50,
  }
  const node = (supervisor?: { healthIntervalMs: number; reconcileIntervalMs: number }) =>
    createBridge({
      host,
      config,
      parlant: createParlantClient({
        baseUrl: emulator.url,
        // GETs are retried as in production: a restarted server leaves stale pooled sockets.
        breaker: false,
        timeouts: { defaultMs: 1000 },
      }),
      chat: wiredChat({ ...config, chatTrailingErrorWaitMs: 0 }),
      lifecycle: { operationTimeoutMs: 1500, unreachableAfterMs: 0 },
      supervisor,
    })

  beforeAll(async () => {
    database = await createTestDatabase(engine, { poolSize: 20 })
    emulator = await startEmulator({ port: 0, delayMs: 0 })
    host = {
      authenticate: async () => null,
      workspacePermission: async () => 'admin',
      db: database.db,
      publish: (_room, _event, payload) => {
        published.push(payload as AgentStatusEvent)
      },
      logger: createLogger('self-healing-test'),
      clock: systemClock,
    }
    bridge = node()
    const user = await createUser(database.db, { name: 'Owner', email: `h-${engine}@x.test` })
    userId = user.id
    workspaceId = (await createWorkspace(database.db, { name: 'W', ownerId: user.id })).id
  })

  afterEach(() => emulator.control.clearFaults())

  afterAll(async () => {
    await bridge?.stop()
    await emulator?.close()
    await database?.close()
  })

  const activeAgent = async (name: string) => {
    const agent = await bridge.lifecycle.create(workspaceId, userId, {
      name,
      description: `${name} helps`,
      guidelines: [
        { condition: 'the customer says "refund"', action: 'Refunds take 5 days.' },
        { condition: 'the customer says "hours"', action: 'We open at 9.' },
      ],
    })
    await bridge.lifecycle.start(workspaceId, agent.id)
    return agent.id
  }
  const chat = (agentId: string, message: string, conversationKey: string) =>
    bridge.chat!.send({ workspaceId, agentId, userId, message, conversationKey })
  const onParlant = (agentId: string) =>
    emulator.control.store.agents.get(parlantAgentIdFor(agentId))
  const guidelinesOnParlant = (agentId: string) =>
    [...emulator.control.store.guidelines.values()].filter((g) =>
      g.tags.includes(agentGuidelineTag(parlantAgentIdFor(agentId)))
    )
  /** The agent's published status changes (chat events go to the same room). */
  const statusesOf = (agentId: string) =>
    published.filter((e) => e.agentId === agentId && 'version' in e).map((e) => e.status)

  it('a turn finds its agent gone: provisioned again once, and the turn gets its reply', async () => {
    const agentId = await activeAgent('turn-heal')
    emulator.control.store.agents.delete(parlantAgentIdFor(agentId))
    emulator.control.clearLogs()
    published.length = 0

    const result = await chat(agentId, 'I want a refund', 'turn-heal-1')
    expect(result.content).toBe('Refunds take 5 days.')
    expect(result.sessionRenewed).toBe(false)
    expect(onParlant(agentId)).toMatchObject({ name: 'turn-heal', description: 'turn-heal helps' })
    expect(guidelinesOnParlant(agentId)).toHaveLength(2)
    const creates = emulator.control
      .requests()
      .filter((r) => r.method === 'POST' && r.path === '/agents')
    expect(creates).toHaveLength(1)
    // The agent never left `active`.
    expect(statusesOf(agentId)).toEqual([])
    expect((await bridge.lifecycle.get(workspaceId, agentId)).status).toBe('active')
  })

  it('ten concurrent turns on a lost agent share one re-provisioning', async () => {
    const agentId = await activeAgent('crowd-heal')
    emulator.control.store.agents.delete(parlantAgentIdFor(agentId))
    emulator.control.clearLogs()
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => chat(agentId, 'hours please', `crowd-${i}`))
    )
    expect(results.every((r) => r.content === 'We open at 9.')).toBe(true)
    const creates = emulator.control
      .requests()
      .filter((r) => r.method === 'POST' && r.path === '/agents')
    expect(creates).toHaveLength(1)
  })

  it('a wiped Parlant: the conversation continues in a new session and says so', async () => {
    const agentId = await activeAgent('wiped')
    const first = await chat(agentId, 'hours?', 'wiped-1')
    expect(first.content).toBe('We open at 9.')
    await emulator.control.restart({ wipe: true })

    const second = await chat(agentId, 'and a refund?', 'wiped-1')
    expect(second.content).toBe('Refunds take 5 days.')
    expect(second.sessionRenewed).toBe(true)
    expect(second.sessionId).not.toBe(first.sessionId)
    // The next turn is in the renewed session like any other.
    const third = await chat(agentId, 'hours again', 'wiped-1')
    expect(third).toMatchObject({ sessionRenewed: false, sessionId: second.sessionId })
    expect((await bridge.lifecycle.get(workspaceId, agentId)).status).toBe('active')
  })

  it('the health monitor re-provisions a lost agent; only a failure puts it in error, once', async () => {
    const healed = await activeAgent('monitor-heal')
    emulator.control.store.agents.delete(parlantAgentIdFor(healed))
    for (const g of guidelinesOnParlant(healed)) emulator.control.store.guidelines.delete(g.id)
    published.length = 0
    await bridge.lifecycle.checkHealth()
    expect((await bridge.lifecycle.get(workspaceId, healed)).status).toBe('active')
    expect(onParlant(healed)).toBeDefined()
    expect(guidelinesOnParlant(healed)).toHaveLength(2)
    expect(statusesOf(healed)).toEqual([])

    const failing = await activeAgent('monitor-fail')
    emulator.control.store.agents.delete(parlantAgentIdFor(failing))
    emulator.control.setFaults({
      routes: [{ method: 'POST', path: '/agents', action: 'status', status: 500 }],
    })
    published.length = 0
    await bridge.lifecycle.checkHealth()
    const failed = await bridge.lifecycle.get(workspaceId, failing)
    expect(failed.status).toBe('error')
    expect(failed.lastError).toBe(
      'The agent was gone from the Parlant server and creating it again failed: the Parlant server answered with an error (500); start the agent again to retry'
    )
    expect(statusesOf(failing)).toEqual(['error'])
    // Later rounds leave it alone: one error, one message.
    await bridge.lifecycle.checkHealth()
    await bridge.lifecycle.checkHealth()
    expect(statusesOf(failing)).toEqual(['error'])
    expect((await bridge.lifecycle.get(workspaceId, failing)).lastError).toBe(failed.lastError)
    // A turn says what to do, with the same reason.
    await expect(chat(failing, 'hello', 'f-1')).rejects.toMatchObject({
      code: 'agent_not_active',
      message: `Agent "monitor-fail" is in error: ${failed.lastError}`,
    })
    emulator.control.clearFaults()
    expect((await bridge.lifecycle.start(workspaceId, failing)).status).toBe('active')
  })

  it('a turn whose re-provisioning fails fails with the reason, and the agent is in error', async () => {
    const agentId = await activeAgent('turn-fail')
    emulator.control.store.agents.delete(parlantAgentIdFor(agentId))
    emulator.control.setFaults({
      routes: [{ method: 'POST', path: '/agents', action: 'status', status: 500 }],
    })
    await expect(chat(agentId, 'hi', 'tf-1')).rejects.toMatchObject({
      message:
        'The agent was gone from the Parlant server and creating it again failed: the Parlant server answered with an error (500); start the agent again to retry',
    })
    expect((await bridge.lifecycle.get(workspaceId, agentId)).status).toBe('error')
  })

  it('Parlant back after an outage, empty: agents the monitor put in error are started again', async () => {
    const agentId = await activeAgent('outage')
    await emulator.control.stop()
    try {
      await bridge.lifecycle.checkHealth()
      expect((await bridge.lifecycle.get(workspaceId, agentId)).lastError).toMatch(/unreachable/)
    } finally {
      await emulator.control.restart({ wipe: true })
    }
    await bridge.lifecycle.checkHealth()
    expect(await bridge.lifecycle.get(workspaceId, agentId)).toMatchObject({
      status: 'active',
      lastError: null,
    })
    expect(onParlant(agentId)).toBeDefined()
    expect((await chat(agentId, 'refund', 'outage-1')).content).toBe('Refunds take 5 days.')
  })

  it('one round provisions a dozen lost agents of a workspace side by side, sharing its tag', async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => activeAgent(`many-${i}`)))
    await emulator.control.restart({ wipe: true })
    const round = await bridge.lifecycle.checkHealth()
    expect(round.failed).toBe(0)
    expect(round.recovered).toBeGreaterThanOrEqual(12)
    for (const id of ids) {
      expect(onParlant(id)).toBeDefined()
      expect(guidelinesOnParlant(id)).toHaveLength(2)
      expect((await bridge.lifecycle.get(workspaceId, id)).status).toBe('active')
    }
    const tags = [...emulator.control.store.tags.values()].filter((t) =>
      t.name.includes(workspaceId)
    )
    expect(tags).toHaveLength(1)
  })

  it('at boot, the supervisor re-provisions active agents a restarted Parlant lost', async () => {
    const agentId = await activeAgent('boot-heal')
    await emulator.control.restart({ wipe: true })
    expect(onParlant(agentId)).toBeUndefined()
    const booted = node({ healthIntervalMs: 60_000, reconcileIntervalMs: 60_000 })
    booted.start()
    try {
      for (let i = 0; i < 200 && !onParlant(agentId); i++) await sleep(10)
      expect(onParlant(agentId)).toMatchObject({ name: 'boot-heal' })
      expect((await booted.lifecycle.get(workspaceId, agentId)).status).toBe('active')
    } finally {
      await booted.stop()
    }
  })
})
