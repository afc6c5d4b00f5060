/**
 * The demo page in Debian's Chromium as a person uses it over time, on the embedded default
 * (PGlite, in-process emulator, fresh data folder): an agent created in one tab appears in
 * another, renamed and deleted there too; deleting asks first; a reload shows the conversation so
 * far and "New conversation" starts over; the layout holds at 1024 and 1280 px (screenshots in
 * `test-artifacts/`).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningHost, startHost } from '@/host/server'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = join(process.cwd(), 'test-artifacts')
const REPLY = 'Refunds are processed within **5 business days**.'

let host: RunningHost
let browser: Browser
let context: BrowserContext
let dataDir: string

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'parlant-demo-ws-e2e-'))
  host = await startHost({
    port: 0,
    env: {
      ...process.env,
      PARLANT_BRIDGE_DATA_DIR: dataDir,
      DATABASE_URL: '',
      REDIS_URL: '',
      PARLANT_SERVER_URL: '',
      PARLANT_MAX_AGENTS_PER_WORKSPACE: '5',
      HOST: '127.0.0.1',
    },
  })
  mkdirSync(ARTIFACTS, { recursive: true })
  expect(existsSync(CHROMIUM)).toBe(true)
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
}, 120_000)

afterAll(async () => {
  await context?.close()
  await browser?.close()
  await host?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

async function open(width = 1280, height = 800) {
  const page = await context.newPage()
  await page.setViewportSize({ width, height })
  page.setDefaultTimeout(15_000)
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(host.url)
  await page.getByRole('heading', { name: 'Sim ⇄ Parlant bridge' }).waitFor()
  return { page, errors }
}

const agentList = (page: Page) => page.getByRole('region', { name: 'Agents' })
const agentRow = (page: Page, name: string) =>
  agentList(page).getByRole('listitem').filter({ hasText: name })

async function createAgent(page: Page, name: string, guideline?: [string, string]) {
  await agentList(page).getByRole('button', { name: 'New agent' }).click()
  const dialog = page.getByRole('dialog', { name: 'New Parlant agent' })
  await dialog.getByLabel('Name').fill(name)
  if (guideline) {
    await dialog.getByRole('button', { name: 'Add guideline' }).click()
    await dialog.getByLabel('Condition 1').fill(guideline[0])
    await dialog.getByLabel('Action 1').fill(guideline[1])
  }
  const answer = page
    .waitForResponse(
      (r) => r.request().method() === 'POST' && /\/api\/parlant\/agents$/.test(r.url())
    )
    .catch(() => undefined)
  await dialog.getByRole('button', { name: 'Create agent' }).click()
  // A dialog that stays open says why: the create's status and what the form shows.
  await dialog.waitFor({ state: 'detached' }).catch(async (error: unknown) => {
    const status = (await answer)?.status() ?? 'no answer'
    const shown = await dialog.textContent().catch(() => '(unreadable)')
    throw new Error(`the dialog stayed open (POST ${status}): ${shown}`, { cause: error })
  })
  await agentRow(page, name).waitFor()
}

describe('demo page over time', () => {
  it('keeps every tab’s list current: created, renamed, deleted elsewhere', {
    timeout: 120_000,
  }, async () => {
    const first = await open()
    const second = await open()
    // Nothing to watch yet, and no "idle" label either.
    expect(await first.page.getByText('Live updates idle').count()).toBe(0)
    await second.page.getByText('No agents yet. Create one to get started.').waitFor()

    await createAgent(first.page, 'Support Bot')
    // The other tab hears it through the workspace room, without a reload.
    await agentRow(second.page, 'Support Bot').waitFor()
    expect(await second.page.locator('[data-part="quota"]').textContent()).toBe('1 / 5')

    // Renamed in the second tab → the first shows the new name.
    await agentRow(second.page, 'Support Bot')
      .getByRole('button', { name: 'Configure Support Bot' })
      .click()
    const dialog = second.page.getByRole('dialog', { name: 'Configure Support Bot' })
    await dialog.getByLabel('Name').fill('Support Bot (billing)')
    await dialog.getByRole('button', { name: 'Save changes' }).click()
    await dialog.waitFor({ state: 'detached' })
    await agentRow(first.page, 'Support Bot (billing)').waitFor()

    // Deleted from the first tab's list, after confirming → gone from the second.
    await agentRow(first.page, 'Support Bot (billing)')
      .getByRole('button', { name: 'Delete Support Bot (billing)' })
      .click()
    const confirm = first.page.getByRole('dialog', { name: 'Delete Support Bot (billing)?' })
    await confirm.getByRole('button', { name: 'Cancel' }).click()
    await confirm.waitFor({ state: 'detached' })
    expect(await agentRow(first.page, 'Support Bot (billing)').count()).toBe(1)
    await agentRow(first.page, 'Support Bot (billing)')
      .getByRole('button', { name: 'Delete Support Bot (billing)' })
      .click()
    await first.page
      .getByRole('dialog', { name: 'Delete Support Bot (billing)?' })
      .getByRole('button', { name: 'Delete agent' })
      .click()
    await agentRow(first.page, 'Support Bot (billing)').waitFor({ state: 'detached' })
    await agentRow(second.page, 'Support Bot (billing)').waitFor({ state: 'detached' })
    await second.page.getByText('No agents yet. Create one to get started.').waitFor()
    const listed = await fetch(
      `${host.url}/api/parlant/agents?workspaceId=${host.identity.workspaceId}`,
      {
        headers: { authorization: `Bearer ${host.identity.apiKey}` },
      }
    )
    expect(((await listed.json()) as { agents: unknown[] }).agents).toEqual([])
    expect([...first.errors, ...second.errors]).toEqual([])
    await first.page.close()
    await second.page.close()
  })

  it('shows the conversation again after a reload, and starts a new one on request', {
    timeout: 120_000,
  }, async () => {
    const { page, errors } = await open()
    await createAgent(page, 'Refund helper', ['the customer asks about "refund"', REPLY])
    const chat = page.getByTestId('demo-chat')
    await chat.getByRole('button', { name: 'Start Refund helper' }).click()
    await agentRow(page, 'Refund helper').locator('[data-status="active"]').waitFor()
    const input = chat.getByLabel('Message to Refund helper')
    await input.fill('Can I get a refund?')
    await input.press('Enter')
    const reply = chat.locator('[data-kind="agent"] [data-part="bubble"]')
    await reply.filter({ hasText: 'Refunds are processed within 5 business days.' }).waitFor()
    // Markdown, not raw text: the bold part is bold; the reply has its time; the guideline that
    // matched is named by the agent's own numbering.
    expect(await reply.locator('strong').textContent()).toBe('5 business days')
    expect(await chat.locator('[data-kind="agent"] time').count()).toBe(1)
    await chat
      .locator('[data-part="matched"]')
      .getByText('Guideline 1: the customer asks about "refund"')
      .waitFor()
    await chat.locator('[data-turn="idle"]').waitFor()

    await page.reload()
    const again = page.getByTestId('demo-chat')
    await again
      .locator('[data-kind="agent"] [data-part="bubble"]')
      .filter({ hasText: 'Refunds are processed within 5 business days.' })
      .waitFor()
    const lines = await again
      .locator('ol[aria-label="Transcript"] > li')
      .evaluateAll((items) =>
        items.map(
          (item) =>
            `${item.getAttribute('data-kind')}: ${item.querySelector('[data-part="bubble"]')?.textContent}`
        )
      )
    expect(lines).toEqual([
      'customer: Can I get a refund?',
      'agent: Refunds are processed within 5 business days.',
    ])
    await page.screenshot({ path: join(ARTIFACTS, 'demo-reloaded-transcript.png') })

    await again.getByRole('button', { name: 'New conversation' }).click()
    await again.getByText('No messages yet. Say hello to start the conversation.').waitFor()
    await page.reload()
    await page
      .getByTestId('demo-chat')
      .getByText('No messages yet. Say hello to start the conversation.')
      .waitFor()
    expect(errors).toEqual([])
    await page.close()
  })

  it('lays out at 1024 and 1280 px: chat on screen, names whole, dialog header fixed', {
    timeout: 120_000,
  }, async () => {
    const { page, errors } = await open(1280, 800)
    await createAgent(page, 'Support Bot', [
      'the customer asks about "shipping"',
      'Orders ship within 2 days.',
    ])
    // A name as long as "Support Bot" is not cut at 1280 px; a longer one says itself on hover.
    const name = agentRow(page, 'Support Bot').locator('span[title="Support Bot"]')
    const fits = await name.evaluate((element) => element.scrollWidth <= element.clientWidth)
    expect(fits).toBe(true)
    await page.screenshot({ path: join(ARTIFACTS, 'demo-1280.png') })

    await page.setViewportSize({ width: 1024, height: 768 })
    const chat = page.getByTestId('demo-chat')
    const input = chat.getByLabel('Message to Support Bot')
    await input.waitFor()
    // The whole chat, input included, is on screen without scrolling.
    const box = await input.boundingBox()
    expect(box).not.toBeNull()
    expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(768)
    expect(await page.evaluate(() => window.scrollY)).toBe(0)
    await page.screenshot({ path: join(ARTIFACTS, 'demo-1024.png') })

    // The dialog's title and close button stay put while its body scrolls.
    await agentRow(page, 'Support Bot')
      .getByRole('button', { name: 'Configure Support Bot' })
      .click()
    const dialog = page.getByRole('dialog', { name: 'Configure Support Bot' })
    for (let i = 0; i < 6; i++) await dialog.getByRole('button', { name: 'Add guideline' }).click()
    const title = dialog.getByRole('heading', { name: 'Configure Support Bot' })
    const close = dialog.getByRole('button', { name: 'Close' })
    const before = await title.boundingBox()
    const scrolled = await dialog.evaluate((element) => {
      const body = [...element.querySelectorAll<HTMLElement>('*')].find(
        (node) =>
          getComputedStyle(node).overflowY === 'auto' && node.scrollHeight > node.clientHeight
      )
      if (!body) return false
      body.scrollTop = body.scrollHeight
      return true
    })
    expect(scrolled).toBe(true)
    expect(await title.boundingBox()).toEqual(before)
    expect(await close.isVisible()).toBe(true)
    const closeBox = await close.boundingBox()
    expect(closeBox?.y ?? -1).toBeGreaterThanOrEqual(0)
    await page.screenshot({ path: join(ARTIFACTS, 'demo-dialog-scrolled.png') })
    await close.click()

    // One label per composition mode, and a favicon.
    await page.getByText('Fluid · 1 guideline').waitFor()
    const icon = await fetch(`${host.url}/favicon.ico`)
    expect(icon.status).toBe(200)
    expect(icon.headers.get('content-type')).toBe('image/svg+xml')
    expect(errors).toEqual([])
    await page.close()
  })
})
