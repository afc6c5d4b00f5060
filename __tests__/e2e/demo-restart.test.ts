/**
 * A restart under an active agent, in Debian's Chromium: the host (embedded default, its
 * in-process emulator losing every agent on stop) is stopped and started again on the same data
 * folder and port; the page, reloaded, chats with the agent and gets its reply without anyone
 * starting it again.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningHost, startHost } from '@/host/server'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = join(process.cwd(), 'test-artifacts')
const REPLY = 'Refunds are processed within 5 business days.'

let host: RunningHost | undefined
let browser: Browser
let dataDir: string

const env = () => ({
  ...process.env,
  PARLANT_BRIDGE_DATA_DIR: dataDir,
  DATABASE_URL: '',
  REDIS_URL: '',
  PARLANT_SERVER_URL: '',
  HOST: '127.0.0.1',
})

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'parlant-demo-restart-'))
  mkdirSync(ARTIFACTS, { recursive: true })
  expect(existsSync(CHROMIUM)).toBe(true)
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await host?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('demo page across a host restart', () => {
  it('chats with an agent that was active before the restart, with no manual step', {
    timeout: 150_000,
  }, async () => {
    host = await startHost({ port: 0, env: env() })
    const port = Number(new URL(host.url).port)
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    page.setDefaultTimeout(20_000)
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(host.url)

    const list = page.getByRole('region', { name: 'Agents' })
    await list.getByRole('button', { name: 'New agent' }).click()
    const dialog = page.getByRole('dialog', { name: 'New Parlant agent' })
    await dialog.getByLabel('Name').fill('Refund helper')
    await dialog.getByRole('button', { name: 'Add guideline' }).click()
    await dialog.getByLabel('Condition 1').fill('the customer asks about "refund"')
    await dialog.getByLabel('Action 1').fill(REPLY)
    await dialog.getByRole('button', { name: 'Create agent' }).click()
    await dialog.waitFor({ state: 'detached' })
    const chat = page.getByTestId('demo-chat')
    await chat.getByRole('button', { name: 'Start Refund helper' }).click()
    await list.locator('[data-status="active"]').waitFor()
    await chat.getByLabel('Message to Refund helper').fill('Can I get a refund?')
    const answered = page.waitForResponse((response) => response.url().endsWith('/chat'))
    await chat.getByLabel('Message to Refund helper').press('Enter')
    const replies = chat.locator('[data-kind="agent"] [data-part="bubble"]')
    await replies.filter({ hasText: REPLY }).waitFor()
    // The person stops the host once the turn is over on the server too (after its short look for
    // a trailing error), as a Ctrl+C a moment after reading the reply would.
    expect((await answered).status()).toBe(200)

    // Ctrl+C and `npm start` again: same data, same port, a fresh emulator without the agent.
    await host.close()
    host = undefined
    host = await startHost({ port, env: env() })
    await page.reload()
    const again = page.getByTestId('demo-chat')
    // Still shown as active. (The emulator lost its sessions with the restart, so there is no
    // earlier transcript to read back; a real Parlant server keeps them.)
    await page.getByRole('region', { name: 'Agents' }).locator('[data-status="active"]').waitFor()
    const input = again.getByLabel('Message to Refund helper')
    await input.fill('And a refund for my second order?')
    await input.press('Enter')
    await again
      .locator('[data-kind="agent"] [data-part="bubble"]')
      .filter({ hasText: REPLY })
      .last()
      .waitFor()
    await again.locator('[data-turn="idle"]').waitFor()
    expect(await again.locator('[data-kind="error"]').count()).toBe(0)
    expect(await page.getByText('Error', { exact: true }).count()).toBe(0)
    await page.screenshot({ path: join(ARTIFACTS, 'demo-after-restart.png') })
    expect(errors).toEqual([])
    await page.close()
  })
})
