import { listParlantConversationMessagesContract } from '@/lib/api/contracts/parlant'
import { parseRequest } from '@/lib/api/server'
import { withRouteHandler } from '@/lib/core/utils/with-route-handler'
import { parlantParseOptions, parlantRoute } from '@/lib/parlant/api/route-entry'

export const dynamic = 'force-dynamic'

/** The messages of one of the caller's conversations, oldest first. */
export const GET = withRouteHandler(
  (request, context: { params: Promise<{ agentId: string; conversationKey: string }> }) =>
    parlantRoute(request, () =>
      parseRequest(listParlantConversationMessagesContract, request, context, parlantParseOptions)
    )
)
