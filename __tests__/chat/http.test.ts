/**
 * Chat through the host's HTTP routes (issue 4's router calling this chat service) on both
 * engines: a retried tool call posts one message, and stopping the agent abandons a running turn.
 */

import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sleep } from '@sim/utils/helpers'
import { type RunningHost, startHost } from '@/host/server'
import { api, createActiveAgent } from '../realtime/support'
import { createPostgresDatabase, ENGINES } from '../support/databases'

describe.each(ENGINES)('chat over HTTP (%s)', (engine) => {
  let host: RunningHost
  let dropDb: (() => Promise<void>) | undefined
  let key: string
  let workspaceId: string
  let agentId: string

  beforeAll(async () => {
    const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
    dropDb = pg?.drop
    host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-chat-http-')),
        DATABASE_URL: pg?.url,
        PORT: '0',
      },
    })
    key = host.identity.apiKey
    workspaceId = host.identity.workspaceId
    agentId = await createActiveAgent(host.url, key, workspaceId, 'http-agent', [
      { condition: 'the customer says "order"', action: 'Your order ships tomorrow.' },
    ])
  })
  afterAll(async () => {
    await host?.close()
    await dropDb?.()
  })

  it('answers a tool call and posts one message for a retried tool call (same callId)', async () => {
    const body = {
      _context: { workspaceId },
      agentId,
      message: 'where is my order?',
      executionId: 'exec-42',
      callId: 'call-7',
    }
    const first = await api<{ success: boolean; output: { content: string; traceId: string } }>(
      host.url,
      key,
      'POST',
      '/api/tools/parlant/chat',
      body
    )
    const retry = await api<{ success: boolean; output: { content: string; traceId: string } }>(
      host.url,
      key,
      'POST',
      '/api/tools/parlant/chat',
      body
    )
    expect(first.output.content).toBe('Your order ships tomorrow.')
    expect(retry.output.traceId).toBe(first.output.traceId)
    const posted = host
      .emulator!.control.createdEvents()
      .filter((e) => e.event.kind === 'message' && e.event.data.message === 'where is my order?')
    expect(posted).toHaveLength(1)
  })

  it('abandons a running turn when the agent is stopped', async () => {
    host.emulator!.control.setFaults({ turn: { latencyMs: { processing: 60_000 } } })
    try {
      const pending = fetch(`${host.url}/api/parlant/agents/${agentId}/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ workspaceId, message: 'anyone there?', conversationKey: 'stop' }),
      })
      while (
        !host
          .emulator!.control.createdEvents()
          .some((e) => e.event.kind === 'message' && e.event.data.message === 'anyone there?')
      )
        await sleep(10)
      await api(host.url, key, 'POST', `/api/parlant/agents/${agentId}/stop`, { workspaceId })
      const response = await pending
      expect(response.status).toBe(409)
      expect(await response.json()).toMatchObject({ code: 'agent_not_active' })
    } finally {
      host.emulator!.control.clearFaults()
    }
  })
})
