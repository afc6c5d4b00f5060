/**
 * The wire shapes the emulator stores and serves, written from Parlant's DTOs (`src/parlant/api/`):
 * field names, order and nullability as Parlant serializes them. Deliberately independent of the
 * bridge's client schemas, so a mistake there cannot hide behind a matching mistake here.
 */

export const compositionModes = [
  'fluid',
  'canned_fluid',
  'composited_canned',
  'strict_canned',
] as const
export type CompositionMode = (typeof compositionModes)[number]

export const messageOutputModes = ['block', 'stream'] as const
export type MessageOutputMode = (typeof messageOutputModes)[number]

export const sessionModes = ['auto', 'manual'] as const
export type SessionMode = (typeof sessionModes)[number]

export const eventKinds = ['message', 'tool', 'status', 'custom'] as const
export type EventKind = (typeof eventKinds)[number]

export const eventSources = [
  'customer',
  'customer_ui',
  'human_agent',
  'human_agent_on_behalf_of_ai_agent',
  'ai_agent',
  'system',
] as const
export type EventSource = (typeof eventSources)[number]

export const sessionStatuses = [
  'acknowledged',
  'cancelled',
  'processing',
  'ready',
  'typing',
  'error',
] as const
export type SessionStatus = (typeof sessionStatuses)[number]

export const criticalities = ['low', 'medium', 'high'] as const
export type Criticality = (typeof criticalities)[number]

export const moderations = ['auto', 'paranoid', 'none'] as const
export const sortDirections = ['asc', 'desc'] as const
export type SortDirection = (typeof sortDirections)[number]

/** The tag Parlant puts on preamble messages. */
export const PREAMBLE_TAG = '__preamble__'

/** Parlant's built-in customer of sessions created without one. */
export const GUEST_ID = 'guest'

/** `AgentDTO` (Parlant does not serialize the agent's `creation_utc`). */
export type Agent = {
  id: string
  name: string
  description: string | null
  max_engine_iterations: number
  composition_mode: CompositionMode
  message_output_mode: MessageOutputMode
  tags: string[]
}

/** `CustomerDTO`. */
export type Customer = {
  id: string
  creation_utc: string
  name: string
  metadata: Record<string, string>
  tags: string[]
}

/** `SessionDTO`. */
export type Session = {
  id: string
  agent_id: string
  customer_id: string
  creation_utc: string
  title: string | null
  mode: SessionMode
  consumption_offsets: { client: number | null }
  metadata: Record<string, unknown>
  labels: string[]
}

/** `ParticipantDTO`. */
export type Participant = {
  id: string | null
  display_name: string
}

/** `data` of a message event; streamed messages grow `chunks` until a trailing null. */
export type MessageData = {
  message: string
  participant: Participant
  flagged?: boolean
  tags?: string[]
  chunks?: (string | null)[]
}

/** `data` of a status event. */
export type StatusData = {
  status: SessionStatus
  data: Record<string, unknown>
}

/** One call of a tool event. */
export type ToolCall = {
  tool_id: string
  arguments: Record<string, unknown>
  result: Record<string, unknown>
}

type EventBase = {
  id: string
  source: EventSource
  offset: number
  creation_utc: string
  trace_id: string
  correlation_id: string
  metadata: Record<string, unknown>
  deleted: boolean
}

/** `EventDTO`, narrowed by kind. */
export type ParlantEvent = EventBase &
  (
    | { kind: 'message'; data: MessageData }
    | { kind: 'status'; data: StatusData }
    | { kind: 'tool'; data: { tool_calls: ToolCall[] } }
    | { kind: 'custom'; data: unknown }
  )

/** `GuidelineDTO`. */
export type Guideline = {
  id: string
  condition: string
  action: string | null
  description: string | null
  title: string | null
  criticality: Criticality
  enabled: boolean
  tags: string[]
  metadata: Record<string, unknown>
  composition_mode: CompositionMode | null
  track: boolean
  labels: string[]
  priority: number
}

/** `TagDTO` (Parlant does not serialize the tag's `creation_utc`). */
export type Tag = {
  id: string
  name: string
}
