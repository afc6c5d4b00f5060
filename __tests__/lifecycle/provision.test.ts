/**
 * Provisioning against two behaviours of the real Parlant server that the emulator now shares
 * (`api/tags.py`, `core/tags.py`, `core/app_modules/agents.py`), on both engines: a tag name that
 * exists makes `POST /tags` a 500, so two nodes provisioning one workspace's tag at once must
 * recover by reading the tag back; `PATCH /agents/{id}` ignores an empty description, so clearing
 * one in the panel must still give an agent without one. And the start read-back compares every
 * provisioned field.
 */
import { createLogger } from '@sim/logger'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Bridge, createBridge } from '@/lib/parlant/bridge'
import { createParlantClient } from '@/lib/parlant/client'
import {
  agentGuidelineTag,
  parlantAgentIdFor,
  provisionedMismatches,
  workspaceTagName,
} from '@/lib/parlant/lifecycle/provision'
import { type BridgeHost, systemClock } from '@/lib/parlant/ports'
import { type RunningEmulator, startEmulator } from '@/emulator'
import { createUser, createWorkspace } from '@/host/directory'
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.each(ENGINES)('provisioning against Parlant behaviour on %s', (engine) => {
  let database: TestDatabase
  let emulator: RunningEmulator
  let nodeA: Bridge
  let nodeB: Bridge
  let userId: string

  beforeAll(async () => {
    database = await createTestDatabase(engine, { poolSize: 10 })
    emulator = await startEmulator({ port: 0, delayMs: 0 })
    const host: BridgeHost = {
      authenticate: async () => null,
      workspacePermission: async () => 'admin',
      db: database.db,
      publish: () => {},
      logger: createLogger('provision-test'),
      clock: systemClock,
    }
    const node = () =>
      createBridge({
        host,
        config: { enabled: true, socketNamespace: '/parlant', maxAgentsPerWorkspace: 10 },
        parlant: createParlantClient({
          baseUrl: emulator.url,
          retry: false,
          breaker: false,
          timeouts: { defaultMs: 2000 },
        }),
        lifecycle: { operationTimeoutMs: 4000, transitionLeaseMs: 2000, unreachableAfterMs: 0 },
      })
    nodeA = node()
    nodeB = node()
    userId = (await createUser(database.db, { name: 'Owner', email: `p-${engine}@x.test` })).id
  })

  afterAll(async () => {
    await nodeA?.stop()
    await nodeB?.stop()
    await emulator?.close()
    await database?.close()
  })

  it('two nodes creating one workspace tag at once: the loser gets a 500 and reads the tag back', async () => {
    const workspaceId = (await createWorkspace(database.db, { name: 'race', ownerId: userId })).id
    const first = await nodeA.lifecycle.create(workspaceId, userId, { name: 'first' })
    const second = await nodeB.lifecycle.create(workspaceId, userId, { name: 'second' })
    emulator.control.clearLogs()
    // Node A's tag lookup is answered "none yet" at once but delivered late, so node B creates
    // the tag in between and node A's own create then meets the duplicate name.
    emulator.control.setFaults({
      routes: [{ method: 'GET', path: '/tags', action: 'slow_body', delayMs: 300, times: 1 }],
    })
    const startA = nodeA.lifecycle.start(workspaceId, first.id)
    await sleep(60)
    const startB = nodeB.lifecycle.start(workspaceId, second.id)
    const [a, b] = await Promise.all([startA, startB])
    emulator.control.clearFaults()
    expect([a.status, b.status]).toEqual(['active', 'active'])

    const creates = emulator.control
      .requests()
      .filter((r) => r.method === 'POST' && r.path === '/tags')
    expect(creates.map((r) => r.status).sort()).toEqual([201, 500])
    const tags = [...emulator.control.store.tags.values()].filter(
      (t) => t.name === workspaceTagName(workspaceId)
    )
    expect(tags).toHaveLength(1)
    for (const agent of [first, second]) {
      expect(emulator.control.store.agents.get(parlantAgentIdFor(agent.id))?.tags).toEqual([
        tags[0]?.id,
      ])
    }
  })

  it('clearing the description in the panel leaves the Parlant agent without one', async () => {
    const workspaceId = (await createWorkspace(database.db, { name: 'desc', ownerId: userId })).id
    const agent = await nodeA.lifecycle.create(workspaceId, userId, {
      name: 'described',
      description: 'Answers refunds',
      compositionMode: 'canned_fluid',
      maxEngineIterations: 2,
      guidelines: [
        { condition: 'the customer asks about refunds', action: 'Refunds take 5 days.' },
      ],
    })
    await nodeA.lifecycle.start(workspaceId, agent.id)
    const pid = parlantAgentIdFor(agent.id)
    const before = emulator.control.store.agents.get(pid)
    expect(before?.description).toBe('Answers refunds')
    // A conversation on the agent, which must outlive the re-creation.
    const session = await fetch(`${emulator.url}/sessions`, {
      method: 'POST',
      body: JSON.stringify({ agent_id: pid }),
    }).then((r) => r.json() as Promise<{ id: string }>)

    await nodeA.lifecycle.update(workspaceId, agent.id, { description: '' })
    const after = emulator.control.store.agents.get(pid)
    expect(after).toMatchObject({
      description: null,
      name: 'described',
      composition_mode: 'canned_fluid',
      max_engine_iterations: 2,
      tags: before?.tags,
    })
    const guidelines = [...emulator.control.store.guidelines.values()].filter((g) =>
      g.tags.includes(agentGuidelineTag(pid))
    )
    expect(guidelines.map((g) => g.action)).toEqual(['Refunds take 5 days.'])
    expect(emulator.control.store.sessions.get(session.id)?.dto.agent_id).toBe(pid)

    // Setting one again is a plain PATCH; starting again changes nothing.
    await nodeA.lifecycle.update(workspaceId, agent.id, { description: 'Back again' })
    expect(emulator.control.store.agents.get(pid)?.description).toBe('Back again')
    emulator.control.clearLogs()
    await nodeA.lifecycle.stop(workspaceId, agent.id)
    await nodeA.lifecycle.start(workspaceId, agent.id)
    expect(emulator.control.countRequests('DELETE', '/agents/*')).toBe(0)
  })
})

