/**
 * The turns' stop signals on both engines: a stop on this node aborts them at once; a stop or
 * delete on another node reaches them through the node's agent watch, which reads the rows of all
 * held agents in one statement (not one read per turn), and only while turns are held.
 */
import { createLogger } from '@sim/logger'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Bridge, createBridge, wiredChat } from '@/lib/parlant/bridge'
import { createParlantClient } from '@/lib/parlant/client'
import type { BridgeConfig } from '@/lib/parlant/config'
import { workspaceAgents } from '@/lib/parlant/db/schema'
import { createTurnSignals } from '@/lib/parlant/lifecycle'
import { type BridgeHost, systemClock } from '@/lib/parlant/ports'
import { type RunningEmulator, startEmulator } from '@/emulator'
import { createUser, createWorkspace } from '@/host/directory'
import {
  createTestDatabase,
  ENGINES,
  loggingDatabase,
  type TestDatabase,
} from '../support/databases'

describe.each(ENGINES)('turn signals on %s', (engine) => {
  let database: TestDatabase
  let emulator: RunningEmulator
  let host: BridgeHost
  let nodeA: Bridge
  let nodeB: Bridge
  let workspaceId: string
  let userId: string
  const config: BridgeConfig = {
    enabled: true,
    socketNamespace: '/parlant',
    maxAgentsPerWorkspace: 50,
  }
  const node = () =>
    createBridge({
      host,
      config,
      parlant: createParlantClient({ baseUrl: emulator.url, breaker: false }),
      chat: wiredChat({ ...config, chatTrailingErrorWaitMs: 0 }),
      lifecycle: { agentWatchIntervalMs: 100 },
    })

  beforeAll(async () => {
    database = await createTestDatabase(engine, { poolSize: 20 })
    emulator = await startEmulator({ port: 0, delayMs: 0 })
    host = {
      authenticate: async () => null,
      workspacePermission: async () => 'admin',
      db: database.db,
      publish: () => {},
      logger: createLogger('turn-signals-test'),
      clock: systemClock,
    }
    nodeA = node()
    nodeB = node()
    const user = await createUser(database.db, { name: 'Owner', email: `ts-${engine}@x.test` })
    userId = user.id
    workspaceId = (await createWorkspace(database.db, { name: 'W', ownerId: user.id })).id
  })

  afterAll(async () => {
    await nodeA?.stop()
    await nodeB?.stop()
    await emulator?.close()
    await database?.close()
  })

  const activeAgent = async (name: string) => {
    const agent = await nodeA.lifecycle.create(workspaceId, userId, { name })
    await nodeA.lifecycle.start(workspaceId, agent.id)
    return agent.id
  }
  /** A turn on node A whose reply never comes (Parlant holds it for a minute). */
  const slowTurn = (agentId: string, conversationKey: string) => {
    emulator.control.setFaults({
      agents: { [`sim-agent-${agentId}`]: { latencyMs: { processing: 60_000 } } },
    })
    return nodeA.chat!.send({ workspaceId, agentId, userId, message: 'hi', conversationKey })
  }
  const customerMessages = () =>
    emulator.control
      .createdEvents()
      .filter((e) => e.event.kind === 'message' && e.event.source === 'customer').length
  /** Resolves once `count` more customer messages than `before` are stored. */
  const customerPosted = async (before: number, count: number) => {
    while (customerMessages() < before + count) await new Promise((r) => setTimeout(r, 5))
  }

  it('a stop on another node abandons the turns in flight here within the watch interval', async () => {
    const agentId = await activeAgent('stopped-elsewhere')
    const before = customerMessages()
    const turns = ['a', 'b', 'c'].map((key) =>
      slowTurn(agentId, key).then(
        () => 'completed',
        (error: unknown) => error
      )
    )
    await customerPosted(before, 3)
    const stoppedAt = Date.now()
    await nodeB.lifecycle.stop(workspaceId, agentId)
    for (const outcome of await Promise.all(turns)) {
      expect(outcome).toMatchObject({
        code: 'agent_not_active',
        message: expect.stringMatching(/stopped while the turn was in progress/),
      })
    }
    // Well within the turns' two-minute deadline: the watch looks every 100 ms here.
    expect(Date.now() - stoppedAt).toBeLessThan(5_000)
    emulator.control.clearFaults()
  })

  it('a delete on another node abandons them too, and the watch ends with the last turn', async () => {
    const agentId = await activeAgent('deleted-elsewhere')
    const before = customerMessages()
    const turn = slowTurn(agentId, 'x').catch((error: unknown) => error)
    await customerPosted(before, 1)
    await nodeB.lifecycle.delete(workspaceId, agentId)
    // The watch's abort, or (when the deleted Parlant agent is noticed first) its 404.
    expect(await turn).toMatchObject({
      code: expect.stringMatching(/^(agent_not_active|not_found)$/),
    })
    expect(nodeA.lifecycle.heldTurns()).toBe(0)
    emulator.control.clearFaults()
  })

  it('one statement reads every held agent; nothing is read while none is held', async () => {
    const statements: string[] = []
    const db = loggingDatabase(database, (query) => statements.push(query))
    const signals = createTurnSignals({ db, logger: host.logger, intervalMs: 60_000 })
    try {
      const [active, stopped, deleted] = await Promise.all(
        ['w-active', 'w-stopped', 'w-deleted'].map(activeAgent)
      )
      const holds = [active, active, stopped, stopped, deleted].map((id) => signals.hold(id!))
      expect(signals.held()).toBe(3)
      await database.db
        .update(workspaceAgents)
        .set({ status: 'inactive' })
        .where(eq(workspaceAgents.id, stopped!))
      await database.db.delete(workspaceAgents).where(eq(workspaceAgents.id, deleted!))

      statements.length = 0
      await signals.check()
      expect(statements).toHaveLength(1)
      expect(statements[0]).toMatch(/from "workspace_agents" where "workspace_agents"."id" = any/)
      expect(holds.map((h) => h.signal.aborted)).toEqual([false, false, true, true, true])
      expect(holds[2]!.signal.reason).toMatchObject({ code: 'agent_not_active' })
      expect(signals.held()).toBe(1)

      // The stopped agent's next turn gets a fresh signal.
      const again = signals.hold(stopped!)
      expect(again.signal.aborted).toBe(false)
      again.release()

      // Released twice: counted once. The last release ends the watch.
      holds[0]!.release()
      holds[0]!.release()
      expect(signals.held()).toBe(1)
      holds[1]!.release()
      expect(signals.held()).toBe(0)
      statements.length = 0
      await signals.check()
      expect(statements).toHaveLength(0)
    } finally {
      signals.shutdown()
    }
  })

  it('a turn held while the watch reads is not judged by that read', async () => {
    const signals = createTurnSignals({ db: database.db, logger: host.logger, intervalMs: 60_000 })
    try {
      const agentId = await activeAgent('restarted')
      const running = signals.hold(agentId)
      const ended = signals.hold(agentId)
      await database.db
        .update(workspaceAgents)
        .set({ status: 'inactive' })
        .where(eq(workspaceAgents.id, agentId))
      const reading = signals.check()
      // While the read is out the agent is started again elsewhere: one turn ends, a new one opens
      // (it saw the agent active itself), and the first is still running.
      ended.release()
      const opened = signals.hold(agentId)
      await reading
      expect(running.signal.aborted).toBe(true)
      expect(opened.signal.aborted).toBe(false)
      expect(signals.held()).toBe(1)
      opened.release()
      expect(signals.held()).toBe(0)
    } finally {
      signals.shutdown()
    }
  })

  it('a stop on this node aborts at once, without a read', async () => {
    const agentId = await activeAgent('stopped-here')
    const hold = nodeA.lifecycle.holdTurn(agentId)
    await nodeA.lifecycle.stop(workspaceId, agentId)
    expect(hold.signal.aborted).toBe(true)
    expect(hold.signal.reason).toMatchObject({ code: 'agent_not_active' })
    hold.release()
  })
})
