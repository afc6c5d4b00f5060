/** Agent tokens on both engines: shown once, hash-only storage, expiry, revocation, last use. */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertAgentWithinQuota, listAgentTokens } from '@/lib/parlant/db/queries'
import { agentConfigSchema } from '@/lib/parlant/schemas'
import { createTokenService } from '@/lib/parlant/tokens'
import { createUser, createWorkspace } from '@/host/directory'
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases'

describe.each(ENGINES)('agent tokens on %s', (engine) => {
  let database: TestDatabase
  let now = new Date('2030-01-01T00:00:00Z')
  let workspaceId = ''
  let agentId = ''
  let userId = ''

  beforeAll(async () => {
    database = await createTestDatabase(engine)
    const user = await createUser(database.db, { name: 'U', email: `t-${engine}@x.test` })
    userId = user.id
    workspaceId = (await createWorkspace(database.db, { name: 'W', ownerId: user.id })).id
    const created = await insertAgentWithinQuota(
      database.db,
      workspaceId,
      { name: 'a', config: agentConfigSchema.parse({}), createdBy: user.id },
      10
    )
    if (!created.ok) throw new Error('fixture')
    agentId = created.agent.id
  })

  afterAll(async () => {
    await database?.close()
  })

  it('issues a prefixed 32-byte secret, stores only its hash, verifies, expires and revokes', async () => {
    const tokens = createTokenService({ db: database.db, clock: { now: () => now } })
    const issued = await tokens.issue({
      workspaceId,
      agentId,
      createdBy: userId,
      expiresInSeconds: 3600,
    })
    expect(issued.token).toMatch(/^plnt_[A-Za-z0-9_-]{43}$/)

    const [stored] = await listAgentTokens(database.db, workspaceId, agentId)
    expect(JSON.stringify(stored)).not.toContain(issued.token.slice(5))
    expect(stored?.tokenHash).toBe(createHash('sha256').update(issued.token).digest('hex'))
    expect(stored?.lastUsedAt).toBeNull()

    expect(await tokens.verify(issued.token)).toMatchObject({ workspaceId, agentId })
    const [used] = await listAgentTokens(database.db, workspaceId, agentId)
    expect(used?.lastUsedAt?.getTime()).toBe(now.getTime())

    // A near miss, a foreign prefix and garbage are all simply invalid.
    const flipped = `${issued.token.slice(0, -1)}${issued.token.endsWith('A') ? 'B' : 'A'}`
    for (const bad of [flipped, 'sim_host_x', '', 'plnt_short']) {
      expect(await tokens.verify(bad)).toBeNull()
    }

    now = new Date(now.getTime() + 3601_000)
    expect(await tokens.verify(issued.token)).toBeNull()
    now = new Date('2030-01-01T00:00:00Z')

    const second = await tokens.issue({ workspaceId, agentId, createdBy: userId })
    expect(await tokens.verify(second.token)).not.toBeNull()
    await tokens.revoke(workspaceId, second.tokenId)
    expect(await tokens.verify(second.token)).toBeNull()
    // Revocation is scoped: another workspace id finds nothing to revoke.
    expect(await tokens.revoke('other-workspace', second.tokenId)).toBeUndefined()

    const third = await tokens.issue({ workspaceId, agentId, createdBy: userId })
    expect(await tokens.revokeAllForAgent(workspaceId, agentId)).toBeGreaterThanOrEqual(1)
    expect(await tokens.verify(third.token)).toBeNull()
  })

  it('asks the host for the issuer only when their permission row does not grant write', async () => {
    // An issuer with no row on the workspace (as Sim's organization admins): the host decides.
    const orgAdmin = await createUser(database.db, { name: 'O', email: `o-${engine}@x.test` })
    const asked: string[] = []
    let answer: 'admin' | 'read' | null = 'admin'
    const tokens = createTokenService({
      db: database.db,
      clock: { now: () => now },
      issuerPermission: async (user) => {
        asked.push(user)
        return answer
      },
    })
    const issued = await tokens.issue({ workspaceId, agentId, createdBy: orgAdmin.id })
    expect(await tokens.verify(issued.token)).not.toBeNull()
    expect(asked).toEqual([orgAdmin.id])
    answer = 'read'
    expect(await tokens.verify(issued.token)).toBeNull()
    // The owner's admin row grants write by itself: the host is not asked.
    const owned = await tokens.issue({ workspaceId, agentId, createdBy: userId })
    asked.length = 0
    expect(await tokens.verify(owned.token, { touch: false })).not.toBeNull()
    expect(asked).toEqual([])
  })
})
