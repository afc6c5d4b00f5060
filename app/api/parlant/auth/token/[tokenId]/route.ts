import { revokeParlantTokenContract } from '@/lib/api/contracts/parlant'
import { parseRequest } from '@/lib/api/server'
import { withRouteHandler } from '@/lib/core/utils/with-route-handler'
import { parlantParseOptions, parlantRoute } from '@/lib/parlant/api/route-entry'

export const dynamic = 'force-dynamic'

/** Revokes an agent token. */
export const DELETE = withRouteHandler(
  (request, context: { params: Promise<{ tokenId: string }> }) =>
    parlantRoute(request, () =>
      parseRequest(revokeParlantTokenContract, request, context, parlantParseOptions)
    )
)
