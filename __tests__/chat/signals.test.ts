/** `combineSignals`: aborts with the first source's reason, and lets go of its sources on dispose. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { combineSignals } from '@/lib/parlant/chat/signals'

describe('combineSignals', () => {
  it('aborts exactly when a source aborts before dispose, with that reason', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.nat({ max: 5 }), { maxLength: 4 }),
        fc.option(fc.nat({ max: 4 })),
        (count, abortOrder, disposeAfter) => {
          const controllers = Array.from({ length: count }, () => new AbortController())
          const combined = combineSignals(controllers.map((c) => c.signal))
          let expectedReason: unknown
          abortOrder.forEach((index, step) => {
            if (disposeAfter !== null && step === disposeAfter) combined.dispose()
            const controller = controllers[index % count]!
            if (controller.signal.aborted) return
            const reason = new Error(`source ${index % count}`)
            const linked = disposeAfter === null || step < disposeAfter
            if (linked && expectedReason === undefined) expectedReason = reason
            controller.abort(reason)
          })
          expect(combined.signal.aborted).toBe(expectedReason !== undefined)
          if (expectedReason !== undefined) expect(combined.signal.reason).toBe(expectedReason)
        }
      ),
      { numRuns: 300 }
    )
  })

  it('starts aborted when a source already is', () => {
    const done = new AbortController()
    done.abort(new Error('early'))
    const combined = combineSignals([new AbortController().signal, done.signal])
    expect(combined.signal.aborted).toBe(true)
    expect((combined.signal.reason as Error).message).toBe('early')
  })
})
