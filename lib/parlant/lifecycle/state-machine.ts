/**
 * The agent lifecycle as data: which status may follow which. Every status write goes through
 * `compareAndSetStatus` with a `from` list taken from here, so an illegal move cannot be written.
 */
import type { AgentStatus } from '@/lib/parlant/schemas'

/** Every status, in lifecycle order. */
export const AGENT_STATUSES: readonly AgentStatus[] = [
  'inactive',
  'starting',
  'active',
  'stopping',
  'error',
]

/**
 * Allowed moves. `error` is reachable from `starting` (provisioning failed or was interrupted) and
 * `active` (health monitor); from `error` an agent can be started again, stopped, or recovered to
 * `active` by the health monitor once its Parlant agent answers again.
 */
export const TRANSITIONS: Readonly<Record<AgentStatus, readonly AgentStatus[]>> = {
  inactive: ['starting'],
  starting: ['active', 'error'],
  active: ['stopping', 'error'],
  stopping: ['inactive'],
  error: ['starting', 'stopping', 'active'],
}

/** Whether `to` may directly follow `from`. */
export function canTransition(from: AgentStatus, to: AgentStatus): boolean {
  return TRANSITIONS[from].includes(to)
}

/** The statuses from which `to` may be entered: the `from` guard of a compare-and-set. */
export function sourcesOf(to: AgentStatus): AgentStatus[] {
  return AGENT_STATUSES.filter((from) => canTransition(from, to))
}

/** Statuses in which the agent accepts chat turns. */
export function acceptsTurns(status: AgentStatus): boolean {
  return status === 'active'
}

/** Statuses that a crash can leave behind and the reconciler repairs. */
export function isTransient(status: AgentStatus): boolean {
  return status === 'starting' || status === 'stopping'
}
