/**
 * Helpers of the reliability suite: timed HTTP calls that classify every outcome (ok, clear
 * error, unclear error, hung), the error-shape check, duplicate detection from the emulator's
 * created-events log, and percentiles for reports.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BRIDGE_ERROR_STATUS } from '@/lib/parlant/errors'
import type { RunningEmulator } from '@/emulator'

/** Whether the long variants run (`npm run test:reliability`). */
export const LONG = process.env.RELIABILITY_LONG === '1'

export function tempDataDir(prefix: string) {
  return mkdtempSync(join(tmpdir(), `bridge-reliability-${prefix}-`))
}

/** How one call ended. `hung`: no answer within its deadline plus the margin. */
export type Outcome =
  | { kind: 'ok'; status: number; body: Record<string, unknown>; ms: number }
  | { kind: 'error'; status: number; body: Record<string, unknown>; text: string; ms: number }
  | { kind: 'hung'; ms: number }
  | { kind: 'network'; message: string; ms: number }

/**
 * Calls the host with a hard timeout of `settleWithinMs`: a call still open then counts as hung.
 * This is a liveness bound (did it settle at all), not a performance threshold.
 */
export async function call(
  url: string,
  key: string,
  method: string,
  path: string,
  body: unknown,
  settleWithinMs: number,
  rawBody?: string
): Promise<Outcome> {
  const started = performance.now()
  try {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
      signal: AbortSignal.timeout(settleWithinMs),
    })
    const text = await response.text()
    const ms = performance.now() - started
    let parsed: Record<string, unknown> = {}
    try {
      parsed = JSON.parse(text) as Record<string, unknown>
    } catch {
      parsed = { unparsable: text.slice(0, 200) }
    }
    return response.ok
      ? { kind: 'ok', status: response.status, body: parsed, ms }
      : { kind: 'error', status: response.status, body: parsed, text, ms }
  } catch (error) {
    const ms = performance.now() - started
    if (error instanceof Error && error.name === 'TimeoutError') return { kind: 'hung', ms }
    return { kind: 'network', message: error instanceof Error ? error.message : String(error), ms }
  }
}

const KNOWN_CODES = new Set(Object.keys(BRIDGE_ERROR_STATUS))

/**
 * Why an error response is not a clear error, or undefined when it is: `{ error, code, details? }`
 * with a known code whose status matches, not `internal`, no stack trace and none of `secrets`.
 */
export function unclearError(
  outcome: Extract<Outcome, { kind: 'error' }>,
  secrets: readonly string[]
): string | undefined {
  const { body, status, text } = outcome
  const keys = Object.keys(body)
  if (typeof body.error !== 'string' || body.error.length === 0) return `no message: ${text}`
  if (typeof body.code !== 'string' || !KNOWN_CODES.has(body.code)) return `unknown code: ${text}`
  if (keys.some((k) => !['error', 'code', 'details'].includes(k))) return `extra fields: ${text}`
  if (body.code === 'internal' || status >= 500) {
    // 5xx is right for upstream trouble (502/503/504); a 500 means the bridge itself broke.
    if (status === 500) return `internal error: ${text}`
  }
  if (BRIDGE_ERROR_STATUS[body.code as keyof typeof BRIDGE_ERROR_STATUS] !== status)
    return `status ${status} does not match code ${body.code}`
  if (/\n\s+at |\bat .+\.(ts|js):\d+/.test(text)) return `stack trace: ${text}`
  for (const secret of secrets) if (text.includes(secret)) return 'a secret leaked'
  return undefined
}

/** Bridge message ids (customer messages) posted more than once, from the emulator's log. */
export function duplicatePosts(emulator: RunningEmulator): string[] {
  const seen = new Map<string, number>()
  for (const { event } of emulator.control.createdEvents()) {
    if (event.kind !== 'message' || event.source !== 'customer') continue
    const id = event.metadata?.bridge_msg_id
    if (typeof id !== 'string') continue
    seen.set(id, (seen.get(id) ?? 0) + 1)
  }
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id)
}

/** How many customer messages with `text` were posted. */
export function postsOf(emulator: RunningEmulator, text: string) {
  return emulator.control
    .createdEvents()
    .filter(
      ({ event }) =>
        event.kind === 'message' &&
        event.source === 'customer' &&
        (event.data as { message?: unknown }).message === text
    ).length
}

/** The q-quantile (0..1) of `values`, nearest rank. */
export function percentile(values: readonly number[], q: number) {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank] as number
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  everyMs = 50
): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await sleep(everyMs)
  }
}
