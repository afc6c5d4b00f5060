import { stopParlantAgentContract } from '@/lib/api/contracts/parlant'
import { parseRequest } from '@/lib/api/server'
import { withRouteHandler } from '@/lib/core/utils/with-route-handler'
import { parlantParseOptions, parlantRoute } from '@/lib/parlant/api/route-entry'

export const dynamic = 'force-dynamic'

/** Stops an agent. */
export const POST = withRouteHandler((request, context: { params: Promise<{ agentId: string }> }) =>
  parlantRoute(request, () =>
    parseRequest(stopParlantAgentContract, request, context, parlantParseOptions)
  )
)
