import { parlantListAgentsToolContract } from '@/lib/api/contracts/parlant'
import { parseRequest } from '@/lib/api/server'
import { withRouteHandler } from '@/lib/core/utils/with-route-handler'
import { parlantParseOptions, parlantRoute } from '@/lib/parlant/api/route-entry'

export const dynamic = 'force-dynamic'

/** The `parlant_list_agents` tool. */
export const POST = withRouteHandler((request) =>
  parlantRoute(request, () =>
    parseRequest(parlantListAgentsToolContract, request, {}, parlantParseOptions)
  )
)
