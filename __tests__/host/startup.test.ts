/** `npm start`'s host boots on each engine, seeds the dev identity, answers /health, and closes. */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startHost } from '@/host/server'
import { createPostgresDatabase, ENGINES } from '../support/databases'

describe.each(ENGINES)('standalone host on %s', (engine) => {
  it('migrates, seeds a dev identity, serves /health and authenticates the dev key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bridge-host-'))
    const pgdb = engine === 'postgres' ? await createPostgresDatabase() : undefined
    const env = { PARLANT_BRIDGE_DATA_DIR: dataDir, DATABASE_URL: pgdb?.url, PORT: '0' }
    const host = await startHost({ env })
    try {
      const health = await fetch(`${host.url}/health`)
      expect(health.status).toBe(200)
      expect(await health.json()).toMatchObject({ status: 'ok', database: engine })
      const key = readFileSync(join(dataDir, 'dev-api-key'), 'utf8').trim()
      expect(readFileSync(join(dataDir, 'dev-workspace-id'), 'utf8').trim()).toBe(
        host.identity.workspaceId
      )
      const caller = await host.bridgeHost.authenticate(
        new Request('http://x/', { headers: { authorization: `Bearer ${key}` } })
      )
      expect(caller?.userId).toBe(host.identity.userId)
      expect(
        await host.bridgeHost.workspacePermission(caller!.userId, host.identity.workspaceId)
      ).toBe('admin')
      expect(
        await host.bridgeHost.authenticate(
          new Request('http://x/', { headers: { authorization: 'Bearer sim_host_nope' } })
        )
      ).toBeNull()
    } finally {
      await host.close()
    }
    // A second start on the same data reuses the identity.
    const again = await startHost({ env })
    try {
      expect(again.identity.created).toBe(false)
      expect(readFileSync(join(dataDir, 'dev-api-key'), 'utf8').trim()).toBe(again.identity.apiKey)
    } finally {
      await again.close()
      await pgdb?.drop()
    }
  })

  it('refuses to start when workspace isolation is turned off', async () => {
    await expect(
      startHost({ env: { PARLANT_WORKSPACE_ISOLATION: 'false', PORT: '0' } })
    ).rejects.toThrow(/PARLANT_WORKSPACE_ISOLATION/)
  })
})
