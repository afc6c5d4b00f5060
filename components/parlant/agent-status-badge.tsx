'use client'

import { CircleAlert, CircleCheck, CirclePause, LoaderCircle } from 'lucide-react'
import type { ComponentType } from 'react'
import type { AgentStatus } from '@/lib/parlant/schemas'

const STATUS_LOOK: Record<
  AgentStatus,
  { label: string; Icon: ComponentType<{ className?: string; 'aria-hidden'?: boolean }> }
> = {
  inactive: { label: 'Inactive', Icon: CirclePause },
  starting: { label: 'Starting', Icon: LoaderCircle },
  active: { label: 'Active', Icon: CircleCheck },
  stopping: { label: 'Stopping', Icon: LoaderCircle },
  error: { label: 'Error', Icon: CircleAlert },
}

/** The human label of a status. */
export function statusLabel(status: AgentStatus) {
  return STATUS_LOOK[status].label
}

export interface AgentStatusBadgeProps {
  status: AgentStatus | undefined
  className?: string
}

/** A status pill: icon, colour and text, so the state never relies on colour alone. */
export function AgentStatusBadge({ status, className }: AgentStatusBadgeProps) {
  const current = status ?? 'inactive'
  const { label, Icon } = STATUS_LOOK[current]
  const spinning = current === 'starting' || current === 'stopping'
  return (
    <span
      className={['parlant-badge', `parlant-badge--${current}`, className]
        .filter(Boolean)
        .join(' ')}
      data-status={current}
    >
      <Icon className={spinning ? 'parlant-icon parlant-icon--spin' : 'parlant-icon'} aria-hidden />
      <span>{label}</span>
    </span>
  )
}
