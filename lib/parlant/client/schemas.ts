/**
 * Zod schemas of the Parlant REST DTOs the bridge uses, written field by field from Parlant's
 * OpenAPI document (server 3.3.x). Every response the client receives is parsed through these, so
 * a server that drifts from the contract fails loudly instead of handing back a wrong value.
 *
 * Naming: Parlant's data keeps its wire shape (snake_case) in TypeScript too — DTOs, request bodies
 * and event `data` alike — so there is no mapping layer to get wrong. Only the client's own call
 * options (timeouts, query knobs such as `minOffset`) are camelCase.
 *
 * Objects are parsed leniently (unknown keys are kept) because Parlant adds fields between
 * releases; required fields, enums and nullability follow the document.
 */
import { z } from 'zod'

/** Any JSON object (`additionalProperties: {}`). */
export const jsonObjectSchema = z.record(z.string(), z.unknown())

export const compositionModeSchema = z.enum([
  'fluid',
  'canned_fluid',
  'composited_canned',
  'strict_canned',
])
export type CompositionMode = z.infer<typeof compositionModeSchema>

export const messageOutputModeSchema = z.enum(['block', 'stream'])
export type MessageOutputMode = z.infer<typeof messageOutputModeSchema>

export const sessionModeSchema = z.enum(['auto', 'manual'])
export type SessionMode = z.infer<typeof sessionModeSchema>

export const eventKindSchema = z.enum(['message', 'tool', 'status', 'custom'])
export type EventKind = z.infer<typeof eventKindSchema>

export const eventSourceSchema = z.enum([
  'customer',
  'customer_ui',
  'human_agent',
  'human_agent_on_behalf_of_ai_agent',
  'ai_agent',
  'system',
])
export type EventSource = z.infer<typeof eventSourceSchema>

export const sessionStatusSchema = z.enum([
  'acknowledged',
  'cancelled',
  'processing',
  'ready',
  'typing',
  'error',
])
export type SessionStatus = z.infer<typeof sessionStatusSchema>

export const criticalitySchema = z.enum(['low', 'medium', 'high'])
export const moderationSchema = z.enum(['auto', 'paranoid', 'none'])
export type Moderation = z.infer<typeof moderationSchema>

/** The tag Parlant puts on preamble messages ("one moment…") in canned modes. */
export const PREAMBLE_TAG = '__preamble__'

// ---------------------------------------------------------------------------------------------
// Agents

/** `AgentDTO`: `creation_utc` is not serialized by the server. */
export const agentSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().min(1).max(100),
  description: z.string().nullish(),
  max_engine_iterations: z.number().int().min(1).default(1),
  composition_mode: compositionModeSchema,
  message_output_mode: messageOutputModeSchema,
  tags: z.array(z.string()).default([]),
})
export type Agent = z.infer<typeof agentSchema>

/** `AgentCreationParamsDTO`. */
export const agentCreationParamsSchema = z.object({
  name: z.string().min(1).max(100),
  id: z.string().min(1).nullish(),
  description: z.string().nullish(),
  max_engine_iterations: z.number().int().min(1).nullish(),
  composition_mode: compositionModeSchema.nullish(),
  message_output_mode: messageOutputModeSchema.nullish(),
  tags: z.array(z.string()).nullish(),
})
export type AgentCreationParams = z.input<typeof agentCreationParamsSchema>

const addRemoveSchema = z.object({
  add: z.array(z.string()).nullish(),
  remove: z.array(z.string()).nullish(),
})

/** `AgentUpdateParamsDTO`: only the fields given change. */
export const agentUpdateParamsSchema = z.object({
  name: z.string().min(1).max(100).nullish(),
  description: z.string().nullish(),
  max_engine_iterations: z.number().int().min(1).nullish(),
  composition_mode: compositionModeSchema.nullish(),
  message_output_mode: messageOutputModeSchema.nullish(),
  tags: addRemoveSchema.nullish(),
})
export type AgentUpdateParams = z.input<typeof agentUpdateParamsSchema>

// ---------------------------------------------------------------------------------------------
// Customers

/** `CustomerDTO`: metadata values are strings. */
export const customerSchema = z.looseObject({
  id: z.string().min(1),
  creation_utc: z.string(),
  name: z.string().min(1).max(100),
  metadata: z.record(z.string(), z.string()),
  tags: z.array(z.string()),
})
export type Customer = z.infer<typeof customerSchema>

/** `CustomerCreationParamsDTO`. */
export const customerCreationParamsSchema = z.object({
  name: z.string().min(1).max(100),
  id: z.string().min(1).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  tags: z.array(z.string()).nullish(),
})
export type CustomerCreationParams = z.input<typeof customerCreationParamsSchema>

// ---------------------------------------------------------------------------------------------
// Sessions

export const consumptionOffsetsSchema = z.looseObject({
  client: z.number().int().min(0).nullish(),
})

