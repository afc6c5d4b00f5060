/**
 * Drives one turn on a Parlant session, exactly as the API reference (§2.5–2.6, §6, §9) says:
 * post the customer message once (marked with `metadata.bridge_msg_id`; after an ambiguous
 * failure, look for the marker instead of re-posting), then long-poll from the posted offset and
 * collect the events of its `trace_id` until `ready` with `stage: "completed"` — a bare `ready {}`
 * is interim — then one short look for a trailing `error`. The events come from one
 * server-sent-events stream per turn (opened beside the post, from the cursor the conversation
 * recorded, when it has one), or the long poll when the server does not stream (see `feed.ts`). 504 means "poll again"; a 404 means the session is gone (the caller recreates it once).
 */

import { type EventFeed, longPollFeed, streamFeed } from '@/lib/parlant/chat/feed'
import {
  isAgentMessage,
  isMessageComplete,
  isPreamble,
  isTurnCompleted,
  type MessageEvent,
  type ParlantClient,
  type ParlantEvent,
  ParlantNotFound,
  ParlantTimeout,
  ParlantUnavailable,
} from '@/lib/parlant/client'
import { BridgeError } from '@/lib/parlant/errors'
import type { BridgeLogger } from '@/lib/parlant/ports'
import type { AgentMessage, ChatTurnResult } from '@/lib/parlant/schemas'

/** The session was deleted on the Parlant server (a 404 on post or poll). */
export class SessionGoneError extends Error {
  override name = 'SessionGoneError'
}

/** Parlant reported `status: error` for the turn (its traceback is logged, never shown). */
export class TurnFailedError extends Error {
  override name = 'TurnFailedError'
}

/** The customer event a turn hangs on. */
export interface PostedMessage {
  eventId: string
  offset: number
  traceId: string
}

export interface TurnInput {
  parlant: ParlantClient
  sessionId: string
  message: string
  bridgeMessageId: string
  /** The posted event, when an earlier attempt already posted it. */
  posted: PostedMessage | null
  /** Look for `bridgeMessageId` in the session before posting (a retry of an earlier attempt). */
  lookFirst: boolean
  signal: AbortSignal
  pollWaitSeconds: number
  /**
   * How long to look for a trailing `error` after the final ready, ms (the long poll rounds it up
   * to whole seconds).
   */
  trailingErrorWaitMs: number
  streamWaitSeconds: number
  /** Mid-turn cursor writes at most this often, ms. */
  cursorWriteIntervalMs: number
  /** Read the events as one server-sent-events stream (long poll when the server has none). */
  eventStream: boolean
  /**
   * The session's event cursor as last recorded, when known: the stream opens from it beside the
   * post instead of after it (events below the posted one are dropped), one round trip sooner.
   */
  eventsFrom?: number
  logger: BridgeLogger
  /**
   * Called once the customer event is known (before any waiting). The caller records it with its
   * next write: a retry that finds no record looks for the event in the session before posting
   * (`lookFirst`), so a record is a shortcut, never what prevents a second post.
   */
  onPosted(posted: PostedMessage): void
  /** Every event of the session, in offset order, as it arrives (and each streaming update). */
  onEvent(event: ParlantEvent, ctx: { traceId: string; preamble: boolean }): void
  /**
   * Persist the cursor after a batch that did not end the turn, at most once every
   * `cursorWriteIntervalMs`. The final cursor is returned in the outcome instead, for the caller to
   * store with the result in one write.
   */
  onCursor(cursor: number): Promise<void>
}

export type TurnOutcome = Pick<
  ChatTurnResult,
  'outcome' | 'messages' | 'preambles' | 'toolCalls' | 'matchedGuidelines' | 'traceId'
> & {
  /** The session's event cursor after the turn (past every event read). */
  cursor: number
}

function toAgentMessage(event: MessageEvent): AgentMessage {
  return {
    id: event.id,
    offset: event.offset,
    source: event.source,
    text: event.data.message,
    participant: event.data.participant.display_name ?? null,
    createdAt: event.creation_utc,
  }
}

function isNotFound(error: unknown) {
  return error instanceof ParlantNotFound
}

/** A failure after which the message may or may not have been stored. */
function isAmbiguous(error: unknown) {
  return (
    (error instanceof ParlantUnavailable && error.reason !== 'breaker_open') ||
    error instanceof ParlantTimeout
  )
}

