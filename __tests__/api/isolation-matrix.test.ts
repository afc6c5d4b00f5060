/**
 * The isolation matrix, over real HTTP against the standalone host on each engine: every endpoint
 * × every kind of caller gets exactly the expected status, and no response body carries data of a
 * workspace the caller cannot read.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { agentAuthTokens } from '@/lib/parlant/db/schema'
import { mintInternalToken } from '@/host/auth'
import { createUser, createWorkspace, grant } from '@/host/directory'
import { type RunningHost, startHost } from '@/host/server'
import { createPostgresDatabase, ENGINES } from '../support/databases'

const PRINCIPALS = [
  'admin',
  'write',
  'read',
  'executor',
  'nonMember',
  'anonymous',
  'agentToken',
  'otherAgentToken',
  'expiredToken',
  'revokedToken',
] as const
type PrincipalName = (typeof PRINCIPALS)[number]

/** Callers that can see nothing of workspace W1. */
const OUTSIDERS: readonly PrincipalName[] = [
  'nonMember',
  'anonymous',
  'expiredToken',
  'revokedToken',
]

interface Row {
  name: string
  method: string
  /** Built once per row (fixtures for destructive rows are made here). */
  prepare(): Promise<{ path: string; body?: unknown }>
  expect: Record<PrincipalName, number>
}

const member = (ok: number, read: number) => ({ admin: ok, write: ok, read, executor: ok })
const outsiders = { nonMember: 404, anonymous: 401, expiredToken: 401, revokedToken: 401 }
const noTokens = { agentToken: 403, otherAgentToken: 403 }