/** `SessionDTO`. */
export const sessionSchema = z.looseObject({
  id: z.string(),
  agent_id: z.string(),
  customer_id: z.string(),
  creation_utc: z.string(),
  title: z.string().max(200).nullish(),
  mode: sessionModeSchema,
  consumption_offsets: consumptionOffsetsSchema,
  metadata: jsonObjectSchema,
  labels: z.array(z.string()).default([]),
})
export type Session = z.infer<typeof sessionSchema>

/** `SessionCreationParamsDTO` (`allow_greeting` is a query parameter, not a body field). */
export const sessionCreationParamsSchema = z.object({
  agent_id: z.string(),
  customer_id: z.string().nullish(),
  title: z.string().max(200).nullish(),
  metadata: jsonObjectSchema.nullish(),
  labels: z.array(z.string()).nullish(),
})
export type SessionCreationParams = z.input<typeof sessionCreationParamsSchema>

/** `SessionUpdateParamsDTO`. */
export const sessionUpdateParamsSchema = z.object({
  consumption_offsets: z.object({ client: z.number().int().min(0).nullish() }).nullish(),
  title: z.string().max(200).nullish(),
  mode: sessionModeSchema.nullish(),
  customer_id: z.string().nullish(),
  agent_id: z.string().nullish(),
  metadata: z
    .object({ set: jsonObjectSchema.nullish(), unset: z.array(z.string()).nullish() })
    .nullish(),
  labels: z
    .object({ upsert: z.array(z.string()).nullish(), remove: z.array(z.string()).nullish() })
    .nullish(),
})
export type SessionUpdateParams = z.input<typeof sessionUpdateParamsSchema>

/** `SessionListingDTO`: what `GET /sessions?limit=` returns. */
export const sessionListingSchema = z.looseObject({
  items: z.array(sessionSchema),
  total_count: z.number().int(),
  has_more: z.boolean(),
  next_cursor: z.string().nullish(),
})

// ---------------------------------------------------------------------------------------------
// Events

/** `ParticipantDTO`. */
export const participantSchema = z.looseObject({
  id: z.string().nullish(),
  display_name: z.string(),
})
export type Participant = z.infer<typeof participantSchema>

/**
 * `data` of a `message` event. `chunks` is present on streamed messages; the message is complete
 * once the last chunk is `null`. Preambles carry `tags: ["__preamble__"]`.
 */
export const messageDataSchema = z.looseObject({
  message: z.string(),
  participant: participantSchema,
  flagged: z.boolean().optional(),
  tags: z.array(z.string()).optional(),
  draft: z.string().optional(),
  canned_responses: z.array(z.unknown()).optional(),
  chunks: z.array(z.string().nullable()).optional(),
})
export type MessageData = z.infer<typeof messageDataSchema>

/**
 * `data` of a `status` event. The inner `data` is `{stage}` for processing, `{exception}` for
 * error, `{stage:"completed", matched_guidelines, …}` for the end-of-turn ready and `{}` for an
 * interim ready.
 */
export const statusDataSchema = z.looseObject({
  status: sessionStatusSchema,
  data: jsonObjectSchema.default({}),
})
export type StatusData = z.infer<typeof statusDataSchema>

export const toolCallSchema = z.looseObject({
  tool_id: z.string(),
  arguments: jsonObjectSchema,
  result: jsonObjectSchema,
})

/** `data` of a `tool` event. */
export const toolDataSchema = z.looseObject({
  tool_calls: z.array(toolCallSchema),
})
export type ToolData = z.infer<typeof toolDataSchema>

const eventBase = {
  id: z.string(),
  source: eventSourceSchema,
  offset: z.number().int().min(0),
  creation_utc: z.string(),
  trace_id: z.string(),
  correlation_id: z.string(),
  metadata: jsonObjectSchema,
  deleted: z.boolean(),
}

export const messageEventSchema = z.looseObject({
  ...eventBase,
  kind: z.literal('message'),
  data: messageDataSchema,
})
export const statusEventSchema = z.looseObject({
  ...eventBase,
  kind: z.literal('status'),
  data: statusDataSchema,
})
export const toolEventSchema = z.looseObject({
  ...eventBase,
  kind: z.literal('tool'),
  data: toolDataSchema,
})
export const customEventSchema = z.looseObject({
  ...eventBase,
  kind: z.literal('custom'),
  data: z.unknown(),
})

/** `EventDTO`, narrowed by `kind` so `data` has its per-kind shape. */
export const eventSchema = z.discriminatedUnion('kind', [
  messageEventSchema,
  statusEventSchema,
  toolEventSchema,
  customEventSchema,
])
export type ParlantEvent = z.infer<typeof eventSchema>
export type MessageEvent = z.infer<typeof messageEventSchema>
export type StatusEvent = z.infer<typeof statusEventSchema>
export type ToolEvent = z.infer<typeof toolEventSchema>
export type CustomEvent = z.infer<typeof customEventSchema>

/** `AgentMessageGuidelineDTO`. */
export const agentMessageGuidelineSchema = z.object({
  action: z.string(),
  rationale: z.enum(['unspecified', 'buy_time', 'follow_up']).optional(),
})