async function findPosted(input: TurnInput): Promise<PostedMessage | null> {
  const batch = await input.parlant.events
    .list(input.sessionId, {
      minOffset: 0,
      kinds: ['message'],
      source: 'customer',
      waitForData: 0,
      signal: input.signal,
    })
    .catch((error: unknown) => {
      // Also after an ambiguous post: a restarted server fails the post and lost the session.
      if (isNotFound(error)) throw new SessionGoneError('session not found while looking')
      throw error
    })
  const found = batch.events.find((e) => e.metadata.bridge_msg_id === input.bridgeMessageId)
  return found ? { eventId: found.id, offset: found.offset, traceId: found.trace_id } : null
}

async function postOnce(
  input: TurnInput
): Promise<{ posted: PostedMessage; event?: ParlantEvent }> {
  if (input.posted) return { posted: input.posted }
  if (input.lookFirst) {
    const found = await findPosted(input)
    if (found) return { posted: found }
  }
  try {
    const event = await input.parlant.events.sendCustomerMessage(
      input.sessionId,
      input.message,
      { bridge_msg_id: input.bridgeMessageId },
      { signal: input.signal }
    )
    return { posted: { eventId: event.id, offset: event.offset, traceId: event.trace_id }, event }
  } catch (error) {
    if (isNotFound(error)) throw new SessionGoneError('session not found on post')
    if (!isAmbiguous(error) || input.signal.aborted) throw error
    // The server may have stored it: look before anyone re-posts.
    const found = await findPosted(input)
    if (found) return { posted: found }
    throw new BridgeError(
      'parlant_unavailable',
      'Parlant did not confirm the message and it is not in the session; retry with the same idempotency key',
      undefined,
      { cause: error }
    )
  }
}

/** Whether two messages' chunks are the same, text for text (what comparing them as JSON says). */
function sameChunks(a: MessageEvent['data']['chunks'], b: MessageEvent['data']['chunks']) {
  if (a === undefined || b === undefined) return a === b
  return a.length === b.length && a.every((chunk, i) => chunk === b[i])
}

/** Waits for a streamed message to complete, relaying each growth of its chunks. */
async function followStream(
  input: TurnInput,
  first: MessageEvent,
  traceId: string
): Promise<MessageEvent> {
  let current = first
  while (!isMessageComplete(current)) {
    input.signal.throwIfAborted()
    let next: ParlantEvent
    try {
      next = await input.parlant.events.get(input.sessionId, current.id, {
        waitForCompletion: true,
        waitForData: input.streamWaitSeconds,
        signal: input.signal,
      })
    } catch (error) {
      if (isNotFound(error)) throw new SessionGoneError('session not found while streaming')
      if (!(error instanceof ParlantTimeout && error.status === 504)) throw error
      // Not complete yet: read it as it stands to relay the growth, then wait again.
      next = await input.parlant.events.get(input.sessionId, current.id, { signal: input.signal })
    }
    if (next.kind !== 'message') return current
    // Compared chunk by chunk, not by count: a redacted stream is one chunk that grows.
    const grew = !sameChunks(next.data.chunks, current.data.chunks)
    current = next
    if (grew) input.onEvent(current, { traceId, preamble: false })
  }
  return current
}

/** Runs one turn and returns what the agent did. */
export async function runTurn(input: TurnInput): Promise<TurnOutcome> {
  const feedInput = {
    parlant: input.parlant,
    sessionId: input.sessionId,
    signal: input.signal,
    logger: input.logger,
  }
  const feed = input.eventStream
    ? streamFeed({ ...feedInput, streamWaitSeconds: input.pollWaitSeconds })
    : longPollFeed(feedInput)
  if (input.eventsFrom !== undefined) feed.prime(input.eventsFrom)
  try {
    // The mode read goes out with the post, as near the moment Parlant decides (at the post) whether
    // the engine takes the message as a read can be: read later, a switch in between would end an
    // auto turn as manual, or leave a manual one waiting for its deadline.
    const [session, { posted, event }] = await Promise.all([
      input.parlant.sessions
        .get(input.sessionId, { signal: input.signal })
        .catch((error: unknown) => {
          if (isNotFound(error)) throw new SessionGoneError('session not found')
          throw error
        }),
      postOnce(input),
    ])
    const cursor = posted.offset + 1
    input.onPosted(posted)
    const traceId = posted.traceId
    if (event) input.onEvent(event, { traceId, preamble: false })

    const outcome: TurnOutcome = {
      outcome: 'replied',
      messages: [],
      preambles: [],
      toolCalls: [],
      matchedGuidelines: [],
      traceId,
      cursor,
    }
    // Manual mode: the engine emits nothing for this message; a human takes it from here.
    if (session.mode === 'manual') return { ...outcome, outcome: 'manual_mode' }
    return await follow(input, feed, { outcome, traceId, cursor })
  } finally {
    feed.close()
  }
}

