/**
 * Bringing a workspace agent into being on the Parlant server, and removing it again. The Parlant
 * agent's id is derived from ours, so a retried or repeated start finds the agent it made before
 * instead of creating a twin; it carries its workspace's tag, and its guidelines carry the
 * built-in `agent:<id>` tag so they apply to this agent only.
 *
 * Two behaviours of Parlant shape this: creating a tag whose name exists fails with a 500 (an
 * uncaught error, not a 4xx), and `PATCH /agents/{id}` ignores a null or empty description — an
 * agent loses its description only by being deleted and created again under the same id.
 */
import { createHash } from 'node:crypto'
import {
  type Agent,
  type CallOptions,
  type ParlantClient,
  ParlantError,
  ParlantNotFound,
  ParlantTimeout,
  ParlantUnavailable,
} from '@/lib/parlant/client'
import type { WorkspaceAgentRow } from '@/lib/parlant/db/schema'
import { BridgeError } from '@/lib/parlant/errors'
import { storedAgentConfig } from '@/lib/parlant/lifecycle/view'
import type { AgentConfig } from '@/lib/parlant/schemas'

/** The Parlant agent id of one of our agents. */
export function parlantAgentIdFor(agentId: string) {
  return `sim-agent-${agentId}`
}

const TAG_NAME_MAX = 50

/** The Parlant tag name of a workspace (hashed when the id would not fit Parlant's 50 chars). */
export function workspaceTagName(workspaceId: string) {
  const plain = `sim-workspace:${workspaceId}`
  if (plain.length <= TAG_NAME_MAX) return plain
  return `sim-workspace:#${createHash('sha256').update(workspaceId).digest('hex').slice(0, 32)}`
}

/** The built-in Parlant tag that scopes a guideline to one agent. */
export function agentGuidelineTag(parlantAgentId: string) {
  return `agent:${parlantAgentId}`
}

/** An overall time budget shared by the several Parlant calls of one operation. */
export class Deadline {
  private readonly endsAt: number
  constructor(
    readonly budgetMs: number,
    private readonly now: () => number = Date.now
  ) {
    this.endsAt = now() + budgetMs
  }

  /** Call options for the next Parlant call: whatever is left of the budget. */
  call(signal?: AbortSignal): CallOptions {
    const left = this.endsAt - this.now()
    if (left <= 0) {
      throw new BridgeError(
        'parlant_timeout',
        `The Parlant server did not finish within ${this.budgetMs} ms`
      )
    }
    return { timeoutMs: left, signal }
  }
}

/** Turns a Parlant client failure into a bridge error whose message is safe to store and show. */
export function parlantFailure(error: unknown, doing: string): BridgeError {
  if (error instanceof BridgeError) return error
  if (error instanceof ParlantTimeout) {
    return new BridgeError(
      'parlant_timeout',
      `${doing}: the Parlant server did not answer in time`,
      undefined,
      {
        cause: error,
      }
    )
  }
  if (error instanceof ParlantUnavailable) {
    const why =
      error.reason === 'network'
        ? 'the Parlant server is unreachable'
        : error.reason === 'breaker_open'
          ? 'the Parlant server failed repeatedly; calls are paused for a few seconds'
          : `the Parlant server answered with an error (${error.status ?? 'unknown status'})`
    return new BridgeError('parlant_unavailable', `${doing}: ${why}`, undefined, { cause: error })
  }
  if (error instanceof ParlantError) {
    // Client messages are scrubbed of secrets and upstream header dumps already.
    return new BridgeError('parlant_error', `${doing}: ${error.message}`, undefined, {
      cause: error,
    })
  }
  return new BridgeError('parlant_error', `${doing}: unexpected failure`, undefined, {
    cause: error,
  })
}

/** Finds or creates the workspace's tag and returns its id. */
async function ensureWorkspaceTag(
  client: ParlantClient,
  workspaceId: string,
  deadline: Deadline,
  signal?: AbortSignal
) {
  const name = workspaceTagName(workspaceId)
  const [existing] = await client.tags.list({ name }, deadline.call(signal))
  if (existing) return existing.id
  try {
    return (await client.tags.create(name, deadline.call(signal))).id
  } catch (error) {
    // Another node may have created it between our list and create: Parlant then answers a 500
    // (a duplicate name is an uncaught ValueError), or the answer was lost. Read before giving up.
    try {
      const [raced] = await client.tags.list({ name }, deadline.call(signal))
      if (raced) return raced.id
    } catch {
      // The re-read failed too: the creation's failure is the one to report.
    }
    throw error
  }
}

/** The Parlant agent fields the bridge provisions from a row. */
interface ProvisionedFields {
  name: string
  description: string | null
  max_engine_iterations: number
  composition_mode: AgentConfig['compositionMode']
  message_output_mode: AgentConfig['messageOutputMode']
}

/** Parlant stores an empty description as null. */
const descriptionOf = (value: string | null | undefined) => (value ? value : null)

const guidelineKey = (condition: string, action: string | null | undefined) =>
  JSON.stringify([condition, action ?? ''])

