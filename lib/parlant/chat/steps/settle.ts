/**
 * Step 4, settle it: a completed turn's result recorded with the final cursor (releasing the
 * lease in the same write) and announced; a failed turn recorded and announced by its owner.
 */
import { callerKeyOf } from '@/lib/parlant/chat/conversations'
import { failTurn, settleTurn } from '@/lib/parlant/chat/idempotency'
import type { TurnContext } from '@/lib/parlant/chat/steps/context'
import type { OpenTurn } from '@/lib/parlant/chat/steps/open-turn'
import type { TurnOutcome } from '@/lib/parlant/chat/turn'
import type { BridgeError } from '@/lib/parlant/errors'
import { mapJsonStrings } from '@/lib/parlant/json-strings'
import { bridgeGuidelineIdOf } from '@/lib/parlant/lifecycle/provision'
import { callerRoom, PARLANT_EVENTS, type TurnEndEvent } from '@/lib/parlant/realtime/events'
import { type ChatTurnResult, toStorableText } from '@/lib/parlant/schemas'

const MANUAL_MODE_CONTENT =
  'This conversation is in manual mode (handed off to a human agent), so the AI agent will not reply.'

/** Records the completed turn, lets go of its lease and announces `turnComplete`. */
export async function settleCompleted(
  ctx: TurnContext,
  turn: OpenTurn,
  sessionId: string,
  outcome: TurnOutcome
): Promise<ChatTurnResult> {
  const { deps, request, base } = ctx
  const completedAt = deps.host.clock.now()
  // What Parlant said is recorded as it can be stored: a reply with a NUL or a cut emoji must not
  // fail the turn after its message was posted.
  const result: ChatTurnResult = mapJsonStrings<ChatTurnResult>(
    {
      content:
        outcome.outcome === 'manual_mode'
          ? MANUAL_MODE_CONTENT
          : outcome.messages.map((m) => m.text).join('\n\n'),
      outcome: outcome.outcome,
      messages: outcome.messages,
      preambles: outcome.preambles,
      toolCalls: outcome.toolCalls,
      // Parlant names its own guideline ids; callers see the agent's (its configuration's) ids.
      matchedGuidelines: outcome.matchedGuidelines.map((id) =>
        bridgeGuidelineIdOf(turn.parlantAgentId, id)
      ),
      agentId: request.agentId,
      sessionId,
      conversationKey: request.conversationKey,
      sessionRenewed: ctx.state.sessionRenewed === true,
      traceId: outcome.traceId,
      timing: {
        startedAt: ctx.startedAt.toISOString(),
        completedAt: completedAt.toISOString(),
        durationMs: completedAt.getTime() - ctx.startedAt.getTime(),
      },
    },
    toStorableText
  )
  const posted = ctx.state.posted?.message
  // `runTurn` reports the posted event before it can return an outcome.
  if (!posted) throw new Error('a completed turn without its posted event')
  await settleTurn(deps.host.db, {
    workspaceId: request.workspaceId,
    turnId: turn.turnId,
    result,
    posted,
    conversationId: turn.conversationId,
    sessionId,
    cursor: outcome.cursor,
    leaseOwner: turn.lease.owner,
  })
  turn.lease.forget()
  const end: TurnEndEvent = {
    ...base,
    sessionId,
    traceId: outcome.traceId,
    content: result.content,
    outcome: result.outcome,
    at: completedAt.toISOString(),
  }
  ctx.publish(callerRoom(request.agentId, callerKeyOf(request)), PARLANT_EVENTS.turnComplete, end)
  return result
}

/** Records and announces a failed turn — only if this send owned it (`state.turnId` is set). */
export async function settleFailed(ctx: TurnContext, failure: BridgeError): Promise<void> {
  const { deps, request, base, state } = ctx
  if (!state.turnId) return
  const unrecorded = state.posted && !state.posted.recorded ? state.posted.message : undefined
  await failTurn(
    deps.host.db,
    request.workspaceId,
    state.turnId,
    failure.message,
    unrecorded
  ).catch(() => {})
  const end: TurnEndEvent = {
    ...base,
    sessionId: state.sessionId,
    traceId: state.traceId,
    error: { code: failure.code, message: failure.message },
    at: deps.host.clock.now().toISOString(),
  }
  ctx.publish(callerRoom(request.agentId, callerKeyOf(request)), PARLANT_EVENTS.turnFailed, end)
}
