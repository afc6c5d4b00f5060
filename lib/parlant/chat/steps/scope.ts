/** The abort scope of one turn: its deadline, the agent's stop signal and the caller's abort. */
import { linkedController } from '@/lib/parlant/chat/signals'
import type { TurnScope } from '@/lib/parlant/chat/steps/context'
import { BridgeError, isBridgeError } from '@/lib/parlant/errors'

/**
 * Starts the deadline and links the turn's signals into one; `dispose()` clears both. One
 * controller serves the whole turn: the deadline aborts it, and the caller's abort, the agent's
 * stop and (once joined) the lease's loss are linked to it.
 */
export function openTurnScope(options: {
  deadlineMs: number
  stopSignal?: AbortSignal
  callerSignal?: AbortSignal
}): TurnScope {
  const { deadlineMs, stopSignal, callerSignal } = options
  const turn = linkedController()
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
  let deadlinePassed = false
  const deadlineTimer = setTimeout(() => {
    deadlinePassed = true
    turn.abort(deadlineErrorOf())
  }, deadlineMs)
  let stopped: BridgeError | undefined
  const stoppedError = () => {
    stopped ??= new BridgeError(
      'agent_not_active',
      'The agent was stopped while the turn was in progress; the turn was abandoned'
    )
    return stopped
  }
  if (callerSignal) turn.link(callerSignal)
  if (stopSignal) turn.link(stopSignal)

  return {
    signal: turn.signal,
    get stopped() {
      return stoppedError()
    },
    abortReason() {
      if (deadlinePassed) return deadlineErrorOf()
      if (stopSignal?.aborted) return stoppedError()
      if (callerSignal?.aborted) {
        return isBridgeError(callerSignal.reason)
          ? callerSignal.reason
          : new BridgeError('internal', 'The chat request was aborted by the caller')
      }
      if (turn.signal.aborted)
        return new BridgeError(
          'turn_in_progress',
          'Another node took over this conversation during the turn; retry with the same idempotency key'
        )
      return undefined
    },
    joinLease(lost) {
      turn.link(lost)
    },
    dispose() {
      clearTimeout(deadlineTimer)
      turn.dispose()
    },
  }
}
