'use client'

import type { ComponentType } from 'react'
import { Badge, cn } from '@sim/emcn'
import { CircleAlert, CircleCheck, CirclePause, Loader } from '@sim/emcn/icons'
import type { AgentStatus } from '@/lib/parlant/schemas'

type BadgeVariant = 'gray' | 'blue' | 'green' | 'amber' | 'red'

/** The loader glyph, spinning: starting and stopping are in progress. */
function SpinningLoader({ className }: { className?: string }) {
  return <Loader animate className={className} />
}

const STATUS_LOOK: Record<
  AgentStatus,
  { label: string; variant: BadgeVariant; icon: ComponentType<{ className?: string }> }
> = {
  inactive: { label: 'Inactive', variant: 'gray', icon: CirclePause },
  starting: { label: 'Starting', variant: 'blue', icon: SpinningLoader },
  active: { label: 'Active', variant: 'green', icon: CircleCheck },
  stopping: { label: 'Stopping', variant: 'amber', icon: SpinningLoader },
  error: { label: 'Error', variant: 'red', icon: CircleAlert },
}

/** The human label of a status. */
export function statusLabel(status: AgentStatus) {
  return STATUS_LOOK[status].label
}

export interface AgentStatusBadgeProps {
  status: AgentStatus | undefined
  className?: string
}

/** A status badge: icon, colour and text, so the state never relies on colour alone. */
export function AgentStatusBadge({ status, className }: AgentStatusBadgeProps) {
  const current = status ?? 'inactive'
  const { label, variant, icon } = STATUS_LOOK[current]
  return (
    <Badge
      variant={variant}
      size='sm'
      icon={icon}
      className={cn('shrink-0 whitespace-nowrap', className)}
      data-status={current}
    >
      {label}
    </Badge>
  )
}
