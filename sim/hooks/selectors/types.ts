/**
 * Shim of `apps/sim/hooks/selectors/types.ts`: how a remote option list for a `selectorKey`
 * sub-block is declared. `SelectorKey` is a closed union in Sim too (the installer adds ours).
 */
import type { AnyApiRouteContract } from '@/lib/api/contracts/types'

export type SelectorKey = 'parlant.agents'

/** Values a selector may read: the surface's ids and sibling sub-block values. */
export interface SelectorContext {
  workspaceId?: string
  workflowId?: string
  [field: string]: string | undefined
}

export interface SelectorOption {
  id: string
  label: string
}

export interface SelectorQueryArgs {
  key: SelectorKey
  context: SelectorContext
  detailId?: string
  search?: string
  signal?: AbortSignal
}

export interface SelectorDefinition {
  key: SelectorKey
  /** The route contracts the selector calls (Sim's boundary audit reads them). */
  contracts?: readonly AnyApiRouteContract[]
  staleTime?: number
  getQueryKey: (args: SelectorQueryArgs) => readonly unknown[]
  enabled?: (args: SelectorQueryArgs) => boolean
  fetchList?: (args: SelectorQueryArgs) => Promise<SelectorOption[]>
  fetchPage?: (
    args: SelectorQueryArgs & { cursor?: string }
  ) => Promise<{ items: SelectorOption[]; nextCursor?: string }>
  fetchById?: (args: SelectorQueryArgs) => Promise<SelectorOption | null>
}
