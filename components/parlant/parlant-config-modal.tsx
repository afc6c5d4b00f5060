'use client'

import { type ComponentType, useId, useState } from 'react'
import { cn, Label } from '@sim/emcn'
import { ChevronRight, Sparkles } from '@sim/emcn/icons'
import { AgentStatusBadge } from '@/components/parlant/agent-status-badge'
import { ConfigPanel } from '@/components/parlant/config-panel'
import { StartStopControls } from '@/components/parlant/start-stop-controls'
import {
  useAgentSubscriptions,
  useParlantWorkspace,
} from '@/components/parlant/use-agent-subscriptions'
import { useSubBlockValue } from '@/app/workspace/[workspaceId]/w/[workflowId]/components/panel/components/editor/components/sub-block/hooks/use-sub-block-value'
import { useAgentStatus, useParlantAgent, useParlantAgents } from '@/stores/parlant/selectors'
import { useParlantStore } from '@/stores/parlant/store'

/** The `modalId` of the Parlant Agent block's config sub-block. */
export const PARLANT_CONFIG_MODAL_ID = 'parlant-config'

/**
 * The sub-block (basic mode) holding the block's agent; its canonical parameter is `agentId`
 * (see `blocks/blocks/parlant.ts`). The panel writes it, so the agent chosen here is the one the
 * block runs, and it is saved with the workflow.
 */
export const PARLANT_AGENT_SUB_BLOCK_ID = 'agentSelector'

/** Props Sim's `MODAL_REGISTRY` passes to a modal sub-block component. */
export interface ModalSubBlockProps {
  blockId: string
  isPreview?: boolean
  disabled?: boolean
}

const NEW_AGENT = '__new__'

const SELECT_CLASS =
  'flex h-[30px] w-full rounded-sm border border-[var(--border-1)] bg-[var(--surface-5)] px-2 font-sans text-[var(--text-primary)] text-sm outline-none transition-colors disabled:cursor-not-allowed disabled:opacity-50'

/**
 * The Parlant Agent block's `modal` sub-block: which workspace agent the block drives (the
 * block's own `agentSelector` value), its live status, start/stop, and a launcher that opens the
 * config panel. The workspace comes from the page's route, as for Sim's other sub-blocks.
 * Read-only in previews.
 */
export function ParlantConfigModal({
  blockId,
  isPreview = false,
  disabled = false,
}: ModalSubBlockProps) {
  useParlantWorkspace()
  const [storedAgentId, setAgentId] = useSubBlockValue<string>(blockId, PARLANT_AGENT_SUB_BLOCK_ID)
  const agentId = storedAgentId || null
  const agents = useParlantAgents()
  const selectAgent = useParlantStore((state) => state.selectAgent)
  const agent = useParlantAgent(agentId)
  const status = useAgentStatus(agentId)
  const [open, setOpen] = useState(false)
  const [editing, setEditing] = useState<string | null>(null)
  const uid = useId()
  const readOnly = isPreview || disabled
  useAgentSubscriptions(agentId ? [agentId] : [])

  const openPanel = (id: string | null) => {
    setEditing(id)
    setOpen(true)
  }

  return (
    <div className='flex flex-col gap-2'>
      <div className='flex flex-col gap-1.5'>
        <Label htmlFor={`${uid}-agent`} className='text-[var(--text-secondary)] text-xs'>
          Agent
        </Label>
        <select
          id={`${uid}-agent`}
          className={SELECT_CLASS}
          value={agentId ?? ''}
          disabled={readOnly}
          onChange={(event) => {
            const value = event.target.value
            if (value === NEW_AGENT) return openPanel(null)
            setAgentId(value)
            if (value) selectAgent(value)
          }}
        >
          <option value=''>Choose an agent…</option>
          {agents.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
          {/* A stored id the workspace does not list (deleted, or not loaded yet) stays visible. */}
          {agentId && !agent ? <option value={agentId}>Unknown agent</option> : null}
          <option value={NEW_AGENT}>+ New agent…</option>
        </select>
      </div>
      {agent ? (
        <div className='flex items-center gap-2 rounded-sm px-0.5'>
          <Sparkles className='size-[14px] shrink-0 text-[var(--text-icon)]' />
          <span className='min-w-0 flex-1 truncate text-[var(--text-primary)] text-small'>
            {agent.name}
          </span>
          <AgentStatusBadge status={status?.status ?? agent.status} />
        </div>
      ) : null}
      <button
        type='button'
        onClick={() => openPanel(agentId)}
        disabled={readOnly}
        className={cn(
          'flex w-full items-center justify-between rounded-sm border border-[var(--border-1)] bg-[var(--surface-5)] px-2 py-1.5 text-left transition-colors',
          readOnly
            ? 'cursor-not-allowed opacity-70'
            : 'cursor-pointer hover-hover:bg-[var(--surface-6)]'
        )}
      >
        <span className='font-sans text-[var(--text-primary)] text-sm'>
          {agent ? 'Configure agent' : 'Create agent'}
        </span>
        <ChevronRight className='size-[14px] text-[var(--text-muted)]' />
      </button>
      {agent && !readOnly ? <StartStopControls agentId={agent.id} /> : null}
      <ConfigPanel
        open={open}
        onOpenChange={setOpen}
        agentId={editing}
        onSaved={(saved) => {
          setAgentId(saved.id)
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
