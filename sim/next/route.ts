/**
 * Outside Sim there is no Next.js router: the standalone host (demo page) and tests say which
 * dynamic route segments the page is on, e.g. `{ workspaceId, workflowId }`, and the
 * `next/navigation` shim hands them to components. Not part of Next's API; never imported by
 * plugin files that go into Sim.
 */
import { create } from 'zustand'
import { devtools } from 'zustand/middleware'

/** Dynamic route segments, as Next.js types them. */
export type RouteParams = Record<string, string | string[]>

interface RouteState {
  params: RouteParams
  pathname: string
  setRoute: (route: { params: RouteParams; pathname?: string }) => void
}

const EMPTY_PARAMS: RouteParams = {}

/** The current route of the host page. */
export const useRouteStore = create<RouteState>()(
  devtools(
    (set) => ({
      params: EMPTY_PARAMS,
      pathname: '/',
      setRoute: ({ params, pathname }) =>
        set({
          params,
          pathname:
            pathname ??
            (typeof params.workspaceId === 'string'
              ? `/workspace/${params.workspaceId}${typeof params.workflowId === 'string' ? `/w/${params.workflowId}` : ''}`
              : '/'),
        }),
    }),
    { name: 'next-route-shim' }
  )
)

/** Puts the page on a route (what navigating to it does in Sim). */
export function setRouteParams(params: RouteParams, pathname?: string) {
  useRouteStore.getState().setRoute({ params, pathname })
}
