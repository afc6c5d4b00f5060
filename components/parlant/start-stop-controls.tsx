'use client'

import { Button } from '@sim/emcn'
import { Loader, Play, Square } from '@sim/emcn/icons'
import { statusLabel } from '@/components/parlant/agent-status-badge'
import {
  useAgentStatus,
  useOperationError,
  useParlantAgent,
  usePendingOperation,
} from '@/stores/parlant/selectors'
import { useParlantStore } from '@/stores/parlant/store'

export interface StartStopControlsProps {
  agentId: string
  disabled?: boolean
}

/** Start or stop an agent, with the pending state and the reason of the last failure. */
export function StartStopControls({ agentId, disabled }: StartStopControlsProps) {
  const agent = useParlantAgent(agentId)
  const status = useAgentStatus(agentId)
  const pending = usePendingOperation(agentId)
  const failure = useOperationError(agentId)
  const startAgent = useParlantStore((state) => state.startAgent)
  const stopAgent = useParlantStore((state) => state.stopAgent)

  const current = status?.status ?? 'inactive'
  const running = current === 'active' || current === 'stopping'
  const stopping = current === 'stopping' || pending === 'stop'
  const starting = current === 'starting' || pending === 'start'
  const busy = starting || stopping
  const name = agent?.name ?? 'agent'
  const reason =
    failure && (failure.operation === 'start' || failure.operation === 'stop')
      ? failure.message
      : current === 'error'
        ? (status?.lastError ?? 'The agent failed.')
        : null

  return (
    <div className='flex flex-wrap items-center gap-2'>
      {running ? (
        <Button
          type='button'
          variant='default'
          className='gap-1.5'
          onClick={() => void stopAgent(agentId)}
          disabled={disabled || busy}
          aria-label={`Stop ${name}`}
        >
          {stopping ? (
            <Loader animate className='size-[14px]' />
          ) : (
            <Square className='size-[14px]' />
          )}
          <span>{stopping ? 'Stopping…' : 'Stop'}</span>
        </Button>
      ) : (
        <Button
          type='button'
          variant='primary'
          className='gap-1.5'
          onClick={() => void startAgent(agentId)}
          disabled={disabled || busy}
          aria-label={`${current === 'error' ? 'Retry starting' : 'Start'} ${name}`}
        >
          {starting ? <Loader animate className='size-[14px]' /> : <Play className='size-[14px]' />}
          <span>{starting ? 'Starting…' : current === 'error' ? 'Retry start' : 'Start'}</span>
        </Button>
      )}
      <span className='sr-only' role='status' aria-live='polite'>
        {`${name}: ${statusLabel(current)}`}
      </span>
      {reason ? (
        <p className='basis-full text-[var(--text-error)] text-xs' role='alert'>
          {reason}
        </p>
      ) : null}
    </div>
  )
}