/**
 * The provisioned fields the Parlant server does not hold as configured (empty when it does):
 * name, description, composition mode, message output mode, max engine iterations, the workspace
 * tag and the agent's guidelines (as a multiset of condition and action).
 */
export function provisionedMismatches(
  wanted: ProvisionedFields & {
    tagId: string
    guidelines: ReadonlyArray<{ condition: string; action?: string | null }>
  },
  agent: Pick<Agent, keyof ProvisionedFields | 'tags'>,
  guidelines: ReadonlyArray<{ condition: string; action?: string | null }>
): string[] {
  const wrong: string[] = []
  if (agent.name !== wanted.name) wrong.push('name')
  if (descriptionOf(agent.description) !== descriptionOf(wanted.description)) {
    wrong.push('description')
  }
  if (agent.composition_mode !== wanted.composition_mode) wrong.push('composition mode')
  if (agent.message_output_mode !== wanted.message_output_mode) wrong.push('message output mode')
  if (agent.max_engine_iterations !== wanted.max_engine_iterations) {
    wrong.push('max engine iterations')
  }
  if (!agent.tags.includes(wanted.tagId)) wrong.push('workspace tag')
  const have = guidelines.map((g) => guidelineKey(g.condition, g.action)).sort()
  const want = wanted.guidelines.map((g) => guidelineKey(g.condition, g.action)).sort()
  if (have.length !== want.length || have.some((key, i) => key !== want[i])) {
    wrong.push('guidelines')
  }
  return wrong
}

/** Reads the Parlant agent, or undefined when it does not exist. */
async function findAgent(client: ParlantClient, parlantId: string, options: CallOptions) {
  try {
    return await client.agents.get(parlantId, options)
  } catch (error) {
    if (error instanceof ParlantNotFound) return undefined
    throw error
  }
}

async function updateAgent(
  client: ParlantClient,
  parlantId: string,
  fields: ProvisionedFields,
  tags: string[],
  deadline: Deadline,
  signal?: AbortSignal
) {
  // Parlant ignores a null or empty description; sending none says so.
  const { description, ...rest } = fields
  await client.agents.update(
    parlantId,
    { ...rest, ...(description ? { description } : {}), tags: { add: tags } },
    deadline.call(signal)
  )
}

/**
 * Creates the Parlant agent; when that fails and the agent turns out to exist after all (another
 * node won the race — Parlant's duplicate id is a 500), updates the one that is there.
 */
async function createAgent(
  client: ParlantClient,
  parlantId: string,
  fields: ProvisionedFields,
  tags: string[],
  deadline: Deadline,
  signal?: AbortSignal
) {
  try {
    await client.agents.create({ id: parlantId, ...fields, tags }, deadline.call(signal))
  } catch (error) {
    if (!(error instanceof ParlantUnavailable && error.reason === 'server_error')) throw error
    const there = await findAgent(client, parlantId, deadline.call(signal)).catch(() => undefined)
    if (!there) throw error
    await updateAgent(client, parlantId, fields, tags, deadline, signal)
  }
}

/**
 * Creates or re-syncs the Parlant agent of `row` (name, description, modes, iterations, workspace
 * tag, guidelines), then reads it back and compares every provisioned field. Returns the Parlant
 * agent id.
 */
export async function provisionAgent(
  client: ParlantClient,
  row: WorkspaceAgentRow,
  deadline: Deadline,
  signal?: AbortSignal
): Promise<string> {
  const config: AgentConfig = storedAgentConfig(row)
  const parlantId = row.parlantAgentId ?? parlantAgentIdFor(row.id)
  // Independent reads go out together: start latency is a chain of Parlant round trips.
  const [tagId, existing, currentGuidelines] = await Promise.all([
    ensureWorkspaceTag(client, row.workspaceId, deadline, signal),
    findAgent(client, parlantId, deadline.call(signal)),
    client.guidelines.list({ tagId: agentGuidelineTag(parlantId) }, deadline.call(signal)),
  ])
  const fields: ProvisionedFields = {
    name: row.agentName,
    description: descriptionOf(config.description),
    max_engine_iterations: config.maxEngineIterations,
    composition_mode: config.compositionMode,
    message_output_mode: config.messageOutputMode,
  }
  if (!existing) {
    await createAgent(client, parlantId, fields, [tagId], deadline, signal)
  } else if (existing.description && !fields.description) {
    // PATCH cannot clear a description on Parlant: re-create the agent under the same id, with
    // every tag it carries. Its sessions and `agent:<id>` guidelines refer to the id and stay.
    await client.agents.delete(parlantId, deadline.call(signal)).catch((error: unknown) => {
      if (!(error instanceof ParlantNotFound)) throw error
    })
    const tags = [...new Set([...existing.tags, tagId])]
    await createAgent(client, parlantId, fields, tags, deadline, signal)
  } else {
    await updateAgent(client, parlantId, fields, [tagId], deadline, signal)
  }
  await syncGuidelines(client, parlantId, config, currentGuidelines, deadline, signal)

  const [readBack, guidelines] = await Promise.all([
    client.agents.get(parlantId, deadline.call(signal)),
    client.guidelines.list({ tagId: agentGuidelineTag(parlantId) }, deadline.call(signal)),
  ])
  const wrong = provisionedMismatches(
    { ...fields, tagId, guidelines: config.guidelines },
    readBack,
    guidelines
  )
  if (wrong.length > 0) {
    throw new BridgeError(
      'parlant_error',
      `The Parlant server did not keep the agent as configured (verification after provisioning failed: ${wrong.join(', ')})`
    )
  }
  return parlantId
}

