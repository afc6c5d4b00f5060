/**
 * The lifecycle state machine, checked as a whole with random walks (fast-check). The exhaustive
 * unit tests sit beside it: `lib/parlant/lifecycle/state-machine.test.ts`.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  AGENT_STATUSES,
  acceptsTurns,
  canTransition,
  sourcesOf,
  TRANSITIONS,
} from '@/lib/parlant/lifecycle/state-machine'
import type { AgentStatus } from '@/lib/parlant/schemas'

const status = fc.constantFrom(...AGENT_STATUSES)

describe('agent state machine', () => {
  it('never skips the transient states and never self-loops', () => {
    fc.assert(
      fc.property(status, status, (from, to) => {
        if (from === to) expect(canTransition(from, to)).toBe(false)
        if (from === 'inactive') expect(canTransition(from, to)).toBe(to === 'starting')
        if (to === 'inactive') expect(canTransition(from, to)).toBe(from === 'stopping')
        expect(sourcesOf(to).includes(from)).toBe(canTransition(from, to))
      })
    )
  })

  it('from any state, any sequence of allowed moves can always get back to inactive', () => {
    const reachesInactive = (start: AgentStatus) => {
      const seen = new Set<AgentStatus>([start])
      const queue = [start]
      while (queue.length > 0) {
        const next = queue.shift() as AgentStatus
        for (const to of TRANSITIONS[next]) {
          if (!seen.has(to)) {
            seen.add(to)
            queue.push(to)
          }
        }
      }
      return seen.has('inactive')
    }
    fc.assert(
      fc.property(status, fc.array(fc.nat(), { maxLength: 30 }), (start, choices) => {
        let current = start
        for (const choice of choices) {
          const options = TRANSITIONS[current]
          current = options[choice % options.length] as AgentStatus
          expect(reachesInactive(current)).toBe(true)
        }
        expect(acceptsTurns(current)).toBe(current === 'active')
      })
    )
  })
})
