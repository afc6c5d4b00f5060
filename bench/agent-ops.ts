/**
 * Agent operations at scale: 1,000 workspaces × 10 agents, each workspace with its own member,
 * driven through the host's HTTP API; create, get, list, status, update, start, stop latencies on
 * PGlite and on PostgreSQL.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createUser, createWorkspace } from '@/host/directory'
import { startHost } from '@/host/server'
import { createPostgresDatabase } from '../__tests__/support/databases'
import { call, expectStatus } from './lib/http'
import { emit } from './lib/output'
import { type BenchRow, ms } from './lib/report'
import { mapConcurrent, summarize } from './lib/stats'

const WORKSPACES = Number(process.env.BENCH_OPS_WORKSPACES ?? 1_000)
const AGENTS_PER_WORKSPACE = 10
const SAMPLES = Number(process.env.BENCH_OPS_SAMPLES ?? 2_000)
const LIFECYCLE_SAMPLES = Number(process.env.BENCH_OPS_LIFECYCLE_SAMPLES ?? 1_000)
const CONCURRENCY = 1
const TARGET_P99_MS = 20
/** Starting an agent (issue 16): provisioning on Parlant included. */
const START_TARGET_P99_MS = 15

interface Tenant {
  workspaceId: string
  key: string
  agents: string[]
}

async function runOn(engine: 'pglite' | 'postgres', rows: BenchRow[]) {
  const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
  const host = await startHost({
    env: {
      ...process.env,
      PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), `bench-ops-${engine}-`)),
      DATABASE_URL: pg?.url ?? '',
      REDIS_URL: '',
      PARLANT_SERVER_URL: '',
    },
    port: 0,
  })
  const base = `${host.url}/api/parlant`
  try {
    const tenants: Tenant[] = []
    for (let i = 0; i < WORKSPACES; i++) {
      const member = await createUser(host.database.db, {
        name: `u${i}`,
        email: `u${i}@bench.local`,
      })
      const ws = await createWorkspace(host.database.db, { name: `W${i}`, ownerId: member.id })
      tenants.push({ workspaceId: ws.id, key: member.apiKey, agents: [] })
    }
    const samples: Record<string, number[]> = {}
    const record = (op: string, value: number) => {
      samples[op] ??= []
      samples[op].push(value)
    }

    const creates = tenants.flatMap((tenant) =>
      Array.from({ length: AGENTS_PER_WORKSPACE }, (_, a) => ({ tenant, a }))
    )
    await mapConcurrent(creates, CONCURRENCY, async ({ tenant, a }) => {
      const result = expectStatus(
        await call<{ agent: { id: string } }>(`${base}/agents`, tenant.key, 'POST', {
          workspaceId: tenant.workspaceId,
          name: `Agent ${a}`,
          description: 'benchmark agent',
          guidelines: [{ condition: 'the customer says "hello"', action: 'Greet them back.' }],
        }),
        201,
        'create'
      )
      tenant.agents.push(result.body.agent.id)
      record('create', result.ms)
    })

    const pick = (i: number) => {
      const tenant = tenants[(i * 7919) % tenants.length]!
      return { tenant, agentId: tenant.agents[(i * 31) % tenant.agents.length]! }
    }
    const indexes = Array.from({ length: SAMPLES }, (_, i) => i)
    await mapConcurrent(indexes, CONCURRENCY, async (i) => {
      const { tenant, agentId } = pick(i)
      const q = `workspaceId=${tenant.workspaceId}`
      record(
        'get',
        expectStatus(await call(`${base}/agents/${agentId}?${q}`, tenant.key, 'GET'), 200, 'get').ms
      )
      record(
        'list',
        expectStatus(await call(`${base}/agents?${q}`, tenant.key, 'GET'), 200, 'list').ms
      )
      record(
        'status',
        expectStatus(
          await call(`${base}/agents/${agentId}/status?${q}`, tenant.key, 'GET'),
          200,
          'status'
        ).ms
      )
      record(
        'update',
        expectStatus(
          await call(`${base}/agents/${agentId}?${q}`, tenant.key, 'PUT', {
            description: `rev ${i}`,
          }),
          200,
          'update'
        ).ms
      )
    })
    // Start and stop provision on (and read back from) the in-process emulator.
    const lifecycle = Array.from(
      { length: LIFECYCLE_SAMPLES },
      (_, i) => tenants[i % tenants.length]!
    )
    await mapConcurrent(lifecycle, CONCURRENCY, async (tenant, i) => {
      const agentId = tenant.agents[Math.floor(i / tenants.length) % tenant.agents.length]!
      const body = { workspaceId: tenant.workspaceId }
      record(
        'start',
        expectStatus(
          await call(`${base}/agents/${agentId}/start`, tenant.key, 'POST', body),
          200,
          'start'
        ).ms
      )
      record(
        'stop',
        expectStatus(
          await call(`${base}/agents/${agentId}/stop`, tenant.key, 'POST', body),
          200,
          'stop'
        ).ms
      )
    })

    for (const op of ['create', 'get', 'list', 'status', 'update', 'start', 'stop']) {
      const s = summarize(samples[op] ?? [])
      const target = op === 'start' ? START_TARGET_P99_MS : TARGET_P99_MS
      rows.push({
        metric: `${op} (${engine === 'pglite' ? 'PGlite' : 'PostgreSQL'}, n=${s.count})`,
        figures: `p50 ${ms(s.median)} · p99 ${ms(s.p99)}`,
        target: `p99 ≤ ${target} ms`,
        met: s.p99 <= target,
        data: { engine, op, ...s },
      })
    }
  } finally {
    await host.close()
    await pg?.drop()
  }
}

const rows: BenchRow[] = []
await runOn('pglite', rows)
await runOn('postgres', rows)
emit({
  name: 'agent operations',
  config: {
    workspaces: WORKSPACES,
    agentsPerWorkspace: AGENTS_PER_WORKSPACE,
    samples: SAMPLES,
    lifecycleSamples: LIFECYCLE_SAMPLES,
    concurrency: CONCURRENCY,
    transport:
      'HTTP keep-alive to the standalone host, one request at a time; start/stop provision on the in-process emulator',
  },
  rows,
})
process.exit(0)
