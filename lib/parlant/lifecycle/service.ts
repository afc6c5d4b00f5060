/**
 * The agent lifecycle service: create, update, delete, start, stop and status of workspace agents.
 * Every status change is a compare-and-set on the row, so concurrent callers on any number of
 * nodes produce one transition and one provisioning; every transition is published to the agent's
 * room. The chat service asks it whether an agent takes turns and for the signal that abandons them.
 */
import { type ParlantClient, ParlantNotFound } from '@/lib/parlant/client'
import type { BridgeConfig } from '@/lib/parlant/config'
import {
  compareAndSetStatus,
  deleteAgent,
  getAgent,
  insertAgentWithinQuota,
  listAgents,
  listAgentsForSupervision,
  updateAgentDefinition,
} from '@/lib/parlant/db/queries'
import type { WorkspaceAgentRow } from '@/lib/parlant/db/schema'
import { BridgeError } from '@/lib/parlant/errors'
import {
  type ActiveAgentRow,
  activeAgentOf,
  agentNotFound,
} from '@/lib/parlant/lifecycle/active-agent'
import { withGuidelineIds } from '@/lib/parlant/lifecycle/guideline-ids'
import {
  Deadline,
  deprovisionAgent,
  parlantAgentIdFor,
  parlantFailure,
  provisionAgent,
} from '@/lib/parlant/lifecycle/provision'
import { sourcesOf } from '@/lib/parlant/lifecycle/state-machine'
import { createTurnSignals, type TurnHold } from '@/lib/parlant/lifecycle/turn-signals'
import { toAgentView } from '@/lib/parlant/lifecycle/view'
import { loggableError } from '@/lib/parlant/log-error'
import type { BridgeHost } from '@/lib/parlant/ports'
import {
  type AgentStatusEvent,
  agentRoom,
  PARLANT_EVENTS,
  type WorkspaceAgentEvent,
  workspaceRoom,
} from '@/lib/parlant/realtime/events'
import {
  type AgentConfig,
  type AgentStatus,
  type AgentView,
  agentConfigSchema,
  type CreateAgentInput,
  createAgentInputSchema,
  type UpdateAgentInput,
  updateAgentInputSchema,
} from '@/lib/parlant/schemas'

export interface LifecycleOptions {
  /** Budget of the Parlant calls of one start or sync; agent operations stay under 2 s. */
  operationTimeoutMs?: number
  /** An agent in `starting`/`stopping` longer than this was left by a crash. Default 30 s. */
  transitionLeaseMs?: number
  /** How long Parlant may be unreachable before active agents go to `error`. Default 30 s. */
  unreachableAfterMs?: number
  /** Attempts to remove a deleted agent from Parlant. Default 6. */
  cleanupAttempts?: number
  /** First delay between cleanup attempts, doubled each time. Default 500 ms. */
  cleanupBaseDelayMs?: number
  /** How often the rows of agents with turns in flight are read for a stop elsewhere. Default 1 s. */
  agentWatchIntervalMs?: number
}

/** What `status` reports. */
export interface AgentStatusView {
  agentId: string
  status: AgentStatus
  lastError: string | null
  since: string
  parlantReachable: boolean
}

/** Reasons the health monitor writes; only agents in `error` for these are recovered by it. */
export const HEALTH_REASON_PREFIX = 'Health check: '

const POLL_MS = 25

/** Agents a health round judges (and provisions again) at the same time. */
const HEALTH_CONCURRENCY = 8

/** Runs `run` over `items`, at most `limit` at a time. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<void>
) {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T
      await run(item)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** Whether `error` (or a cause of it) is a unique-constraint violation. */
function isUniqueViolation(error: unknown): boolean {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    if ('code' in current && current.code === '23505') return true
    current = 'cause' in current ? current.cause : undefined
  }
  return false
}

/** Never keeps the process alive by itself: a pending cleanup must not delay shutdown. */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref())

