/**
 * Inside Sim the installed route files import `parlantRoute` and `parlantParseOptions` from here
 * instead of `@/lib/parlant/api/route-entry` (the installer rewrites that one specifier): importing
 * the route entry through this module is what registers Sim's bridge, so no Sim file needs a boot
 * hook.
 */
import {
  parlantParseOptions,
  parlantRoute,
  setRouteBridgeFactory,
} from '@/lib/parlant/api/route-entry'
import { getSimBridge } from '@/lib/parlant/sim/bridge'

setRouteBridgeFactory(getSimBridge)

export { parlantParseOptions, parlantRoute }
