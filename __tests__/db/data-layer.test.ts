/**
 * The data layer on both engines: uniqueness, cascades, workspace scoping, compare-and-set,
 * quota under concurrency, validation, and index use for every hot query.
 */
import { workspace } from '@sim/db/schema'
import { eq, sql } from 'drizzle-orm'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  compareAndSetStatus,
  countAgents,
  getAgent,
  insertAgentWithinQuota,
  listAgents,
} from '@/lib/parlant/db/queries'
import {
  agentAuthTokens,
  agentChatTurns,
  agentConversations,
  agentSessions,
  workspaceAgents,
} from '@/lib/parlant/db/schema'
import {
  type AgentConfig,
  type AgentStatus,
  agentConfigSchema,
  agentNameSchema,
} from '@/lib/parlant/schemas'
import { createUser, createWorkspace, deleteWorkspace } from '@/host/directory'
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases'

const config = agentConfigSchema.parse({})

describe.each(ENGINES)('data layer on %s', (engine) => {
  let database: TestDatabase
  let ownerId: string

  beforeAll(async () => {
    database = await createTestDatabase(engine, { poolSize: 20 })
    ownerId = (
      await createUser(database.db, { name: 'Owner', email: `owner-${engine}@example.com` })
    ).id
  })
  afterAll(async () => {
    await database?.close()
  })

  it('keeps agent names unique per workspace, not across workspaces', async () => {
    const { db } = database
    const a = await createWorkspace(db, { name: 'A', ownerId })
    const b = await createWorkspace(db, { name: 'B', ownerId })
    const first = await insertAgentWithinQuota(
      db,
      a.id,
      { name: 'Support', config, createdBy: ownerId },
      10
    )
    const again = await insertAgentWithinQuota(
      db,
      a.id,
      { name: 'Support', config, createdBy: ownerId },
      10
    )
    const other = await insertAgentWithinQuota(
      db,
      b.id,
      { name: 'Support', config, createdBy: ownerId },
      10
    )
    expect(first.ok).toBe(true)
    expect(again).toEqual({ ok: false, reason: 'name_taken' })
    expect(other.ok).toBe(true)
  })

  it('cascades a workspace delete to agents, tokens, sessions, conversations and turns', async () => {
    const { db } = database
    const ws = await createWorkspace(db, { name: 'Doomed', ownerId })
    const created = await insertAgentWithinQuota(
      db,
      ws.id,
      { name: 'X', config, createdBy: ownerId },
      10
    )
    if (!created.ok) throw new Error('insert failed')
    const agentId = created.agent.id
    await db.insert(agentAuthTokens).values({
      id: `tok-${ws.id}`,
      workspaceId: ws.id,
      workspaceAgentId: agentId,
      tokenHash: `hash-${ws.id}`,
      tokenPrefix: 'pat_',
      expiresAt: new Date(Date.now() + 60_000),
    })
    await db.insert(agentSessions).values({
      id: `ses-${ws.id}`,
      workspaceId: ws.id,
      workspaceAgentId: agentId,
      socketId: 's1',
      nodeId: 'n1',
      userId: ownerId,
    })
    await db.insert(agentConversations).values({
      id: `conv-${ws.id}`,
      workspaceId: ws.id,
      workspaceAgentId: agentId,
      callerKey: `user:${ownerId}`,
      conversationKey: 'k',
      parlantCustomerId: 'c',
    })
    await db.insert(agentChatTurns).values({
      id: `turn-${ws.id}`,
      workspaceId: ws.id,
      conversationId: `conv-${ws.id}`,
      idempotencyKey: 'i',
      bridgeMessageId: 'm',
    })
    await deleteWorkspace(db, ws.id)
    for (const table of [
      workspaceAgents,
      agentAuthTokens,
      agentSessions,
      agentConversations,
      agentChatTurns,
    ]) {
      const rows = await db.select().from(table).where(eq(table.workspaceId, ws.id))
      expect(rows).toHaveLength(0)
    }
  })

  it('never returns another workspace’s rows (property over random data)', async () => {
    const { db } = database
    const workspaces = await Promise.all(
      ['P', 'Q', 'R'].map((name) => createWorkspace(db, { name, ownerId }))
    )
    const ids = workspaces.map((w) => w.id)
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 2 }), fc.string({ minLength: 1, maxLength: 20 })),
          {
            maxLength: 12,
          }
        ),
        fc.integer({ min: 0, max: 2 }),
        async (inserts, probe) => {
          for (const [index, name] of inserts) {
            if (!agentNameSchema.safeParse(name).success) continue
            await insertAgentWithinQuota(
              db,
              ids[index]!,
              { name, config, createdBy: ownerId },
              1000
            )
          }
          const probeId = ids[probe]!
          const listed = await listAgents(db, probeId)
          expect(listed.every((row) => row.workspaceId === probeId)).toBe(true)
          for (const row of await db.select().from(workspaceAgents)) {
            const fetched = await getAgent(db, probeId, row.id)
            if (row.workspaceId === probeId) expect(fetched?.id).toBe(row.id)
            else expect(fetched).toBeUndefined()
          }
        }
      ),
      { numRuns: 15 }
    )
  })

  it('lets exactly one of 50 concurrent compare-and-set transitions win', async () => {
    const { db } = database
    const ws = await createWorkspace(db, { name: 'Race', ownerId })
    const created = await insertAgentWithinQuota(
      db,
      ws.id,
      { name: 'Racer', config, createdBy: ownerId },
      10
    )
    if (!created.ok) throw new Error('insert failed')
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        compareAndSetStatus(
          db,
          ws.id,
          created.agent.id,
          { from: ['inactive', 'error'], to: 'starting' },
          new Date()
        )
      )
    )
    expect(results.filter(Boolean)).toHaveLength(1)
    expect((await getAgent(db, ws.id, created.agent.id))?.status).toBe('starting')
  })

  it('holds the per-workspace quota under 50 concurrent creates', async () => {
    const { db } = database
    const ws = await createWorkspace(db, { name: 'Quota', ownerId })
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        insertAgentWithinQuota(db, ws.id, { name: `agent-${i}`, config, createdBy: ownerId }, 10)
      )
    )
    expect(results.filter((r) => r.ok)).toHaveLength(10)
    expect(await countAgents(db, ws.id)).toBe(10)
  })

  it('rejects bad input naming the field, and writes nothing', async () => {
    const { db } = database
    const ws = await createWorkspace(db, { name: 'Strict', ownerId })
    const bad = [
      { name: '', config },
      { name: 'x'.repeat(101), config },
      { name: 'ok', config: { ...config, maxEngineIterations: 0 } },
      { name: 'ok', config: { ...config, compositionMode: 'loud' } },
    ]
    for (const input of bad) {
      await expect(
        insertAgentWithinQuota(
          db,
          ws.id,
          { ...(input as { name: string; config: AgentConfig }), createdBy: ownerId },
          10
        )
      ).rejects.toThrow()
    }
    await expect(
      compareAndSetStatus(
        db,
        ws.id,
        'nope',
        { from: ['inactive'], to: 'flying' as AgentStatus },
        new Date()
      )
    ).rejects.toThrow(/flying|Invalid/)
    expect(await countAgents(db, ws.id)).toBe(0)
  })

  it('answers every hot query from an index on 10,000 agents across 1,000 workspaces', async () => {
    const { db } = database
    const wsRows = Array.from({ length: 1000 }, (_, i) => ({
      id: `bulk-ws-${i}`,
      name: `W${i}`,
      ownerId,
    }))
    for (let i = 0; i < wsRows.length; i += 500)
      await db.insert(workspace).values(wsRows.slice(i, i + 500))
    const agents = wsRows.flatMap((w, wi) =>
      Array.from({ length: 10 }, (_, ai) => ({
        id: `bulk-agent-${wi}-${ai}`,
        workspaceId: w.id,
        agentName: `Agent ${ai}`,
        agentConfig: config,
        status: (ai === 0 && wi % 50 === 0 ? 'starting' : 'inactive') as 'starting' | 'inactive',
      }))
    )
    for (let i = 0; i < agents.length; i += 1000)
      await db.insert(workspaceAgents).values(agents.slice(i, i + 1000))
    const conversations = agents.map((a) => ({
      id: `bulk-conv-${a.id}`,
      workspaceId: a.workspaceId,
      workspaceAgentId: a.id,
      callerKey: 'user:bulk',
      conversationKey: `key-${a.id}`,
      parlantCustomerId: 'c',
    }))
    for (let i = 0; i < conversations.length; i += 1000) {
      await db.insert(agentConversations).values(conversations.slice(i, i + 1000))
    }
    const tokens = agents.map((a) => ({
      id: `bulk-tok-${a.id}`,
      workspaceId: a.workspaceId,
      workspaceAgentId: a.id,
      tokenHash: `hash-${a.id}`,
      tokenPrefix: 'pat_',
      expiresAt: new Date(Date.now() + 60_000),
    }))
    for (let i = 0; i < tokens.length; i += 1000)
      await db.insert(agentAuthTokens).values(tokens.slice(i, i + 1000))
    const sessions = agents.map((a, i) => ({
      id: `bulk-ses-${a.id}`,
      workspaceId: a.workspaceId,
      workspaceAgentId: a.id,
      socketId: `s${i}`,
      nodeId: `node-${i % 20}`,
      endedAt: i % 10 === 0 ? null : new Date(),
    }))
    for (let i = 0; i < sessions.length; i += 1000)
      await db.insert(agentSessions).values(sessions.slice(i, i + 1000))
    await db.execute(sql`analyze`)

    const hot: Record<string, ReturnType<typeof sql>> = {
      'list agents': sql`select * from workspace_agents where workspace_id = 'bulk-ws-500' order by created_at, id`,
      'get agent': sql`select * from workspace_agents where workspace_id = 'bulk-ws-500' and id = 'bulk-agent-500-3'`,
      'count agents': sql`select count(*) from workspace_agents where workspace_id = 'bulk-ws-500'`,
      'agent by name': sql`select id from workspace_agents where workspace_id = 'bulk-ws-500' and agent_name = 'Agent 3'`,
      'reconciler scan': sql`select id from workspace_agents where status in ('starting', 'stopping')`,
      'token by hash': sql`select * from agent_auth_tokens where token_hash = 'hash-bulk-agent-7-7'`,
      'tokens of agent': sql`select * from agent_auth_tokens where workspace_id = 'bulk-ws-7' and workspace_agent_id = 'bulk-agent-7-7'`,
      'conversation by key': sql`select * from agent_conversations where workspace_agent_id = 'bulk-agent-7-7' and caller_key = 'user:bulk' and conversation_key = 'key-bulk-agent-7-7'`,
      'open presence of agent': sql`select * from agent_sessions where workspace_id = 'bulk-ws-7' and workspace_agent_id = 'bulk-agent-7-0' and ended_at is null`,
      'open presence of node': sql`select id from agent_sessions where node_id = 'node-3' and ended_at is null`,
    }
    for (const [name, query] of Object.entries(hot)) {
      const explained = (await db.execute(sql`explain ${query}`)) as unknown as { rows: unknown[] }
      const plan = (explained.rows as Array<Record<string, string>>)
        .map((r) => Object.values(r)[0])
        .join('\n')
      expect(plan, `${name}:\n${plan}`).not.toMatch(/Seq Scan/)
    }
  })
})
