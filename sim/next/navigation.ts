'use client'

/**
 * Shim of the `next/navigation` hooks the plugin uses, outside Sim (inside Sim these are Next's).
 * The values come from the host's route (`sim/next/route.ts`).
 */
import { type RouteParams, useRouteStore } from './route'

/** The dynamic params of the current route, e.g. `{ workspaceId, workflowId }` on a workflow. */
export function useParams<T extends RouteParams = RouteParams>(): T {
  return useRouteStore((state) => state.params) as T
}

/** The current URL's pathname. */
export function usePathname(): string {
  return useRouteStore((state) => state.pathname)
}
