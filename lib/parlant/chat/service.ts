/**
 * `createChatService`: one idempotent, serialized chat turn per `send`. Order of work: the active
 * agent → the conversation row → the turn ledger row (a completed retry returns here) → the
 * conversation's lease (serializes turns across nodes) → the Parlant customer and session (created
 * once, recreated once if deleted) → the turn itself, every event relayed to the agent's room.
 */

import { generateId } from '@sim/utils/id'
import {
  advanceCursor,
  createParlantSession,
  customerIdForUser,
  findConversation,
  getOrCreateConversation,
  readConversation,
  setConversationSession,
} from '@/lib/parlant/chat/conversations'
import {
  failTurn,
  getOrCreateTurn,
  readTurn,
  recordPostedEvent,
  recordPostedEventWithCursor,
  settleTurn,
} from '@/lib/parlant/chat/idempotency'
import { createLeaseManager } from '@/lib/parlant/chat/lease'
import { toChatEventPayload } from '@/lib/parlant/chat/relay'
import { type CombinedSignal, combineSignals } from '@/lib/parlant/chat/signals'
import {
  type PostedMessage,
  runTurn,
  SessionGoneError,
  TurnFailedError,
  type TurnOutcome,
} from '@/lib/parlant/chat/turn'
import {
  type ChatDefaults,
  type ChatRequest,
  type ChatService,
  type ChatServiceDeps,
  DEFAULT_CHAT_DEFAULTS,
} from '@/lib/parlant/chat/types'
import {
  ParlantError,
  ParlantNotFound,
  ParlantTimeout,
  ParlantUnavailable,
} from '@/lib/parlant/client'
import { BridgeError, isBridgeError } from '@/lib/parlant/errors'
import { loggableError } from '@/lib/parlant/log-error'
import { agentRoom, PARLANT_EVENTS, type TurnEndEvent } from '@/lib/parlant/realtime/events'
import type { ChatTurnResult } from '@/lib/parlant/schemas'

const MANUAL_MODE_CONTENT =
  'This conversation is in manual mode (handed off to a human agent), so the AI agent will not reply.'

/** How often a running turn re-reads its agent row to notice a stop made on another node. */
const AGENT_RECHECK_MS = 1_000

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

