/**
 * Request contracts of the bridge's routes: path params, queries and bodies. Bodies are strict
 * (an unknown field is an error that names it), except the tool routes' bodies, which Sim's
 * executor fills with every block param and `_context`.
 */
import { z } from 'zod'
import {
  agentIdSchema,
  chatMessageSchema,
  conversationKeySchema,
  createAgentInputSchema,
  entityIdSchema,
  updateAgentInputSchema,
  workspaceIdSchema,
} from '@/lib/parlant/schemas'
import { MAX_TOKEN_TTL_SECONDS } from '@/lib/parlant/tokens'

export const workspaceQuerySchema = z.object({ workspaceId: workspaceIdSchema })

export const createAgentBodySchema = createAgentInputSchema.extend({
  workspaceId: workspaceIdSchema,
})

export const updateAgentBodySchema = updateAgentInputSchema.extend({
  workspaceId: workspaceIdSchema.optional(),
})

export const workspaceBodySchema = z.strictObject({ workspaceId: workspaceIdSchema.optional() })

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
  label: z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters')
    .optional(),
  expiresInSeconds: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(60, 'must be at least 60')
    .max(MAX_TOKEN_TTL_SECONDS, `must be at most ${MAX_TOKEN_TTL_SECONDS}`)
    .optional(),
})

export const verifyTokenBodySchema = z.strictObject({
  token: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(200),
})

/** Sim's execution context as tools forward it (only what the routes read). */
const toolContextSchema = z.object({ workspaceId: workspaceIdSchema.optional() }).optional()

const toolBase = {
  workspaceId: workspaceIdSchema.optional(),
  _context: toolContextSchema,
}

export const toolListBodySchema = z.object(toolBase)

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
  blockId: entityIdSchema.optional(),
})