/**
 * The Parlant id of one of the agent's guidelines: derived from the agent and the guideline's
 * stable id in the bridge's configuration, so the guidelines Parlant reports as matched map back
 * to the agent's own (`bridgeGuidelineIdOf`). Scoped by the agent: two agents never share one.
 */
export function parlantGuidelineIdFor(parlantAgentId: string, guidelineId: string) {
  return `${parlantAgentId}-g-${guidelineId}`
}

/** The bridge's id of a guideline Parlant names (unchanged when it is not one of ours). */
export function bridgeGuidelineIdOf(parlantAgentId: string, parlantGuidelineId: string) {
  const prefix = `${parlantAgentId}-g-`
  return parlantGuidelineId.startsWith(prefix)
    ? parlantGuidelineId.slice(prefix.length)
    : parlantGuidelineId
}

/**
 * Makes the agent's guidelines on Parlant equal to `config.guidelines`, keeping unchanged ones.
 * A guideline with an id lives on Parlant under `parlantGuidelineIdFor` (one whose text changed
 * is replaced under the same id); one without (configurations older than stable ids) is matched
 * by its text.
 */
async function syncGuidelines(
  client: ParlantClient,
  parlantId: string,
  config: AgentConfig,
  current: ReadonlyArray<{ id: string; condition: string; action?: string | null }>,
  deadline: Deadline,
  signal?: AbortSignal
) {
  const tag = agentGuidelineTag(parlantId)
  const byId = new Map<string, string>()
  const byText = new Map<string, number>()
  for (const g of config.guidelines) {
    const k = guidelineKey(g.condition, g.action)
    if (g.id) byId.set(parlantGuidelineIdFor(parlantId, g.id), k)
    else byText.set(k, (byText.get(k) ?? 0) + 1)
  }
  const kept = new Set<string>()
  const stale: string[] = []
  for (const existing of current) {
    const k = guidelineKey(existing.condition, existing.action)
    const wantedText = byId.get(existing.id)
    if (wantedText !== undefined) {
      if (wantedText === k) kept.add(existing.id)
      else stale.push(existing.id)
      continue
    }
    const left = byText.get(k) ?? 0
    if (left > 0) byText.set(k, left - 1)
    else stale.push(existing.id)
  }
  const missing = config.guidelines.filter((g) => {
    if (g.id) return !kept.has(parlantGuidelineIdFor(parlantId, g.id))
    const k = guidelineKey(g.condition, g.action)
    const left = byText.get(k) ?? 0
    if (left <= 0) return false
    byText.set(k, left - 1)
    return true
  })
  // Removals first: a changed guideline comes back under the same id. Each phase side by side.
  await Promise.all(stale.map((id) => client.guidelines.delete(id, deadline.call(signal))))
  await Promise.all(
    missing.map((g) =>
      client.guidelines.create(
        {
          ...(g.id ? { id: parlantGuidelineIdFor(parlantId, g.id) } : {}),
          condition: g.condition,
          action: g.action,
          tags: [tag],
        },
        deadline.call(signal)
      )
    )
  )
}

/** Deletes a Parlant object; one already gone counts as deleted. */
async function deleteIfPresent(remove: () => Promise<void>) {
  try {
    await remove()
  } catch (error) {
    if (!(error instanceof ParlantNotFound)) throw error
  }
}

/** How many deletions of one kind run side by side. */
const DELETE_BATCH = 8

/**
 * Removes the Parlant agent with its sessions (and their messages) and its guidelines. Parlant does
 * not cascade an agent's deletion, so each goes explicitly: sessions first (listed by agent, which
 * works whether or not the agent still exists), then guidelines, then the agent. Absent ones count
 * as removed, so a retry after a partial run finishes the job.
 */
export async function deprovisionAgent(
  client: ParlantClient,
  parlantId: string,
  timeoutMs: number
) {
  const deadline = new Deadline(timeoutMs)
  const sessions = await client.sessions.list({ agentId: parlantId }, deadline.call())
  await deleteInBatches(
    sessions.filter((s) => s.agent_id === parlantId),
    (s) => client.sessions.delete(s.id, deadline.call())
  )
  const guidelines = await client.guidelines.list(
    { tagId: agentGuidelineTag(parlantId) },
    deadline.call()
  )
  await deleteInBatches(guidelines, (g) => client.guidelines.delete(g.id, deadline.call()))
  await deleteIfPresent(() => client.agents.delete(parlantId, deadline.call()))
}

async function deleteInBatches<T>(items: readonly T[], remove: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += DELETE_BATCH) {
    await Promise.all(
      items.slice(i, i + DELETE_BATCH).map((item) => deleteIfPresent(() => remove(item)))
    )
  }
}
