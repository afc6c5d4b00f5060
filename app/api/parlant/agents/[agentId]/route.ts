import {
  deleteParlantAgentContract,
  getParlantAgentContract,
  updateParlantAgentContract,
} from '@/lib/api/contracts/parlant'
import { parseRequest } from '@/lib/api/server'
import { withRouteHandler } from '@/lib/core/utils/with-route-handler'
import { parlantParseOptions, parlantRoute } from '@/lib/parlant/api/route-entry'

export const dynamic = 'force-dynamic'

/** Reads an agent. */
export const GET = withRouteHandler((request, context: { params: Promise<{ agentId: string }> }) =>
  parlantRoute(request, () =>
    parseRequest(getParlantAgentContract, request, context, parlantParseOptions)
  )
)

/** Changes an agent’s given fields. */
export const PUT = withRouteHandler((request, context: { params: Promise<{ agentId: string }> }) =>
  parlantRoute(request, () =>
    parseRequest(updateParlantAgentContract, request, context, parlantParseOptions)
  )
)

/** Deletes an agent. */
export const DELETE = withRouteHandler(
  (request, context: { params: Promise<{ agentId: string }> }) =>
    parlantRoute(request, () =>
      parseRequest(deleteParlantAgentContract, request, context, parlantParseOptions)
    )
)
