/**
 * The bridge's own value shapes, validated by zod and shared by the database layer, the HTTP API,
 * the socket handlers and the UI, so a bad value is rejected with the same message everywhere.
 */
import { z } from 'zod'

/** Lifecycle states of a workspace agent. */
export const agentStatusSchema = z.enum(['inactive', 'starting', 'active', 'stopping', 'error'])
export type AgentStatus = z.infer<typeof agentStatusSchema>

/** Workspace permission levels, weakest first. */
export const permissionSchema = z.enum(['read', 'write', 'admin'])
export type Permission = z.infer<typeof permissionSchema>

const PERMISSION_RANK: Record<Permission, number> = { read: 1, write: 2, admin: 3 }

/** Whether `have` grants at least `required` (Sim's `permissionSatisfies`). */
export function permissionSatisfies(have: Permission | null | undefined, required: Permission) {
  return have != null && PERMISSION_RANK[have] >= PERMISSION_RANK[required]
}

/** Ids we mint (UUIDs) and ids Sim mints (text): printable, no separators used in room names. */
export const entityIdSchema = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, "-" and "_"')

export const workspaceIdSchema = entityIdSchema
export const agentIdSchema = entityIdSchema

/** True when `value` holds a C0 control character other than tab, newline or carriage return, or DEL. */
function hasControlCharacters(value: string) {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f)
      return true
  }
  return false
}

/** True when `value` holds a surrogate without its pair (not Unicode; jsonb and UTF-8 refuse it). */
export function hasLoneSurrogate(value: string) {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) i++
      else return true
    } else if (code >= 0xdc00 && code <= 0xdfff) return true
  }
  return false
}

/**
 * `value` made storable: lone surrogates and NUL become U+FFFD. For text the bridge does not
 * choose (Parlant's replies) and must record anyway — refusing it after the message was posted
 * would only invite a second post.
 */
export function toStorableText(value: string): string {
  if (!value.includes('\u0000') && !hasLoneSurrogate(value)) return value
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += value.slice(i, i + 2)
        i++
      } else out += '\ufffd'
    } else if ((code >= 0xdc00 && code <= 0xdfff) || code === 0) out += '\ufffd'
    else out += value.charAt(i)
  }
  return out
}

/**
 * Text PostgreSQL can store and every JSON peer can read: well-formed Unicode without NUL. Every
 * string the bridge accepts passes this one check, so a bad one is a 400 naming its field before
 * anything is written or posted.
 */
export const storableText = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !hasLoneSurrogate(value), {
      message: 'must be well-formed Unicode (it holds a lone surrogate)',
      abort: true,
    })
    .refine((value) => !value.includes('\u0000'), {
      message: 'must not contain NUL characters',
      abort: true,
    })

/** Printable text: storable, and no control characters other than newline and tab. */
const printable = (max: number) =>
  storableText(max).refine((value) => !hasControlCharacters(value), {
    message: 'must not contain control characters',
  })

/** Control, format (bidi overrides, zero-width joiners…) and otherwise invisible characters. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u

/**
 * A display name (agents): storable, NFKC-normalized and trimmed, refusing control, format and
 * invisible characters, so names that look alike are stored alike and the unique index on the
 * stored name holds on what people see.
 */
