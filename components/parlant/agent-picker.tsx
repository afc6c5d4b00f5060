'use client'

import { useId, useState } from 'react'
import { Button, cn } from '@sim/emcn'
import { Pencil, Plus, Sparkles, Trash } from '@sim/emcn/icons'
import { AgentStatusBadge } from '@/components/parlant/agent-status-badge'
import { DeleteAgentDialog } from '@/components/parlant/delete-agent-dialog'
import {
  useAgentSubscriptions,
  useParlantWorkspace,
} from '@/components/parlant/use-agent-subscriptions'
import { useParlantAgents } from '@/stores/parlant/selectors'
import { useParlantStore } from '@/stores/parlant/store'

export interface AgentPickerProps {
  /** Opens the config panel for an agent (`null` = a new agent). */
  onConfigure?: (agentId: string | null) => void
  /** Offers to delete agents (with a confirmation). Default true. */
  allowDelete?: boolean
  disabled?: boolean
}

/**
 * The workspace's agents with live status badges, how many of the workspace's quota they use,
 * and configure and delete per agent; choosing one selects it for the chat. The list follows
 * agents created, renamed or deleted elsewhere (the workspace room).
 */
export function AgentPicker({ onConfigure, allowDelete = true, disabled }: AgentPickerProps) {
  useParlantWorkspace()
  const titleId = useId()
  const agents = useParlantAgents()
  const statuses = useParlantStore((state) => state.statuses)
  const selectedAgentId = useParlantStore((state) => state.selectedAgentId)
  const selectAgent = useParlantStore((state) => state.selectAgent)
  const loading = useParlantStore((state) => state.loading)
  const loadError = useParlantStore((state) => state.loadError)
  const maxAgents = useParlantStore((state) => state.maxAgents)
  const loaded = useParlantStore((state) => state.loaded)
  const [deleting, setDeleting] = useState<string | null>(null)
  useAgentSubscriptions(agents.map((agent) => agent.id))
  const full = maxAgents !== null && agents.length >= maxAgents

  return (
    <section
      className='flex flex-col gap-2 rounded-lg border border-[var(--border-1)] bg-[var(--surface-2)] p-3'
      aria-labelledby={titleId}
    >
      <div className='flex items-center justify-between gap-2'>
        <h2 className='flex items-baseline gap-1.5'>
          <span id={titleId} className='font-medium text-[var(--text-primary)] text-small'>
            Agents
          </span>
          {loaded && maxAgents !== null ? (
            <span
              className={cn(
                'text-xs tabular-nums',
                full ? 'text-[var(--text-error)]' : 'text-[var(--text-muted)]'
              )}
              title={`This workspace may have up to ${maxAgents} agents`}
              data-part='quota'
            >
              {`${agents.length} / ${maxAgents}`}
            </span>
          ) : null}
        </h2>
        {onConfigure ? (
          <Button
            type='button'
            variant='ghost'
            className='gap-1'
            onClick={() => onConfigure(null)}
            disabled={disabled || full}
            title={full ? `The workspace has its maximum of ${maxAgents} agents` : undefined}
          >
            <Plus className='size-[14px]' />
            <span>New agent</span>
          </Button>
        ) : null}
      </div>
      {loadError ? (
        <p className='text-[var(--text-error)] text-xs' role='alert'>
          {loadError}
        </p>
      ) : null}
      {agents.length === 0 ? (
        <p className='text-[var(--text-muted)] text-small'>
          {loading ? 'Loading agents…' : 'No agents yet. Create one to get started.'}
        </p>
      ) : (
        <ul className='flex flex-col gap-1'>
          {agents.map((agent) => {
            const selected = agent.id === selectedAgentId
            return (
              <li
                key={agent.id}
                className={cn(
                  'flex items-center gap-1 rounded-md border pr-1 transition-colors',
                  selected
                    ? 'border-[var(--border-1)] bg-[var(--surface-5)]'
                    : 'border-transparent hover-hover:bg-[var(--surface-hover)]'
                )}
              >
                <button
                  type='button'
                  className='flex min-w-0 flex-1 items-center gap-2 px-2 py-1.5 text-left disabled:cursor-not-allowed disabled:opacity-70'
                  aria-pressed={selected}
                  onClick={() => selectAgent(agent.id)}
                  disabled={disabled}
                >
                  <Sparkles className='size-[14px] shrink-0 text-[var(--text-icon)]' />
                  <span
                    className='min-w-0 flex-1 truncate text-[var(--text-primary)] text-small'
                    title={agent.name}
                  >
                    {agent.name}
                  </span>
                  <AgentStatusBadge status={statuses[agent.id]?.status ?? agent.status} />
                </button>
                {onConfigure ? (
                  <Button
                    type='button'
                    variant='quiet'
                    size='icon'
                    onClick={() => onConfigure(agent.id)}
                    aria-label={`Configure ${agent.name}`}
                    title={`Configure ${agent.name}`}
                    disabled={disabled}
                  >
                    <Pencil className='size-[14px]' />
                  </Button>
                ) : null}
                {allowDelete ? (
                  <Button
                    type='button'
                    variant='quiet'
                    size='icon'
                    onClick={() => setDeleting(agent.id)}
                    aria-label={`Delete ${agent.name}`}
                    title={`Delete ${agent.name}`}
                    disabled={disabled}
                  >
                    <Trash className='size-[14px]' />
                  </Button>
                ) : null}
              </li>
            )
          })}
        </ul>
      )}
      {full ? (
        <p className='text-[var(--text-muted)] text-xs'>
          The workspace has its maximum of agents; delete one to create another.
        </p>
      ) : null}
      <DeleteAgentDialog
        agentId={deleting}
        onOpenChange={(open) => {
          if (!open) setDeleting(null)
        }}
      />
    </section>
  )
}
