'use client'

import { Bot, Settings2 } from 'lucide-react'
import { type ComponentType, useId, useState } from 'react'
import { AgentStatusBadge } from '@/components/parlant/agent-status-badge'
import { ConfigPanel } from '@/components/parlant/config-panel'
import { StartStopControls } from '@/components/parlant/start-stop-controls'
import { useAgentStatus, useParlantAgent, useParlantAgents } from '@/stores/parlant/selectors'
import { useParlantStore } from '@/stores/parlant/store'

/** The `modalId` of the Parlant Agent block's config sub-block. */
export const PARLANT_CONFIG_MODAL_ID = 'parlant-config'

/** Props Sim's `MODAL_REGISTRY` passes to a modal sub-block component. */
export interface ModalSubBlockProps {
  blockId: string
  isPreview?: boolean
  disabled?: boolean
}

const NEW_AGENT = '__new__'

/**
 * The Parlant Agent block's `modal` sub-block: which workspace agent the block drives, its live
 * status, start/stop, and a button that opens the config panel. Read-only in previews.
 */
export function ParlantConfigModal({ blockId, isPreview, disabled }: ModalSubBlockProps) {
  const agents = useParlantAgents()
  const boundId = useParlantStore((state) => state.blockAgents[blockId] ?? null)
  const bindBlock = useParlantStore((state) => state.bindBlock)
  const selectAgent = useParlantStore((state) => state.selectAgent)
  const agent = useParlantAgent(boundId)
  const status = useAgentStatus(boundId)
  const [open, setOpen] = useState(false)
  const [editing, setEditing] = useState<string | null>(null)
  const uid = useId()
  const readOnly = Boolean(isPreview || disabled)

  const openPanel = (agentId: string | null) => {
    setEditing(agentId)
    setOpen(true)
  }

  return (
    <div className='parlant-subblock'>
      <div className='parlant-field'>
        <label htmlFor={`${uid}-agent`}>Agent</label>
        <select
          id={`${uid}-agent`}
          className='parlant-input'
          value={boundId ?? ''}
          disabled={readOnly}
          onChange={(event) => {
            const value = event.target.value
            if (value === NEW_AGENT) return openPanel(null)
            bindBlock(blockId, value || null)
            if (value) selectAgent(value)
          }}
        >
          <option value=''>Choose an agent…</option>
          {agents.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
          <option value={NEW_AGENT}>+ New agent…</option>
        </select>
      </div>
      {agent ? (
        <div className='parlant-subblock__agent'>
          <Bot className='parlant-icon' aria-hidden />
          <span className='parlant-subblock__name'>{agent.name}</span>
          <AgentStatusBadge status={status?.status ?? agent.status} />
        </div>
      ) : null}
      <div className='parlant-subblock__actions'>
        <button
          type='button'
          className='parlant-button parlant-button--secondary'
          onClick={() => openPanel(boundId)}
          disabled={readOnly}
        >
          <Settings2 className='parlant-icon' aria-hidden />
          <span>{agent ? 'Configure agent' : 'Create agent'}</span>
        </button>
        {agent && !readOnly ? <StartStopControls agentId={agent.id} /> : null}
      </div>
      <ConfigPanel
        open={open}
        onOpenChange={setOpen}
        agentId={editing}
        onSaved={(saved) => {
          bindBlock(blockId, saved.id)
          selectAgent(saved.id)
        }}
      />
    </div>
  )
}

/** Entries to merge into Sim's `MODAL_REGISTRY`. */
export const PARLANT_MODAL_REGISTRY: Record<string, ComponentType<ModalSubBlockProps>> = {
  [PARLANT_CONFIG_MODAL_ID]: ParlantConfigModal,
}
