/**
 * The startup banner shows the Parlant URL without its credentials (second attack pass, I1). A URL
 * with a query or fragment is refused at start (`lib/parlant/config.ts`); the banner would strip
 * those too.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startupBanner } from '@/host/banner'
import { type RunningHost, startHost } from '@/host/server'

describe('the startup banner', () => {
  let host: RunningHost

  beforeAll(async () => {
    host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-banner-')),
        HOST: '127.0.0.1',
        PORT: '0',
        PARLANT_SERVER_URL: 'http://u:PaSsWoRd99@127.0.0.1:9/parlant/',
      },
    })
  })
  afterAll(async () => {
    await host?.close()
  })

  it('prints the Parlant URL with its user info stripped', () => {
    const banner = startupBanner(host, null)
    expect(banner).toContain('parlant: http://127.0.0.1:9/parlant')
    for (const secret of ['PaSsWoRd99', 'u:']) expect(banner).not.toContain(secret)
    expect(banner).toContain(host.url)
  })
})
