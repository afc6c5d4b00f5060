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

/** Reads the lifecycle state of a workspace's Parlant agent. */
export const parlantGetStatusTool: ToolConfig<ParlantAgentParams, ParlantAgentStatusResponse> = {
  id: 'parlant_get_status',
  name: 'Get a Parlant agent status',
  description:
    "Check whether one of this workspace's Parlant agents is running. Returns its lifecycle state (inactive, starting, active, stopping or error), since when, and the last error if it failed.",
  version: '1.0.0',
  params: {
    agentId: {
      type: 'string',
      required: true,
      visibility: 'user-or-llm',
      description: 'Id of the Parlant agent to check, as returned by parlant_list_agents',
    },
  },
  request: {
    url: parlantRouteUrl('status'),
    method: 'POST',
    headers: jsonHeaders,
    body: (params) => ({ ...baseBody(params), agentId: params.agentId }),
  },
  transformResponse: (response) => readEnvelope(response, agentStatusOutput),
  outputs: AGENT_STATUS_OUTPUTS,
}
