/**
 * The stop signals of the chat turns in flight on this node, one per turn, grouped by agent. A stop
 * or delete made on this node aborts an agent's turns at once (`abort`). One made on another node
 * shows only in the agent's row: while turns are held, one statement a second reads the rows of all
 * their agents (one read per node, not one per turn) and aborts the turns of any agent that no
 * longer takes turns — those held before the read began (a turn that opened during the read saw
 * its agent active itself, perhaps after a stop and a start).
 */
import { sql } from 'drizzle-orm'
import { preparedFor } from '@/lib/parlant/db/prepared'
import { workspaceAgents } from '@/lib/parlant/db/schema'
import { BridgeError } from '@/lib/parlant/errors'
import { loggableError } from '@/lib/parlant/log-error'
import type { BridgeDatabase, BridgeLogger } from '@/lib/parlant/ports'

/** One turn's hold on its agent's stop signal; `release` when the turn ends (idempotent). */
export interface TurnHold {
  readonly signal: AbortSignal
  release(): void
}

export interface TurnSignals {
  /** Holds `agentId`'s signal for one turn: its agent is watched until every hold is released. */
  hold(agentId: string): TurnHold
  /** Aborts the agent's held turns on this node with `agent_not_active` and `reason`. */
  abort(agentId: string, reason: string): void
  /** One look at the held agents' rows (what the interval runs; tests call it directly). */
  check(): Promise<void>
  /** Agents with turns held on this node. */
  held(): number
  /** Stops the watch for good; held signals stay as they are (a stop here still aborts them). */
  shutdown(): void
}

/** How often the rows of agents with turns in flight are read, ms: a stop elsewhere lands within it. */
export const AGENT_WATCH_INTERVAL_MS = 1_000

/** One turn's hold: its own signal, and how many watch reads had begun when it was taken. */
interface Held {
  controller: AbortController
  since: number
}

/** The state of held agents, by id (the ids are this node's own: no workspace is named). */
const agentStates = preparedFor((db) =>
  db
    .select({ id: workspaceAgents.id, status: workspaceAgents.status })
    .from(workspaceAgents)
    .where(sql`${workspaceAgents.id} = any(${sql.placeholder('ids')})`)
    .prepare('parlant_agent_states')
)

/** Creates the signals; the watch runs only while some turn is held. */
export function createTurnSignals(deps: {
  db: BridgeDatabase
  logger: BridgeLogger
  intervalMs?: number
}): TurnSignals {
  const intervalMs = deps.intervalMs ?? AGENT_WATCH_INTERVAL_MS
  /** The holds of each agent with turns in flight here. */
  const agents = new Map<string, Set<Held>>()
  let timer: ReturnType<typeof setInterval> | undefined
  let reads = 0
  let checking = false
  let closed = false

  const stopped = (reason: string) => new BridgeError('agent_not_active', reason)

  const forget = (agentId: string, holds: Set<Held>) => {
    if (holds.size > 0 || agents.get(agentId) !== holds) return
    agents.delete(agentId)
    if (agents.size === 0) stopWatch()
  }

  const abort = (agentId: string, reason: string) => {
    const holds = agents.get(agentId)
    if (!holds) return
    const error = stopped(reason)
    for (const held of holds) held.controller.abort(error)
    holds.clear()
    forget(agentId, holds)
  }

  /** Aborts the agent's holds taken before read `read` began (a later one saw the agent itself). */
  const abortBefore = (agentId: string, read: number, reason: string) => {
    const holds = agents.get(agentId)
    if (!holds) return
    let error: BridgeError | undefined
    for (const held of holds) {
      if (held.since >= read) continue
      error ??= stopped(reason)
      held.controller.abort(error)
      holds.delete(held)
    }
    forget(agentId, holds)
  }

  const check = async () => {
    if (checking || agents.size === 0) return
    checking = true
    const read = ++reads
    try {
      const ids = [...agents.keys()]
      const rows = await agentStates(deps.db).execute({ ids })
      const active = new Set(rows.filter((row) => row.status === 'active').map((row) => row.id))
      for (const id of ids) {
        if (!active.has(id))
          abortBefore(id, read, 'The agent was stopped or deleted on another node')
      }
    } catch (error) {
      // The next look tries again; a turn is not failed for a missed look.
      deps.logger.warn('agent watch read failed', { error: loggableError(error) })
    } finally {
      checking = false
    }
  }

  function startWatch() {
    if (timer || closed) return
    timer = setInterval(() => void check(), intervalMs)
    timer.unref()
  }
  function stopWatch() {
    clearInterval(timer)
    timer = undefined
  }

  return {
    hold(agentId) {
      let holds = agents.get(agentId)
      if (!holds) {
        holds = new Set()
        agents.set(agentId, holds)
        startWatch()
      }
      // A read already out began before this turn saw its agent active: it does not judge it.
      const held: Held = { controller: new AbortController(), since: reads }
      holds.add(held)
      const own = holds
      let released = false
      return {
        signal: held.controller.signal,
        release() {
          if (released) return
          released = true
          own.delete(held)
          forget(agentId, own)
        },
      }
    },
    abort,
    check,
    held: () => agents.size,
    shutdown() {
      closed = true
      stopWatch()
    },
  }
}
