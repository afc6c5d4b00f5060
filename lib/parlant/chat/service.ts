/**
 * `createChatService`: one idempotent, serialized chat turn per `send`, in four steps (each in
 * `steps/`): open the turn (agent, conversation, ledger row, lease) → ensure the session (created
 * once, recreated once if Parlant deleted it) → run it (every event relayed to the agent's room)
 * → settle it (result or failure recorded and announced).
 */

import { createLeaseManager, type LeaseManager } from '@/lib/parlant/chat/lease'
import type { TurnContext } from '@/lib/parlant/chat/steps/context'
import { ensureSession, forgetGoneSession } from '@/lib/parlant/chat/steps/ensure-session'
import { type OpenTurn, openTurn, releaseLease } from '@/lib/parlant/chat/steps/open-turn'
import { runOnSession } from '@/lib/parlant/chat/steps/run-turn'
import { openTurnScope } from '@/lib/parlant/chat/steps/scope'
import { settleCompleted, settleFailed } from '@/lib/parlant/chat/steps/settle'
import { SessionGoneError, TurnFailedError, type TurnOutcome } from '@/lib/parlant/chat/turn'
import {
  type ChatDefaults,
  type ChatRequest,
  type ChatService,
  type ChatServiceDeps,
  DEFAULT_CHAT_DEFAULTS,
} from '@/lib/parlant/chat/types'
import { ParlantError, ParlantTimeout, ParlantUnavailable } from '@/lib/parlant/client'
import { BridgeError, isBridgeError } from '@/lib/parlant/errors'
import { loggableError } from '@/lib/parlant/log-error'
import type { ChatTurnResult } from '@/lib/parlant/schemas'

/** Maps anything a turn can throw to the bridge's error type (messages are already scrubbed). */
function toBridgeError(error: unknown): BridgeError {
  if (isBridgeError(error)) return error
  if (error instanceof TurnFailedError)
    return new BridgeError('parlant_error', error.message, undefined, { cause: error })
  if (error instanceof ParlantUnavailable)
    return new BridgeError('parlant_unavailable', error.message, undefined, { cause: error })
  if (error instanceof ParlantTimeout)
    return new BridgeError('parlant_timeout', error.message, undefined, { cause: error })
  if (error instanceof ParlantError)
    return new BridgeError('parlant_error', error.message, undefined, { cause: error })
  return new BridgeError('internal', 'The chat turn failed unexpectedly', undefined, {
    cause: error,
  })
}

/** Steps 2 and 3: ensure the session and run the turn on it; a gone session is recreated once. */
async function runWithSession(ctx: TurnContext, turn: OpenTurn): Promise<[string, TurnOutcome]> {
  for (let attempt = 0; ; attempt++) {
    ctx.state.sessionId = undefined
    const sessionId = await ensureSession(ctx, turn, attempt)
    ctx.state.sessionId = sessionId
    try {
      return [sessionId, await runOnSession(ctx, turn, sessionId)]
    } catch (error) {
      if (!(error instanceof SessionGoneError) || ctx.scope.signal.aborted) throw error
      await forgetGoneSession(ctx, turn, sessionId, attempt)
    }
  }
}

/** Runs one turn through its steps; the caller settles a failure. */
async function runSteps(ctx: TurnContext, leases: LeaseManager): Promise<ChatTurnResult> {
  const opened = await openTurn(ctx, leases)
  if ('done' in opened) return opened.done
  const turn = opened.open
  try {
    const [sessionId, outcome] = await runWithSession(ctx, turn)
    return await settleCompleted(ctx, turn, sessionId, outcome)
  } finally {
    await releaseLease(ctx, turn.lease)
  }
}

/** Creates the chat service. */
export function createChatService(deps: ChatServiceDeps): ChatService {
  const { host } = deps
  const defaults: ChatDefaults = { ...DEFAULT_CHAT_DEFAULTS, ...deps.defaults }
  const leases = createLeaseManager({
    db: host.db,
    nodeId: deps.nodeId,
    ttlMs: defaults.leaseTtlMs,
    retryMs: defaults.leaseRetryMs,
    logger: host.logger,
  })

  function publish(room: string, event: string, payload: unknown) {
    try {
      const pending = host.publish(room, event, payload)
      if (pending) pending.catch((error: unknown) => logPublishFailure(error))
    } catch (error) {
      logPublishFailure(error)
    }
  }
  function logPublishFailure(error: unknown) {
    host.logger.warn('realtime publish failed', {
      error: loggableError(error),
    })
  }

  async function send(request: ChatRequest, callerSignal?: AbortSignal): Promise<ChatTurnResult> {
    const startedAt = host.clock.now()
    const hold = deps.holdTurn?.(request.agentId)
    const ctx: TurnContext = {
      deps,
      defaults,
      request,
      base: {
        workspaceId: request.workspaceId,
        agentId: request.agentId,
        conversationKey: request.conversationKey,
      },
      scope: openTurnScope({
        deadlineMs: request.deadlineMs ?? defaults.deadlineMs,
        stopSignal: hold?.signal,
        callerSignal,
      }),
      state: {},
      startedAt,
      publish,
    }
    try {
      return await runSteps(ctx, leases)
    } catch (error) {
      const failure = ctx.scope.abortReason() ?? toBridgeError(error)
      if (!isBridgeError(error) || failure !== error) {
        host.logger.warn('chat turn failed', {
          workspaceId: request.workspaceId,
          agentId: request.agentId,
          code: failure.code,
          error: loggableError(error),
        })
      }
      await settleFailed(ctx, failure)
      throw failure
    } finally {
      ctx.scope.dispose()
      hold?.release()
    }
  }

  return { send }
}
