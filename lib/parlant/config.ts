/**
 * The bridge's settings, read once from the environment and validated: a bad value stops start-up
 * with a message naming the variable.
 */
import { z } from 'zod'

const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'must be "true" or "false"' })
    .optional()
    .transform((value) => (value === undefined ? fallback : value === 'true' || value === '1'))

const envSchema = z.object({
  ENABLE_PARLANT_INTEGRATION: booleanFlag(true),
  PARLANT_SOCKET_NAMESPACE: z
    .string()
    .regex(/^\/[A-Za-z0-9_-]*$/, 'must start with "/" and contain only letters, digits, "-" or "_"')
    .default('/parlant'),
  PARLANT_WORKSPACE_ISOLATION: z
    .string()
    .optional()
    .refine((value) => value === undefined || value === 'true', {
      message: 'only "true" is accepted: workspace isolation cannot be turned off',
    }),
  PARLANT_MAX_AGENTS_PER_WORKSPACE: z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(10_000)
    .default(10),
  /** The client appends Parlant's paths to it (`/sessions/…`): a query or fragment would swallow them. */
  PARLANT_SERVER_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .refine((value) => !/[?#]/.test(value), {
      message: "must not have a query or fragment (Parlant's paths are appended to it)",
    })
    .optional(),
  PARLANT_API_KEY: z.string().min(1).optional(),
  PARLANT_CHAT_TRAILING_ERROR_WAIT_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number of milliseconds')
    .min(0)
    .max(10_000)
    .optional(),
  /** Deprecated: read only when `PARLANT_CHAT_TRAILING_ERROR_WAIT_MS` is unset. */
  PARLANT_CHAT_TRAILING_ERROR_WAIT_SECONDS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number of seconds (Parlant takes integer wait_for_data)')
    .min(0)
    .max(10)
    .optional(),
  PARLANT_CHAT_EVENT_STREAM: z
    .enum(['true', 'false'], { error: 'must be "true" or "false"' })
    .default('true'),
})

/** Validated bridge settings. */
export interface BridgeConfig {
  enabled: boolean
  socketNamespace: string
  maxAgentsPerWorkspace: number
  /** Unset → the host runs the in-process emulator. */
  parlantServerUrl?: string
  parlantApiKey?: string
  /**
   * How long a turn looks for a trailing `error` after its final ready, ms (default 250). On the
   * event stream that is the wait; the long poll rounds it up to Parlant's whole seconds.
   */
  chatTrailingErrorWaitMs?: number
  /** Read turns' events as a server-sent-events stream (default true; long poll when false). */
  chatEventStream?: boolean
}

/** A configuration error that names the variables at fault. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * Validates the variables named by `schema`'s keys (an empty value counts as unset); a bad one
 * throws a `ConfigError` naming every variable at fault.
 */
export function parseEnv<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
  env: NodeJS.ProcessEnv
): z.infer<z.ZodObject<Shape>> {
  const picked = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]])
  )
  const parsed = schema.safeParse(picked)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`)
  }
  return parsed.data
}

/** Reads and validates the bridge's environment variables. */
export function loadBridgeConfig(env: NodeJS.ProcessEnv = process.env): BridgeConfig {
  const value = parseEnv(envSchema, env)
  return {
    enabled: value.ENABLE_PARLANT_INTEGRATION,
    socketNamespace: value.PARLANT_SOCKET_NAMESPACE,
    maxAgentsPerWorkspace: value.PARLANT_MAX_AGENTS_PER_WORKSPACE,
    parlantServerUrl: value.PARLANT_SERVER_URL,
    parlantApiKey: value.PARLANT_API_KEY,
    chatTrailingErrorWaitMs:
      value.PARLANT_CHAT_TRAILING_ERROR_WAIT_MS ??
      (value.PARLANT_CHAT_TRAILING_ERROR_WAIT_SECONDS === undefined
        ? 250
        : value.PARLANT_CHAT_TRAILING_ERROR_WAIT_SECONDS * 1000),
    chatEventStream: value.PARLANT_CHAT_EVENT_STREAM === 'true',
  }
}