describe.each(ENGINES)('isolation matrix on %s', (engine) => {
  let host: RunningHost
  let drop: (() => Promise<void>) | undefined
  const auth = {} as Record<PrincipalName, string | undefined>
  let w1 = ''
  let w2 = ''
  let agentA = ''
  let agentA2 = ''
  let agentB = ''
  let writeUserId = ''

  async function call(method: string, path: string, bearer: string | undefined, body?: unknown) {
    const headers: Record<string, string> = {}
    if (bearer) headers.authorization = `Bearer ${bearer}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    const response = await fetch(`${host.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: response.status, text: await response.text() }
  }

  beforeAll(async () => {
    const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
    drop = pg?.drop
    host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-matrix-')),
        DATABASE_URL: pg?.url,
        PORT: '0',
      },
    })
    const db = host.database.db
    const lifecycle = host.bridge.lifecycle
    w1 = host.identity.workspaceId
    auth.admin = host.identity.apiKey
    const writer = await createUser(db, { name: 'Writer', email: `w-${engine}@x.test` })
    const reader = await createUser(db, { name: 'Reader', email: `r-${engine}@x.test` })
    const outsider = await createUser(db, { name: 'Outsider', email: `o-${engine}@x.test` })
    await grant(db, writer.id, w1, 'write')
    await grant(db, reader.id, w1, 'read')
    writeUserId = writer.id
    auth.write = writer.apiKey
    auth.read = reader.apiKey
    auth.executor = mintInternalToken(host.internalSecret, writer.id)
    auth.nonMember = outsider.apiKey
    auth.anonymous = undefined
    w2 = (await createWorkspace(db, { name: 'Other', ownerId: outsider.id })).id
    agentB = (await lifecycle.create(w2, outsider.id, { name: 'secret-agent-b' })).id
    await lifecycle.start(w2, agentB)

    agentA = (await lifecycle.create(w1, null, { name: 'agent-a' })).id
    agentA2 = (await lifecycle.create(w1, null, { name: 'agent-a2' })).id
    await lifecycle.start(w1, agentA)
    await lifecycle.start(w1, agentA2)
    const tokens = host.bridge.tokens
    auth.agentToken = (
      await tokens.issue({ workspaceId: w1, agentId: agentA, createdBy: writer.id })
    ).token
    auth.otherAgentToken = (
      await tokens.issue({ workspaceId: w1, agentId: agentA2, createdBy: writer.id })
    ).token
    const expired = await tokens.issue({ workspaceId: w1, agentId: agentA, createdBy: writer.id })
    await db
      .update(agentAuthTokens)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(sql`${agentAuthTokens.id} = ${expired.tokenId}`)
    auth.expiredToken = expired.token
    const revoked = await tokens.issue({ workspaceId: w1, agentId: agentA, createdBy: writer.id })
    await tokens.revoke(w1, revoked.tokenId)
    auth.revokedToken = revoked.token
  })

  afterAll(async () => {
    await host?.close()
    await drop?.()
  })

  it('every endpoint × every caller gets exactly the expected status, and nothing leaks', async () => {
    const lifecycle = host.bridge.lifecycle
    let created = 0
    const rows: Row[] = [
      {
        name: 'list agents',
        method: 'GET',
        prepare: async () => ({ path: `/api/parlant/agents?workspaceId=${w1}` }),
        expect: { ...member(200, 200), ...outsiders, ...noTokens },
      },
      {
        name: 'list workspace agents',
        method: 'GET',
        prepare: async () => ({ path: `/api/parlant/workspaces/${w1}/agents` }),
        expect: { ...member(200, 200), ...outsiders, ...noTokens },
      },
      {
        name: 'create agent',
        method: 'POST',
        prepare: async () => ({ path: '/api/parlant/agents' }),
        expect: { ...member(201, 403), ...outsiders, ...noTokens },
      },
      {
        name: 'get agent',
        method: 'GET',
        prepare: async () => ({ path: `/api/parlant/agents/${agentA}?workspaceId=${w1}` }),
        expect: { ...member(200, 200), ...outsiders, ...noTokens },
      },
      {
        name: 'update agent',
        method: 'PUT',
        prepare: async () => ({
          path: `/api/parlant/agents/${agentA}?workspaceId=${w1}`,
          body: { description: 'updated' },
        }),
        expect: { ...member(200, 403), ...outsiders, ...noTokens },
      },
      {
        name: 'delete agent',
        method: 'DELETE',
        prepare: async () => {
          const doomed = await lifecycle.create(w1, null, { name: 'doomed' })
          return { path: `/api/parlant/agents/${doomed.id}?workspaceId=${w1}` }
        },
        // Admin runs first: the others then hit a missing agent and must still be refused
        // exactly as for an existing one (permission is checked before existence).
        expect: {
          ...member(403, 403),
          admin: 200,
          executor: 403,
          ...outsiders,
          ...noTokens,
        },
      },
      {
        name: 'start agent',
        method: 'POST',
        prepare: async () => ({
          path: `/api/parlant/agents/${agentA}/start`,
          body: { workspaceId: w1 },
        }),
        expect: { ...member(200, 403), ...outsiders, ...noTokens },
      },
      {
        name: 'stop agent',
        method: 'POST',
        prepare: async () => {
          const stoppable = await lifecycle.create(w1, null, { name: 'stoppable' })
          await lifecycle.start(w1, stoppable.id)
          return { path: `/api/parlant/agents/${stoppable.id}/stop`, body: { workspaceId: w1 } }
        },
        expect: { ...member(200, 403), ...outsiders, ...noTokens },
      },
      {
        name: 'agent status',
        method: 'GET',
        prepare: async () => ({ path: `/api/parlant/agents/${agentA}/status?workspaceId=${w1}` }),
        expect: { ...member(200, 200), ...outsiders, agentToken: 200, otherAgentToken: 403 },
      },
      {
        name: 'chat',
        method: 'POST',
        prepare: async () => ({
          path: `/api/parlant/agents/${agentA}/chat`,
          body: { workspaceId: w1, message: 'hello' },
        }),
        expect: { ...member(200, 403), ...outsiders, agentToken: 200, otherAgentToken: 403 },
      },
      {
        name: 'list conversations',
        method: 'GET',
        prepare: async () => ({
          path: `/api/parlant/agents/${agentA}/conversations?workspaceId=${w1}`,
        }),
        expect: { ...member(200, 200), ...outsiders, agentToken: 200, otherAgentToken: 403 },
      },
      {
        name: 'conversation messages',
        method: 'GET',
        prepare: async () => ({
          path: `/api/parlant/agents/${agentA}/conversations/matrix-none/messages?workspaceId=${w1}`,
        }),
        // Permission first, then existence: a conversation nobody has is 404 to those who may look.
        expect: { ...member(404, 404), ...outsiders, agentToken: 404, otherAgentToken: 403 },
      },
      {
        name: 'end conversation',
        method: 'DELETE',
        prepare: async () => ({
          path: `/api/parlant/agents/${agentA}/conversations/matrix-none?workspaceId=${w1}`,
        }),
        expect: { ...member(404, 403), ...outsiders, agentToken: 404, otherAgentToken: 403 },
      },
      {
        name: 'issue token',
        method: 'POST',
        prepare: async () => ({
          path: '/api/parlant/auth/token',
          body: { workspaceId: w1, agentId: agentA, label: 'matrix' },
        }),
        expect: { ...member(201, 403), ...outsiders, ...noTokens },
      },
      {
        name: 'verify token',
        method: 'POST',
        prepare: async () => ({
          path: '/api/parlant/auth/verify',
          body: { token: auth.agentToken },
        }),
        expect: {
          ...member(200, 200),
          ...outsiders,
          nonMember: 200,
          agentToken: 200,
          otherAgentToken: 200,
        },
      },
      {
        name: 'list tokens',
        method: 'GET',
        prepare: async () => ({ path: `/api/parlant/auth/tokens?workspaceId=${w1}` }),
        expect: { admin: 200, write: 403, read: 403, executor: 403, ...outsiders, ...noTokens },
      },
      {
        name: 'revoke token',
        method: 'DELETE',
        prepare: async () => {
          const issued = await host.bridge.tokens.issue({
            workspaceId: w1,
            agentId: agentA,
            createdBy: writeUserId,
          })
          return { path: `/api/parlant/auth/token/${issued.tokenId}?workspaceId=${w1}` }
        },
        // The writer issued it; the executor acts as the writer.
        expect: { ...member(200, 403), ...outsiders, ...noTokens },
      },
      {
        name: 'tool list',
        method: 'POST',
        prepare: async () => ({
          path: '/api/tools/parlant/list',
          body: { _context: { workspaceId: w1 } },
        }),
        expect: { ...member(200, 200), ...outsiders, ...noTokens },
      },
      {
        name: 'tool status',
        method: 'POST',
        prepare: async () => ({
          path: '/api/tools/parlant/status',
          body: { workspaceId: w1, agentId: agentA },
        }),
        expect: { ...member(200, 200), ...outsiders, agentToken: 200, otherAgentToken: 403 },
      },
      {
        name: 'tool start',
        method: 'POST',
        prepare: async () => ({
          path: '/api/tools/parlant/start',
          body: { workspaceId: w1, agentId: agentA },
        }),
        expect: { ...member(200, 403), ...outsiders, ...noTokens },
      },
      {
        name: 'tool stop',
        method: 'POST',
        prepare: async () => {
          const stoppable = await lifecycle.create(w1, null, { name: 'tool-stoppable' })
          return {
            path: '/api/tools/parlant/stop',
            body: { workspaceId: w1, agentId: stoppable.id },
          }
        },
        expect: { ...member(200, 403), ...outsiders, ...noTokens },
      },
      {
        name: 'tool chat',
        method: 'POST',
        prepare: async () => ({
          path: '/api/tools/parlant/chat',
          body: { workspaceId: w1, agentId: agentA, message: 'hello', executionId: 'exec-1' },
        }),
        expect: { ...member(200, 403), ...outsiders, agentToken: 200, otherAgentToken: 403 },
      },
      {
        name: 'tool conversation',
        method: 'POST',
        prepare: async () => ({
          path: '/api/tools/parlant/conversation',
          body: { workspaceId: w1, agentId: agentA, conversationKey: 'matrix-none' },
        }),
        expect: { ...member(404, 404), ...outsiders, agentToken: 404, otherAgentToken: 403 },
      },
    ]

    const mismatches: string[] = []
    const leaks: string[] = []
    const w1Secrets = [w1, agentA, agentA2, 'agent-a']
    const w2Secrets = [w2, agentB, 'secret-agent-b']
    for (const row of rows) {
      const fixture = await row.prepare()
      // Housekeeping: keep W1 under its quota of 10 while rows create agents.
      for (const principal of PRINCIPALS) {
        let body = fixture.body
        if (row.name === 'create agent') body = { workspaceId: w1, name: `made-${created++}` }
        const { status, text } = await call(row.method, fixture.path, auth[principal], body)
        if (status !== row.expect[principal]) {
          mismatches.push(
            `${row.name} as ${principal}: ${status} (want ${row.expect[principal]}) ${text.slice(0, 160)}`
          )
        }
        for (const secret of w2Secrets) {
          if (text.includes(secret)) leaks.push(`${row.name} as ${principal} revealed ${secret}`)
        }
        if (OUTSIDERS.includes(principal)) {
          for (const secret of w1Secrets) {
            if (text.includes(secret)) leaks.push(`${row.name} as ${principal} revealed ${secret}`)
          }
        }
      }
      if (row.name === 'create agent') {
        for (const agent of await lifecycle.list(w1)) {
          if (agent.name.startsWith('made-')) await lifecycle.delete(w1, agent.id)
        }
      }
    }
    expect(mismatches).toEqual([])
    expect(leaks).toEqual([])
  })

  it('another workspace’s agent is a 404 whichever workspace id is given, like a missing one', async () => {
    const missing = await call('GET', `/api/parlant/agents/nope?workspaceId=${w1}`, auth.admin)
    const viaOwn = await call('GET', `/api/parlant/agents/${agentB}?workspaceId=${w1}`, auth.admin)
    const viaTheirs = await call(
      'GET',
      `/api/parlant/agents/${agentB}?workspaceId=${w2}`,
      auth.admin
    )
    expect([missing.status, viaOwn.status, viaTheirs.status]).toEqual([404, 404, 404])
    expect(viaOwn.text).toBe(missing.text)
    expect(viaTheirs.text).toBe(missing.text)
    const foreignStart = await call('POST', `/api/parlant/agents/${agentB}/start`, auth.admin, {
      workspaceId: w2,
    })
    expect(foreignStart.status).toBe(404)
  })
})
