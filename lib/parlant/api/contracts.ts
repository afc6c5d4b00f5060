/**
 * The shapes of the bridge's routes: path params, queries, bodies and answers. The route contracts
 * (`lib/api/contracts/parlant.ts`) are assembled from these. Bodies are strict (an unknown field
 * is an error that names it), except the tool routes' bodies, which Sim's executor fills with
 * every block param and `_context`.
 */
import { z } from 'zod'
import { BRIDGE_ERROR_STATUS, type BridgeErrorCode } from '@/lib/parlant/errors'
import {
  agentIdSchema,
  agentStatusSchema,
  agentViewSchema,
  chatMessageSchema,
  chatTurnResultSchema,
  conversationKeySchema,
  createAgentInputSchema,
  entityIdSchema,
  labelSchema,
  storableText,
  updateAgentInputSchema,
  workspaceIdSchema,
} from '@/lib/parlant/schemas'
import { MAX_TOKEN_TTL_SECONDS } from '@/lib/parlant/tokens'

// ------------------------------------------------------------------ path params and queries

export const agentParamsSchema = z.object({ agentId: agentIdSchema })
export const tokenParamsSchema = z.object({ tokenId: entityIdSchema })
export const workspaceParamsSchema = z.object({ workspaceId: workspaceIdSchema })

export const workspaceQuerySchema = z.object({ workspaceId: workspaceIdSchema })

/** A conversation of an agent, by the key its chats use. */
export const conversationParamsSchema = z.object({
  agentId: agentIdSchema,
  conversationKey: conversationKeySchema,
})

