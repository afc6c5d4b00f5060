/**
 * End to end in Debian's Chromium: the demo page served by `startHost` on the embedded default
 * (PGlite, in-process emulator, fresh data folder, port 0). A person creates an agent with a
 * guideline, starts it, asks a matching question, sees the typing indicator and the exact
 * guideline reply; after stopping it, sending is refused with a clear message.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningHost, startHost } from '@/host/server'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = join(process.cwd(), 'test-artifacts')
const REPLY = 'Refunds are processed within 5 business days.'

let host: RunningHost
let browser: Browser
let dataDir: string

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'parlant-demo-e2e-'))
  host = await startHost({
    port: 0,
    env: {
      ...process.env,
      PARLANT_BRIDGE_DATA_DIR: dataDir,
      DATABASE_URL: '',
      REDIS_URL: '',
      PARLANT_SERVER_URL: '',
      HOST: '127.0.0.1',
    },
  })
  // Slow the emulator's typing stage so a person (and this test) can see the indicator.
  host.emulator?.control.setFaults({ turn: { latencyMs: { message: 1500 } } })
  mkdirSync(ARTIFACTS, { recursive: true })
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

async function badgeIn(page: Page, region: string, agentName: string) {
  return page
    .getByRole('region', { name: region })
    .getByRole('listitem')
    .filter({ hasText: agentName })
    .locator('[data-status]')
}

describe('demo page', () => {
  it('creates, starts, chats with and stops an agent', { timeout: 120_000 }, async () => {
    expect(existsSync(CHROMIUM)).toBe(true)
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    const pageErrors: string[] = []
    page.setDefaultTimeout(15_000)
    page.on('pageerror', (error) => pageErrors.push(error.message))
    // The page runs under the host's Content-Security-Policy: nothing it needs may be refused.
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) pageErrors.push(message.text())
    })
    await page.goto(host.url)

    await page.getByRole('heading', { name: 'Sim ⇄ Parlant bridge' }).waitFor()
    await page.getByText('No agents yet. Create one to get started.').waitFor()

    // The canvas block's sub-block opens the config panel.
    await page
      .getByRole('region', { name: 'Workflow canvas' })
      .getByRole('button', { name: 'Create agent' })
      .click()
    const dialog = page.getByRole('dialog', { name: 'New Parlant agent' })
    await dialog.waitFor()
    // An empty save shows the shared schema's message on the field and creates nothing.
    await dialog.getByRole('button', { name: 'Create agent' }).click()
    await dialog.getByText('must not be empty').waitFor()

    await dialog.getByLabel('Name').fill('Refund helper')
    await dialog.getByLabel('Description').fill('Answers questions about refunds')
    await dialog.getByRole('button', { name: 'Add guideline' }).click()
    await dialog.getByLabel('Condition 1').fill('the customer asks about "refund"')
    await dialog.getByLabel('Action 1').fill(REPLY)
    // Sim's modal, styled by the compiled Tailwind classes: a full-viewport overlay behind a
    // dialog centred in the viewport.
    const layout = await page.evaluate(() => {
      const overlay = document.querySelector<HTMLElement>('[data-state="open"].fixed.inset-0')
      const box = document.querySelector('[role="dialog"]')?.getBoundingClientRect()
      const style = overlay ? getComputedStyle(overlay) : null
      return {
        overlay: style && { position: style.position, width: overlay?.offsetWidth },
        background: style?.backgroundColor,
        dialog: box && { x: box.x, y: box.y, width: box.width, height: box.height },
        dialogPosition: getComputedStyle(document.querySelector('[role="dialog"]') as HTMLElement)
          .backgroundColor,
      }
    })
    expect(layout.overlay).toEqual({ position: 'fixed', width: 1400 })
    expect(layout.background).not.toBe('rgba(0, 0, 0, 0)')
    expect(layout.dialog?.width).toBe(600)
    expect(Math.abs((layout.dialog?.x ?? 0) + 300 - 700)).toBeLessThan(2)
    expect(layout.dialog?.y).toBeGreaterThan(0)
    expect(layout.dialogPosition).not.toBe('rgba(0, 0, 0, 0)')
    await page.screenshot({ path: join(ARTIFACTS, 'demo-config-panel.png') })
    const created = page
      .waitForResponse(
        (r) => r.request().method() === 'POST' && /\/api\/parlant\/agents$/.test(r.url())
      )
      .catch(() => undefined)
    await dialog.getByRole('button', { name: 'Create agent' }).click()
    // A dialog that stays open says why: the create's status and what the form shows.
    await dialog.waitFor({ state: 'detached' }).catch(async (error: unknown) => {
      const status = (await created)?.status() ?? 'no answer'
      const shown = await dialog.textContent().catch(() => '(unreadable)')
      throw new Error(`the dialog stayed open (POST ${status}): ${shown}`, { cause: error })
    })

    const badge = await badgeIn(page, 'Agents', 'Refund helper')
    await badge.filter({ hasText: 'Inactive' }).waitFor()
    // The agent's room is joined over the shared socket once it is listed.
    await page
      .getByRole('status')
      .filter({ hasText: /^Live$/ })
      .waitFor()

    const chat = page.getByTestId('demo-chat')
    await chat.getByRole('button', { name: 'Start Refund helper' }).click()
    await badge.filter({ hasText: 'Active' }).waitFor()
    expect(await badge.getAttribute('data-status')).toBe('active')

    const input = chat.getByLabel('Message to Refund helper')
    // Screen-reader-only text is in the accessibility tree but takes no room on screen.
    const label = await chat.getByText('Message to Refund helper').boundingBox()
    expect(label?.width ?? 0).toBeLessThanOrEqual(1)
    expect(label?.height ?? 0).toBeLessThanOrEqual(1)
    await input.fill('Hi! Can I get a refund for my order?')
    await chat.getByRole('button', { name: 'Send' }).click()
    // While the turn runs, sending is blocked and the agent's activity is announced.
    await chat.locator('[data-activity="typing"]').waitFor()
    expect(await chat.getByRole('status').filter({ hasText: 'typing' }).textContent()).toBe(
      'Refund helper is typing…'
    )
    expect(await chat.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true)
    await page.screenshot({ path: join(ARTIFACTS, 'demo-chat-typing.png') })
    const reply = chat.locator('[data-kind="agent"] [data-part="bubble"]')
    await reply.filter({ hasText: REPLY }).waitFor()
    expect(await reply.allTextContents()).toEqual([REPLY])
    // The turn is complete once its reply is on screen (Parlant's final ready), not after the
    // bridge's short poll for a trailing error.
    await chat.locator('[data-activity="idle"][data-turn="idle"]').waitFor()
    expect(await chat.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true)
    expect(await chat.getByText(/^Waiting for/).count()).toBe(0)
    await page.screenshot({ path: join(ARTIFACTS, 'demo-chat.png') })

    await chat.getByRole('button', { name: 'Stop Refund helper' }).click()
    await badge.filter({ hasText: 'Inactive' }).waitFor()
    await input.fill('One more question about a refund')
    await chat.getByRole('button', { name: 'Send' }).click()
    // One clear error with Retry; the message stays in the transcript, not back in the input.
    const refusal = chat.locator('[data-kind="error"]')
    await refusal.waitFor()
    expect(await refusal.locator('[data-part="error-text"]').textContent()).toBe(
      'Agent "Refund helper" is inactive; start it first'
    )
    expect(await refusal.count()).toBe(1)
    expect(await refusal.getByRole('button', { name: 'Retry' }).isVisible()).toBe(true)
    expect(await chat.getByRole('alert').textContent()).toBe(
      'Agent "Refund helper" is inactive; start it first'
    )
    await chat
      .locator('[data-failed="true"]')
      .filter({ hasText: 'One more question about a refund' })
      .waitFor()
    expect(await input.inputValue()).toBe('')
    await page.screenshot({ path: join(ARTIFACTS, 'demo-chat-refused.png') })
    expect(pageErrors).toEqual([])
  })
})
