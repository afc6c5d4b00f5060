/**
 * Step 3, run it: the turn on its Parlant session (post once, follow the events), every event
 * relayed to the room of the conversation's caller (never the whole agent room), the cursor (and
 * with its first write the posted event) recorded at most once an interval (5 s by default). A
 * turn shorter than that writes nothing here: the settle records the posted event, the cursor and
 * the result in one statement. (A stop on another node reaches the turn through its stop signal:
 * `lifecycle/turn-signals.ts`.)
 */
import { advanceCursor, callerKeyOf } from '@/lib/parlant/chat/conversations'
import { recordPostedEventWithCursor } from '@/lib/parlant/chat/idempotency'
import { toChatEventPayload } from '@/lib/parlant/chat/relay'
import type { TurnContext } from '@/lib/parlant/chat/steps/context'
import type { OpenTurn } from '@/lib/parlant/chat/steps/open-turn'
import { runTurn, type TurnOutcome } from '@/lib/parlant/chat/turn'
import { callerRoom, PARLANT_EVENTS } from '@/lib/parlant/realtime/events'

/** The cursor the conversation row recorded for `sessionId`, if the row is of that session. */
function recordedCursor(turn: OpenTurn, sessionId: string): number | undefined {
  const row = turn.lease.conversation
  return row?.parlantSessionId === sessionId ? row.eventCursor : undefined
}

/** Runs the turn on `sessionId`; throws `SessionGoneError` if Parlant deleted the session. */
export function runOnSession(
  ctx: TurnContext,
  turn: OpenTurn,
  sessionId: string
): Promise<TurnOutcome> {
  const { deps, defaults, request, base, scope, state } = ctx
  const db = deps.host.db
  // Every event of the turn goes to this one room.
  const room = callerRoom(request.agentId, callerKeyOf(request))
  return runTurn({
    parlant: deps.parlant,
    sessionId,
    message: request.message,
    bridgeMessageId: turn.bridgeMessageId,
    posted: turn.posted,
    lookFirst: turn.lookFirst,
    signal: scope.signal,
    pollWaitSeconds: defaults.pollWaitSeconds,
    trailingErrorWaitMs: defaults.trailingErrorWaitMs,
    eventStream: defaults.eventStream,
    streamWaitSeconds: defaults.streamWaitSeconds,
    cursorWriteIntervalMs: defaults.cursorWriteIntervalMs,
    eventsFrom: recordedCursor(turn, sessionId),
    logger: deps.host.logger,
    onPosted: (posted) => {
      state.traceId = posted.traceId
      // An earlier attempt's recorded event needs no new record.
      state.posted = { message: posted, recorded: turn.posted?.eventId === posted.eventId }
    },
    onEvent: (event, eventCtx) =>
      ctx.publish(
        room,
        PARLANT_EVENTS.chatEvent,
        toChatEventPayload(event, { ...base, sessionId, preamble: eventCtx.preamble })
      ),
    onCursor: async (cursor) => {
      const posted = state.posted
      if (!posted || posted.recorded) {
        await advanceCursor(db, request.workspaceId, turn.conversationId, sessionId, cursor)
        return
      }
      await recordPostedEventWithCursor(db, {
        workspaceId: request.workspaceId,
        turnId: turn.turnId,
        conversationId: turn.conversationId,
        sessionId,
        posted: posted.message,
        cursor,
      })
      posted.recorded = true
    },
  })
}