/** Reads the session's events from `cursor` until the turn's final ready (and a trailing error). */
async function follow(
  input: TurnInput,
  feed: EventFeed,
  start: { outcome: TurnOutcome; traceId: string; cursor: number }
): Promise<TurnOutcome> {
  const { outcome, traceId } = start
  let cursor = start.cursor
  // The first cursor write comes an interval in (recording the posted event with it); a turn that
  // ends sooner records both when it settles.
  let cursorWrittenAt = Date.now()
  const poll = async (waitMs: number) => {
    try {
      return await feed.next(cursor, waitMs)
    } catch (error) {
      if (isNotFound(error)) throw new SessionGoneError('session not found while polling')
      throw error
    }
  }

  const failIfError = (ev: ParlantEvent) => {
    if (ev.kind === 'status' && ev.trace_id === traceId && ev.data.status === 'error') {
      const exception = String(ev.data.data.exception ?? '')
      input.logger.warn('Parlant reported a turn error', {
        sessionId: input.sessionId,
        traceId,
        exception: exception.slice(0, 2000),
      })
      throw new TurnFailedError('Parlant reported an error while processing the message')
    }
  }

  for (;;) {
    input.signal.throwIfAborted()
    const batch = await poll(input.pollWaitSeconds * 1000)
    if (batch.timedOut) continue
    cursor = batch.nextOffset
    let completed = false
    let cancelled = false
    for (const ev of batch.events) {
      const ours = ev.trace_id === traceId
      const preamble = isPreamble(ev)
      input.onEvent(ev, { traceId, preamble })
      if (!ours || completed || cancelled) {
        if (completed && ours) failIfError(ev)
        continue
      }
      if (isAgentMessage(ev)) {
        const complete = isMessageComplete(ev) ? ev : await followStream(input, ev, traceId)
        ;(preamble ? outcome.preambles : outcome.messages).push(toAgentMessage(complete))
      } else if (ev.kind === 'tool') {
        for (const call of ev.data.tool_calls) outcome.toolCalls.push({ ...call })
      } else if (ev.kind === 'status') {
        failIfError(ev)
        if (ev.data.status === 'cancelled') cancelled = true
        else if (isTurnCompleted(ev)) {
          completed = true
          const matched = ev.data.data.matched_guidelines
          if (Array.isArray(matched)) {
            for (const m of matched) {
              if (m && typeof m === 'object' && 'id' in m && typeof m.id === 'string')
                outcome.matchedGuidelines.push(m.id)
            }
          }
        }
      }
    }
    if (cancelled) return { ...outcome, outcome: 'cancelled', cursor }
    if (!completed) {
      // The stream hands out events one by one: a write for each would cost a statement per event.
      // The interval bounds what a node taking over re-reads.
      if (Date.now() - cursorWrittenAt >= input.cursorWriteIntervalMs) {
        await input.onCursor(cursor)
        cursorWrittenAt = Date.now()
      }
      continue
    }
    const done = {
      ...outcome,
      outcome: outcome.messages.length > 0 ? ('replied' as const) : ('no_reply' as const),
    }
    // A failed turn ends with ready{completed} *followed by* error: one short look for it. The
    // reply is already on screens; a stop or deadline during this look leaves the turn complete.
    let trailing: Awaited<ReturnType<typeof poll>>
    try {
      trailing = await poll(input.trailingErrorWaitMs)
    } catch (error) {
      if (input.signal.aborted) return { ...done, cursor }
      throw error
    }
    if (!trailing.timedOut && trailing.events.length > 0) {
      cursor = trailing.nextOffset
      for (const ev of trailing.events) {
        input.onEvent(ev, { traceId, preamble: isPreamble(ev) })
        if (ev.kind === 'status' && ev.trace_id === traceId && ev.data.status === 'error') {
          // Keep the cursor past the error before failing, so the next turn does not re-read it.
          await input.onCursor(cursor)
        }
        failIfError(ev)
      }
    }
    return { ...done, cursor }
  }
}