/** `EventCreationParamsDTO`; which fields are required depends on kind and source (server rule). */
export const eventCreationParamsSchema = z.object({
  kind: eventKindSchema,
  source: eventSourceSchema,
  message: z.string().nullish(),
  data: z.unknown().optional(),
  metadata: jsonObjectSchema.nullish(),
  guidelines: z.array(agentMessageGuidelineSchema).nullish(),
  participant: participantSchema.nullish(),
  status: sessionStatusSchema.nullish(),
})
export type EventCreationParams = z.input<typeof eventCreationParamsSchema>

// ---------------------------------------------------------------------------------------------
// Guidelines and tags

/** `GuidelineDTO`. */
export const guidelineSchema = z.looseObject({
  id: z.string(),
  condition: z.string(),
  action: z.string().nullish(),
  description: z.string().nullish(),
  title: z.string().nullish(),
  criticality: criticalitySchema.default('medium'),
  enabled: z.boolean().default(true),
  tags: z.array(z.string()),
  metadata: jsonObjectSchema,
  composition_mode: compositionModeSchema.nullish(),
  track: z.boolean().default(true),
  labels: z.array(z.string()).default([]),
  priority: z.number().int().default(0),
})
export type Guideline = z.infer<typeof guidelineSchema>

export const toolIdSchema = z.looseObject({ service_name: z.string(), tool_name: z.string() })

/** `GuidelineWithRelationshipsAndToolAssociationsDTO`: what GET/PATCH `/guidelines/{id}` return. */
export const guidelineWithRelationshipsSchema = z.looseObject({
  guideline: guidelineSchema,
  relationships: z.array(z.looseObject({ id: z.string(), kind: z.string() })),
  tool_associations: z.array(
    z.looseObject({ id: z.string(), guideline_id: z.string(), tool_id: toolIdSchema })
  ),
})
export type GuidelineWithRelationships = z.infer<typeof guidelineWithRelationshipsSchema>

/** `GuidelineCreationParamsDTO`. */
export const guidelineCreationParamsSchema = z.object({
  id: z.string().nullish(),
  condition: z.string(),
  action: z.string().nullish(),
  description: z.string().nullish(),
  title: z.string().nullish(),
  criticality: criticalitySchema.nullish(),
  metadata: jsonObjectSchema.nullish(),
  enabled: z.boolean().nullish(),
  tags: z.array(z.string()).nullish(),
  composition_mode: compositionModeSchema.nullish(),
  track: z.boolean().optional(),
  labels: z.array(z.string()).nullish(),
  priority: z.number().int().optional(),
})
export type GuidelineCreationParams = z.input<typeof guidelineCreationParamsSchema>

/** `GuidelineUpdateParamsDTO` (tool associations and labels omitted: the bridge does not use them). */
export const guidelineUpdateParamsSchema = z.object({
  condition: z.string().nullish(),
  action: z.string().nullish(),
  description: z.string().nullish(),
  title: z.string().nullish(),
  criticality: criticalitySchema.nullish(),
  enabled: z.boolean().nullish(),
  tags: addRemoveSchema.nullish(),
  metadata: z
    .object({ set: jsonObjectSchema.nullish(), unset: z.array(z.string()).nullish() })
    .nullish(),
  composition_mode: compositionModeSchema.nullish(),
  priority: z.number().int().nullish(),
})
export type GuidelineUpdateParams = z.input<typeof guidelineUpdateParamsSchema>

/** `TagDTO`. */
export const tagSchema = z.looseObject({
  id: z.string(),
  name: z.string().min(1).max(50),
})
export type Tag = z.infer<typeof tagSchema>

/** `TagCreationParamsDTO`. */
export const tagCreationParamsSchema = z.object({ name: z.string().min(1).max(50) })

// ---------------------------------------------------------------------------------------------
// Health and errors

/** `GET /healthz`: the document only promises an object; `status` is read when present. */
export const healthSchema = z.looseObject({
  status: z.enum(['healthy', 'degraded', 'unhealthy']).optional(),
  instance_id: z.string().optional(),
  checks: jsonObjectSchema.optional(),
})
export type Health = z.infer<typeof healthSchema>

/** FastAPI `ValidationError`. */
export const validationErrorSchema = z.looseObject({
  loc: z.array(z.union([z.string(), z.number()])),
  msg: z.string(),
  type: z.string(),
  input: z.unknown().optional(),
  ctx: jsonObjectSchema.optional(),
})
export type ValidationErrorItem = z.infer<typeof validationErrorSchema>

/** `HTTPValidationError`: the 422 body of a request that failed validation. */
export const httpValidationErrorSchema = z.looseObject({
  detail: z.array(validationErrorSchema),
})

/** Handler-raised errors (404, 403, 429, 504, rule-based 422): `{"detail": "<string>"}`. */
export const detailErrorSchema = z.looseObject({ detail: z.string() })