/** Creates the lifecycle service. */
export function createLifecycleService(deps: {
  host: BridgeHost
  config: BridgeConfig
  parlant: ParlantClient
  options?: LifecycleOptions
}) {
  const { host, config, parlant } = deps
  const { db, logger, clock } = host
  const operationTimeoutMs = deps.options?.operationTimeoutMs ?? 1500
  const transitionLeaseMs = deps.options?.transitionLeaseMs ?? 30_000
  const unreachableAfterMs = deps.options?.unreachableAfterMs ?? 30_000
  const cleanupAttempts = deps.options?.cleanupAttempts ?? 6
  const cleanupBaseDelayMs = deps.options?.cleanupBaseDelayMs ?? 500

  const turns = createTurnSignals({ db, logger, intervalMs: deps.options?.agentWatchIntervalMs })
  /** Concurrent starts/stops of one agent on this node share one run (others poll the row). */
  const inflight = new Map<string, Promise<AgentView>>()
  /** Re-provisionings in progress on this node, per agent: concurrent turns share one. */
  const healing = new Map<string, Promise<WorkspaceAgentRow>>()
  const cleanups = new Set<Promise<void>>()
  let reachability: { reachable: boolean; at: number } | undefined
  let unreachableSince: number | undefined
  let shuttingDown = false

  async function publish(row: WorkspaceAgentRow, previousStatus: AgentStatus | null) {
    const event: AgentStatusEvent = {
      workspaceId: row.workspaceId,
      agentId: row.id,
      status: row.status,
      previousStatus,
      lastError: row.lastError,
      version: row.version,
      at: row.statusChangedAt.toISOString(),
    }
    try {
      await host.publish(agentRoom(row.id), PARLANT_EVENTS.status, event)
    } catch (error) {
      logger.warn('Publishing an agent status failed', {
        agentId: row.id,
        error: loggableError(error),
      })
    }
  }

  /** Tells every open list of the workspace that an agent appeared, changed or went away. */
  async function publishChange(
    change: WorkspaceAgentEvent['change'],
    workspaceId: string,
    agentId: string,
    agent: AgentView | null
  ) {
    const event: WorkspaceAgentEvent = {
      workspaceId,
      agentId,
      change,
      agent,
      at: clock.now().toISOString(),
    }
    try {
      await host.publish(workspaceRoom(workspaceId), PARLANT_EVENTS.workspaceAgent, event)
    } catch (error) {
      logger.warn('Publishing an agent change failed', { agentId, error: loggableError(error) })
    }
  }

  /** Moves an agent along the state machine; undefined when another caller moved it first. */
  async function transition(
    row: WorkspaceAgentRow,
    to: AgentStatus,
    extra: {
      lastError?: string | null
      parlantAgentId?: string | null
      guardVersion?: boolean
    } = {}
  ) {
    const from = sourcesOf(to).filter((status) => status === row.status)
    if (from.length === 0) return undefined
    const updated = await compareAndSetStatus(
      db,
      row.workspaceId,
      row.id,
      {
        from,
        to,
        expectedVersion: extra.guardVersion ? row.version : undefined,
        lastError: extra.lastError,
        parlantAgentId: extra.parlantAgentId,
      },
      clock.now()
    )
    if (updated) {
      logger.info('Agent status changed', { agentId: row.id, from: row.status, to })
      await publish(updated, row.status)
    }
    return updated
  }

  async function load(workspaceId: string, agentId: string) {
    const row = await getAgent(db, workspaceId, agentId)
    if (!row) throw agentNotFound()
    return row
  }

  /** Re-reads the row until it leaves `status` or the budget runs out. */
  async function waitWhile(workspaceId: string, agentId: string, status: AgentStatus) {
    const until = Date.now() + operationTimeoutMs + 300
    let row = await load(workspaceId, agentId)
    while (row.status === status && Date.now() < until) {
      await sleep(POLL_MS)
      row = await load(workspaceId, agentId)
    }
    return row
  }

  function abortTurns(agentId: string, reason: string) {
    turns.abort(agentId, reason)
  }

  /** Removes the Parlant side of a deleted agent in the background, retrying with backoff. */
  function scheduleCleanup(parlantId: string) {
    const run = (async () => {
      for (let attempt = 0; attempt < cleanupAttempts && !shuttingDown; attempt++) {
        try {
          await deprovisionAgent(parlant, parlantId, 5000)
          logger.info('Removed a deleted agent from Parlant', { parlantAgentId: parlantId })
          return
        } catch (error) {
          logger.warn('Removing a deleted agent from Parlant failed; will retry', {
            parlantAgentId: parlantId,
            attempt: attempt + 1,
            error: parlantFailure(error, 'Cleanup').message,
          })
          await sleep(cleanupBaseDelayMs * 2 ** attempt)
        }
      }
      logger.error('Gave up removing a deleted agent from Parlant', { parlantAgentId: parlantId })
    })()
    cleanups.add(run)
    void run.finally(() => cleanups.delete(run))
  }

  function singleFlight(key: string, run: () => Promise<AgentView>) {
    const current = inflight.get(key)
    if (current) return current
    const started = run().finally(() => inflight.delete(key))
    inflight.set(key, started)
    return started
  }

  async function probeParlant(maxAgeMs: number) {
    if (reachability && Date.now() - reachability.at <= maxAgeMs) return reachability.reachable
    let reachable = true
    try {
      await parlant.health({ timeoutMs: 500 })
    } catch {
      reachable = false
    }
    reachability = { reachable, at: Date.now() }
    return reachable
  }

  /**
   * Provisions an active agent on Parlant again from its stored configuration (Parlant lost it: a
   * restarted or wiped server). The agent stays `active` throughout; only when this fails does it
   * go to `error`, with one message saying why and what to do.
   */
  async function reprovisionActive(row: WorkspaceAgentRow, trigger: string) {
    try {
      await provisionAgent(parlant, row, new Deadline(operationTimeoutMs))
      logger.info('Agent provisioned again on the Parlant server', { agentId: row.id, trigger })
      return row
    } catch (error) {
      const failure = parlantFailure(
        error,
        'The agent was gone from the Parlant server and creating it again failed'
      )
      const message = `${failure.message}; start the agent again to retry`
      logger.warn('Re-provisioning an agent failed', { agentId: row.id, trigger, reason: message })
      await transition(row, 'error', { guardVersion: true, lastError: message })
      throw new BridgeError(failure.code, message, undefined, { cause: error })
    }
  }

  /** `reprovisionActive`, one run per agent at a time on this node. */
  function heal(row: WorkspaceAgentRow, trigger: string): Promise<WorkspaceAgentRow> {
    const current = healing.get(row.id)
    if (current) return current
    const run = reprovisionActive(row, trigger).finally(() => healing.delete(row.id))
    healing.set(row.id, run)
    return run
  }

  async function startOnce(workspaceId: string, agentId: string): Promise<AgentView> {
    let row = await load(workspaceId, agentId)
    if (row.status === 'starting') row = await waitWhile(workspaceId, agentId, 'starting')
    if (row.status === 'active' || row.status === 'starting') return toAgentView(row)
    if (row.status === 'stopping') {
      throw new BridgeError(
        'conflict',
        `Agent "${row.agentName}" is stopping; start it again once it is inactive`
      )
    }
    const claimed = await transition(row, 'starting', { lastError: null })
    if (!claimed) {
      // Someone else moved it first: report whatever they achieved.
      const current = await waitWhile(workspaceId, agentId, 'starting')
      if (current.status === 'stopping') {
        throw new BridgeError('conflict', `Agent "${current.agentName}" is stopping`)
      }
      return toAgentView(current)
    }
    let parlantId: string
    try {
      parlantId = await provisionAgent(parlant, claimed, new Deadline(operationTimeoutMs))
    } catch (error) {
      const failure = parlantFailure(error, 'Starting the agent failed')
      logger.warn('Agent start failed', { agentId, reason: failure.message })
      const failed = await transition(claimed, 'error', { lastError: failure.message })
      if (!failed && !(await getAgent(db, workspaceId, agentId))) throw agentNotFound()
      throw failure
    }
    const active = await transition(claimed, 'active', {
      lastError: null,
      parlantAgentId: parlantId,
    })
    if (!active) {
      // Deleted (or repaired) while we provisioned: undo our side if the row is gone.
      const current = await getAgent(db, workspaceId, agentId)
      if (!current) {
        scheduleCleanup(parlantId)
        throw agentNotFound()
      }
      return toAgentView(current)
    }
    return toAgentView(active)
  }

  /**
   * Stops an agent: `active|error → stopping → inactive`. New turns are refused at once and
   * in-flight turns on this node are abandoned. Its tokens are kept: they cannot chat while the
   * agent is not active and work again once it is started (only deleting the agent, or a revoke by
   * the issuer or an admin, ends a token).
   */
  async function stopOnce(workspaceId: string, agentId: string): Promise<AgentView> {
    let row = await load(workspaceId, agentId)
    if (row.status === 'stopping') row = await waitWhile(workspaceId, agentId, 'stopping')
    if (row.status === 'inactive' || row.status === 'stopping') return toAgentView(row)
    if (row.status === 'starting') {
      throw new BridgeError(
        'conflict',
        `Agent "${row.agentName}" is starting; stop it once it has started`
      )
    }
    const claimed = await transition(row, 'stopping')
    if (!claimed) {
      const current = await waitWhile(workspaceId, agentId, 'stopping')
      if (current.status === 'starting') {
        throw new BridgeError('conflict', `Agent "${current.agentName}" is starting`)
      }
      return toAgentView(current)
    }
    abortTurns(agentId, `Agent "${claimed.agentName}" was stopped`)
    const stopped = await transition(claimed, 'inactive', { lastError: null })
    return toAgentView(stopped ?? (await load(workspaceId, agentId)))
  }

  const service = {
    /** The agents of a workspace. */
    async list(workspaceId: string): Promise<AgentView[]> {
      return (await listAgents(db, workspaceId)).map(toAgentView)
    },

    /** One agent; `not_found` also for another workspace's agent. */
    async get(workspaceId: string, agentId: string): Promise<AgentView> {
      return toAgentView(await load(workspaceId, agentId))
    },

    /** Creates an agent within the workspace quota. */
    async create(
      workspaceId: string,
      createdBy: string | null,
      input: CreateAgentInput
    ): Promise<AgentView> {
      const { name, ...rest } = createAgentInputSchema.parse(input)
      const result = await insertAgentWithinQuota(
        db,
        workspaceId,
        { name, config: { ...rest, guidelines: withGuidelineIds(rest.guidelines) }, createdBy },
        config.maxAgentsPerWorkspace
      )
      if (!result.ok) {
        if (result.reason === 'quota_exceeded') {
          throw new BridgeError(
            'quota_exceeded',
            `This workspace already has the maximum of ${config.maxAgentsPerWorkspace} agents; delete one first`
          )
        }
        throw new BridgeError(
          'conflict',
          `An agent named "${name}" already exists in this workspace`,
          [{ field: 'name', message: 'is already used by another agent in this workspace' }]
        )
      }
      logger.info('Agent created', { workspaceId, agentId: result.agent.id })
      const view = toAgentView(result.agent)
      await publishChange('created', workspaceId, view.id, view)
      return view
    },

    /** Changes an agent's definition; an active agent is re-synced to Parlant. */
    async update(
      workspaceId: string,
      agentId: string,
      input: UpdateAgentInput
    ): Promise<AgentView> {
      const changes = updateAgentInputSchema.parse(input)
      const { name, ...configChanges } = changes
      let updated: WorkspaceAgentRow | undefined
      for (let attempt = 0; attempt < 5 && !updated; attempt++) {
        const row = await load(workspaceId, agentId)
        const parsed: AgentConfig = agentConfigSchema.parse({
          ...row.agentConfig,
          ...configChanges,
        })
        const merged = { ...parsed, guidelines: withGuidelineIds(parsed.guidelines) }
        try {
          updated = await updateAgentDefinition(
            db,
            workspaceId,
            agentId,
            row.version,
            { name, config: merged },
            clock.now()
          )
        } catch (error) {
          if (!isUniqueViolation(error)) throw error
          throw new BridgeError(
            'conflict',
            `An agent named "${name}" already exists in this workspace`,
            [{ field: 'name', message: 'is already used by another agent in this workspace' }]
          )
        }
      }
      if (!updated) {
        throw new BridgeError('conflict', 'The agent is being changed by someone else; try again')
      }
      await publishChange('updated', workspaceId, agentId, toAgentView(updated))
      if (updated.status !== 'active') return toAgentView(updated)
      try {
        await provisionAgent(parlant, updated, new Deadline(operationTimeoutMs))
        return toAgentView(updated)
      } catch (error) {
        const failure = parlantFailure(error, 'Syncing the change to Parlant failed')
        await transition(updated, 'error', { lastError: failure.message })
        throw new BridgeError(
          failure.code,
          `${failure.message}. The change is saved; the agent is now in error — start it again to retry`
        )
      }
    },

    /**
     * Deletes an agent: stops it, removes its rows (its tokens with them: they are revoked for
     * good), and removes it from Parlant in the background.
     */
    async delete(
      workspaceId: string,
      agentId: string
    ): Promise<{ deleted: true; agentId: string }> {
      const row = await load(workspaceId, agentId)
      abortTurns(agentId, 'The agent was deleted')
      const removed = await deleteAgent(db, workspaceId, agentId)
      if (!removed) throw agentNotFound()
      // Even an agent without a recorded Parlant id may exist there (a crash mid-start).
      scheduleCleanup(row.parlantAgentId ?? parlantAgentIdFor(row.id))
      logger.info('Agent deleted', { workspaceId, agentId })
      await publishChange('deleted', workspaceId, agentId, null)
      return { deleted: true, agentId }
    },

    /**
     * Starts an agent: `inactive|error → starting → active`, provisioning or re-syncing it on
     * Parlant. Concurrent calls share one provisioning; an active agent is returned as is.
     */
    start(workspaceId: string, agentId: string): Promise<AgentView> {
      return singleFlight(`start:${workspaceId}:${agentId}`, () => startOnce(workspaceId, agentId))
    },

    /**
     * Stops an agent: `active|error → stopping → inactive`. New turns are refused at once,
     * in-flight turns on this node are abandoned; its tokens are kept (see `stopOnce`).
     */
    stop(workspaceId: string, agentId: string): Promise<AgentView> {
      return singleFlight(`stop:${workspaceId}:${agentId}`, () => stopOnce(workspaceId, agentId))
    },

    /** State, last error, since when, and whether the Parlant server answers. */
    async status(workspaceId: string, agentId: string): Promise<AgentStatusView> {
      const row = await load(workspaceId, agentId)
      return {
        agentId: row.id,
        status: row.status,
        lastError: row.lastError,
        since: row.statusChangedAt.toISOString(),
        parlantReachable: await probeParlant(5000),
      }
    },

    /**
     * The agent row if it takes turns; otherwise `agent_not_active` (409) saying what to do.
     * For the chat service, which needs `parlantAgentId`.
     */
    async assertAgentActive(workspaceId: string, agentId: string): Promise<ActiveAgentRow> {
      return activeAgentOf(await getAgent(db, workspaceId, agentId), workspaceId)
    },

    /**
     * For a turn that found its active agent missing on Parlant: provisions it again from its
     * configuration (once; concurrent turns share the run) and returns the row to continue with.
     * `agent_not_active` when the agent is no longer active; the failure when re-provisioning fails
     * (the agent is then in `error`).
     */
    async reprovision(workspaceId: string, agentId: string): Promise<WorkspaceAgentRow> {
      const row = await service.assertAgentActive(workspaceId, agentId)
      return heal(row, 'turn')
    },

    /**
     * Holds the agent's stop signal for one in-flight turn (release it when the turn ends): it is
     * aborted when the agent is stopped or deleted, on this node at once, on another within
     * about a second (see `turn-signals.ts`).
     */
    holdTurn(agentId: string): TurnHold {
      return turns.hold(agentId)
    },

    /** Agents with turns held on this node (the agent watch runs while there are any). */
    heldTurns(): number {
      return turns.held()
    },

    /**
     * Repairs agents a crash left in `starting`/`stopping` for longer than the lease: a start
     * becomes `error` (start again retries), a stop is completed. Returns how many were repaired.
     */
    async reconcile(): Promise<number> {
      const cutoff = clock.now().getTime() - transitionLeaseMs
      const stuck = (await listAgentsForSupervision(db, ['starting', 'stopping'])).filter(
        (row) => row.statusChangedAt.getTime() <= cutoff
      )
      let repaired = 0
      for (const row of stuck) {
        if (row.status === 'starting') {
          const moved = await transition(row, 'error', {
            guardVersion: true,
            lastError:
              'The start was interrupted before it finished (the server restarted or crashed); start the agent again',
          })
          if (moved) repaired++
        } else {
          abortTurns(row.id, `Agent "${row.agentName}" was stopped`)
          const moved = await transition(row, 'inactive', { guardVersion: true, lastError: null })
          if (moved) repaired++
        }
      }
      if (repaired > 0) logger.info('Reconciler repaired agents', { repaired })
      return repaired
    },

    /**
     * One health round (also run at boot): active agents whose Parlant agent is gone are
     * provisioned again from their configuration, and go to `error` only if that fails; active
     * agents go to `error` when the server has been unreachable for longer than the threshold;
     * agents this monitor put in `error` go back to `active` once the server answers again (their
     * Parlant agent provisioned again if it is gone).
     */
    async checkHealth(): Promise<{ reachable: boolean; failed: number; recovered: number }> {
      const reachable = await probeParlant(0)
      const now = clock.now().getTime()
      const rows = await listAgentsForSupervision(db, ['active', 'error'])
      let failed = 0
      let recovered = 0
      if (!reachable) {
        unreachableSince ??= now
        if (now - unreachableSince < unreachableAfterMs) return { reachable, failed, recovered }
        const seconds = Math.round((now - unreachableSince) / 1000)
        for (const row of rows.filter((r) => r.status === 'active')) {
          const moved = await transition(row, 'error', {
            guardVersion: true,
            lastError: `${HEALTH_REASON_PREFIX}the Parlant server has been unreachable for ${seconds} s`,
          })
          if (moved) {
            abortTurns(row.id, 'The Parlant server is unreachable')
            failed++
          }
        }
        return { reachable, failed, recovered }
      }
      unreachableSince = undefined
      // Agents are judged side by side, a few at a time: after a Parlant restart every one of them
      // is provisioned again, and the boot round should not take one round trip chain per agent.
      await forEachLimited(rows, HEALTH_CONCURRENCY, async (row) => {
        const monitored =
          row.status === 'active' ||
          (row.status === 'error' && row.lastError?.startsWith(HEALTH_REASON_PREFIX) === true)
        if (!monitored || !row.parlantAgentId) return
        let present: boolean
        try {
          await parlant.agents.get(row.parlantAgentId, { timeoutMs: 1000 })
          present = true
        } catch (error) {
          if (!(error instanceof ParlantNotFound)) return // transient: judge it next round
          present = false
        }
        if (row.status === 'active' && !present) {
          // Parlant lost the agent (restarted or wiped): provision it again from the stored
          // configuration; only a failure puts the agent in error.
          try {
            await heal(row, 'health monitor')
            recovered++
          } catch {
            failed++
          }
        } else if (row.status === 'error' && present) {
          const moved = await transition(row, 'active', { guardVersion: true, lastError: null })
          if (moved) recovered++
        } else if (row.status === 'error') {
          // Parlant came back after an outage, without the agent: start it again (once; a failure
          // leaves a reason without the monitor's prefix, so it is not retried every round).
          try {
            await service.start(row.workspaceId, row.id)
            recovered++
          } catch {
            failed++
          }
        }
      })
      return { reachable, failed, recovered }
    },

    /** Stops retrying background cleanups (host shutdown); the next start of a node repeats none. */
    shutdown() {
      shuttingDown = true
      turns.shutdown()
    },

    /** Resolves when background Parlant cleanups have finished (tests, shutdown). */
    async idle(): Promise<void> {
      while (cleanups.size > 0) await Promise.allSettled([...cleanups])
    },
  }
  return service
}

/** The lifecycle service `createLifecycleService` returns. */
export type LifecycleService = ReturnType<typeof createLifecycleService>
