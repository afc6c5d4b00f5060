/**
 * Stable guideline ids over HTTP on the standalone host, on both engines: every guideline gets an
 * id, keeps it across edits (also when its text changes on a running agent), duplicates are
 * refused naming the field, and a turn's `matchedGuidelines` names the agent's own guidelines.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type RunningHost, startHost } from '@/host/server'
import { api } from '../realtime/support'
import { createPostgresDatabase, ENGINES } from '../support/databases'

interface AgentBody {
  agent: { id: string; guidelines: Array<{ id: string; condition: string; action: string }> }
}

describe.each(ENGINES)('stable guideline ids (%s)', (engine) => {
  let host: RunningHost
  let dropDb: (() => Promise<void>) | undefined
  let key: string
  let workspaceId: string

  beforeAll(async () => {
    const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
    dropDb = pg?.drop
    host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-guideline-ids-')),
        DATABASE_URL: pg?.url,
        PORT: '0',
      },
    })
    key = host.identity.apiKey
    workspaceId = host.identity.workspaceId
  })
  afterAll(async () => {
    await host?.close()
    await dropDb?.()
  })

  it('gives each guideline an id, keeps it across edits, and reports matches by it', async () => {
    const created = await api<AgentBody>(host.url, key, 'POST', '/api/parlant/agents', {
      workspaceId,
      name: 'Matcher',
      guidelines: [
        { condition: 'the customer asks about refunds', action: 'Refunds take 5 days.' },
        { condition: 'the customer asks about shipping', action: 'Shipping takes 2 days.' },
      ],
    })
    const [refunds, shipping] = created.agent.guidelines
    expect(refunds?.id).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(shipping?.id).not.toBe(refunds?.id)
    const agentPath = `/api/parlant/agents/${created.agent.id}`
    await api(host.url, key, 'POST', `${agentPath}/start`, { workspaceId })

    const chat = async (message: string) =>
      (
        await api<{ result: { content: string; matchedGuidelines: string[] } }>(
          host.url,
          key,
          'POST',
          `${agentPath}/chat`,
          { workspaceId, message, conversationKey: 'ids' }
        )
      ).result
    const first = await chat('Can I get refunds?')
    expect(first.content).toBe('Refunds take 5 days.')
    expect(first.matchedGuidelines).toEqual([refunds?.id])

    // The running agent's refund guideline changes its words: same id, new text on Parlant.
    const edited = await api<AgentBody>(
      host.url,
      key,
      'PUT',
      `${agentPath}?workspaceId=${workspaceId}`,
      {
        guidelines: [
          {
            id: refunds?.id,
            condition: 'the customer asks about refunds',
            action: 'Refunds take 3 days.',
          },
          shipping,
        ],
      }
    )
    expect(edited.agent.guidelines.map((g) => g.id)).toEqual([refunds?.id, shipping?.id])
    const second = await chat('More refunds please')
    expect(second.content).toBe('Refunds take 3 days.')
    expect(second.matchedGuidelines).toEqual([refunds?.id])

    // A guideline added without an id gets one; the others keep theirs.
    const grown = await api<AgentBody>(
      host.url,
      key,
      'PUT',
      `${agentPath}?workspaceId=${workspaceId}`,
      {
        guidelines: [
          ...edited.agent.guidelines,
          { condition: 'the customer says thanks', action: 'You are welcome!' },
        ],
      }
    )
    expect(grown.agent.guidelines.slice(0, 2).map((g) => g.id)).toEqual([refunds?.id, shipping?.id])
    expect(grown.agent.guidelines[2]?.id).toMatch(/^[A-Za-z0-9_-]+$/)
  })

  it('refuses two guidelines with one id, naming the second, and changes nothing', async () => {
    const response = await fetch(`${host.url}/api/parlant/agents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        workspaceId,
        name: 'Twins',
        guidelines: [
          { id: 'same', condition: 'a', action: 'b' },
          { id: 'same', condition: 'c', action: 'd' },
        ],
      }),
    })
    expect(response.status).toBe(400)
    const body = (await response.json()) as { details: Array<{ field: string }> }
    expect(body.details.map((d) => d.field)).toEqual(['guidelines.1.id'])
    const listed = await api<{ agents: Array<{ name: string }> }>(
      host.url,
      key,
      'GET',
      `/api/parlant/agents?workspaceId=${workspaceId}`
    )
    expect(listed.agents.map((a) => a.name)).not.toContain('Twins')
  })
})
