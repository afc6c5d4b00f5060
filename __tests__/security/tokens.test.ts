/**
 * Issue 13 §2 over the host's HTTP API on both engines: an agent token dies with its issuer's
 * write access (HTTP and socket handshake), admins list a workspace's tokens (never a secret or
 * hash) and revoke any of them, and a stranger's `verify` does not move a token's last use.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { listAgentTokens } from '@/lib/parlant/db/queries'
import { createUser, grant, revoke } from '@/host/directory'
import { type RunningHost, startHost } from '@/host/server'
import { api, connect, createActiveAgent } from '../realtime/support'
import { createPostgresDatabase, ENGINES } from '../support/databases'

interface Listed {
  tokens: Array<Record<string, unknown> & { tokenId: string; lastUsedAt: string | null }>
}

describe.each(ENGINES)('agent tokens and their issuer (%s)', (engine) => {
  let host: RunningHost
  let dropDb: (() => Promise<void>) | undefined
  let admin: string
  let workspaceId: string
  let agentId: string
  let writer: Awaited<ReturnType<typeof createUser>>
  let stranger: Awaited<ReturnType<typeof createUser>>

  beforeAll(async () => {
    const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
    dropDb = pg?.drop
    host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-token-issuer-')),
        DATABASE_URL: pg?.url,
        PARLANT_CHAT_TRAILING_ERROR_WAIT_SECONDS: '0',
        PORT: '0',
      },
    })
    admin = host.identity.apiKey
    workspaceId = host.identity.workspaceId
    agentId = await createActiveAgent(host.url, admin, workspaceId, 'token-agent')
    writer = await createUser(host.database.db, { name: 'Writer', email: `w-${engine}@x.test` })
    stranger = await createUser(host.database.db, { name: 'Nobody', email: `s-${engine}@x.test` })
    await grant(host.database.db, writer.id, workspaceId, 'write')
  })
  afterAll(async () => {
    await host?.close()
    await dropDb?.()
  })

  const status = (token: string) =>
    fetch(`${host.url}/api/parlant/agents/${agentId}/status?workspaceId=${workspaceId}`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((r) => r.status)
  const chat = (token: string) =>
    fetch(`${host.url}/api/parlant/agents/${agentId}/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workspaceId, message: 'hello' }),
    }).then((r) => r.status)

  it('a token stops working when its issuer loses write, and the admin lists and revokes it', async () => {
    const issued = await api<{ token: string; tokenId: string }>(
      host.url,
      writer.apiKey,
      'POST',
      '/api/parlant/auth/token',
      { workspaceId, agentId, label: 'widget' }
    )
    expect(await status(issued.token)).toBe(200)
    expect(await chat(issued.token)).toBe(200)

    // Downgraded to read: no longer enough to issue, so no longer enough to use.
    await grant(host.database.db, writer.id, workspaceId, 'read')
    expect(await status(issued.token)).toBe(401)
    await grant(host.database.db, writer.id, workspaceId, 'write')
    expect(await status(issued.token)).toBe(200)

    // `host:admin revoke`: access gone, so every use of the token is refused at once.
    await revoke(host.database.db, writer.id, workspaceId)
    expect(await status(issued.token)).toBe(401)
    expect(await chat(issued.token)).toBe(401)
    await expect(connect(host.url, issued.token)).rejects.toThrow(/Invalid or expired token/)

    // Only admins list; the listing has the metadata and no secret, prefix or hash.
    const denied = await fetch(`${host.url}/api/parlant/auth/tokens?workspaceId=${workspaceId}`, {
      headers: { authorization: `Bearer ${writer.apiKey}` },
    })
    expect(denied.status).toBe(404)
    await grant(host.database.db, writer.id, workspaceId, 'write')
    const forbidden = await fetch(
      `${host.url}/api/parlant/auth/tokens?workspaceId=${workspaceId}`,
      { headers: { authorization: `Bearer ${writer.apiKey}` } }
    )
    expect(forbidden.status).toBe(403)
    await revoke(host.database.db, writer.id, workspaceId)

    const listed = await api<Listed>(
      host.url,
      admin,
      'GET',
      `/api/parlant/auth/tokens?workspaceId=${workspaceId}`
    )
    const entry = listed.tokens.find((t) => t.tokenId === issued.tokenId)
    expect(entry).toMatchObject({
      agentId,
      label: 'widget',
      issuedBy: writer.id,
      issuerName: 'Writer',
      revokedAt: null,
    })
    expect(typeof entry?.createdAt).toBe('string')
    expect(typeof entry?.expiresAt).toBe('string')
    expect(typeof entry?.lastUsedAt).toBe('string')
    const [stored] = (await listAgentTokens(host.database.db, workspaceId, agentId)).filter(
      (t) => t.id === issued.tokenId
    )
    const text = JSON.stringify(listed)
    for (const secret of [issued.token, issued.token.slice(5), stored?.tokenHash ?? '-']) {
      expect(text).not.toContain(secret)
    }
    expect(Object.keys(entry ?? {})).not.toContain('tokenPrefix')

    await api(
      host.url,
      admin,
      'DELETE',
      `/api/parlant/auth/token/${issued.tokenId}?workspaceId=${workspaceId}`
    )
    const after = await api<Listed>(
      host.url,
      admin,
      'GET',
      `/api/parlant/auth/tokens?workspaceId=${workspaceId}`
    )
    expect(after.tokens.find((t) => t.tokenId === issued.tokenId)?.revokedAt).toEqual(
      expect.any(String)
    )
    // Even with write given back, a revoked token stays dead.
    await grant(host.database.db, writer.id, workspaceId, 'write')
    expect(await status(issued.token)).toBe(401)
  })

  it("a stranger's verify answers only `valid` and does not record a use", async () => {
    const issued = await api<{ token: string; tokenId: string }>(
      host.url,
      admin,
      'POST',
      '/api/parlant/auth/token',
      { workspaceId, agentId }
    )
    const lastUse = async () =>
      (
        await api<Listed>(
          host.url,
          admin,
          'GET',
          `/api/parlant/auth/tokens?workspaceId=${workspaceId}`
        )
      ).tokens.find((t) => t.tokenId === issued.tokenId)?.lastUsedAt
    expect(await lastUse()).toBeNull()
    const verified = await api(host.url, stranger.apiKey, 'POST', '/api/parlant/auth/verify', {
      token: issued.token,
    })
    expect(verified).toEqual({ valid: true })
    expect(await lastUse()).toBeNull()
    // A use is a use.
    expect(await status(issued.token)).toBe(200)
    expect(await lastUse()).toEqual(expect.any(String))
  })

  it("a write member's stop revokes no token: it cannot chat while stopped, works after start, dies with the agent", async () => {
    const own = await createActiveAgent(host.url, admin, workspaceId, 'stop-keeps-tokens')
    const { token } = await api<{ token: string }>(
      host.url,
      admin,
      'POST',
      '/api/parlant/auth/token',
      {
        workspaceId,
        agentId: own,
      }
    )
    const say = () =>
      fetch(`${host.url}/api/parlant/agents/${own}/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ workspaceId, message: 'hello' }),
      })
    expect((await say()).status).toBe(200)
    // The writer is neither admin nor the token's issuer.
    await api(host.url, writer.apiKey, 'POST', `/api/parlant/agents/${own}/stop`, { workspaceId })
    const refused = await say()
    expect(refused.status).toBe(409)
    expect(((await refused.json()) as { error: string }).error).toMatch(/start it first/)
    const listed = await api<Listed>(
      host.url,
      admin,
      'GET',
      `/api/parlant/auth/tokens?workspaceId=${workspaceId}`
    )
    expect(listed.tokens.find((t) => t.agentId === own)).toMatchObject({ revokedAt: null })
    await api(host.url, writer.apiKey, 'POST', `/api/parlant/agents/${own}/start`, { workspaceId })
    expect((await say()).status).toBe(200)
    // Only deleting the agent ends it (or a revoke by its issuer or an admin).
    await api(host.url, admin, 'DELETE', `/api/parlant/agents/${own}?workspaceId=${workspaceId}`)
    expect((await say()).status).toBe(401)
    expect(await host.bridge.tokens.verify(token)).toBeNull()
  })
})
