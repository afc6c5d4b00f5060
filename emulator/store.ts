/**
 * The emulator's in-memory state: agents, customers, sessions with their event logs, guidelines and
 * tags, in Parlant's wire shapes. Long polls wait on a per-session set of waiters that are woken on
 * every append or in-place update — no polling loops, so thousands of idle sessions cost nothing.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type {
  Agent,
  Customer,
  EventKind,
  EventSource,
  Guideline,
  ParlantEvent,
  Session,
  Tag,
} from '@/emulator/types'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

// Random bytes are drawn in blocks: one `randomBytes` call per id cost the emulator more CPU than
// the turn it serves.
const POOL_SIZE = 4096
let pool = randomBytes(POOL_SIZE)
let poolOffset = 0

/** A 10-character alphanumeric id, like Parlant's generated ids. */
export function generateId(): string {
  if (poolOffset + 10 > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE)
    poolOffset = 0
  }
  let id = ''
  for (let i = poolOffset; i < poolOffset + 10; i++)
    id += ALPHABET[(pool[i] as number) % ALPHABET.length]
  poolOffset += 10
  return id
}

/** A trace id: uuid4 hex, like Parlant's default tracer. */
export function generateTraceId(): string {
  return randomUUID().replace(/-/g, '')
}

let lastMicros = 0

/**
 * Now as Parlant serializes it (ISO 8601, microseconds, `Z`), strictly increasing within the
 * process so creation order is also sort order, as lists and cursors need.
 */
export function utcNow(): string {
  lastMicros = Math.max(Date.now() * 1000, lastMicros + 1)
  const iso = new Date(Math.floor(lastMicros / 1000)).toISOString()
  return `${iso.slice(0, 23)}${String(lastMicros % 1000).padStart(3, '0')}Z`
}

/** Something a long poll or a read waits for; called on every change to its session. */
export type Change = 'event' | 'update' | 'deleted' | 'shutdown'
export type Waiter = (change: Change) => void

/** A running turn, so a newer message can preempt it and a reset can stop it. */
export interface TurnHandle {
  readonly traceId: string
  readonly done: boolean
  /** Stops the turn; with `announce`, emits `cancelled` + `ready{completed}` on its trace. */
  cancel(announce: boolean): void
}

export interface SessionState {
  dto: Session
  events: ParlantEvent[]
  nextOffset: number
  waiters: Set<Waiter>
  turn: TurnHandle | undefined
}

export interface NewEvent {
  kind: EventKind
  source: EventSource
  traceId: string
  data: unknown
  metadata?: Record<string, unknown>
}

export class EmulatorStore {
  readonly agents = new Map<string, Agent>()
  readonly customers = new Map<string, Customer>()
  readonly sessions = new Map<string, SessionState>()
  readonly guidelines = new Map<string, Guideline>()
  readonly tags = new Map<string, Tag>()

  /** Appends an event at the session's next offset and wakes its waiters. */
  append(state: SessionState, input: NewEvent): ParlantEvent {
    const event = {
      id: generateId(),
      source: input.source,
      kind: input.kind,
      offset: state.nextOffset++,
      creation_utc: utcNow(),
      trace_id: input.traceId,
      correlation_id: input.traceId,
      data: input.data,
      metadata: input.metadata ?? {},
      deleted: false,
    } as ParlantEvent
    state.events.push(event)
    this.notify(state, 'event')
    return event
  }

  /** Wakes everything waiting on the session. */
  notify(state: SessionState, change: Change) {
    for (const waiter of [...state.waiters]) waiter(change)
  }

  /**
   * Resolves once `ready(change)` holds for a change to the session (`ready`), the time is up
   * (`timeout`), the session is deleted or the server stops (`gone`), or `signal` aborts (`gone`).
   */
  waitForChange(
    state: SessionState,
    timeoutMs: number,
    ready: (change: Change) => boolean,
    signal?: AbortSignal
  ): Promise<'ready' | 'timeout' | 'gone'> {
    return new Promise((resolve) => {
      let settled = false
      const finish = (result: 'ready' | 'timeout' | 'gone') => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        state.waiters.delete(waiter)
        signal?.removeEventListener('abort', onAbort)
        resolve(result)
      }
      const waiter = (change: Change) => {
        if (change === 'deleted' || change === 'shutdown') finish('gone')
        else if (ready(change)) finish('ready')
      }
      const onAbort = () => finish('gone')
      const timer = setTimeout(() => finish('timeout'), Math.max(0, timeoutMs))
      state.waiters.add(waiter)
      if (signal?.aborted) finish('gone')
      else signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /**
   * Waits until an event appended from now on satisfies `matches` (only new events are scanned,
   * so many idle waiters stay cheap): `ready`, `timeout`, or `gone` as `waitForChange`.
   */
  waitForNewEvent(
    state: SessionState,
    timeoutMs: number,
    matches: (event: ParlantEvent) => boolean,
    signal?: AbortSignal
  ) {
    let scanned = state.events.length
    return this.waitForChange(
      state,
      timeoutMs,
      (change) => {
        if (change !== 'event') return false
        const fresh = state.events.slice(scanned)
        scanned = state.events.length
        return fresh.some(matches)
      },
      signal
    )
  }

  /** Removes a session: stops its turn silently and tells its waiters it is gone. */
  deleteSession(id: string): boolean {
    const state = this.sessions.get(id)
    if (!state) return false
    this.sessions.delete(id)
    state.turn?.cancel(false)
    this.notify(state, 'deleted')
    return true
  }

  /** Stops every turn silently and releases every waiter (restart, reset, shutdown). */
  stopTurns() {
    for (const state of this.sessions.values()) {
      state.turn?.cancel(false)
      this.notify(state, 'shutdown')
    }
  }

  /** Forgets everything. */
  clear() {
    this.stopTurns()
    for (const id of [...this.sessions.keys()]) this.deleteSession(id)
    this.agents.clear()
    this.customers.clear()
    this.guidelines.clear()
    this.tags.clear()
  }
}
