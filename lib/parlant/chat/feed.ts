/**
 * Where a turn reads its session's events: one server-sent-events stream (`sse=true`), reopened
 * from the cursor when the server ends it, or Parlant's long poll when the server does not stream
 * (it answers the stream request as a long poll, or opening or reading the stream fails). Both
 * answer "events from this cursor on, waiting at most this long", so the turn reads either alike;
 * the stream's wait is in milliseconds, the long poll's in Parlant's whole seconds (rounded up).
 */
import { getErrorMessage } from '@sim/utils/errors'
import { type LinkedController, linkedController } from '@/lib/parlant/chat/signals'
import {
  dedupeAndSort,
  type EventBatch,
  type EventStreamOpening,
  type ParlantClient,
  type ParlantEvent,
  ParlantNotFound,
} from '@/lib/parlant/client'
import type { BridgeLogger } from '@/lib/parlant/ports'

export interface EventFeed {
  /** Events from `cursor` on, sorted, waiting up to `waitMs` for one; `timedOut` when none came. */
  next(cursor: number, waitMs: number): Promise<EventBatch>
  /**
   * Opens the stream from `cursor` now, without waiting: a later `next` from a cursor at or past it
   * reads that stream (events below its own cursor are dropped). A no-op for the long poll.
   */
  prime(cursor: number): void
  /** Ends the stream, if one is open (or opening). */
  close(): void
}

export interface FeedInput {
  parlant: ParlantClient
  sessionId: string
  signal: AbortSignal
  logger: BridgeLogger
}

/** Parlant's long poll: `wait_for_data` is whole seconds, so a sub-second wait takes one. */
export function longPollFeed({ parlant, sessionId, signal }: FeedInput): EventFeed {
  return {
    next: (cursor, waitMs) =>
      parlant.events.list(sessionId, {
        minOffset: cursor,
        waitForData: Math.ceil(waitMs / 1000),
        signal,
      }),
    prime() {},
    close() {},
  }
}

/** Streams in a row that end with no event before the feed long polls instead. */
const EMPTY_ENDS_BEFORE_LONG_POLL = 3

interface OpenStream {
  close(): void
  /** Events received and not yet handed out. */
  queue: ParlantEvent[]
  received: number
  done: boolean
  failure: unknown
}

/**
 * The stream feed. `streamWaitSeconds` is the stream's `wait_for_data`: the server ends it after
 * that much silence, and it is reopened on the next read.
 */
