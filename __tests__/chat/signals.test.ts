/** `combineSignals`: aborts with the first source's reason, and lets go of its sources on dispose. */
import { getEventListeners } from 'node:events'
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

  it('links many combinations to shared sources, each aborting only while linked', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.subarray([0, 1, 2], { minLength: 1 }), { minLength: 1, maxLength: 8 }),
        fc.array(
          fc.oneof(
            fc.record({ abort: fc.nat({ max: 2 }) }),
            fc.record({ dispose: fc.nat({ max: 7 }) })
          ),
          {
            maxLength: 12,
          }
        ),
        (count, linkSets, steps) => {
          const sources = Array.from({ length: count }, () => new AbortController())
          const combined = linkSets.map((links) => {
            const picked = [...new Set(links.map((i) => i % count))]
            return { picked, handle: combineSignals(picked.map((i) => sources[i]!.signal)) }
          })
          const expected = combined.map(() => undefined as unknown)
          const disposed = combined.map(() => false)
          for (const step of steps) {
            if ('dispose' in step) {
              const i = step.dispose % combined.length
              combined[i]!.handle.dispose()
              disposed[i] = true
              continue
            }
            const s = step.abort % count
            if (sources[s]!.signal.aborted) continue
            const reason = new Error(`source ${s}`)
            combined.forEach((c, i) => {
              if (!disposed[i] && expected[i] === undefined && c.picked.includes(s))
                expected[i] = reason
            })
            sources[s]!.abort(reason)
          }
          combined.forEach((c, i) => {
            expect(c.handle.signal.aborted).toBe(expected[i] !== undefined)
            if (expected[i] !== undefined) expect(c.handle.signal.reason).toBe(expected[i])
          })
          // However many combinations, a source holds one listener of ours at most.
          for (const source of sources) {
            expect(getEventListeners(source.signal, 'abort').length).toBeLessThanOrEqual(1)
          }
        }
      ),
      { numRuns: 300 }
    )
  })

  it('holds one listener on a source shared by 1,000 turns, and aborts every turn still linked', () => {
    const stop = new AbortController()
    const turns = Array.from({ length: 1_000 }, () => combineSignals([stop.signal]))
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(1)
    for (const turn of turns.slice(0, 500)) turn.dispose()
    stop.abort(new Error('stopped'))
    expect(turns.filter((t) => t.signal.aborted)).toHaveLength(500)
    expect(turns.slice(500).every((t) => (t.signal.reason as Error).message === 'stopped')).toBe(
      true
    )
  })
})
