'use client'

import { LoaderCircle, Play, Square } from 'lucide-react'
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
  const busy =
    pending === 'start' || pending === 'stop' || current === 'starting' || current === 'stopping'
  const name = agent?.name ?? 'agent'
  const reason =
    failure && (failure.operation === 'start' || failure.operation === 'stop')
      ? failure.message
      : current === 'error'
        ? (status?.lastError ?? 'The agent failed.')
        : null

  return (
    <div className='parlant-controls'>
      {running ? (
        <button
          type='button'
          className='parlant-button parlant-button--secondary'
          onClick={() => void stopAgent(agentId)}
          disabled={disabled || busy}
          aria-label={`Stop ${name}`}
        >
          {current === 'stopping' || pending === 'stop' ? (
            <LoaderCircle className='parlant-icon parlant-icon--spin' aria-hidden />
          ) : (
            <Square className='parlant-icon' aria-hidden />
          )}
          <span>{current === 'stopping' || pending === 'stop' ? 'Stopping…' : 'Stop'}</span>
        </button>
      ) : (
        <button
          type='button'
          className='parlant-button parlant-button--primary'
          onClick={() => void startAgent(agentId)}
          disabled={disabled || busy}
          aria-label={`${current === 'error' ? 'Retry starting' : 'Start'} ${name}`}
        >
          {current === 'starting' || pending === 'start' ? (
            <LoaderCircle className='parlant-icon parlant-icon--spin' aria-hidden />
          ) : (
            <Play className='parlant-icon' aria-hidden />
          )}
          <span>
            {current === 'starting' || pending === 'start'
              ? 'Starting…'
              : current === 'error'
                ? 'Retry start'
                : 'Start'}
          </span>
        </button>
      )}
      <span className='parlant-sr-only' role='status' aria-live='polite'>
        {`${name}: ${statusLabel(current)}`}
      </span>
      {reason ? (
        <p className='parlant-controls__error' role='alert'>
          {reason}
        </p>
      ) : null}
    </div>
  )
}
