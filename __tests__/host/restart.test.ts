/**
 * A host restart with an active agent, on each engine: the restarted host's emulator starts empty,
 * yet the agent stays active (provisioned again at boot, or by the first turn) and the next chat
 * gets its reply, continuing the conversation in a new session — no manual step. And `/health`
 * says when Parlant cannot be reached, and why.
 */
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ChatTurnResult } from '@/lib/parlant/schemas'
import { displayUrl } from '@/host/health'
import { type RunningHost, startHost } from '@/host/server'
import { api, createActiveAgent } from '../realtime/support'
import { createPostgresDatabase, ENGINES } from '../support/databases'

/** A local port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return typeof address === 'object' && address ? address.port : 1
}

describe.each(ENGINES)('host restart (%s)', (engine) => {
  const hosts: RunningHost[] = []
  let dropDb: (() => Promise<void>) | undefined
  afterAll(async () => {
    for (const host of hosts) await host.close()
    await dropDb?.()
  })

  it('an active agent answers after a restart without any manual step', async () => {
    const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
    dropDb = pg?.drop
    const env = {
      PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-restart-')),
      DATABASE_URL: pg?.url,
      PORT: '0',
    }
    const first = await startHost({ env })
    hosts.push(first)
    const key = first.identity.apiKey
    const workspaceId = first.identity.workspaceId
    const agentId = await createActiveAgent(first.url, key, workspaceId, 'restart-agent', [
      { condition: 'the customer says "order"', action: 'Your order ships tomorrow.' },
    ])
    const chat = (url: string, message: string) =>
      api<{ result: ChatTurnResult }>(url, key, 'POST', `/api/parlant/agents/${agentId}/chat`, {
        workspaceId,
        message,
        conversationKey: 'after-restart',
      })
    const before = await chat(first.url, 'hello')
    await first.close()

    const second = await startHost({ env })
    hosts.push(second)
    expect(second.emulator?.control.store.sessions.size ?? 0).toBe(0)
    const answer = await chat(second.url, 'where is my order?')
    expect(answer.result.content).toBe('Your order ships tomorrow.')
    expect(answer.result.sessionRenewed).toBe(true)
    expect(answer.result.sessionId).not.toBe(before.result.sessionId)

    // The health monitor keeps it active, and the transcript is the new session's.
    await second.bridge.lifecycle.checkHealth()
    const status = await api<{ status: { status: string; lastError: string | null } }>(
      second.url,
      key,
      'GET',
      `/api/parlant/agents/${agentId}/status?workspaceId=${workspaceId}`
    )
    expect(status.status).toMatchObject({ status: 'active', lastError: null })
    const transcript = await api<{ messages: Array<{ text: string }> }>(
      second.url,
      key,
      'GET',
      `/api/parlant/agents/${agentId}/conversations/after-restart/messages?workspaceId=${workspaceId}`
    )
    expect(transcript.messages.map((m) => m.text)).toEqual([
      'where is my order?',
      'Your order ships tomorrow.',
    ])
    const health = await fetch(`${second.url}/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({
      status: 'ok',
      parlant: { mode: 'emulator', reachable: true },
    })
  })

  it('/health says Parlant is unreachable, and why, for a dead PARLANT_SERVER_URL', async () => {
    const port = await deadPort()
    const host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-dead-parlant-')),
        PARLANT_SERVER_URL: `http://127.0.0.1:${port}/`,
        PORT: '0',
      },
    })
    hosts.push(host)
    const health = await fetch(`${host.url}/health`)
    expect(health.status).toBe(503)
    const body = await health.json()
    expect(body).toMatchObject({
      status: 'degraded',
      parlant: {
        mode: 'remote',
        reachable: false,
        url: `http://127.0.0.1:${port}`,
        error: `connection refused at http://127.0.0.1:${port}`,
      },
    })
    // What /health shows of a URL: never credentials, query or fragment.
    expect(displayUrl('http://user:secret@parlant.internal:8800/base/?key=k#f')).toBe(
      'http://parlant.internal:8800/base'
    )
  })
})
