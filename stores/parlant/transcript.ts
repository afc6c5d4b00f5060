/**
 * Pure transcript reducers. Realtime events may arrive late, twice, or interleaved with the HTTP
 * result of the same turn; every function here is idempotent and orders by Parlant offset so the
 * transcript converges to the same state whatever the delivery order.
 */
import type { ConversationMessage } from '@/lib/parlant/api/contracts'
import type { ChatEventPayload, TurnEndEvent } from '@/lib/parlant/realtime/events'
import type { ChatTurnResult } from '@/lib/parlant/schemas'
import type {
  ConversationActivity,
  ConversationState,
  TranscriptEntry,
} from '@/stores/parlant/types'

/** The store key of a conversation. */
export function conversationId(agentId: string, conversationKey: string) {
  return `${agentId}::${conversationKey}`
}

/** A conversation with nothing in it yet. */
export function emptyConversation(agentId: string, conversationKey: string): ConversationState {
  return {
    agentId,
    conversationKey,
    entries: {},
    order: [],
    activity: 'idle',
    stage: null,
    activityOffset: -1,
    statusLog: [],
    turnRunning: false,
    sendError: null,
    currentSendId: null,
    currentTraceId: null,
  }
}

/** Highest offset of any entry (−1 when empty). */
export function lastOffset(conversation: ConversationState) {
  let max = -1
  for (const id of conversation.order) {
    const entry = conversation.entries[id]
    if (entry && entry.offset > max) max = entry.offset
  }
  return Math.max(max, conversation.activityOffset)
}

function sortOrder(entries: Record<string, TranscriptEntry>) {
  return Object.values(entries)
    .sort((a, b) => a.offset - b.offset || a.at.localeCompare(b.at) || a.id.localeCompare(b.id))
    .map((entry) => entry.id)
}

/** Whether `next` should replace `current` (same id): a finished message beats a partial one. */
function supersedes(current: TranscriptEntry, next: TranscriptEntry) {
  if (current.streaming && !next.streaming) return true
  if (!current.streaming && next.streaming) return false
  return next.text.length >= current.text.length
}

/** Adds or replaces entries by id and re-sorts. */
export function upsertEntries(
  conversation: ConversationState,
  incoming: TranscriptEntry[]
): ConversationState {
  let entries = conversation.entries
  let changed = false
  for (const entry of incoming) {
    const current = entries[entry.id]
    if (current && !supersedes(current, entry)) continue
    if (current && current.text === entry.text && current.streaming === entry.streaming) continue
    entries = { ...entries, [entry.id]: entry }
    changed = true
  }
  return changed ? { ...conversation, entries, order: sortOrder(entries) } : conversation
}

/**
 * Removes the oldest unconfirmed local customer entry with this text (the server echoed it). The
 * echo of the running send's message tells which trace is the running turn.
 */
function confirmLocal(
  conversation: ConversationState,
  text: string,
  traceId: string
): ConversationState {
  const localId = conversation.order.find((id) => {
    const entry = conversation.entries[id]
    return (
      id.startsWith('local-') && entry?.kind === 'customer' && entry.text === text && !entry.failed
    )
  })
  if (!localId) return conversation
  const { [localId]: _removed, ...entries } = conversation.entries
  return {
    ...conversation,
    entries,
    order: conversation.order.filter((id) => id !== localId),
    currentTraceId: localId === conversation.currentSendId ? traceId : conversation.currentTraceId,
  }
}

/** Whether an event of `traceId` belongs to the running turn (unknown trace: assume it does). */
function isCurrentTrace(conversation: ConversationState, traceId: string | undefined) {
  return !conversation.currentTraceId || !traceId || traceId === conversation.currentTraceId
}

const ACTIVE_STATUSES: Record<string, ConversationActivity> = {
  acknowledged: 'acknowledged',
  processing: 'processing',
  typing: 'typing',
}

