/** @vitest-environment node */
/**
 * The store's conversation history against a real host over HTTP: a reload reads the transcript
 * back (in order, nothing twice, local echoes confirmed), New conversation ends it on the server
 * and starts afresh under the same key, and a key never used loads as empty.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningHost, startHost } from '@/host/server'
import {
  configureParlantStore,
  conversationId,
  createHttpParlantApi,
  type ParlantApi,
  useParlantStore,
} from '@/stores/parlant'

describe('conversation history in the store (real host)', () => {
  let host: RunningHost
  let api: ParlantApi
  let agentId: string
  const key = 'ui-history'

  const conversation = () => useParlantStore.getState().conversations[conversationId(agentId, key)]
  const transcript = () => {
    const c = conversation()
    return (c?.order ?? []).map((id) => [c?.entries[id]?.kind, c?.entries[id]?.text])
  }
  /** A page reload: the store starts from nothing in the same workspace. */
  const reload = () => {
    useParlantStore.getState().reset()
    useParlantStore.getState().setWorkspace(host.identity.workspaceId)
  }

  beforeAll(async () => {
    host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-store-history-')),
        PORT: '0',
      },
    })
    api = createHttpParlantApi({
      baseUrl: host.url,
      headers: { authorization: `Bearer ${host.identity.apiKey}` },
    })
    configureParlantStore({ api, realtime: false })
    reload()
    const agent = await useParlantStore.getState().createAgent({
      name: 'History',
      guidelines: [{ condition: 'the customer says "refund"', action: 'Refunds take 5 days.' }],
    })
    agentId = agent.id
    await useParlantStore.getState().startAgent(agentId)
  })

  afterAll(async () => {
    useParlantStore.getState().reset()
    await host?.close()
  })

  it('reads the transcript back on reload, in order and each message once', async () => {
    const store = useParlantStore.getState()
    await store.sendMessage(agentId, 'I want a refund', { conversationKey: key })
    await store.sendMessage(agentId, 'thanks', { conversationKey: key })
    reload()
    expect(conversation()).toBeUndefined()

    await useParlantStore.getState().loadTranscript(agentId, key)
    expect(conversation()).toMatchObject({ history: 'loaded', historyError: null })
    const expected = [
      ['customer', 'I want a refund'],
      ['agent', 'Refunds take 5 days.'],
      ['customer', 'thanks'],
      ['agent', 'I received your message: "thanks"'],
    ]
    expect(transcript()).toEqual(expected)

    // Loading again, and a further turn, add nothing twice; its local echo is confirmed.
    await useParlantStore.getState().loadTranscript(agentId, key)
    expect(transcript()).toEqual(expected)
    await useParlantStore.getState().sendMessage(agentId, 'refund again', { conversationKey: key })
    await useParlantStore.getState().loadTranscript(agentId, key)
    expect(transcript()).toEqual([
      ...expected,
      ['customer', 'refund again'],
      ['agent', 'Refunds take 5 days.'],
    ])
    expect(conversation()?.order.some((id) => id.startsWith('local-'))).toBe(false)
  })

  it('New conversation ends it on the server and starts afresh under the same key', async () => {
    const before = await api.getConversationMessages(host.identity.workspaceId, agentId, key)
    await useParlantStore.getState().newConversation(agentId, key)
    expect(transcript()).toEqual([])
    const listed = await api.listConversations(host.identity.workspaceId, agentId)
    expect(listed.conversations.map((c) => c.conversationKey)).not.toContain(key)
    const session = await fetch(`${host.parlantUrl}/sessions/${before.sessionId}`)
    expect(session.status).toBe(404)

    const result = await useParlantStore
      .getState()
      .sendMessage(agentId, 'hello again', { conversationKey: key })
    expect(result?.sessionId).not.toBe(before.sessionId)
    reload()
    await useParlantStore.getState().loadTranscript(agentId, key)
    expect(transcript()).toEqual([
      ['customer', 'hello again'],
      ['agent', 'I received your message: "hello again"'],
    ])
    // Ending what is already ended is not an error.
    await useParlantStore.getState().newConversation(agentId, key)
    await useParlantStore.getState().newConversation(agentId, key)
    expect(transcript()).toEqual([])
  })

  it('a key never used loads as an empty transcript, not an error', async () => {
    await useParlantStore.getState().loadTranscript(agentId, 'never-used')
    const empty = useParlantStore.getState().conversations[conversationId(agentId, 'never-used')]
    expect(empty).toMatchObject({ history: 'loaded', historyError: null, order: [] })
  })
})
