/** Shared helpers for the client and emulator tests. */

import { isTurnCompleted, type ParlantClient, type ParlantEvent } from '@/lib/parlant/client'
import type { BridgeLogger } from '@/lib/parlant/ports'

/** A logger that records every line, so tests can assert nothing secret was logged. */
export function captureLogger() {
  const lines: string[] = []
  const write = (level: string) => (message: string, context?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${context ? JSON.stringify(context) : ''}`)
  }
  const logger: BridgeLogger = {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  }
  return { logger, lines }
}

/**
 * Long-polls a session from `minOffset` until the turn of `traceId` reaches ready{completed}, then
 * makes one short extra poll for a trailing `error`, as the bridge must. Returns the trace's events.
 */
export async function collectTurn(
  client: ParlantClient,
  sessionId: string,
  traceId: string,
  minOffset = 0,
  maxPolls = 50
): Promise<ParlantEvent[]> {
  const seen: ParlantEvent[] = []
  let cursor = minOffset
  for (let i = 0; i < maxPolls; i++) {
    const batch = await client.events.list(sessionId, { minOffset: cursor, waitForData: 2 })
    cursor = batch.nextOffset
    const mine = batch.events.filter((e) => e.trace_id === traceId)
    seen.push(...mine)
    if (mine.some(isTurnCompleted)) {
      const tail = await client.events.list(sessionId, {
        minOffset: cursor,
        traceId,
        waitForData: 0,
      })
      seen.push(...tail.events)
      return seen
    }
  }
  throw new Error(`turn ${traceId} did not complete in ${maxPolls} polls`)
}

/** A short, readable timeline: `status:acknowledged`, `message:ai_agent`, … */
export function timeline(events: readonly ParlantEvent[]): string[] {
  return events.map((e) =>
    e.kind === 'status'
      ? `status:${e.data.status}${e.data.data.stage ? `:${String(e.data.data.stage)}` : ''}`
      : `${e.kind}:${e.source}`
  )
}
