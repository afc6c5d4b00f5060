/**
 * The Parlant half of the host's `/health`: whether the configured Parlant server answers, and if
 * not, why, in words an operator can act on ("connection refused at http://…"). Probed with its own
 * client (no retries, no breaker, 1 s) so a health check neither waits nor trips the bridge's
 * breaker; answers are cached for a second so a flood of checks is not a flood on Parlant.
 */
import {
  createParlantClient,
  ParlantError,
  ParlantForbidden,
  ParlantTimeout,
  ParlantUnavailable,
} from '@/lib/parlant/client'
import type { BridgeLogger } from '@/lib/parlant/ports'

/** What `/health` says about Parlant. */
export interface ParlantHealth {
  reachable: boolean
  /** The server probed, without any credentials in it. */
  url: string
  /** Why it is not reachable. */
  error?: string
}

const CACHE_MS = 1000

/** The probe's failures are its answer: logging each one would flood the log while Parlant is down. */
const quiet: BridgeLogger = { debug() {}, info() {}, warn() {}, error() {} }

/** `url` without user info, query or fragment (it is shown to anyone who can reach `/health`). */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/$/, '')}`
  } catch {
    return 'the configured URL'
  }
}

/** Why a probe failed, naming the server. */
export function describeProbeFailure(error: unknown, url: string): string {
  if (error instanceof ParlantUnavailable) {
    if (error.reason === 'server_error') {
      return `the server answered ${error.status ?? 'an error'} at ${url}`
    }
    if (/ECONNREFUSED/.test(error.message)) return `connection refused at ${url}`
    if (/ENOTFOUND|EAI_AGAIN/.test(error.message)) return `host not found for ${url}`
    if (/ECONNRESET|EPIPE|socket hang up/i.test(error.message)) {
      return `connection reset by ${url}`
    }
    return `unreachable at ${url}`
  }
  if (error instanceof ParlantTimeout) return `no answer within 1 s from ${url}`
  if (error instanceof ParlantForbidden) return `the server refused the API key at ${url}`
  if (error instanceof ParlantError)
    return `unexpected answer (${error.status ?? 'none'}) at ${url}`
  return `probe failed at ${url}`
}

/** A cached prober of the Parlant server at `baseUrl`. */
export function createParlantProbe(options: { baseUrl: string; apiKey?: string }) {
  const url = displayUrl(options.baseUrl)
  const client = createParlantClient({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    retry: false,
    breaker: false,
    timeouts: { defaultMs: 1000 },
    logger: quiet,
  })
  let cached: { at: number; pending: Promise<ParlantHealth> } | undefined

  async function probe(): Promise<ParlantHealth> {
    try {
      await client.health({ timeoutMs: 1000 })
      return { reachable: true, url }
    } catch (error) {
      return { reachable: false, url, error: describeProbeFailure(error, url) }
    }
  }

  return {
    /** Parlant's reachability, at most a second old. */
    check(): Promise<ParlantHealth> {
      const now = Date.now()
      if (!cached || now - cached.at > CACHE_MS) cached = { at: now, pending: probe() }
      return cached.pending
    },
  }
}
