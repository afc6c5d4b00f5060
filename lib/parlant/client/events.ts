/**
 * Predicates over Parlant events that encode the turn rules of the API reference: a turn ends only
 * at `ready` with `stage: "completed"` (a bare `ready {}` is interim), preambles are tagged, and a
 * streamed message is complete when its last chunk is null.
 */
import {
  type MessageEvent,
  type ParlantEvent,
  PREAMBLE_TAG,
  type StatusEvent,
} from '@/lib/parlant/client/schemas'

export function isMessageEvent(event: ParlantEvent): event is MessageEvent {
  return event.kind === 'message'
}

export function isStatusEvent(event: ParlantEvent): event is StatusEvent {
  return event.kind === 'status'
}

/** The end-of-turn marker: status `ready` with `data.stage == "completed"`. */
export function isTurnCompleted(event: ParlantEvent): event is StatusEvent {
  return (
    event.kind === 'status' &&
    event.data.status === 'ready' &&
    event.data.data.stage === 'completed'
  )
}

/** A preamble ("one moment…") message, not part of the reply. */
export function isPreamble(event: ParlantEvent): boolean {
  return event.kind === 'message' && (event.data.tags ?? []).includes(PREAMBLE_TAG)
}

/** Output on the agent's side of the conversation (AI or a human speaking for it). */
export function isAgentMessage(event: ParlantEvent): event is MessageEvent {
  return (
    event.kind === 'message' &&
    (event.source === 'ai_agent' ||
      event.source === 'human_agent' ||
      event.source === 'human_agent_on_behalf_of_ai_agent')
  )
}

/** False for a streamed message whose chunks have not yet ended with null. */
export function isMessageComplete(event: MessageEvent): boolean {
  const chunks = event.data.chunks
  return chunks === undefined || (chunks.length > 0 && chunks[chunks.length - 1] === null)
}
