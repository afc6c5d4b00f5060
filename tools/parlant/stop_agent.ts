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

/** Stops a workspace's Parlant agent; it refuses new conversations until started again. */
export const parlantStopAgentTool: ToolConfig<ParlantAgentParams, ParlantAgentStatusResponse> = {
  id: 'parlant_stop_agent',
  name: 'Stop a Parlant agent',
  description:
    "Stop one of this workspace's Parlant agents. A stopped agent refuses new messages until it is started again, and a reply in progress is abandoned. Returns the agent's lifecycle state.",
  version: '1.0.0',
  params: {
    agentId: {
      type: 'string',
      required: true,
      visibility: 'user-or-llm',
      description: 'Id of the Parlant agent to stop, as returned by parlant_list_agents',
    },
  },
  request: {
    url: parlantRouteUrl('stop'),
    method: 'POST',
    headers: jsonHeaders,
    body: (params) => ({ ...baseBody(params), agentId: params.agentId }),
  },
  transformResponse: (response) => readEnvelope(response, agentStatusOutput),
  outputs: AGENT_STATUS_OUTPUTS,
}
