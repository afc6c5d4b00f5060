/**
 * Issue 12 §4: deleting an agent removes, on the Parlant server, its sessions (with the
 * customers' messages) and guidelines as well as the agent — Parlant does not cascade — and the
 * bridge's conversation rows; a Parlant failure mid-cleanup is retried until everything is gone.
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { agentGuidelineTag, parlantAgentIdFor } from '@/lib/parlant/lifecycle'
import { ENGINES } from '../support/databases'
import { customerMessages, type FaultHost, startFaultHost } from './support'

describe.each(ENGINES)('deleting an agent on %s', (engine) => {
  let f: FaultHost

  beforeAll(async () => {
    f = await startFaultHost(engine)
  })
  afterAll(async () => {
    await f?.close()
  })

  async function chattedAgent(name: string) {
    const created = await f.call('POST', '/api/parlant/agents', f.adminKey, {
      workspaceId: f.workspaceId,
      name,
      guidelines: [{ condition: 'hello', action: 'Hi there' }],
    })
    const agentId = (created.body.agent as { id: string }).id
    await f.call('POST', `/api/parlant/agents/${agentId}/start`, f.adminKey, {
      workspaceId: f.workspaceId,
    })
    for (const key of ['c1', 'c2']) {
      const sent = await f.call('POST', `/api/parlant/agents/${agentId}/chat`, f.adminKey, {
        workspaceId: f.workspaceId,
        message: 'hello',
        conversationKey: key,
      })
      expect(sent.status).toBe(200)
    }
    return { agentId, pid: parlantAgentIdFor(agentId) }
  }

  async function leftovers(agentId: string, pid: string) {
    const store = f.emulator.control.store
    const rows = await f.host.database.db.execute(
      sql`select count(*)::int as n from agent_conversations where workspace_agent_id = ${agentId}`
    )
    return {
      agent: store.agents.has(pid),
      sessions: [...store.sessions.values()].filter((s) => s.dto.agent_id === pid).length,
      guidelines: [...store.guidelines.values()].filter((g) =>
        g.tags.includes(agentGuidelineTag(pid))
      ).length,
      conversationRows: (rows as unknown as { rows: Array<{ n: number }> }).rows[0]?.n,
    }
  }

  it('removes its Parlant sessions, guidelines and agent, and its conversation rows', async () => {
    const { agentId, pid } = await chattedAgent('doomed')
    expect(customerMessages(f.emulator, pid)).toEqual(['hello', 'hello'])
    expect(await leftovers(agentId, pid)).toEqual({
      agent: true,
      sessions: 2,
      guidelines: 1,
      conversationRows: 2,
    })
    const deleted = await f.call(
      'DELETE',
      `/api/parlant/agents/${agentId}?workspaceId=${f.workspaceId}`,
      f.adminKey
    )
    expect(deleted.status).toBe(200)
    await f.host.bridge.lifecycle.idle()
    const listed = await fetch(`${f.host.parlantUrl}/sessions?agent_id=${pid}`)
    expect(await listed.json()).toEqual([])
    expect(await leftovers(agentId, pid)).toEqual({
      agent: false,
      sessions: 0,
      guidelines: 0,
      conversationRows: 0,
    })
  })

  it('retries a cleanup that Parlant failed part-way until the sessions are gone', async () => {
    const { agentId, pid } = await chattedAgent('flaky-cleanup')
    // The first session deletion fails as an unreachable server would; the retry finishes.
    f.emulator.control.setFaults({
      routes: [{ method: 'DELETE', path: '/sessions/*', action: 'status', status: 503, times: 1 }],
    })
    const deleted = await f.call(
      'DELETE',
      `/api/parlant/agents/${agentId}?workspaceId=${f.workspaceId}`,
      f.adminKey
    )
    expect(deleted.status).toBe(200)
    await f.host.bridge.lifecycle.idle()
    expect(await leftovers(agentId, pid)).toEqual({
      agent: false,
      sessions: 0,
      guidelines: 0,
      conversationRows: 0,
    })
  })
})
