import { parlantChatTool } from '@/tools/parlant/chat'
import { parlantGetConversationTool } from '@/tools/parlant/get_conversation'
import { parlantGetStatusTool } from '@/tools/parlant/get_status'
import { parlantListAgentsTool } from '@/tools/parlant/list_agents'
import { parlantStartAgentTool } from '@/tools/parlant/start_agent'
import { parlantStopAgentTool } from '@/tools/parlant/stop_agent'

export * from '@/tools/parlant/types'
export {
  parlantChatTool,
  parlantGetConversationTool,
  parlantGetStatusTool,
  parlantListAgentsTool,
  parlantStartAgentTool,
  parlantStopAgentTool,
}
