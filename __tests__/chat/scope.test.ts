/**
 * The turn scope builds its errors only when the turn ends that way, and hands out the same error
 * each time (callers compare `abortReason()` with `stopped` by identity).
 */
import { openTurnScope } from '@/lib/parlant/chat/steps/scope'
import { BridgeError } from '@/lib/parlant/errors'

describe('turn scope', () => {
  it('reports the stop as the one `stopped` error', () => {
    const stop = new AbortController()
    const scope = openTurnScope({ deadlineMs: 60_000, stopSignal: stop.signal })
    try {
      expect(scope.abortReason()).toBeUndefined()
      const stopped = scope.stopped
      expect(stopped).toBeInstanceOf(BridgeError)
      expect(stopped.code).toBe('agent_not_active')
      expect(scope.stopped).toBe(stopped)
      stop.abort()
      expect(scope.signal.aborted).toBe(true)
      expect(scope.abortReason()).toBe(stopped)
    } finally {
      scope.dispose()
    }
  })

  it('aborts at the deadline with the deadline error as the reason', async () => {
    const scope = openTurnScope({ deadlineMs: 20 })
    try {
      await new Promise((resolve) => scope.signal.addEventListener('abort', resolve))
      const reason = scope.abortReason()
      expect(reason).toBeInstanceOf(BridgeError)
      expect(reason?.code).toBe('turn_deadline_exceeded')
      expect(scope.signal.reason).toBe(reason)
      expect(scope.abortReason()).toBe(reason)
    } finally {
      scope.dispose()
    }
  })
})
