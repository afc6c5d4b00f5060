/**
 * Second attack pass F3 in a real browser: a page on another site that loads the demo page 25
 * times as images and once in a frame mints no session, so the user's own session survives.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SESSION_COOKIE } from '@/host/auth'
import { hostSessions } from '@/host/db/schema'
import { type RunningHost, startHost } from '@/host/server'
import { MAX_SESSIONS_PER_USER, userForSession } from '@/host/session'

const CHROMIUM = '/usr/bin/chromium'

let host: RunningHost
let browser: Browser
let attacker: Server
let dataDir: string

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'parlant-forced-logout-'))
  host = await startHost({
    port: 0,
    env: {
      PARLANT_BRIDGE_DATA_DIR: dataDir,
      DATABASE_URL: '',
      REDIS_URL: '',
      PARLANT_SERVER_URL: '',
      HOST: '127.0.0.1',
    },
  })
  const loads = MAX_SESSIONS_PER_USER + 5
  const images = Array.from({ length: loads }, (_, i) => `<img src="${host.url}/?n=${i}">`)
  // `localhost` and `127.0.0.1` are different sites: every request below is cross-site.
  attacker = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end(`<!doctype html>${images.join('')}<iframe src="${host.url}/"></iframe>`)
  })
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  attacker?.close()
  await host?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('a foreign page loading the demo page', () => {
  it('mints no session and leaves the user signed in', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${host.url}/`)
    const own = (await context.cookies()).find((c) => c.name === SESSION_COOKIE)
    expect(own).toBeDefined()
    const before = (await host.database.db.select().from(hostSessions)).length

    const seen: string[] = []
    const failed: string[] = []
    page.on('request', (request) => {
      if (request.url().startsWith(`${host.url}/?n=`)) seen.push(request.url())
    })
    // Only the foreign page's loads of `/` (the demo page's own calls end as it is left).
    page.on('requestfailed', (request) => {
      const url = new URL(request.url())
      if (url.origin === host.url && url.pathname === '/')
        failed.push(`${request.url()} ${request.failure()?.errorText}`)
    })
    const port = (attacker.address() as AddressInfo).port
    await page.goto(`http://localhost:${port}/`, { waitUntil: 'load' })
    // The host answered each one: the browser then blocks the HTML as an image (ORB) or frame.
    for (const failure of failed) expect(failure).toMatch(/ERR_BLOCKED_BY_(ORB|RESPONSE)$/)
    expect(seen.length).toBe(MAX_SESSIONS_PER_USER + 5)

    expect((await host.database.db.select().from(hostSessions)).length).toBe(before)
    expect(await userForSession(host.database.db, own?.value ?? '')).not.toBeNull()
    const after = (await context.cookies()).find((c) => c.name === SESSION_COOKIE)
    expect(after?.value).toBe(own?.value)
    await context.close()
  }, 60_000)
})
