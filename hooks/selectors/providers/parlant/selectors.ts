import { requestJson } from '@/lib/api/client/request'
import { listParlantAgentsContract } from '@/lib/api/contracts/parlant'
import type {
  SelectorDefinition,
  SelectorKey,
  SelectorOption,
  SelectorQueryArgs,
} from '@/hooks/selectors/types'

const PARLANT_SELECTOR_STALE = 30 * 1000

/** Context fields `parlant.agents` reads; `workspaceId` comes from the surface, not a sub-block. */
export const PARLANT_AGENTS_CONTEXT_FIELDS = ['workspaceId'] as const

/** The workspace's agents as options, `name · status`, sorted by label. */
async function fetchAgentOptions(
  workspaceId: string,
  signal?: AbortSignal
): Promise<SelectorOption[]> {
  const { agents } = await requestJson(listParlantAgentsContract, {
    query: { workspaceId },
    signal,
  })
  return agents
    .map((agent) => ({ id: agent.id, label: `${agent.name} · ${agent.status}` }))
    .sort((a, b) => a.label.localeCompare(b.label))
}

/** The Parlant selectors: the agents of the block's workspace. */
export const parlantSelectors = {
  'parlant.agents': {
    key: 'parlant.agents',
    contracts: [listParlantAgentsContract],
    staleTime: PARLANT_SELECTOR_STALE,
    getQueryKey: ({ context }: SelectorQueryArgs) => [
      'selectors',
      'parlant.agents',
      context.workspaceId ?? 'none',
    ],
    enabled: ({ context }: SelectorQueryArgs) => Boolean(context.workspaceId),
    fetchList: ({ context, signal }: SelectorQueryArgs) =>
      context.workspaceId ? fetchAgentOptions(context.workspaceId, signal) : Promise.resolve([]),
    fetchById: async ({ context, detailId, signal }: SelectorQueryArgs) => {
      if (!context.workspaceId || !detailId) return null
      const options = await fetchAgentOptions(context.workspaceId, signal)
      return options.find((option) => option.id === detailId) ?? null
    },
  },
} satisfies Partial<Record<SelectorKey, SelectorDefinition>>
