import {
  AGENT_STATUS_OUTPUTS,
  agentStatusOutput,
  baseBody,
  jsonHeaders,
  parlantRouteUrl,
  readEnvelope,
} from '@/tools/parlant/shared'
import type { ParlantAgentParams, ParlantAgentStatusResponse } from '@/tools/parlant/types'
import type { ToolConfig } from '@/tools/types'

/** Starts (provisions) a workspace's Parlant agent so it can chat. */
export const parlantStartAgentTool: ToolConfig<ParlantAgentParams, ParlantAgentStatusResponse> = {
  id: 'parlant_start_agent',
  name: 'Start a Parlant agent',
  description:
    "Start one of this workspace's Parlant agents so it can hold conversations. Starting an agent that is already active changes nothing. Returns the agent's lifecycle state.",
  version: '1.0.0',
  params: {
    agentId: {
      type: 'string',
      required: true,
      visibility: 'user-or-llm',
      description: 'Id of the Parlant agent to start, as returned by parlant_list_agents',
    },
  },
  request: {
    url: parlantRouteUrl('start'),
    method: 'POST',
    headers: jsonHeaders,
    body: (params) => ({ ...baseBody(params), agentId: params.agentId }),
  },
  transformResponse: (response) => readEnvelope(response, agentStatusOutput),
  outputs: AGENT_STATUS_OUTPUTS,
}
