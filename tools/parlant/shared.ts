/**
 * What the Parlant tools share: the internal route they post to, the JSON body every request
 * carries, reading a route's `{ success, output }` envelope, and the declared outputs.
 */

import type { ParlantBaseParams } from '@/tools/parlant/types'
import type { ToolOutputProperty, ToolResponse } from '@/tools/types'

/** The internal tool route of one action; the executor resolves it against its own origin. */
export function parlantRouteUrl(
  action: 'chat' | 'start' | 'stop' | 'status' | 'list' | 'conversation'
) {
  return `/api/tools/parlant/${action}`
}

/** JSON headers; the executor adds the internal bearer itself. */
export function jsonHeaders() {
  return { 'Content-Type': 'application/json' }
}

/**
 * The body common to every request: the workspace comes from the executor's `_context`, since the
 * internal token only names the user, and the route authorizes it.
 */
export function baseBody(params: ParlantBaseParams) {
  return { workspaceId: params._context?.workspaceId }
}

/** Drops keys whose value is undefined so optional params never reach the route as `null`. */
export function compact(body: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined))
}

function errorText(error: unknown) {
  if (typeof error === 'string' && error) return error
  if (error && typeof error === 'object' && 'error' in error) return errorText(error.error)
  if (error && typeof error === 'object' && 'message' in error) return errorText(error.message)
  return 'The Parlant route returned an unreadable error'
}

/**
 * Reads a route's `{ success, output }` envelope into a tool response, mapping the output
 * through `shape` so the block always sees the declared fields.
 */
export async function readEnvelope<T extends Record<string, unknown>>(
  response: Response,
  shape: (output: Record<string, unknown>) => T
): Promise<ToolResponse & { output: T }> {
  const body: unknown = await response.json().catch(() => null)
  const envelope = body && typeof body === 'object' ? (body as Record<string, unknown>) : {}
  if (envelope.success !== true) {
    return {
      success: false,
      output: shape({}),
      error: errorText(envelope.error ?? 'The Parlant route returned no result'),
    }
  }
  const output =
    envelope.output && typeof envelope.output === 'object'
      ? (envelope.output as Record<string, unknown>)
      : {}
  return { success: true, output: shape(output) }
}

/** Reads a string field, or the fallback. */
export function str(value: unknown, fallback = '') {
  return typeof value === 'string' ? value : fallback
}

/** Reads an optional string field as string | null. */
export function strOrNull(value: unknown) {
  return typeof value === 'string' ? value : null
}

/** Reads an array field, or an empty array. */
export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

/** Outputs of the lifecycle tools (start, stop, status). */
export const AGENT_STATUS_OUTPUTS: Record<string, ToolOutputProperty> = {
  agentId: { type: 'string', description: 'Id of the Parlant agent' },
  name: { type: 'string', description: 'Name of the agent' },
  status: {
    type: 'string',
    description: 'Lifecycle state: inactive, starting, active, stopping or error',
  },
  lastError: {
    type: 'string',
    description: 'Why the agent last failed, when it is in the error state',
    nullable: true,
  },
  since: {
    type: 'string',
    description: 'When the agent entered its current state (ISO 8601)',
    nullable: true,
  },
}

/** Maps a lifecycle route output to the declared fields. */
export function agentStatusOutput(output: Record<string, unknown>) {
  return {
    agentId: str(output.agentId),
    name: str(output.name),
    status: str(output.status),
    lastError: strOrNull(output.lastError),
    since: strOrNull(output.since),
  }
}
