/**
 * Step 2, ensure the session: the conversation's Parlant session (and customer), created once and
 * recorded on the conversation row; forgotten when Parlant says it is gone, so the next attempt
 * creates a new one (the result says `sessionRenewed`). When Parlant no longer has the agent
 * itself, it is provisioned again from its configuration, once per turn, and the turn goes on.
 */
import {
  createParlantSession,
  readConversation,
  setConversationSession,
} from '@/lib/parlant/chat/conversations'
import { recordPostedEvent } from '@/lib/parlant/chat/idempotency'
import type { TurnContext } from '@/lib/parlant/chat/steps/context'
import type { OpenTurn } from '@/lib/parlant/chat/steps/open-turn'
import { ParlantNotFound } from '@/lib/parlant/client'
import { BridgeError } from '@/lib/parlant/errors'

/**
 * The session id to run the turn on. `attempt` 0 uses the conversation row the lease returned;
 * a later attempt (after a gone session was forgotten) reads the row afresh.
 */
export async function ensureSession(
  ctx: TurnContext,
  turn: OpenTurn,
  attempt: number
): Promise<string> {
  const { deps, request, base, scope } = ctx
  const row =
    attempt === 0
      ? turn.lease.conversation
      : await readConversation(deps.host.db, request.workspaceId, turn.conversationId)
  const existing = row?.parlantSessionId ?? undefined
  if (existing) return existing
  const create = () =>
    createParlantSession(
      deps.parlant,
      {
        parlantAgentId: turn.parlantAgentId,
        parameters: turn.parameters,
        customerId: row?.parlantCustomerId ?? turn.parlantCustomerId,
        ...base,
        conversationId: turn.conversationId,
        userId: request.userId,
      },
      scope.signal
    )
  let sessionId: string
  try {
    sessionId = (await create()).id
  } catch (error) {
    if (!(error instanceof ParlantNotFound)) throw error
    // Parlant no longer has the agent (a restarted or wiped server): provision it again from its
    // configuration, once per turn, and go on.
    if (!deps.reprovisionAgent || ctx.state.reprovisioned) {
      throw new BridgeError(
        'parlant_error',
        'The agent does not exist on the Parlant server; start it again to provision it',
        undefined,
        { cause: error }
      )
    }
    ctx.state.reprovisioned = true
    deps.host.logger.warn('Agent gone from Parlant during a turn; provisioning it again', {
      agentId: request.agentId,
    })
    await deps.reprovisionAgent(request.workspaceId, request.agentId)
    sessionId = (await create()).id
  }
  await setConversationSession(deps.host.db, request.workspaceId, turn.conversationId, sessionId)
  return sessionId
}

/**
 * Forgets a session Parlant deleted: the conversation loses it and the turn its posted event (the
 * old session took the message with it, so the new one gets it posted afresh). Only the first
 * loss in a turn is recovered; a second one right after a recreate gives up.
 */
export async function forgetGoneSession(
  ctx: TurnContext,
  turn: OpenTurn,
  sessionId: string,
  attempt: number
): Promise<void> {
  const { deps, request } = ctx
  if (attempt > 0)
    throw new BridgeError(
      'parlant_error',
      'The Parlant session of this conversation was deleted again right after it was recreated; giving up'
    )
  ctx.state.sessionRenewed = true
  deps.host.logger.warn('Parlant session gone; recreating it once', {
    conversationId: turn.conversationId,
    sessionId,
  })
  await setConversationSession(deps.host.db, request.workspaceId, turn.conversationId, null)
  await recordPostedEvent(deps.host.db, request.workspaceId, turn.turnId, null)
  turn.posted = null
  ctx.state.posted = undefined
  turn.lookFirst = false
}