/** Applies one relayed chat event. */
export function applyChatEvent(
  conversation: ConversationState,
  event: ChatEventPayload
): ConversationState {
  if (event.kind === 'status' && event.status) {
    if (conversation.statusLog.some((s) => s.eventId === event.eventId)) return conversation
    const statusLog = [
      ...conversation.statusLog,
      {
        eventId: event.eventId,
        offset: event.offset,
        status: event.status,
        stage: event.stage,
        traceId: event.traceId,
      },
    ].sort((a, b) => a.offset - b.offset)
    // Only the newest status decides what the agent is doing; a late older one changes nothing.
    if (event.offset <= conversation.activityOffset) return { ...conversation, statusLog }
    const activity = ACTIVE_STATUSES[event.status] ?? 'idle'
    // The running turn's final `ready`: its reply is on screen, so the turn is complete there.
    // The HTTP answer still waits for a trailing error, which is shown if it comes.
    const completed =
      event.status === 'ready' &&
      event.stage === 'completed' &&
      conversation.currentTraceId !== null &&
      event.traceId === conversation.currentTraceId
    return {
      ...conversation,
      statusLog,
      activity,
      stage: activity === 'processing' ? (event.stage ?? null) : null,
      activityOffset: event.offset,
      turnRunning: completed ? false : activity === 'idle' ? conversation.turnRunning : true,
    }
  }
  if (event.kind !== 'message') return conversation
  const chunks = event.chunks
  const text = event.text ?? (chunks ? chunks.filter((c) => c !== null).join('') : '')
  if (event.source === 'customer') {
    const confirmed = confirmLocal(conversation, text, event.traceId)
    return upsertEntries(confirmed, [
      { id: event.eventId, kind: 'customer', text, offset: event.offset, at: event.at },
    ])
  }
  const streaming = chunks !== undefined && chunks.length > 0 && chunks[chunks.length - 1] !== null
  return upsertEntries(conversation, [
    {
      id: event.eventId,
      kind: event.preamble ? 'preamble' : 'agent',
      text,
      offset: event.offset,
      streaming,
      traceId: event.traceId,
      at: event.at,
    },
  ])
}

/**
 * Starts a send: adds its local, not yet confirmed, customer message (unless `show` is false: a
 * retry of a message the server already holds) and marks the turn running.
 */
export function addLocalMessage(
  conversation: ConversationState,
  localId: string,
  text: string,
  at: string,
  show = true
): ConversationState {
  const withEntry = show
    ? upsertEntries(conversation, [
        { id: localId, kind: 'customer', text, offset: lastOffset(conversation) + 0.5, at },
      ])
    : conversation
  return {
    ...withEntry,
    turnRunning: true,
    activity: 'idle',
    stage: null,
    sendError: null,
    currentSendId: localId,
    currentTraceId: null,
  }
}

/** Removes entries (a failed send and its error, before Retry sends it again). */
export function removeEntries(conversation: ConversationState, ids: string[]): ConversationState {
  const gone = new Set(ids.filter((id) => conversation.entries[id]))
  if (gone.size === 0) return conversation
  const entries = Object.fromEntries(
    Object.entries(conversation.entries).filter(([id]) => !gone.has(id))
  )
  return { ...conversation, entries, order: conversation.order.filter((id) => !gone.has(id)) }
}

/** Marks a local customer message as not delivered (it stays visible, flagged). */
export function markFailed(conversation: ConversationState, localId: string): ConversationState {
  const entry = conversation.entries[localId]
  if (!entry || entry.failed) return conversation
  return {
    ...conversation,
    entries: { ...conversation.entries, [localId]: { ...entry, failed: true } },
  }
}

function endTurn(conversation: ConversationState): ConversationState {
  return {
    ...conversation,
    turnRunning: false,
    activity: 'idle',
    stage: null,
    currentSendId: null,
    currentTraceId: null,
  }
}

/**
 * Merges a turn's HTTP result (the realtime events may or may not have arrived). `sendId` is the
 * send it answers: the answer of an earlier send, arriving while a later one runs, adds its
 * messages but leaves the running turn alone.
 */
