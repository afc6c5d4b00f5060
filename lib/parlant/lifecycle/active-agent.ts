/**
 * Which agent takes chat turns: one that is `active` with its Parlant agent provisioned. Any other
 * state is refused with `agent_not_active` (409) saying what to do; a missing agent, or one of
 * another workspace, is `not_found` (404).
 */
import { and, type Column, eq, isNotNull, type Placeholder, type SQL } from 'drizzle-orm'
import type { WorkspaceAgentRow } from '@/lib/parlant/db/schema'
import { BridgeError } from '@/lib/parlant/errors'

/** An agent row that takes turns. */
export type ActiveAgentRow = WorkspaceAgentRow & { parlantAgentId: string }

/** The 404 of an agent this workspace does not have. */
export function agentNotFound(): BridgeError {
  return new BridgeError('not_found', 'Agent not found')
}

/** What a turn refused by an agent in `error` says: its reason, and what to do only once. */
function errorHint(lastError: string | null) {
  if (!lastError) return 'is in error; start it again'
  return /start (it|the agent) again/i.test(lastError)
    ? `is in error: ${lastError}`
    : `is in error (${lastError}); start it again`
}

/**
 * `row` if it takes turns in `workspaceId`; otherwise throws `not_found` or `agent_not_active`.
 * The row may have been read by id alone: its workspace is checked here.
 */
export function activeAgentOf(
  row: WorkspaceAgentRow | undefined | null,
  workspaceId: string
): ActiveAgentRow {
  if (!row || row.workspaceId !== workspaceId) throw agentNotFound()
  if (row.status !== 'active' || !row.parlantAgentId) {
    const hint =
      row.status === 'error'
        ? errorHint(row.lastError)
        : row.status === 'starting'
          ? 'is still starting; try again in a moment'
          : `is ${row.status}; start it first`
    throw new BridgeError('agent_not_active', `Agent "${row.agentName}" ${hint}`)
  }
  return row as ActiveAgentRow
}

/** The agent columns `takesTurnsIn` reads (of the table, or of a statement's own read of it). */
interface AgentColumns {
  workspaceId: Column
  status: Column
  parlantAgentId: Column
}

/**
 * `activeAgentOf`'s rule as SQL, for a statement that writes only for an agent that takes turns:
 * the agent is `active`, provisioned, and of `workspaceId`. Whatever `activeAgentOf` refuses, this
 * refuses too, so a refused send writes nothing.
 */
export function takesTurnsIn(agent: AgentColumns, workspaceId: SQL | Placeholder): SQL {
  return and(
    eq(agent.workspaceId, workspaceId),
    eq(agent.status, 'active'),
    isNotNull(agent.parlantAgentId)
  ) as SQL
}