export const nameSchema = (max: number) =>
  storableText(max * 4)
    .transform((value) => value.normalize('NFKC'))
    .refine((value) => !INVISIBLE.test(value), {
      message: 'must not contain control, format or invisible characters',
    })
    .transform((value) => value.trim())
    .pipe(z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`))

export const agentNameSchema = nameSchema(100)

/** A short free-text label (agent tokens): printable, trimmed, not blank. */
export const labelSchema = printable(100).pipe(z.string().trim().min(1, 'must not be empty'))

export const compositionModeSchema = z.enum([
  'fluid',
  'canned_fluid',
  'composited_canned',
  'strict_canned',
])
export type CompositionMode = z.infer<typeof compositionModeSchema>

export const messageOutputModeSchema = z.enum(['block', 'stream'])

/** A Parlant guideline: when `condition` holds, the agent does `action`. */
export const guidelineSchema = z.strictObject({
  id: entityIdSchema.optional(),
  condition: printable(2000).pipe(z.string().trim().min(1, 'must not be empty')),
  action: printable(2000).pipe(z.string().trim().min(1, 'must not be empty')),
})
export type Guideline = z.infer<typeof guidelineSchema>

/** A parameter value: a storable string, a number, a boolean or null. */
const parameterValueSchema = z
  .union([z.string(), z.number(), z.boolean(), z.null()], {
    error: 'must be a string, number, boolean or null',
  })
  .superRefine((value, ctx) => {
    if (typeof value !== 'string') return
    for (const issue of storableText(2000).safeParse(value).error?.issues ?? [])
      ctx.addIssue({ code: 'custom', message: issue.message })
  })

const parameterKeySchema = storableText(64).min(1, 'must not be empty')

/** Named parameters; a bad key is reported at its own path, saying what is wrong with it. */
const parametersSchema = z
  .record(z.string(), parameterValueSchema)
  .superRefine((value, ctx) => {
    for (const key of Object.keys(value)) {
      for (const issue of parameterKeySchema.safeParse(key).error?.issues ?? [])
        ctx.addIssue({ code: 'custom', path: [key], message: `key ${issue.message}` })
    }
  })
  .refine((value) => Object.keys(value).length <= 50, { message: 'at most 50 parameters' })

/** The agent's configuration as stored in `workspace_agents.agent_config`. */
export const agentConfigSchema = z.strictObject({
  description: printable(2000).optional(),
  compositionMode: compositionModeSchema.default('fluid'),
  messageOutputMode: messageOutputModeSchema.default('block'),
  maxEngineIterations: z.number().int('must be an integer').min(1).max(10).default(3),
  guidelines: z.array(guidelineSchema).max(100, 'at most 100 guidelines').default([]),
  parameters: parametersSchema.default({}),
})
export type AgentConfig = z.infer<typeof agentConfigSchema>
export type AgentConfigInput = z.input<typeof agentConfigSchema>

/** Body of a create request: a name plus the configuration. */
export const createAgentInputSchema = agentConfigSchema.extend({ name: agentNameSchema })
export type CreateAgentInput = z.input<typeof createAgentInputSchema>

/** Body of an update request: every field optional; only given fields change. */
export const updateAgentInputSchema = z.strictObject({
  name: agentNameSchema.optional(),
  description: printable(2000).optional(),
  compositionMode: compositionModeSchema.optional(),
  messageOutputMode: messageOutputModeSchema.optional(),
  maxEngineIterations: z.number().int('must be an integer').min(1).max(10).optional(),
  guidelines: z.array(guidelineSchema).max(100, 'at most 100 guidelines').optional(),
  parameters: parametersSchema.optional(),
})
export type UpdateAgentInput = z.input<typeof updateAgentInputSchema>

/** A conversation key: caller-chosen (e.g. a Sim chat id) or derived per workflow execution. */
export const conversationKeySchema = printable(200).pipe(
  z.string().trim().min(1, 'must not be empty')
)

/** The longest message a chat turn takes, in UTF-16 code units (what the chat input counts). */
export const CHAT_MESSAGE_MAX_LENGTH = 20_000

export const chatMessageSchema = printable(CHAT_MESSAGE_MAX_LENGTH).pipe(
  z.string().trim().min(1, 'must not be empty')
)

/** One message the agent produced in a turn. */
export const agentMessageSchema = z.object({
  id: z.string(),
  offset: z.number().int(),
  source: z.string(),
  text: z.string(),
  participant: z.string().nullable().optional(),
  createdAt: z.string(),
})
export type AgentMessage = z.infer<typeof agentMessageSchema>

/** The outcome of one chat turn, as returned to callers and recorded for idempotent retries. */
export const chatTurnResultSchema = z.object({
  content: z.string(),
  outcome: z.enum(['replied', 'no_reply', 'manual_mode', 'cancelled']),
  messages: z.array(agentMessageSchema),
  preambles: z.array(agentMessageSchema),
  toolCalls: z.array(z.record(z.string(), z.unknown())),
  matchedGuidelines: z.array(z.string()),
  agentId: z.string(),
  sessionId: z.string(),
  conversationKey: z.string(),
  /**
   * True when the conversation's Parlant session was gone (e.g. a restarted Parlant server) and
   * this turn continued it in a new session: the agent does not remember the earlier messages.
   */
  sessionRenewed: z.boolean(),
  traceId: z.string(),
  timing: z.object({
    startedAt: z.string(),
    completedAt: z.string(),
    durationMs: z.number(),
  }),
})
export type ChatTurnResult = z.infer<typeof chatTurnResultSchema>

/** An agent as the API returns it (never tokens or internal fields). */
export const agentViewSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  compositionMode: compositionModeSchema,
  messageOutputMode: messageOutputModeSchema,
  maxEngineIterations: z.number().int(),
  guidelines: z.array(guidelineSchema),
  parameters: z.record(z.string(), parameterValueSchema),
  status: agentStatusSchema,
  lastError: z.string().nullable(),
  statusChangedAt: z.string(),
  parlantAgentId: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type AgentView = z.output<typeof agentViewSchema>

/** Turns a zod error into `{ field, message }` pairs with dotted paths. */
export function describeIssues(error: z.ZodError): Array<{ field: string; message: string }> {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }))
}