/** Creates the chat service. */
export function createChatService(deps: ChatServiceDeps): ChatService {
  const { host, parlant } = deps
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
    const deadlineMs = request.deadlineMs ?? defaults.deadlineMs
    const deadline = new AbortController()
    const deadlineError = new BridgeError(
      'turn_deadline_exceeded',
      `The agent did not finish its reply within ${Math.round(deadlineMs / 1000)} s`
    )
    const deadlineTimer = setTimeout(() => deadline.abort(deadlineError), deadlineMs)
    const stopSignal = deps.turnSignal?.(request.agentId)
    const stoppedError = new BridgeError(
      'agent_not_active',
      'The agent was stopped while the turn was in progress; the turn was abandoned'
    )
    const signals = [deadline.signal]
    if (callerSignal) signals.push(callerSignal)
    if (stopSignal) signals.push(stopSignal)
    const turnSignals = combineSignals(signals)
    let signal = turnSignals.signal
    let leaseSignals: CombinedSignal | undefined

    /** Why the turn was aborted, as a bridge error (deadline, agent stopped, caller, lease lost). */
    const abortReason = (): BridgeError | undefined => {
      if (deadline.signal.aborted) return deadlineError
      if (stopSignal?.aborted) return stoppedError
      if (callerSignal?.aborted) {
        return isBridgeError(callerSignal.reason)
          ? callerSignal.reason
          : new BridgeError('internal', 'The chat request was aborted by the caller')
      }
      if (signal.aborted)
        return new BridgeError(
          'turn_in_progress',
          'Another node took over this conversation during the turn; retry with the same idempotency key'
        )
      return undefined
    }

    const base = {
      workspaceId: request.workspaceId,
      agentId: request.agentId,
      conversationKey: request.conversationKey,
    }
    let turnId: string | undefined
    let sessionId: string | undefined
    let traceId: string | undefined
    try {
      if (stopSignal?.aborted) throw stoppedError
      // Two independent reads side by side; the conversation row is only created (below) once
      // the agent is known to be active, so a refused send writes nothing.
      const [agent, existing] = await Promise.all([
        deps.resolveActiveAgent(request.workspaceId, request.agentId),
        findConversation(host.db, base),
      ])
      let agentCheckedAt = Date.now()
      const parlantAgentId = agent.parlantAgentId
      if (!parlantAgentId)
        throw new BridgeError('agent_not_active', 'The agent is not provisioned on Parlant yet')
      const conversation =
        existing ??
        (await getOrCreateConversation(host.db, {
          ...base,
          customerId: request.customerId ?? customerIdForUser(request.userId),
          userId: request.userId,
        }))
      const { turn, created } = await getOrCreateTurn(host.db, {
        workspaceId: request.workspaceId,
        conversationId: conversation.id,
        idempotencyKey: request.idempotencyKey ?? generateId(),
        userId: request.userId,
      })
      if (turn.status === 'completed' && turn.result) return turn.result

      const lease = await leases.acquire(request.workspaceId, conversation.id, signal)
      // From here on this send owns the turn: only an owner records or announces its failure
      // (a duplicate that gave up waiting must not mark the running turn failed).
      turnId = turn.id
      leaseSignals = combineSignals([signal, lease.lost])
      signal = leaseSignals.signal
      try {
        // Whoever held the lease may have finished this very turn meanwhile.
        const current = await readTurn(host.db, request.workspaceId, turn.id)
        if (current?.status === 'completed' && current.result) return current.result
        let posted: PostedMessage | null =
          current?.parlantEventId && current.traceId && current.parlantEventOffset !== null
            ? {
                eventId: current.parlantEventId,
                offset: current.parlantEventOffset,
                traceId: current.traceId,
              }
            : null
        // A row we did not just create may have posted before failing or crashing.
        let lookFirst = !created
        let outcome: TurnOutcome | undefined
        for (let attempt = 0; attempt < 2 && !outcome; attempt++) {
          // The lease returned the row as it stood; after a recreate, read it afresh.
          const row =
            attempt === 0
              ? lease.conversation
              : await readConversation(host.db, request.workspaceId, conversation.id)
          sessionId = row?.parlantSessionId ?? undefined
          if (!sessionId) {
            try {
              const created = await createParlantSession(
                parlant,
                {
                  parlantAgentId,
                  customerId: row?.parlantCustomerId ?? conversation.parlantCustomerId,
                  ...base,
                  conversationId: conversation.id,
                  userId: request.userId,
                },
                signal
              )
              sessionId = created.id
            } catch (error) {
              if (error instanceof ParlantNotFound)
                throw new BridgeError(
                  'parlant_error',
                  'The agent does not exist on the Parlant server; stop and start it to provision it again',
                  undefined,
                  { cause: error }
                )
              throw error
            }
            await setConversationSession(host.db, request.workspaceId, conversation.id, sessionId)
          }
          const activeSession = sessionId
          try {
            outcome = await runTurn({
              parlant,
              sessionId: activeSession,
              message: request.message,
              bridgeMessageId: turn.bridgeMessageId,
              posted,
              lookFirst,
              signal,
              pollWaitSeconds: defaults.pollWaitSeconds,
              trailingErrorWaitSeconds: defaults.trailingErrorWaitSeconds,
              streamWaitSeconds: defaults.streamWaitSeconds,
              logger: host.logger,
              onPosted: async (p, cursor) => {
                traceId = p.traceId
                await recordPostedEventWithCursor(host.db, {
                  workspaceId: request.workspaceId,
                  turnId: turn.id,
                  conversationId: conversation.id,
                  sessionId: activeSession,
                  posted: p,
                  cursor,
                })
              },
              onEvent: (ev, ctx) =>
                publish(
                  agentRoom(request.agentId),
                  PARLANT_EVENTS.chatEvent,
                  toChatEventPayload(ev, {
                    ...base,
                    sessionId: activeSession,
                    preamble: ctx.preamble,
                  })
                ),
              // The stop signal is per node; a stop on another node shows in the agent row. The
              // agent was checked as the turn began, so re-read it only once a second has passed.
              checkpoint: async () => {
                const now = Date.now()
                if (now - agentCheckedAt < AGENT_RECHECK_MS) return
                agentCheckedAt = now
                try {
                  await deps.resolveActiveAgent(request.workspaceId, request.agentId)
                } catch (error) {
                  if (isBridgeError(error) && error.code !== 'internal') throw stoppedError
                  throw error
                }
              },
              onCursor: (cursor) =>
                advanceCursor(host.db, request.workspaceId, conversation.id, activeSession, cursor),
            })
          } catch (error) {
            if (!(error instanceof SessionGoneError) || signal.aborted) throw error
            if (attempt > 0)
              throw new BridgeError(
                'parlant_error',
                'The Parlant session of this conversation was deleted again right after it was recreated; giving up'
              )
            host.logger.warn('Parlant session gone; recreating it once', {
              conversationId: conversation.id,
              sessionId: activeSession,
            })
            // The old session took the message with it: the new one gets it posted afresh.
            await setConversationSession(host.db, request.workspaceId, conversation.id, null)
            await recordPostedEvent(host.db, request.workspaceId, turn.id, null)
            posted = null
            lookFirst = false
          }
        }
        if (!outcome || !sessionId) throw new BridgeError('internal', 'The chat turn did not run')
        const completedAt = host.clock.now()
        const result: ChatTurnResult = {
          content:
            outcome.outcome === 'manual_mode'
              ? MANUAL_MODE_CONTENT
              : outcome.messages.map((m) => m.text).join('\n\n'),
          outcome: outcome.outcome,
          messages: outcome.messages,
          preambles: outcome.preambles,
          toolCalls: outcome.toolCalls,
          matchedGuidelines: outcome.matchedGuidelines,
          agentId: request.agentId,
          sessionId,
          conversationKey: request.conversationKey,
          traceId: outcome.traceId,
          timing: {
            startedAt: startedAt.toISOString(),
            completedAt: completedAt.toISOString(),
            durationMs: completedAt.getTime() - startedAt.getTime(),
          },
        }
        await settleTurn(host.db, {
          workspaceId: request.workspaceId,
          turnId: turn.id,
          result,
          conversationId: conversation.id,
          sessionId,
          cursor: outcome.cursor,
          leaseOwner: lease.owner,
        })
        lease.forget()
        const end: TurnEndEvent = {
          ...base,
          sessionId,
          traceId: outcome.traceId,
          content: result.content,
          outcome: result.outcome,
          at: completedAt.toISOString(),
        }
        publish(agentRoom(request.agentId), PARLANT_EVENTS.turnComplete, end)
        return result
      } finally {
        await lease.release().catch((error: unknown) =>
          host.logger.warn('conversation lease release failed', {
            error: loggableError(error),
          })
        )
      }
    } catch (error) {
      const failure = abortReason() ?? toBridgeError(error)
      if (!isBridgeError(error) || failure !== error) {
        host.logger.warn('chat turn failed', {
          workspaceId: request.workspaceId,
          agentId: request.agentId,
          code: failure.code,
          error: loggableError(error),
        })
      }
      if (turnId) {
        await failTurn(host.db, request.workspaceId, turnId, failure.message).catch(() => {})
        const end: TurnEndEvent = {
          ...base,
          sessionId,
          traceId,
          error: { code: failure.code, message: failure.message },
          at: host.clock.now().toISOString(),
        }
        publish(agentRoom(request.agentId), PARLANT_EVENTS.turnFailed, end)
      }
      throw failure
    } finally {
      clearTimeout(deadlineTimer)
      leaseSignals?.dispose()
      turnSignals.dispose()
    }
  }

  return { send }
}
