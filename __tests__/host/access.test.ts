/**
 * The host reads who is calling and their workspace permissions in one query: the permission
 * travels with the identity of that request, so a grant or revocation counts from the very next
 * request (no cache, no delay), archived workspaces grant nothing, and revoked keys nothing at all.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { workspace } from '@sim/db/schema'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { createUser, createWorkspace, grant, revoke } from '@/host/directory'
import { startHost } from '@/host/server'
import { createPostgresDatabase, ENGINES } from '../support/databases'

describe.each(ENGINES)('host identity with permissions on %s', (engine) => {
  it('carries the permissions read with the key; a revocation counts on the next request', async () => {
    const pgdb = engine === 'postgres' ? await createPostgresDatabase() : undefined
    const host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-access-')),
        DATABASE_URL: pgdb?.url,
        REDIS_URL: '',
      },
      port: 0,
    })
    try {
      const db = host.database.db
      const { workspaceId } = host.identity
      const member = await createUser(db, { name: 'm', email: `m-${engine}@access.local` })
      const other = await createWorkspace(db, { name: 'other', ownerId: member.id })
      await grant(db, member.id, workspaceId, 'write')
      const whoAmI = () =>
        host.bridgeHost.authenticate(
          new Request('http://x/', { headers: { authorization: `Bearer ${member.apiKey}` } })
        )
      const agents = (ws: string) =>
        fetch(`${host.url}/api/parlant/agents?workspaceId=${ws}`, {
          headers: { authorization: `Bearer ${member.apiKey}` },
        })

      const caller = await whoAmI()
      expect(caller?.userId).toBe(member.id)
      expect(Object.fromEntries(caller?.workspacePermissions ?? [])).toEqual({
        [workspaceId]: 'write',
        [other.id]: 'admin',
      })
      expect((await agents(workspaceId)).status).toBe(200)

      // Revoked: the very next request is refused, as if the workspace did not exist.
      await revoke(db, member.id, workspaceId)
      expect((await agents(workspaceId)).status).toBe(404)
      expect((await whoAmI())?.workspacePermissions?.has(workspaceId)).toBe(false)

      // An archived workspace grants nothing, though the grant row stays.
      await db.update(workspace).set({ archivedAt: new Date() }).where(eq(workspace.id, other.id))
      expect((await whoAmI())?.workspacePermissions?.size).toBe(0)
      expect((await agents(other.id)).status).toBe(404)

      // Granted again: the next request may act.
      await grant(db, member.id, workspaceId, 'read')
      expect((await whoAmI())?.workspacePermissions?.get(workspaceId)).toBe('read')
      expect((await agents(workspaceId)).status).toBe(200)
    } finally {
      await host.close()
      await pgdb?.drop()
    }
  })
})
