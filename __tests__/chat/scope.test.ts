/**
 * The turn scope builds its errors only when the turn ends that way, and hands out the same error
 * each time (callers compare `abortReason()` with `stopped` by identity).
 */
import fc from 'fast-check'
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

  it('is one signal all turn: stop, caller and a joined lease abort it until disposed', () => {
    type Step = 'stop' | 'caller' | 'join' | 'lose' | 'dispose'
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<Step>('stop', 'caller', 'join', 'lose', 'dispose'), {
          maxLength: 8,
        }),
        (steps) => {
          const stop = new AbortController()
          const caller = new AbortController()
          const lost = new AbortController()
          const scope = openTurnScope({
            deadlineMs: 60_000,
            stopSignal: stop.signal,
            callerSignal: caller.signal,
          })
          const signal = scope.signal
          let joined = false
          let disposed = false
          let firstCause: 'stop' | 'caller' | 'lose' | undefined
          try {
            for (const step of steps) {
              if (step === 'dispose') {
                scope.dispose()
                disposed = true
              } else if (step === 'join') {
                if (disposed) continue
                scope.joinLease(lost.signal)
                joined = true
                // A lease lost before it was joined aborts the turn at once.
                if (lost.signal.aborted) firstCause ??= 'lose'
              } else {
                const source = step === 'stop' ? stop : step === 'caller' ? caller : lost
                if (source.signal.aborted) continue
                source.abort(new Error(step))
                const linked = step !== 'lose' || joined
                if (!disposed && linked) firstCause ??= step
              }
            }
            expect(scope.signal).toBe(signal)
            expect(signal.aborted).toBe(firstCause !== undefined)
            if (firstCause) expect((signal.reason as Error).message).toBe(firstCause)
            const reason = scope.abortReason()
            if (stop.signal.aborted) expect(reason).toBe(scope.stopped)
            else if (caller.signal.aborted) expect(reason?.code).toBe('internal')
            else if (firstCause === 'lose') expect(reason?.code).toBe('turn_in_progress')
            else expect(reason).toBeUndefined()
          } finally {
            scope.dispose()
          }
        }
      ),
      { numRuns: 500 }
    )
  })
})
