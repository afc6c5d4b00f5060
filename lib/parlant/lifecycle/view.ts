/** How an agent row is shown to callers: configuration and status, never internal columns. */
import type { WorkspaceAgentRow } from '@/lib/parlant/db/schema'
import { type AgentView, agentConfigSchema } from '@/lib/parlant/schemas'

/** The API view of an agent row. */
export function toAgentView(row: WorkspaceAgentRow): AgentView {
  const config = agentConfigSchema.parse(row.agentConfig)
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
