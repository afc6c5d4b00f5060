import { createParlantAgentContract, listParlantAgentsContract } from '@/lib/api/contracts/parlant'
import { parseRequest } from '@/lib/api/server'
import { withRouteHandler } from '@/lib/core/utils/with-route-handler'
import { parlantParseOptions, parlantRoute } from '@/lib/parlant/api/route-entry'

export const dynamic = 'force-dynamic'

/** Lists the workspace’s agents. */
export const GET = withRouteHandler((request) =>
  parlantRoute(request, () =>
    parseRequest(listParlantAgentsContract, request, {}, parlantParseOptions)
  )
)

/** Creates an agent. */
export const POST = withRouteHandler((request) =>
  parlantRoute(request, () =>
    parseRequest(createParlantAgentContract, request, {}, parlantParseOptions)
  )
)
