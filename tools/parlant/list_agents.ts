import {
  arr,
  baseBody,
  jsonHeaders,
  parlantRouteUrl,
  readEnvelope,
  str,
  strOrNull,
} from '@/tools/parlant/shared'
import type {
  ParlantAgentSummary,
  ParlantListAgentsParams,
  ParlantListAgentsResponse,
} from '@/tools/parlant/types'
import type { ToolConfig } from '@/tools/types'

function listOutput(output: Record<string, unknown>): ParlantListAgentsResponse['output'] {
  const agents: ParlantAgentSummary[] = arr(output.agents).flatMap((item) => {
    if (!item || typeof item !== 'object') return []
    const agent = item as Record<string, unknown>
    return [
      {
        id: str(agent.id),
        name: str(agent.name),
        description: strOrNull(agent.description),
        status: str(agent.status),
      },
    ]
  })
  return { agents, count: agents.length }
}

/** Lists the Parlant agents of the workflow's workspace. */
export const parlantListAgentsTool: ToolConfig<ParlantListAgentsParams, ParlantListAgentsResponse> =
  {
    id: 'parlant_list_agents',
    name: 'List Parlant agents',
    description:
      "List the Parlant agents of this workspace with their id, name, description and lifecycle state. Call this to find the agentId to pass to parlant_chat, parlant_start_agent, parlant_stop_agent or parlant_get_status; pick the agent whose name and description fit the customer's need.",
    version: '1.0.0',
    params: {},
    request: {
      url: parlantRouteUrl('list'),
      method: 'POST',
      headers: jsonHeaders,
      body: (params) => baseBody(params),
    },
    transformResponse: (response) => readEnvelope(response, listOutput),
    outputs: {
      agents: {
        type: 'array',
        description: 'The workspace agents',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string', description: 'Agent id (pass it as agentId)' },
            name: { type: 'string', description: 'Agent name' },
            description: { type: 'string', description: 'What the agent is for', nullable: true },
            status: { type: 'string', description: 'Lifecycle state' },
          },
        },
      },
      count: { type: 'number', description: 'Number of agents' },
    },
  }
