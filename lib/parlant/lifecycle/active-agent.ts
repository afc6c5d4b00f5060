/**
 * Which agent takes chat turns: one that is `active` with its Parlant agent provisioned. Any other
 * state is refused with `agent_not_active` (409) saying what to do; a missing agent, or one of
 * another workspace, is `not_found` (404).
 */
import { and, type Column, eq, isNotNull, type Placeholder, type SQL, sql } from 'drizzle-orm'
import { type WorkspaceAgentRow, workspaceAgents } from '@/lib/parlant/db/schema'
import { BridgeError } from '@/lib/parlant/errors'
import type { AgentConfig } from '@/lib/parlant/schemas'

/** An agent row that takes turns. */
export type ActiveAgentRow = WorkspaceAgentRow & { parlantAgentId: string }

/** What `activeAgentOf` reads of an agent. */
type AgentState = Pick<
  WorkspaceAgentRow,
  'workspaceId' | 'agentName' | 'status' | 'lastError' | 'parlantAgentId'
>

/**
 * The agent columns a turn reads: `activeAgentOf`'s, and of the configuration only the session's
 * `parameters` (the whole configuration, guidelines and all, would be parsed on every turn).
 */
export const turnAgentColumns = {
  id: workspaceAgents.id,
  workspaceId: workspaceAgents.workspaceId,
  agentName: workspaceAgents.agentName,
  status: workspaceAgents.status,
  lastError: workspaceAgents.lastError,
  parlantAgentId: workspaceAgents.parlantAgentId,
  parameters: sql<
    AgentConfig['parameters'] | null
  >`${workspaceAgents.agentConfig} -> 'parameters'`.as('parameters'),
}

/** An agent as a turn reads it (`turnAgentColumns`). */
export type TurnAgentRow = Pick<WorkspaceAgentRow, 'id'> &
  AgentState & { parameters: AgentConfig['parameters'] | null }

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
export function activeAgentOf<T extends AgentState>(
  row: T | undefined | null,
  workspaceId: string
): T & { parlantAgentId: string } {
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
  return row as T & { parlantAgentId: string }
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
