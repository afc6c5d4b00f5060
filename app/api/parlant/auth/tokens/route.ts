import { listParlantTokensContract } from '@/lib/api/contracts/parlant'
import { parseRequest } from '@/lib/api/server'
import { withRouteHandler } from '@/lib/core/utils/with-route-handler'
import { parlantParseOptions, parlantRoute } from '@/lib/parlant/api/route-entry'

export const dynamic = 'force-dynamic'

/** Lists a workspace's agent tokens for its admins (metadata only, never a secret). */
export const GET = withRouteHandler((request) =>
  parlantRoute(request, () =>
    parseRequest(listParlantTokensContract, request, {}, parlantParseOptions)
  )
)