describe('the start read-back', () => {
  const wanted = {
    name: 'n',
    description: 'd' as string | null,
    max_engine_iterations: 3,
    composition_mode: 'fluid' as const,
    message_output_mode: 'block' as const,
    tagId: 'ws',
    guidelines: [
      { condition: 'c1', action: 'a1' },
      { condition: 'c2', action: 'a2' },
    ],
  }
  const agent = { ...wanted, tags: ['other', 'ws'] }

  it('accepts the agent as provisioned (empty and null descriptions alike, any guideline order)', () => {
    expect(provisionedMismatches(wanted, agent, [...wanted.guidelines].reverse())).toEqual([])
    expect(
      provisionedMismatches(
        { ...wanted, description: '' },
        { ...agent, description: null },
        wanted.guidelines
      )
    ).toEqual([])
  })

  it('names every field the server did not keep', () => {
    const changes = {
      name: { name: 'm' },
      description: { description: null },
      'composition mode': { composition_mode: 'strict_canned' as const },
      'message output mode': { message_output_mode: 'stream' as const },
      'max engine iterations': { max_engine_iterations: 1 },
      'workspace tag': { tags: ['other'] },
    }
    fc.assert(
      fc.property(
        fc.subarray(Object.keys(changes) as (keyof typeof changes)[]),
        fc.boolean(),
        (picked, dropGuideline) => {
          const changed = Object.assign({}, agent, ...picked.map((k) => changes[k]))
          const guidelines = dropGuideline ? wanted.guidelines.slice(1) : wanted.guidelines
          const expected = [...picked, ...(dropGuideline ? ['guidelines'] : [])]
          expect(provisionedMismatches(wanted, changed, guidelines).sort()).toEqual(expected.sort())
        }
      )
    )
    const swapped = [
      { condition: 'c1', action: 'a2' },
      { condition: 'c2', action: 'a1' },
    ]
    expect(provisionedMismatches(wanted, agent, swapped)).toEqual(['guidelines'])
  })
})