export function streamFeed(input: FeedInput & { streamWaitSeconds: number }): EventFeed {
  const { parlant, sessionId, signal, logger } = input
  const longPoll = longPollFeed(input)
  let fallback = false
  let closed = false
  let current: OpenStream | null = null
  /** A stream `prime` is opening: `next` waits for it instead of opening another. */
  let opening: Promise<unknown> | null = null
  /** The cursor the primed stream starts at: a `next` from below it must not read that stream. */
  let primedFrom = 0
  /** The primed request's own signal: `close` aborts it while it is still opening. */
  let primeSignals: { linked: LinkedController; settled: boolean } | null = null
  let emptyEnds = 0
  let wake: (() => void) | null = null
  const poke = () => {
    const resolve = wake
    wake = null
    resolve?.()
  }

  const switchToLongPoll = (why: unknown) => {
    fallback = true
    logger.warn('Parlant event stream unavailable; long polling instead', {
      sessionId,
      cause: getErrorMessage(why),
    })
  }

  /** Opens a stream from `cursor`; returns a batch instead when the server answered a long poll. */
  const open = async (
    cursor: number,
    requestSignal: AbortSignal = signal
  ): Promise<EventBatch | null> => {
    const stream: OpenStream = {
      close() {},
      queue: [],
      received: 0,
      done: false,
      failure: null,
    }
    let answer: EventStreamOpening
    try {
      answer = await parlant.events.stream(
        sessionId,
        { minOffset: cursor, waitForData: input.streamWaitSeconds, signal: requestSignal },
        (event) => {
          stream.queue.push(event)
          stream.received += 1
          poke()
        }
      )
    } catch (error) {
      if (error instanceof ParlantNotFound || signal.aborted) throw error
      // Aborted by `close`: nobody reads this feed any more.
      if (closed) return null
      switchToLongPoll(error)
      return null
    }
    if (answer.kind === 'batch') {
      // The server ignored `sse`: this is a long poll's answer, and the long poll it is from now.
      fallback = true
      return answer.batch
    }
    stream.close = answer.close
    // Closed while it was opening (a primed stream the turn no longer needs).
    if (closed) answer.close()
    answer.ended.then(
      () => {
        stream.done = true
        poke()
      },
      (error: unknown) => {
        stream.done = true
        stream.failure = error
        poke()
      }
    )
    current = stream
    return null
  }

  /** Resolves on news from the stream or after `ms`; rejects when the signal fires. */
  const wait = (ms: number) =>
    new Promise<boolean>((resolve, reject) => {
      const onAbort = () => finish(() => reject(signal.reason))
      const timer = setTimeout(() => finish(() => resolve(false)), ms)
      const finish = (settle: () => void) => {
        clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
        wake = null
        settle()
      }
      wake = () => finish(() => resolve(true))
      signal.addEventListener('abort', onAbort, { once: true })
    })

  const next = async (cursor: number, waitMs: number): Promise<EventBatch> => {
    const deadline = Date.now() + waitMs
    if (opening) {
      const primed = opening
      opening = null
      // A long poll's answer to the primed request is from its older cursor: the long poll takes
      // over from this cursor below. An open failure rethrows here (gone session, abort).
      await primed
      // A stream from past this cursor would never show the events in between (a retry resumes
      // from its posted message, which the recorded cursor may have passed): open another.
      if (current && cursor < primedFrom) {
        current.close()
        current = null
      }
    }
    for (;;) {
      signal.throwIfAborted()
      if (fallback) return longPoll.next(cursor, Math.max(0, deadline - Date.now()))
      if (!current) {
        const answered = await open(cursor)
        if (answered) return answered
        continue
      }
      const stream: OpenStream = current
      const events = stream.queue.filter((e) => e.offset >= cursor)
      stream.queue = []
      if (events.length > 0) {
        const sorted = dedupeAndSort(events)
        const last = sorted[sorted.length - 1] as ParlantEvent
        return { events: sorted, timedOut: false, nextOffset: Math.max(cursor, last.offset + 1) }
      }
      if (stream.done) {
        current = null
        if (stream.failure) {
          if (stream.failure instanceof ParlantNotFound || signal.aborted) throw stream.failure
          switchToLongPoll(stream.failure)
          continue
        }
        if (stream.received > 0) {
          emptyEnds = 0
          continue // the server ended it after a silence: reopen
        }
        // Ended with nothing: silence for a whole wait, or a session that is gone (which a stream
        // ends quietly). One look without waiting tells them apart (a gone session is a 404).
        const look = await longPoll.next(cursor, 0)
        // A server that ends every stream at once would have us reopen in a loop.
        emptyEnds += 1
        if (emptyEnds >= EMPTY_ENDS_BEFORE_LONG_POLL) {
          switchToLongPoll('event streams end without events')
        }
        if (look.events.length > 0) return look
        return { events: [], timedOut: true, nextOffset: cursor }
      }
      const left = deadline - Date.now()
      if (left <= 0 || !(await wait(left))) {
        return { events: [], timedOut: true, nextOffset: cursor }
      }
    }
  }

  return {
    next,
    prime(cursor) {
      if (fallback || current || opening || closed) return
      primedFrom = cursor
      const own = { linked: linkedController([signal]), settled: false }
      primeSignals = own
      const primed = open(cursor, own.linked.signal).finally(() => {
        own.settled = true
      })
      // Held for `next`, which rethrows a failure; a turn that never reads it must not leave the
      // rejection unhandled.
      primed.catch(() => {})
      opening = primed
    },
    close() {
      closed = true
      current?.close()
      current = null
      // A primed request still opening (a long poll, behind a server without streams, can wait
      // for many seconds) is aborted; an opened one was closed above without an abort error.
      if (primeSignals && !primeSignals.settled) primeSignals.linked.abort()
      primeSignals?.linked.dispose()
      primeSignals = null
    },
  }
}
