/**
 * The lifecycle service against the emulator on both engines: one provisioning under 100
 * concurrent starts, the quota under 50 concurrent creates, Parlant down during start, a crash
 * mid-start repaired by the reconciler, the health monitor, a hanging Parlant, stop and delete.
 */
import { createLogger } from '@sim/logger'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Bridge, createBridge } from '@/lib/parlant/bridge'
import { createParlantClient } from '@/lib/parlant/client'
import { getAgent } from '@/lib/parlant/db/queries'
import { workspaceAgents } from '@/lib/parlant/db/schema'
import { agentGuidelineTag, parlantAgentIdFor } from '@/lib/parlant/lifecycle'
import { type BridgeHost, systemClock } from '@/lib/parlant/ports'
import type { AgentStatusEvent } from '@/lib/parlant/realtime/events'
import { type RunningEmulator, startEmulator } from '@/emulator'
import { createUser, createWorkspace } from '@/host/directory'
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases'

describe.each(ENGINES)('agent lifecycle on %s', (engine) => {
  let database: TestDatabase
  let emulator: RunningEmulator
  let bridge: Bridge
  /** A second node over the same database: concurrency across nodes rests on the CAS alone. */
  let nodeB: Bridge
  let workspaceId: string
  let userId: string
  const published: AgentStatusEvent[] = []

  beforeAll(async () => {
    database = await createTestDatabase(engine, { poolSize: 20 })
    emulator = await startEmulator({ port: 0, delayMs: 0 })
    const host: BridgeHost = {
      authenticate: async () => null,
      workspacePermission: async () => 'admin',
      db: database.db,
      publish: (_room, _event, payload) => {
        published.push(payload as AgentStatusEvent)
      },
      logger: createLogger('lifecycle-test'),
      clock: systemClock,
    }
    const parlant = createParlantClient({
      baseUrl: emulator.url,
      retry: false,
      breaker: false,
      timeouts: { defaultMs: 1000 },
    })
    const node = () =>
      createBridge({
        host,
        config: { enabled: true, socketNamespace: '/parlant', maxAgentsPerWorkspace: 10 },
        parlant,
        lifecycle: {
          operationTimeoutMs: 1200,
          transitionLeaseMs: 1000,
          unreachableAfterMs: 0,
          cleanupBaseDelayMs: 20,
        },
      })
    bridge = node()
    nodeB = node()
    const user = await createUser(database.db, { name: 'Owner', email: `o-${engine}@x.test` })
    userId = user.id
    workspaceId = (await createWorkspace(database.db, { name: 'W', ownerId: user.id })).id
  })

  afterAll(async () => {
    await bridge?.stop()
    await nodeB?.stop()
    await emulator?.close()
    await database?.close()
  })

  const create = (name: string, guidelines = [{ condition: 'greeted', action: 'say hi' }]) =>
    bridge.lifecycle.create(workspaceId, userId, { name, guidelines })

  it('100 concurrent starts make one starting→active transition and one provisioning', async () => {
    const agent = await create('concurrent')
    emulator.control.clearLogs()
    published.length = 0
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 === 0 ? bridge : nodeB).lifecycle.start(workspaceId, agent.id)
      )
    )
    expect(results.every((r) => r.status === 'active')).toBe(true)
    expect(emulator.control.countRequests('POST', '/agents')).toBe(1)
    const mine = published.filter((e) => e.agentId === agent.id)
    expect(mine.map((e) => `${e.previousStatus}→${e.status}`)).toEqual([
      'inactive→starting',
      'starting→active',
    ])
    const pid = parlantAgentIdFor(agent.id)
    const onServer = emulator.control.store.agents.get(pid)
    expect(onServer?.name).toBe('concurrent')
    const wsTag = [...emulator.control.store.tags.values()].find(
      (t) => t.name === `sim-workspace:${workspaceId}`
    )
    expect(wsTag && onServer?.tags.includes(wsTag.id)).toBe(true)
    const guidelines = [...emulator.control.store.guidelines.values()].filter((g) =>
      g.tags.includes(agentGuidelineTag(pid))
    )
    expect(guidelines.map((g) => g.condition)).toEqual(['greeted'])
    expect((await getAgent(database.db, workspaceId, agent.id))?.parlantAgentId).toBe(pid)
  })

  it('an update of an active agent re-syncs its guidelines on Parlant', async () => {
    const agent = await create('resync')
    await bridge.lifecycle.start(workspaceId, agent.id)
    await bridge.lifecycle.update(workspaceId, agent.id, {
      description: 'now described',
      guidelines: [{ condition: 'asked the time', action: 'tell the time' }],
    })
    const pid = parlantAgentIdFor(agent.id)
    expect(emulator.control.store.agents.get(pid)?.description).toBe('now described')
    const conditions = [...emulator.control.store.guidelines.values()]
      .filter((g) => g.tags.includes(agentGuidelineTag(pid)))
      .map((g) => g.condition)
    expect(conditions).toEqual(['asked the time'])
  })

  it('50 concurrent creates against a quota of 10 make exactly 10 agents', async () => {
    const other = await createWorkspace(database.db, { name: 'Q', ownerId: userId })
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        bridge.lifecycle.create(other.id, userId, { name: `agent-${i}` })
      )
    )
    const created = outcomes.filter((o) => o.status === 'fulfilled')
    const refused = outcomes.filter((o) => o.status === 'rejected')
    expect(created).toHaveLength(10)
    expect(refused.every((o) => (o.reason as { code?: string }).code === 'quota_exceeded')).toBe(
      true
    )
    expect(await bridge.lifecycle.list(other.id)).toHaveLength(10)
  })

  it('Parlant down during start → error with a readable reason; start succeeds once it is back', async () => {
    const agent = await create('down')
    await emulator.control.stop()
    try {
      await expect(bridge.lifecycle.start(workspaceId, agent.id)).rejects.toMatchObject({
        code: 'parlant_unavailable',
      })
      const status = await bridge.lifecycle.status(workspaceId, agent.id)
      expect(status.status).toBe('error')
      expect(status.lastError).toMatch(
        /Starting the agent failed: the Parlant server is unreachable/
      )
      expect(status.parlantReachable).toBe(false)
    } finally {
      await emulator.control.restart()
    }
    const started = await bridge.lifecycle.start(workspaceId, agent.id)
    expect(started.status).toBe('active')
    expect(started.lastError).toBeNull()
  })

  it('returns within 2 s with a clear error when Parlant hangs', async () => {
    const agent = await create('hang')
    emulator.control.setFaults({ routes: [{ action: 'delay', delayMs: 10_000 }] })
    const began = Date.now()
    try {
      await expect(bridge.lifecycle.start(workspaceId, agent.id)).rejects.toMatchObject({
        code: 'parlant_timeout',
      })
    } finally {
      emulator.control.clearFaults()
    }
    expect(Date.now() - began).toBeLessThan(2000)
    expect((await bridge.lifecycle.get(workspaceId, agent.id)).status).toBe('error')
  })

  it('the reconciler repairs an agent a crash left in starting', async () => {
    const agent = await create('crashed')
    // A node claimed the start, then died: the row stays `starting` with an old timestamp.
    await database.db
      .update(workspaceAgents)
      .set({ status: 'starting', statusChangedAt: sql`now() - interval '1 hour'` })
      .where(sql`${workspaceAgents.id} = ${agent.id}`)
    const repaired = await bridge.lifecycle.reconcile()
    expect(repaired).toBeGreaterThanOrEqual(1)
    const row = await bridge.lifecycle.get(workspaceId, agent.id)
    expect(row.status).toBe('error')
    expect(row.lastError).toMatch(/interrupted/)
    expect((await bridge.lifecycle.start(workspaceId, agent.id)).status).toBe('active')
  })

  it('the health monitor flips an agent to error when Parlant is gone, back when it returns, and re-provisions a lost agent', async () => {
    const agent = await create('monitored')
    await bridge.lifecycle.start(workspaceId, agent.id)
    await emulator.control.stop()
    try {
      const round = await bridge.lifecycle.checkHealth()
      expect(round.reachable).toBe(false)
      const down = await bridge.lifecycle.get(workspaceId, agent.id)
      expect(down.status).toBe('error')
      expect(down.lastError).toMatch(/unreachable/)
      await expect(bridge.lifecycle.assertAgentActive(workspaceId, agent.id)).rejects.toMatchObject(
        { code: 'agent_not_active' }
      )
    } finally {
      await emulator.control.restart()
    }
    await bridge.lifecycle.checkHealth()
    expect((await bridge.lifecycle.get(workspaceId, agent.id)).status).toBe('active')

    // The Parlant agent disappears (a wiped server): provisioned again, the agent stays active.
    emulator.control.store.agents.delete(parlantAgentIdFor(agent.id))
    expect(await bridge.lifecycle.checkHealth()).toMatchObject({ failed: 0, recovered: 1 })
    const healed = await bridge.lifecycle.get(workspaceId, agent.id)
    expect(healed).toMatchObject({ status: 'active', lastError: null })
    expect(emulator.control.store.agents.has(parlantAgentIdFor(agent.id))).toBe(true)
  })

  it('stop refuses new turns and aborts in-flight ones but keeps tokens; delete ends them and cleans Parlant up', async () => {
    const agent = await create('stoppable')
    await bridge.lifecycle.start(workspaceId, agent.id)
    const issued = await bridge.tokens.issue({ workspaceId, agentId: agent.id, createdBy: userId })
    const turn = bridge.lifecycle.holdTurn(agent.id)
    const stopped = await bridge.lifecycle.stop(workspaceId, agent.id)
    expect(stopped.status).toBe('inactive')
    expect(turn.signal.aborted).toBe(true)
    turn.release()
    // Kept: the token cannot chat while the agent is not active, and works again after a start.
    expect(await bridge.tokens.verify(issued.token)).toMatchObject({ agentId: agent.id })
    await expect(bridge.lifecycle.assertAgentActive(workspaceId, agent.id)).rejects.toThrow(
      /inactive; start it first/
    )

    const pid = parlantAgentIdFor(agent.id)
    expect(emulator.control.store.agents.has(pid)).toBe(true)
    await bridge.lifecycle.delete(workspaceId, agent.id)
    await expect(bridge.lifecycle.get(workspaceId, agent.id)).rejects.toMatchObject({
      code: 'not_found',
    })
    expect(await bridge.tokens.verify(issued.token)).toBeNull()
    await bridge.lifecycle.idle()
    expect(emulator.control.store.agents.has(pid)).toBe(false)
    expect(
      [...emulator.control.store.guidelines.values()].some((g) =>
        g.tags.includes(agentGuidelineTag(pid))
      )
    ).toBe(false)
  })
})
