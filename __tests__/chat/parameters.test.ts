/**
 * An agent's `parameters` reach Parlant where it keeps per-conversation context: the metadata of
 * each session the bridge creates for a conversation (`metadata.parameters`), on both engines.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type RunningHost, startHost } from '@/host/server'
import { api } from '../realtime/support'
import { createPostgresDatabase, ENGINES } from '../support/databases'

describe.each(ENGINES)('agent parameters on Parlant (%s)', (engine) => {
  let host: RunningHost
  let dropDb: (() => Promise<void>) | undefined

  beforeAll(async () => {
    const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
    dropDb = pg?.drop
    host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-parameters-')),
        DATABASE_URL: pg?.url,
        PORT: '0',
      },
    })
  })
  afterAll(async () => {
    await host?.close()
    await dropDb?.()
  })

  it("puts them in the metadata of the conversation's Parlant session", async () => {
    const key = host.identity.apiKey
    const workspaceId = host.identity.workspaceId
    const parameters = { tier: 'gold', maxRefund: 100, vip: true, region: null }
    const { agent } = await api<{ agent: { id: string } }>(
      host.url,
      key,
      'POST',
      '/api/parlant/agents',
      { workspaceId, name: 'With parameters', parameters }
    )
    await api(host.url, key, 'POST', `/api/parlant/agents/${agent.id}/start`, { workspaceId })
    const { result } = await api<{ result: { sessionId: string } }>(
      host.url,
      key,
      'POST',
      `/api/parlant/agents/${agent.id}/chat`,
      { workspaceId, message: 'hello', conversationKey: 'params' }
    )
    const emulatorUrl = host.emulator?.url
    expect(emulatorUrl).toBeDefined()
    const session = (await (await fetch(`${emulatorUrl}/sessions/${result.sessionId}`)).json()) as {
      metadata: Record<string, unknown>
    }
    expect(session.metadata.parameters).toEqual(parameters)
    expect(session.metadata.workspace_agent_id).toBe(agent.id)
  })
})
