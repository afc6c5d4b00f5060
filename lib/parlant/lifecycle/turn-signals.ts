/**
 * The stop signals of the chat turns in flight on this node, one per agent. A stop or delete made
 * on this node aborts them at once (`abort`). One made on another node shows only in the agent's
 * row: while turns are held, one statement a second reads the rows of all their agents (one read
 * per node, not one per turn) and aborts the turns of any agent that no longer takes turns.
 */
import { setMaxListeners } from 'node:events'
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

interface Entry {
  controller: AbortController
  holds: number
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
  const entries = new Map<string, Entry>()
  let timer: ReturnType<typeof setInterval> | undefined
  let checking = false
  let closed = false

  const abort = (agentId: string, reason: string) => {
    const entry = entries.get(agentId)
    if (!entry) return
    entries.delete(agentId)
    entry.controller.abort(new BridgeError('agent_not_active', reason))
    if (entries.size === 0) stopWatch()
  }

  const check = async () => {
    if (checking || entries.size === 0) return
    checking = true
    try {
      const watched = new Map(entries)
      const rows = await agentStates(deps.db).execute({ ids: [...watched.keys()] })
      const active = new Set(rows.filter((row) => row.status === 'active').map((row) => row.id))
      for (const [id, entry] of watched) {
        // An entry made during the read (the agent stopped and started again) is not judged by it.
        if (active.has(id) || entries.get(id) !== entry) continue
        abort(id, 'The agent was stopped or deleted on another node')
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
      let entry = entries.get(agentId)
      if (!entry) {
        entry = { controller: new AbortController(), holds: 0 }
        // Every in-flight turn of the agent listens here, so many listeners are expected.
        setMaxListeners(0, entry.controller.signal)
        entries.set(agentId, entry)
        startWatch()
      }
      const held = entry
      held.holds += 1
      let released = false
      return {
        signal: held.controller.signal,
        release() {
          if (released) return
          released = true
          held.holds -= 1
          if (held.holds > 0 || entries.get(agentId) !== held) return
          entries.delete(agentId)
          if (entries.size === 0) stopWatch()
        },
      }
    },
    abort,
    check,
    held: () => entries.size,
    shutdown() {
      closed = true
      stopWatch()
    },
  }
}
