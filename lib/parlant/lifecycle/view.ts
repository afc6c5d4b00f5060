/** How an agent row is shown to callers: configuration and status, never internal columns. */
import type { WorkspaceAgentRow } from '@/lib/parlant/db/schema'
import type { AgentConfig, AgentView } from '@/lib/parlant/schemas'

/**
 * The configuration stored on an agent row. Every write validated it with `agentConfigSchema`
 * (defaults applied), so reads do not validate it again; the defaults are filled in here only for a
 * row written without a configuration (the column's `{}` default).
 */
export function storedAgentConfig(row: WorkspaceAgentRow): AgentConfig {
  const stored: Partial<AgentConfig> = row.agentConfig ?? {}
  return {
    ...stored,
    compositionMode: stored.compositionMode ?? 'fluid',
    messageOutputMode: stored.messageOutputMode ?? 'block',
    maxEngineIterations: stored.maxEngineIterations ?? 3,
    guidelines: stored.guidelines ?? [],
    parameters: stored.parameters ?? {},
  }
}

/** The API view of an agent row. */
export function toAgentView(row: WorkspaceAgentRow): AgentView {
  const config = storedAgentConfig(row)
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    name: row.agentName,
    description: config.description ?? null,
    compositionMode: config.compositionMode,
    messageOutputMode: config.messageOutputMode,
    maxEngineIterations: config.maxEngineIterations,
    guidelines: config.guidelines,
    parameters: config.parameters,
    status: row.status,
    lastError: row.lastError,
    statusChangedAt: row.statusChangedAt.toISOString(),
    parlantAgentId: row.parlantAgentId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}
