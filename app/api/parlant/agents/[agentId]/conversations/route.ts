import { listParlantConversationsContract } from '@/lib/api/contracts/parlant'
import { parseRequest } from '@/lib/api/server'
import { withRouteHandler } from '@/lib/core/utils/with-route-handler'
import { parlantParseOptions, parlantRoute } from '@/lib/parlant/api/route-entry'

export const dynamic = 'force-dynamic'

/** The caller's conversations with an agent, newest first. */
export const GET = withRouteHandler((request, context: { params: Promise<{ agentId: string }> }) =>
  parlantRoute(request, () =>
    parseRequest(listParlantConversationsContract, request, context, parlantParseOptions)
  )
)
