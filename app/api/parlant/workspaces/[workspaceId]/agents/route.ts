import { listParlantWorkspaceAgentsContract } from '@/lib/api/contracts/parlant'
import { parseRequest } from '@/lib/api/server'
import { withRouteHandler } from '@/lib/core/utils/with-route-handler'
import { parlantParseOptions, parlantRoute } from '@/lib/parlant/api/route-entry'

export const dynamic = 'force-dynamic'

/** Lists the workspace’s agents. */
export const GET = withRouteHandler(
  (request, context: { params: Promise<{ workspaceId: string }> }) =>
    parlantRoute(request, () =>
      parseRequest(listParlantWorkspaceAgentsContract, request, context, parlantParseOptions)
    )
)
