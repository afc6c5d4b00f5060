/** The abort scope of one turn: its deadline, the agent's stop signal and the caller's abort. */
import { type CombinedSignal, combineSignals } from '@/lib/parlant/chat/signals'
import type { TurnScope } from '@/lib/parlant/chat/steps/context'
import { BridgeError, isBridgeError } from '@/lib/parlant/errors'

/** Starts the deadline and links the turn's signals; `dispose()` clears both. */
export function openTurnScope(options: {
  deadlineMs: number
  stopSignal?: AbortSignal
  callerSignal?: AbortSignal
}): TurnScope {
  const { deadlineMs, stopSignal, callerSignal } = options
  const deadline = new AbortController()
  // Both errors are built only when the turn does end that way: an error captures a stack, which
  // costs CPU on every turn that never needs it.
  let deadlineError: BridgeError | undefined
  const deadlineErrorOf = () => {
    deadlineError ??= new BridgeError(
      'turn_deadline_exceeded',
      `The agent did not finish its reply within ${Math.round(deadlineMs / 1000)} s`
    )
    return deadlineError
  }
  const deadlineTimer = setTimeout(() => deadline.abort(deadlineErrorOf()), deadlineMs)
  let stopped: BridgeError | undefined
  const stoppedError = () => {
    stopped ??= new BridgeError(
      'agent_not_active',
      'The agent was stopped while the turn was in progress; the turn was abandoned'
    )
    return stopped
  }
  const sources = [deadline.signal]
  if (callerSignal) sources.push(callerSignal)
  if (stopSignal) sources.push(stopSignal)
  const turnSignals = combineSignals(sources)
  let signal = turnSignals.signal
  let leaseSignals: CombinedSignal | undefined

  return {
    get signal() {
      return signal
    },
    get stopped() {
      return stoppedError()
    },
    abortReason() {
      if (deadline.signal.aborted) return deadlineErrorOf()
      if (stopSignal?.aborted) return stoppedError()
      if (callerSignal?.aborted) {
        return isBridgeError(callerSignal.reason)
          ? callerSignal.reason
          : new BridgeError('internal', 'The chat request was aborted by the caller')
      }
      if (signal.aborted)
        return new BridgeError(
          'turn_in_progress',
          'Another node took over this conversation during the turn; retry with the same idempotency key'
        )
      return undefined
    },
    joinLease(lost) {
      leaseSignals = combineSignals([signal, lost])
      signal = leaseSignals.signal
    },
    dispose() {
      clearTimeout(deadlineTimer)
      leaseSignals?.dispose()
      turnSignals.dispose()
    },
  }
}
