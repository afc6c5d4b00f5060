import { getParlantAgentStatusContract } from '@/lib/api/contracts/parlant'
import { parseRequest } from '@/lib/api/server'
import { withRouteHandler } from '@/lib/core/utils/with-route-handler'
import { parlantParseOptions, parlantRoute } from '@/lib/parlant/api/route-entry'

export const dynamic = 'force-dynamic'

/** An agent’s lifecycle status. */
export const GET = withRouteHandler((request, context: { params: Promise<{ agentId: string }> }) =>
  parlantRoute(request, () =>
    parseRequest(getParlantAgentStatusContract, request, context, parlantParseOptions)
  )
)
