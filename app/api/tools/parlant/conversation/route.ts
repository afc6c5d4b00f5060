import { parlantGetConversationToolContract } from '@/lib/api/contracts/parlant'
import { parseRequest } from '@/lib/api/server'
import { withRouteHandler } from '@/lib/core/utils/with-route-handler'
import { parlantParseOptions, parlantRoute } from '@/lib/parlant/api/route-entry'

export const dynamic = 'force-dynamic'

/** The `parlant_get_conversation` tool. */
export const POST = withRouteHandler((request) =>
  parlantRoute(request, () =>
    parseRequest(parlantGetConversationToolContract, request, {}, parlantParseOptions)
  )
)
