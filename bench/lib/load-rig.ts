/**
 * The rig shared by the concurrent-turns and soak benchmarks: an emulator process, the bridge host
 * in this process (on a fresh PostgreSQL database), one agent with a guideline, one Sim user per
 * conversation, and a driver process that sends the turns.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createUser, grant } from '@/host/directory'
import { type RunningHost, startHost } from '@/host/server'
import { createPostgresDatabase } from '../../__tests__/support/databases'
import { type BudgetPart, backendPids } from './cpu-budget'
import { call, expectStatus } from './http'
import type { DriverJob } from './turn-driver'

export const MESSAGE = 'Where is my "refund"?'
export const REPLY = 'Your refund is on its way.'

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))

function forkTs(file: string, env: NodeJS.ProcessEnv = process.env) {
  return fork(here(file), [], { execArgv: ['--import', 'tsx'], env, stdio: 'inherit' })
}

/** Creates and starts the benchmarks' agent: one guideline whose reply is `REPLY`. */
export async function createStartedRefundAgent(host: RunningHost) {
  const { workspaceId, apiKey } = host.identity
  const created = expectStatus(
    await call<{ agent: { id: string } }>(`${host.url}/api/parlant/agents`, apiKey, 'POST', {
      workspaceId,
      name: 'Refunds',
      guidelines: [{ condition: 'the customer asks about a "refund"', action: REPLY }],
    }),
    201,
    'create'
  )
  const agentId = created.body.agent.id
  expectStatus(
    await call(`${host.url}/api/parlant/agents/${agentId}/start`, apiKey, 'POST', { workspaceId }),
    200,
    'start'
  )
  return agentId
}

export interface LoadRig {
  host: RunningHost
  agentId: string
  keys: string[]
  /** Runs a driver job; `onProgress` sees completed-turn counts. */
  drive(
    job: Pick<DriverJob, 'turnsPerConversation' | 'concurrency' | 'progressEvery'> & {
      keys?: string[]
    },
    onProgress?: (done: number) => void
  ): Promise<{ latencies: number[]; errors: number; sampleErrors: string[] }>
  /** The processes a turn's CPU is spent in: bridge, PostgreSQL backends, emulator, driver. */
  budgetParts(): BudgetPart[]
  close(): Promise<void>
}

/** Boots the rig with `conversations` users; the emulator replies after `replyDelayMs`. */
export async function startLoadRig(options: {
  conversations: number
  replyDelayMs: number
  trailingErrorWaitMs: number
  poolSize?: number
}): Promise<LoadRig> {
  const emulator: ChildProcess = forkTs('./emulator-process.ts', {
    ...process.env,
    BENCH_EMULATOR_DELAY_MS: '0',
    BENCH_EMULATOR_REPLY_DELAY_MS: String(options.replyDelayMs),
  })
  const emulatorUrl = await new Promise<string>((resolve) =>
    emulator.on('message', (m: { type: string; url?: string }) => {
      if (m.type === 'ready' && m.url) resolve(m.url)
    })
  )
  const database = await createPostgresDatabase()
  const host = await startHost({
    env: {
      ...process.env,
      PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-load-')),
      DATABASE_URL: database.url,
      REDIS_URL: '',
      PARLANT_SERVER_URL: emulatorUrl,
      PARLANT_CHAT_TRAILING_ERROR_WAIT_MS: String(options.trailingErrorWaitMs),
    },
    port: 0,
  })
  const { workspaceId } = host.identity
  const agentId = await createStartedRefundAgent(host)
  const keys: string[] = []
  for (let u = 0; u < options.conversations; u++) {
    const member = await createUser(host.database.db, { name: `l${u}`, email: `l${u}@load.local` })
    await grant(host.database.db, member.id, workspaceId, 'write')
    keys.push(member.apiKey)
  }
  const driver = forkTs('./turn-driver.ts')

  return {
    host,
    agentId,
    keys,
    drive(job, onProgress) {
      return new Promise((resolve, reject) => {
        const onMessage = (m: {
          type: string
          done?: number
          latencies?: number[]
          errors?: number
          sampleErrors?: string[]
          error?: string
        }) => {
          if (m.type === 'progress' && m.done !== undefined) onProgress?.(m.done)
          if (m.type === 'failed') reject(new Error(m.error))
          if (m.type === 'done') {
            driver.off('message', onMessage)
            resolve({
              latencies: m.latencies ?? [],
              errors: m.errors ?? 0,
              sampleErrors: m.sampleErrors ?? [],
            })
          }
        }
        driver.on('message', onMessage)
        const full: DriverJob = {
          hostUrl: host.url,
          workspaceId,
          agentId,
          keys: job.keys ?? keys,
          turnsPerConversation: job.turnsPerConversation,
          concurrency: job.concurrency,
          message: MESSAGE,
          expectedReply: REPLY,
          progressEvery: job.progressEvery,
        }
        driver.send({ type: 'run', job: full })
      })
    },
    budgetParts: () => [
      { name: 'bridge', pids: () => [process.pid] },
      { name: 'PostgreSQL', pids: () => backendPids(database.url) },
      { name: 'emulator', pids: () => (emulator.pid ? [emulator.pid] : []) },
      { name: 'load driver', pids: () => (driver.pid ? [driver.pid] : []) },
    ],
    async close() {
      driver.kill()
      await host.close()
      emulator.send({ type: 'exit' })
      await database.drop()
    },
  }
}