export function applyTurnResult(
  conversation: ConversationState,
  result: ChatTurnResult,
  sendId?: string
): ConversationState {
  const toEntry =
    (kind: 'agent' | 'preamble') =>
    (message: ChatTurnResult['messages'][number]): TranscriptEntry => ({
      id: message.id,
      kind,
      text: message.text,
      offset: message.offset,
      traceId: result.traceId,
      at: message.createdAt,
    })
  const replies = result.messages.map(toEntry('agent'))
  const last = replies[replies.length - 1]
  if (last && result.matchedGuidelines.length > 0)
    replies[replies.length - 1] = { ...last, matchedGuidelines: result.matchedGuidelines }
  let next = upsertEntries(conversation, [...result.preambles.map(toEntry('preamble')), ...replies])
  // The relayed copy of the last reply may already be there: it gains the matched guidelines.
  if (last && result.matchedGuidelines.length > 0) {
    const shown = next.entries[last.id]
    if (shown && !shown.matchedGuidelines)
      next = {
        ...next,
        entries: {
          ...next.entries,
          [last.id]: { ...shown, matchedGuidelines: result.matchedGuidelines },
        },
      }
  }
  if (result.outcome !== 'replied') {
    const notice =
      result.outcome === 'manual_mode'
        ? 'The session is in manual mode: a human operator will reply.'
        : result.outcome === 'cancelled'
          ? 'The turn was cancelled by a newer message.'
          : 'The agent did not reply.'
    next = upsertEntries(next, [
      {
        id: `notice-${result.traceId}`,
        kind: 'notice',
        text: notice,
        offset: lastOffset(next) + 0.25,
        at: result.timing.completedAt,
      },
    ])
  }
  if (sendId !== undefined && sendId !== conversation.currentSendId) return next
  return endTurn(next)
}

/**
 * Records a failed turn in place: ONE error entry per send (the HTTP error and the turn-failed
 * event share it), carrying what Retry sends again when the send is known.
 */
export function applyTurnFailure(
  conversation: ConversationState,
  failure: { code: string; message: string },
  at: string,
  traceId?: string,
  sendId: string | null = conversation.currentSendId,
  retry?: TranscriptEntry['retry']
): ConversationState {
  // The same turn's failure arriving by the other path (HTTP or event) is already shown.
  const sameTrace = traceId
    ? Object.values(conversation.entries).find((e) => e.kind === 'error' && e.traceId === traceId)
    : undefined
  const id = sameTrace?.id ?? (sendId ? `error-${sendId}` : `error-${traceId ?? at}`)
  const existing = conversation.entries[id]
  let next = conversation
  if (!existing)
    next = upsertEntries(conversation, [
      {
        id,
        kind: 'error',
        text: failure.message,
        offset: lastOffset(conversation) + 0.25,
        traceId,
        at,
        retry,
      },
    ])
  else if (retry && !existing.retry)
    next = { ...conversation, entries: { ...conversation.entries, [id]: { ...existing, retry } } }
  return { ...next, sendError: failure }
}

/** Applies a `parlant-turn-complete` / `parlant-turn-failed` event. */
export function applyTurnEnd(
  conversation: ConversationState,
  event: TurnEndEvent,
  failed: boolean
): ConversationState {
  const current = isCurrentTrace(conversation, event.traceId)
  if (failed) {
    const failure = event.error ?? { code: 'turn_failed', message: 'The turn failed.' }
    // A late error of a turn already shown complete still links to its send when it is the last.
    const sendId = current ? conversation.currentSendId : null
    const next = applyTurnFailure(conversation, failure, event.at, event.traceId, sendId)
    return current ? endTurn(next) : next
  }
  return current ? endTurn(conversation) : conversation
}

/**
 * Merges messages read back from the server (a reload, or reopening a conversation). Entries are
 * keyed by Parlant event id, so messages already shown live are not repeated.
 */
export function applyTranscript(
  conversation: ConversationState,
  messages: readonly ConversationMessage[]
): ConversationState {
  let next = conversation
  for (const message of messages) {
    if (message.source === 'customer') next = confirmLocal(next, message.text, message.traceId)
  }
  return upsertEntries(
    next,
    messages.map((message) => ({
      id: message.id,
      kind: message.source === 'customer' ? 'customer' : message.preamble ? 'preamble' : 'agent',
      text: message.text,
      offset: message.offset,
      traceId: message.traceId,
      at: message.at,
    }))
  )
}
