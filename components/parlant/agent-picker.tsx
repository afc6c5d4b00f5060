'use client'

import { Bot, Pencil, Plus } from 'lucide-react'
import { AgentStatusBadge } from '@/components/parlant/agent-status-badge'
import { useAgentSubscriptions } from '@/components/parlant/use-agent-subscriptions'
import { useParlantAgents } from '@/stores/parlant/selectors'
import { useParlantStore } from '@/stores/parlant/store'

export interface AgentPickerProps {
  /** Opens the config panel for an agent (`null` = a new agent). */
  onConfigure?: (agentId: string | null) => void
  disabled?: boolean
}

/** The workspace's agents with live status badges; choosing one selects it for the chat. */
export function AgentPicker({ onConfigure, disabled }: AgentPickerProps) {
  const agents = useParlantAgents()
  const statuses = useParlantStore((state) => state.statuses)
  const selectedAgentId = useParlantStore((state) => state.selectedAgentId)
  const selectAgent = useParlantStore((state) => state.selectAgent)
  const loading = useParlantStore((state) => state.loading)
  const loadError = useParlantStore((state) => state.loadError)
  useAgentSubscriptions(agents.map((agent) => agent.id))

  return (
    <section className='parlant-picker' aria-labelledby='parlant-picker-title'>
      <div className='parlant-picker__header'>
        <h2 id='parlant-picker-title' className='parlant-heading'>
          Agents
        </h2>
        {onConfigure ? (
          <button
            type='button'
            className='parlant-button parlant-button--ghost'
            onClick={() => onConfigure(null)}
            disabled={disabled}
          >
            <Plus className='parlant-icon' aria-hidden />
            <span>New agent</span>
          </button>
        ) : null}
      </div>
      {loadError ? (
        <p className='parlant-error' role='alert'>
          {loadError}
        </p>
      ) : null}
      {agents.length === 0 ? (
        <p className='parlant-muted'>
          {loading ? 'Loading agents…' : 'No agents yet. Create one to get started.'}
        </p>
      ) : (
        <ul className='parlant-picker__list'>
          {agents.map((agent) => {
            const selected = agent.id === selectedAgentId
            return (
              <li
                key={agent.id}
                className={
                  selected
                    ? 'parlant-picker__item parlant-picker__item--selected'
                    : 'parlant-picker__item'
                }
              >
                <button
                  type='button'
                  className='parlant-picker__select'
                  aria-pressed={selected}
                  onClick={() => selectAgent(agent.id)}
                  disabled={disabled}
                >
                  <Bot className='parlant-icon parlant-picker__bot' aria-hidden />
                  <span className='parlant-picker__name'>{agent.name}</span>
                  <AgentStatusBadge status={statuses[agent.id]?.status ?? agent.status} />
                </button>
                {onConfigure ? (
                  <button
                    type='button'
                    className='parlant-icon-button'
                    onClick={() => onConfigure(agent.id)}
                    aria-label={`Configure ${agent.name}`}
                    disabled={disabled}
                  >
                    <Pencil className='parlant-icon' aria-hidden />
                  </button>
                ) : null}
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
