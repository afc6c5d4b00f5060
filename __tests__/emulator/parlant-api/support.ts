/**
 * Black-box HTTP access to a fresh emulator for the Parlant API suite. These tests restate
 * Parlant's own API tests (`tests/api/test_*.py` in emcie-co/parlant) and the behaviour of its
 * routers and modules as requests and expected answers; they never look inside the emulator.
 */
import { type RunningEmulator, startEmulator } from '@/emulator'

export interface Answer {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: tests index into arbitrary JSON answers
  json: any
  text: string
  headers: Headers
}

/** Starts one emulator for a test file and resets it before every test. */
export function emulatorPerFile(options: { waitUnitMs?: number; delayMs?: number } = {}) {
  let emulator: RunningEmulator | undefined
  beforeAll(async () => {
    emulator = await startEmulator({
      delayMs: options.delayMs ?? 0,
      waitUnitMs: options.waitUnitMs ?? 50,
    })
  })
  afterAll(async () => {
    await emulator?.close()
  })
  beforeEach(() => {
    emulator?.control.reset()
  })
  const url = () => {
    if (!emulator) throw new Error('emulator not started')
    return emulator.url
  }

  /** One request; `body` is sent as JSON unless it is already a string. */
  async function call(method: string, path: string, body?: unknown): Promise<Answer> {
    const response = await fetch(`${url()}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await response.text()
    let json: unknown
    try {
      json = text ? JSON.parse(text) : undefined
    } catch {
      json = undefined
    }
    return { status: response.status, json, text, headers: response.headers }
  }

  /** A call that must succeed with `status`; returns the JSON body. */
  async function ok(method: string, path: string, body?: unknown, status = 200) {
    const answer = await call(method, path, body)
    if (answer.status !== status) {
      throw new Error(`${method} ${path}: expected ${status}, got ${answer.status} ${answer.text}`)
    }
    return answer.json
  }

  return { call, ok, url }
}

/** Reads a `text/event-stream` to its end (or `limitMs`) and returns the `data:` payloads. */
export async function readSse(url: string, limitMs = 5000) {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), limitMs)
  const response = await fetch(url, { signal: controller.signal })
  const frames: unknown[] = []
  let raw = ''
  try {
    raw = await response.text()
  } catch {
    // Aborted at the limit, or broken off by the server: keep what arrived.
  } finally {
    clearTimeout(timer)
  }
  for (const block of raw.split('\n\n')) {
    if (block.startsWith('data: ')) frames.push(JSON.parse(block.slice(6)))
  }
  return { status: response.status, contentType: response.headers.get('content-type'), raw, frames }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
