/**
 * A chat test bed: a fresh database, a user and workspace, an emulator on a real port, and a
 * workspace agent provisioned on it (with guidelines) and marked active — the state the lifecycle
 * service leaves behind after `start`.
 */

import { createLogger } from '@sim/logger'
import { generateRandomHex } from '@sim/utils/random'
import type { ChatDefaults, ChatService } from '@/lib/parlant/chat'
import { createChatService } from '@/lib/parlant/chat'
import { createParlantClient, type ParlantClient } from '@/lib/parlant/client'
import { compareAndSetStatus, insertAgentWithinQuota } from '@/lib/parlant/db/queries'
import type { BridgeDatabase, BridgeHost } from '@/lib/parlant/ports'
import { systemClock } from '@/lib/parlant/ports'
import type { CompositionMode } from '@/lib/parlant/schemas'
import { type RunningEmulator, startEmulator } from '@/emulator'
import { createUser, createWorkspace } from '@/host/directory'

/** Fast waits for the emulator (1 "second" of wait_for_data = 40 ms). */
export const FAST: Partial<ChatDefaults> = {
  pollWaitSeconds: 2,
  trailingErrorWaitMs: 40,
  streamWaitSeconds: 1,
  // A second, so the slow turns of these tests write their cursor mid-turn.
  cursorWriteIntervalMs: 1_000,
  leaseTtlMs: 2_000,
  leaseRetryMs: 20,
}
export const WAIT_UNIT_MS = 40

export interface Published {
  room: string
  event: string
  payload: unknown
}

/** Provisions a Parlant agent with guidelines on the emulator and an active workspace agent row. */
export async function provisionAgent(
  db: BridgeDatabase,
  parlant: ParlantClient,
  workspaceId: string,
  input: {
    name: string
    guidelines?: Array<{ condition: string; action: string }>
    compositionMode?: CompositionMode
    stream?: boolean
  }
) {
  const inserted = await insertAgentWithinQuota(
    db,
    workspaceId,
    {
      name: input.name,
      config: {
        guidelines: [],
        compositionMode: 'fluid',
        messageOutputMode: 'block',
        maxEngineIterations: 3,
        parameters: {},
      },
      createdBy: null,
    },
    100
  )
  if (!inserted.ok) throw new Error(inserted.reason)
  const parlantAgentId = `sim-${inserted.agent.id}`
  await parlant.agents.create({
    id: parlantAgentId,
    name: input.name,
    composition_mode: input.compositionMode ?? (input.stream ? 'canned_fluid' : 'fluid'),
    message_output_mode: input.stream ? 'stream' : 'block',
    tags: [],
  })
  for (const g of input.guidelines ?? []) {
    await parlant.guidelines.create({ ...g, tags: [`agent:${parlantAgentId}`] })
  }
  const row = await compareAndSetStatus(
    db,
    workspaceId,
    inserted.agent.id,
    { from: ['inactive'], to: 'active', parlantAgentId },
    new Date()
  )
  if (!row) throw new Error('activation failed')
  return { agentId: inserted.agent.id, parlantAgentId }
}

/** A BridgeHost over `db` that records what is published. */
export function recordingHost(db: BridgeDatabase, published: Published[]): BridgeHost {
  return {
    authenticate: async () => null,
    workspacePermission: async () => 'admin',
    db,
    publish: (room, event, payload) => {
      published.push({ room, event, payload })
    },
    logger: createLogger('chat-test'),
    clock: systemClock,
  }
}

export interface Bed {
  emulator: RunningEmulator
  parlant: ParlantClient
  user: { id: string }
  workspaceId: string
  published: Published[]
  chat: ChatService
  stops: Map<string, AbortController>
}

/** Emulator + client + user/workspace + chat service over `db`. */
export async function createBed(
  db: BridgeDatabase,
  defaults: Partial<ChatDefaults> = FAST,
  options: {
    /** The emulator's `wait_for_data` second, ms. Default `WAIT_UNIT_MS`. */
    waitUnitMs?: number
    /** The URL the chat reaches Parlant at (e.g. a proxy in front of the emulator). */
    parlantUrl?: (emulatorUrl: string) => Promise<string> | string
  } = {}
): Promise<Bed> {
  const emulator = await startEmulator({
    port: 0,
    delayMs: 0,
    waitUnitMs: options.waitUnitMs ?? WAIT_UNIT_MS,
  })
  const parlant = createParlantClient({
    baseUrl: (await options.parlantUrl?.(emulator.url)) ?? emulator.url,
    retry: false,
    breaker: false,
  })
  const user = await createUser(db, {
    name: 'Ann',
    email: `ann-${generateRandomHex(12)}@example.com`,
  })
  const workspace = await createWorkspace(db, { name: 'W', ownerId: user.id })
  const published: Published[] = []
  const host = recordingHost(db, published)
  const stops = new Map<string, AbortController>()
  const chat = createChatService({
    host,
    parlant,
    nodeId: 'node-test',
    holdTurn: (agentId) => {
      let controller = stops.get(agentId)
      if (!controller) {
        controller = new AbortController()
        stops.set(agentId, controller)
      }
      return { signal: controller.signal, release() {} }
    },
    defaults,
  })
  return { emulator, parlant, user, workspaceId: workspace.id, published, chat, stops }
}
