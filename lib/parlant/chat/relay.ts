/** Normalizes Parlant events into the realtime payloads the agent's room receives. */
import type { ParlantEvent } from '@/lib/parlant/client'
import type { ChatEventPayload } from '@/lib/parlant/realtime/events'

/** The room payload of one Parlant event of a conversation. */
export function toChatEventPayload(
  event: ParlantEvent,
  ctx: {
    workspaceId: string
    agentId: string
    conversationKey: string
    sessionId: string
    preamble: boolean
  }
): ChatEventPayload {
  const payload: ChatEventPayload = {
    workspaceId: ctx.workspaceId,
    agentId: ctx.agentId,
    conversationKey: ctx.conversationKey,
    sessionId: ctx.sessionId,
    traceId: event.trace_id,
    offset: event.offset,
    eventId: event.id,
    kind: event.kind,
    source: event.source,
    at: event.creation_utc,
  }
  if (event.kind === 'message') {
    payload.text = event.data.message
    if (event.data.chunks) payload.chunks = [...event.data.chunks]
    if (ctx.preamble) payload.preamble = true
  } else if (event.kind === 'status') {
    payload.status = event.data.status
    // The error traceback stays server-side; only the stage is relayed.
    const stage = event.data.data.stage
    if (typeof stage === 'string') payload.stage = stage
  }
  return payload
}
