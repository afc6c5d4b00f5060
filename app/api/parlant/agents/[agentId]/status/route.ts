import { withRouteHandler } from '@/lib/core/utils/with-route-handler'
import { parlantRoute } from '@/lib/parlant/api/route-entry'

export const dynamic = 'force-dynamic'

export const GET = withRouteHandler(parlantRoute)
