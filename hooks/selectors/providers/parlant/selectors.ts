import type {
  SelectorDefinition,
  SelectorKey,
  SelectorOption,
  SelectorQueryArgs,
} from '@/hooks/selectors/types'

const PARLANT_SELECTOR_STALE = 30 * 1000

/** Context fields `parlant.agents` reads; `workspaceId` comes from the surface, not a sub-block. */
export const PARLANT_AGENTS_CONTEXT_FIELDS = ['workspaceId'] as const

interface AgentListBody {
  agents?: Array<{ id?: unknown; name?: unknown; status?: unknown }>
}

async function fetchAgentOptions(
  workspaceId: string,
  signal?: AbortSignal
): Promise<SelectorOption[]> {
  // boundary-raw-fetch: selector list of the workspace's Parlant agents, same-origin bridge route
  const response = await fetch(
    `/api/parlant/agents?workspaceId=${encodeURIComponent(workspaceId)}`,
    { signal, credentials: 'same-origin' }
  )
  if (!response.ok) throw new Error(`Could not load Parlant agents (${response.status})`)
  const body = (await response.json()) as AgentListBody
  return (body.agents ?? [])
    .filter((agent) => typeof agent.id === 'string' && typeof agent.name === 'string')
    .map((agent) => ({
      id: agent.id as string,
      label:
        typeof agent.status === 'string' ? `${agent.name} · ${agent.status}` : String(agent.name),
    }))
    .sort((a, b) => a.label.localeCompare(b.label))
}

/** The Parlant selectors: the agents of the block's workspace. */
export const parlantSelectors = {
  'parlant.agents': {
    key: 'parlant.agents',
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
} satisfies Record<SelectorKey, SelectorDefinition>