/** A page size from the query string (`?limit=20`). */
const limitSchema = (max: number, fallback: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(max, `must be at most ${max}`)
    .default(fallback)

/** `?workspaceId=&limit=&cursor=`: the caller's conversations with an agent, a page at a time. */
export const conversationListQuerySchema = z.object({
  workspaceId: workspaceIdSchema,
  limit: limitSchema(100, 20),
  /** `nextCursor` of the previous page. */
  cursor: z
    .string({ error: 'must be a string' })
    .min(1, 'must not be empty')
    .max(400, 'must be at most 400 characters')
    .optional(),
})

/** `?workspaceId=&limit=&before=`: a conversation's messages older than `before` (an offset). */
export const conversationMessagesQuerySchema = z.object({
  workspaceId: workspaceIdSchema,
  limit: limitSchema(200, 50),
  before: z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be at least 0')
    .optional(),
})

/** Where the body may name the workspace instead (the body wins when both do). */
export const optionalWorkspaceQuerySchema = z.object({ workspaceId: workspaceIdSchema.optional() })

// ------------------------------------------------------------------ bodies

export const createAgentBodySchema = createAgentInputSchema.extend({
  workspaceId: workspaceIdSchema,
})

export const updateAgentBodySchema = updateAgentInputSchema.extend({
  workspaceId: workspaceIdSchema.optional(),
})

/** Start and stop: the body is optional, and so is its workspace (the query may carry it). */
export const workspaceBodySchema = z
  .strictObject({ workspaceId: workspaceIdSchema.optional() })
  .optional()

const idempotencyKeySchema = conversationKeySchema
const deadlineMsSchema = z
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .min(1000, 'must be at least 1000')
  .max(600_000, 'must be at most 600000')

export const chatBodySchema = z.strictObject({
  workspaceId: workspaceIdSchema.optional(),
  message: chatMessageSchema,
  conversationKey: conversationKeySchema.optional(),
  customerId: entityIdSchema.optional(),
  idempotencyKey: idempotencyKeySchema.optional(),
  deadlineMs: deadlineMsSchema.optional(),
})

export const issueTokenBodySchema = z.strictObject({
  workspaceId: workspaceIdSchema,
  agentId: agentIdSchema,
  label: labelSchema.optional(),
  expiresInSeconds: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(60, 'must be at least 60')
    .max(MAX_TOKEN_TTL_SECONDS, `must be at most ${MAX_TOKEN_TTL_SECONDS}`)
    .optional(),
})

export const verifyTokenBodySchema = z.strictObject({
  token: storableText(200).min(1, 'must not be empty'),
})

/** Sim's execution context as tools forward it (only what the routes read). */
const toolContextSchema = z.object({ workspaceId: workspaceIdSchema.optional() }).optional()

const toolBase = {
  workspaceId: workspaceIdSchema.optional(),
  _context: toolContextSchema,
}

/** The list tool needs nothing but a workspace, which may come in `_context`: any body is optional. */
export const toolListBodySchema = z.object(toolBase).optional()

export const toolAgentBodySchema = z.object({ ...toolBase, agentId: agentIdSchema })

export const toolChatBodySchema = z.object({
  ...toolBase,
  agentId: agentIdSchema,
  message: chatMessageSchema,
  conversationKey: conversationKeySchema.optional(),
  customerId: entityIdSchema.optional(),
  idempotencyKey: idempotencyKeySchema.optional(),
  deadlineMs: deadlineMsSchema.optional(),
  autoStart: z.boolean({ error: 'must be true or false' }).optional(),
  executionId: entityIdSchema.optional(),
  /** Minted by the tool once per call: a resend of that call is deduplicated, nothing else. */
  callId: entityIdSchema.optional(),
})

/** The transcript tool: a conversation by key (default the execution's own, as chat makes it). */
export const toolConversationBodySchema = z.object({
  ...toolBase,
  agentId: agentIdSchema,
  conversationKey: conversationKeySchema.optional(),
  executionId: entityIdSchema.optional(),
  limit: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(200, 'must be at most 200')
    .optional(),
  before: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be at least 0')
    .optional(),
})

// ------------------------------------------------------------------ answers

const bridgeErrorCodes = Object.keys(BRIDGE_ERROR_STATUS) as [BridgeErrorCode, ...BridgeErrorCode[]]

/** Every failure of an API route: `{ error, code, details? }`, details naming each invalid field. */
export const bridgeErrorResponseSchema = z.object({
  error: z.string(),
  code: z.enum(bridgeErrorCodes),
  details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
})

/** The workspace's agents and its quota (`PARLANT_MAX_AGENTS_PER_WORKSPACE`), so a UI can show `n / max`. */
export const agentListResponseSchema = z.object({
  agents: z.array(agentViewSchema),
  maxAgents: z.number().int(),
})
export const agentResponseSchema = z.object({ agent: agentViewSchema })
export const agentDeletedResponseSchema = z.object({
  deleted: z.literal(true),
  agentId: z.string(),
})

export const agentStatusViewSchema = z.object({
  agentId: z.string(),
  status: agentStatusSchema,
  lastError: z.string().nullable(),
  since: z.string(),
  parlantReachable: z.boolean(),
})
export const agentStatusResponseSchema = z.object({ status: agentStatusViewSchema })

export const chatResponseSchema = z.object({ result: chatTurnResultSchema })

/** One conversation of the caller with an agent. */
export const conversationSummarySchema = z.object({
  conversationKey: z.string(),
  customerId: z.string(),
  createdAt: z.string(),
  /** When the agent last finished a reply in it (its creation when none yet). */
  lastMessageAt: z.string(),
  /** The start of the last reply, at most 200 characters; null before the first reply. */
  preview: z.string().nullable(),
})
export type ConversationSummary = z.infer<typeof conversationSummarySchema>

export const conversationListResponseSchema = z.object({
  conversations: z.array(conversationSummarySchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
})

/** Who wrote a message: the customer, the AI agent, or a human agent. */
export const messageSourceSchema = z.enum(['customer', 'ai_agent', 'human_agent'])

/** One message of a conversation, read from the Parlant session's events. */
export const conversationMessageSchema = z.object({
  id: z.string(),
  offset: z.number().int(),
  source: messageSourceSchema,
  text: z.string(),
  at: z.string(),
  traceId: z.string(),
  /** An "one moment…" message sent before the reply. */
  preamble: z.boolean(),
})
export type ConversationMessage = z.infer<typeof conversationMessageSchema>

export const conversationMessagesResponseSchema = z.object({
  conversationKey: z.string(),
  /** The Parlant session the messages come from; null before the first message. */
  sessionId: z.string().nullable(),
  /** Oldest first. */
  messages: z.array(conversationMessageSchema),
  /** Pass as `before` for the previous (older) page; null when there is none. */
  nextBefore: z.number().int().nullable(),
})
export type ConversationMessages = z.infer<typeof conversationMessagesResponseSchema>

export const conversationDeletedResponseSchema = z.object({
  deleted: z.literal(true),
  conversationKey: z.string(),
})

/** A new agent token; the secret is in this answer only. */
export const issuedTokenResponseSchema = z.object({
  token: z.string(),
  tokenId: z.string(),
  expiresAt: z.string(),
})

/** Where a valid token belongs is told only to callers who may read that agent. */
export const verifyTokenResponseSchema = z.object({
  valid: z.boolean(),
  workspaceId: z.string().optional(),
  agentId: z.string().optional(),
  expiresAt: z.string().optional(),
})

/** A workspace's agent tokens as its admins see them: metadata only, never a secret or hash. */
export const tokenListResponseSchema = z.object({
  tokens: z.array(
    z.object({
      tokenId: z.string(),
      agentId: z.string(),
      label: z.string().nullable(),
      issuedBy: z.string().nullable(),
      issuerName: z.string().nullable(),
      createdAt: z.string(),
      expiresAt: z.string(),
      lastUsedAt: z.string().nullable(),
      revokedAt: z.string().nullable(),
    })
  ),
})

export const tokenRevokedResponseSchema = z.object({
  revoked: z.literal(true),
  tokenId: z.string(),
})

/** Every failure of a tool route, in Sim's tool shape (the message names the field). */
export const toolErrorResponseSchema = z.object({ success: z.literal(false), error: z.string() })

/** One agent as the start, stop and status tools return it. */
export const toolAgentOutputSchema = z.object({
  agentId: z.string(),
  name: z.string(),
  status: agentStatusSchema,
  lastError: z.string().nullable(),
  since: z.string(),
})

export const toolAgentResponseSchema = z.object({
  success: z.literal(true),
  output: toolAgentOutputSchema,
})

export const toolListResponseSchema = z.object({
  success: z.literal(true),
  output: z.object({
    agents: z.array(
      agentViewSchema.pick({ id: true, name: true, description: true, status: true })
    ),
    count: z.number().int(),
  }),
})

export const toolConversationResponseSchema = z.object({
  success: z.literal(true),
  output: conversationMessagesResponseSchema.extend({ count: z.number().int() }),
})

export const toolChatResponseSchema = z.object({
  success: z.literal(true),
  output: chatTurnResultSchema.extend({ status: z.literal('active') }),
})
