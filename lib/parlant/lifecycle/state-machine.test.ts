/**
 * The lifecycle state machine, checked exhaustively over every pair of states (five states, so
 * every case is enumerable; the random walks with fast-check stay in __tests__/lifecycle).
 */
import { describe, expect, it } from 'vitest'
import {
  AGENT_STATUSES,
  acceptsTurns,
  canTransition,
  isTransient,
  sourcesOf,
  TRANSITIONS,
} from '@/lib/parlant/lifecycle/state-machine'
import type { AgentStatus } from '@/lib/parlant/schemas'

const pairs = AGENT_STATUSES.flatMap((from) => AGENT_STATUSES.map((to) => [from, to] as const))

/** Every state reachable from `start` by allowed moves. */
function reachable(start: AgentStatus) {
  const seen = new Set<AgentStatus>([start])
  const queue = [start]
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const to of TRANSITIONS[next]) {
      if (!seen.has(to)) {
        seen.add(to)
        queue.push(to)
      }
    }
  }
  return seen
}

describe('agent state machine', () => {
  it('has the documented happy path and retry from error', () => {
    const path: AgentStatus[] = ['inactive', 'starting', 'active', 'stopping', 'inactive']
    for (let i = 1; i < path.length; i++) {
      expect(canTransition(path[i - 1] as AgentStatus, path[i] as AgentStatus)).toBe(true)
    }
    expect(canTransition('starting', 'error')).toBe(true)
    expect(canTransition('active', 'error')).toBe(true)
    expect(canTransition('error', 'starting')).toBe(true)
  })

  it.each(pairs)('%s → %s: no skipping the transient states, no self-loops', (from, to) => {
    if (from === to) expect(canTransition(from, to)).toBe(false)
    if (from === 'inactive') expect(canTransition(from, to)).toBe(to === 'starting')
    if (to === 'inactive') expect(canTransition(from, to)).toBe(from === 'stopping')
    expect(sourcesOf(to).includes(from)).toBe(canTransition(from, to))
  })

  it.each([...AGENT_STATUSES])('from %s, inactive stays reachable', (start) => {
    for (const state of reachable(start)) expect(reachable(state).has('inactive')).toBe(true)
  })

  it('takes turns only when active; starting and stopping are the transient states', () => {
    expect(AGENT_STATUSES.filter(acceptsTurns)).toEqual(['active'])
    expect(AGENT_STATUSES.filter(isTransient).sort()).toEqual(['starting', 'stopping'])
  })
})
