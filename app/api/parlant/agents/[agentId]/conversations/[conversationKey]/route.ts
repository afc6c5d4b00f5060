import { deleteParlantConversationContract } from '@/lib/api/contracts/parlant'
import { parseRequest } from '@/lib/api/server'
import { withRouteHandler } from '@/lib/core/utils/with-route-handler'
import { parlantParseOptions, parlantRoute } from '@/lib/parlant/api/route-entry'

export const dynamic = 'force-dynamic'

/** Ends one of the caller's conversations (its key starts a new one next time). */
export const DELETE = withRouteHandler(
  (request, context: { params: Promise<{ agentId: string; conversationKey: string }> }) =>
    parlantRoute(request, () =>
      parseRequest(deleteParlantConversationContract, request, context, parlantParseOptions)
    )
)
