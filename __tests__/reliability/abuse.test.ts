/**
 * Abuse of the standalone host: oversize and deeply nested bodies, unicode and control characters,
 * SQL-looking strings, thousands of rapid socket joins and floods of sends and reads. The host must
 * stay up, answer with 4xx/429 (never a 500), keep its presence rows honest, and serve another
 * workspace throughout (its latencies during the flood are reported).
 */
import { eq } from 'drizzle-orm'
import type { Socket } from 'socket.io-client'
import { agentSessions } from '@/lib/parlant/db/schema'
import { PARLANT_EVENTS } from '@/lib/parlant/realtime/events'
import { fallbackReply } from '@/emulator'
import { createUser, createWorkspace } from '@/host/directory'
import { type RunningHost, startHost } from '@/host/server'
import { api, connect, createActiveAgent, socketToken } from '../realtime/support'
import {
  call,
  eventually,
  LONG,
  type Outcome,
  percentile,
  tempDataDir,
  unclearError,
} from './support'

const JOINS = LONG ? 10_000 : 2_000
const JOIN_SOCKETS = 4
const SENDS = LONG ? 1_500 : 300
const JUNK_SENDS = LONG ? 2_000 : 300
const READS = LONG ? 5_000 : 1_000
/** Liveness bound of one flood request: far past any deadline, even queued behind the flood. */
const FLOOD_SETTLE_MS = LONG ? 90_000 : 30_000

/** Runs `tasks` with at most `width` in flight. */
async function pool<T>(count: number, width: number, task: (i: number) => Promise<T>) {
  const results: T[] = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const i = next++
        results[i] = await task(i)
      }
    })
  )
  return results
}

describe('reliability: abuse', () => {
  let host: RunningHost
  let key: string
  let workspaceId: string
  let agentId: string
  let other: { key: string; workspaceId: string; agentId: string }

  beforeAll(async () => {
    host = await startHost({ env: { PARLANT_BRIDGE_DATA_DIR: tempDataDir('abuse'), PORT: '0' } })
    key = host.identity.apiKey
    workspaceId = host.identity.workspaceId
    agentId = await createActiveAgent(host.url, key, workspaceId, 'target')
    const user = await createUser(host.database.db, {
      name: 'Bystander',
      email: `bystander-${Math.random()}@example.com`,
    })
    const ws = await createWorkspace(host.database.db, { name: 'Other', ownerId: user.id })
    other = {
      key: user.apiKey,
      workspaceId: ws.id,
      agentId: await createActiveAgent(host.url, user.apiKey, ws.id, 'bystander'),
    }
  })
  afterAll(async () => {
    await host?.close()
  })

  const secrets = () => [key, other.key, host.internalSecret]

  /** Never a 500 or a hang; errors are clear `{ error, code }`. */
  function expectHandled(outcome: Outcome, what: string) {
    expect(
      outcome.kind === 'ok' || outcome.kind === 'error',
      `${what}: ${JSON.stringify(outcome)}`
    ).toBe(true)
    if (outcome.kind === 'error') {
      expect(outcome.status, what).toBeLessThan(500)
      expect(unclearError(outcome, secrets()), what).toBeUndefined()
    }
  }

  async function healthy() {
    const response = await fetch(`${host.url}/health`)
    expect(response.status).toBe(200)
  }

  it('rejects oversize and deeply nested bodies with a 4xx', async () => {
    const big = JSON.stringify({
      workspaceId,
      name: 'big',
      description: 'x'.repeat(2 * 1024 * 1024),
    })
    const oversize = await call(
      host.url,
      key,
      'POST',
      '/api/parlant/agents',
      undefined,
      10_000,
      big
    )
    expect(oversize.kind === 'error' && oversize.status).toBe(413)

    // No Content-Length: the limit must hold while the body streams in.
    const chunk = new TextEncoder().encode(`"${'y'.repeat(64 * 1024)}`)
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ >= 40) controller.close()
        else controller.enqueue(chunk)
      },
    })
    const streamed = await fetch(`${host.url}/api/parlant/agents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' })
    expect(streamed.status).toBe(413)
    // The connection that carried the refused body must not be handed back for reuse half-read.
    await new Promise((resolve) => setTimeout(resolve, 200))
    for (let i = 0; i < 3; i++) {
      const after = await call(
        host.url,
        key,
        'GET',
        `/api/parlant/agents?workspaceId=${workspaceId}`,
        undefined,
        10_000
      )
      expect(after.kind, JSON.stringify(after)).toBe('ok')
    }

    const depth = 100_000
    const nestedArrays = `${'['.repeat(depth)}${']'.repeat(depth)}`
    const nestedObject = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
    const nestedInField = `{"workspaceId":"${workspaceId}","agentId":"${agentId}","message":"hi","x":${nestedObject}}`
    const targets: Array<[string, string]> = [
      ['/api/parlant/agents', nestedArrays],
      ['/api/parlant/agents', nestedObject],
      [`/api/parlant/agents/${agentId}/chat`, nestedObject],
      ['/api/tools/parlant/chat', nestedInField],
      ['/api/parlant/auth/verify', nestedArrays],
    ]
    for (const [path, raw] of targets) {
      const outcome = await call(host.url, key, 'POST', path, undefined, 10_000, raw)
      // The tool route ignores unknown fields (Sim's executor sends every block param).
      if (path.startsWith('/api/tools/')) expectHandled(outcome, path)
      else {
        expect(outcome.kind, path).toBe('error')
        if (outcome.kind === 'error') expect(outcome.status, path).toBe(400)
      }
    }
    await healthy()
  })

  it('handles unicode, control characters and SQL-looking strings in names and messages', async () => {
    const names = [
      'агент 🤖 名前',
      "Robert'); DROP TABLE workspace_agents;--",
      "' OR '1'='1",
      '\u202Eevil\u202C',
      'e\u0301 combining',
      'tab\there',
      'nul\u0000byte',
      'bell\u0007',
      'lone \ud800 surrogate',
      'x'.repeat(101),
      '   ',
      '%00%27',
    ]
    let created = 0
    for (const name of names) {
      const outcome = await call(
        host.url,
        key,
        'POST',
        '/api/parlant/agents',
        { workspaceId, name },
        10_000
      )
      expectHandled(outcome, `name ${JSON.stringify(name)}`)
      if (outcome.kind === 'ok') {
        created++
        const agent = outcome.body.agent as { id: string; name: string }
        const got = await api<{ agent: { name: string } }>(
          host.url,
          key,
          'GET',
          `/api/parlant/agents/${agent.id}?workspaceId=${workspaceId}`
        )
        expect(got.agent.name).toBe(agent.name)
        await api(
          host.url,
          key,
          'DELETE',
          `/api/parlant/agents/${agent.id}?workspaceId=${workspaceId}`
        )
      } else if (outcome.kind === 'error') {
        expect(outcome.body.details, `name ${JSON.stringify(name)}`).toBeDefined()
      }
    }
    // Names with control, format or invisible characters, malformed text, blanks or over 100
    // characters are refused; the five others round-trip.
    expect(created).toBe(5)

    const messages = [
      "'; DELETE FROM agent_conversations; --",
      'héllo 👋🏽 مرحبا 你好',
      'nul\u0000in message',
      'esc\u001b[31mred',
      '\u0000',
      'z'.repeat(20_001),
    ]
    for (const [i, message] of messages.entries()) {
      const outcome = await call(
        host.url,
        key,
        'POST',
        `/api/parlant/agents/${agentId}/chat`,
        {
          workspaceId,
          message,
          conversationKey: `"; DROP TABLE agent_chat_turns; -- ${i}`,
          deadlineMs: 10_000,
        },
        15_000
      )
      expectHandled(outcome, `message ${i}`)
      if (outcome.kind === 'ok') {
        expect((outcome.body.result as { content: string }).content).toBe(fallbackReply(message))
      }
    }
    const listed = await api<{ agents: unknown[] }>(
      host.url,
      key,
      'GET',
      `/api/parlant/agents?workspaceId=${workspaceId}`
    )
    expect(listed.agents).toHaveLength(1)
    await healthy()
  })

  it('survives rapid socket joins and floods of sends while another workspace is served', async () => {
    // The bystander's requests, sequential, for as long as the flood lasts.
    const latencies = { reads: [] as number[], chats: [] as number[] }
    const bystanderOutcomes: Outcome[] = []
    let flooding = true
    const bystander = (async () => {
      for (let i = 0; flooding || i < 20; i++) {
        const outcome =
          i % 5 === 4
            ? await call(
                host.url,
                other.key,
                'POST',
                `/api/parlant/agents/${other.agentId}/chat`,
                {
                  workspaceId: other.workspaceId,
                  message: `bystander ${i}`,
                  conversationKey: 'bystander',
                  deadlineMs: 20_000,
                },
                25_000
              )
            : await call(
                host.url,
                other.key,
                'GET',
                i % 2 === 0
                  ? `/api/parlant/agents?workspaceId=${other.workspaceId}`
                  : `/api/parlant/agents/${other.agentId}/status?workspaceId=${other.workspaceId}`,
                undefined,
                25_000
              )
        bystanderOutcomes.push(outcome)
        latencies[i % 5 === 4 ? 'chats' : 'reads'].push(outcome.ms)
      }
    })()

    // Thousands of join attempts, pipelined over a few sockets: own agent, a foreign agent, junk.
    const sockets: Socket[] = []
    for (let s = 0; s < JOIN_SOCKETS; s++) {
      sockets.push(await connect(host.url, await socketToken(host.url, key)))
    }
    const answers = {
      success: 0,
      notFound: 0,
      invalid: 0,
      limited: 0,
      foreignLimited: 0,
      foreignJoined: 0,
      other: 0,
    }
    for (const socket of sockets) {
      socket.on(PARLANT_EVENTS.joinSuccess, (joined: { agentId?: string }) => {
        answers.success++
        if (joined.agentId === other.agentId) answers.foreignJoined++
      })
      socket.on(PARLANT_EVENTS.joinError, (error: { code: string; agentId?: string | null }) => {
        if (error.code === 'not_found') answers.notFound++
        else if (error.code === 'validation_error') answers.invalid++
        else if (error.code === 'rate_limited') {
          answers.limited++
          if (error.agentId === other.agentId) answers.foreignLimited++
        } else answers.other++
      })
    }
    const junk: unknown[] = [
      null,
      'join',
      { workspaceId, agentId: 'x'.repeat(500) },
      { workspaceId, agentId, extra: { deep: [[[1]]] } },
      [workspaceId, agentId],
    ]
    for (let i = 0; i < JOINS; i++) {
      const socket = sockets[i % JOIN_SOCKETS] as Socket
      const kind = i % 4
      const payload =
        kind === 0 || kind === 1
          ? { workspaceId, agentId }
          : kind === 2
            ? { workspaceId: other.workspaceId, agentId: other.agentId }
            : junk[i % junk.length]
      socket.emit(PARLANT_EVENTS.join, payload)
    }

    // A flood of sends from one user, over several conversations, plus a flood of reads.
    const sends = pool(SENDS, 50, (i) =>
      call(
        host.url,
        key,
        'POST',
        `/api/parlant/agents/${agentId}/chat`,
        {
          workspaceId,
          message: `flood ${i}`,
          conversationKey: `flood-${i % 50}`,
          deadlineMs: 5_000,
        },
        FLOOD_SETTLE_MS
      )
    )
    const reads = pool(READS, 50, () =>
      call(
        host.url,
        key,
        'GET',
        `/api/parlant/agents?workspaceId=${workspaceId}`,
        undefined,
        FLOOD_SETTLE_MS
      )
    )
    // Junk sends are cheap to refuse, so they drain the caller's token bucket fast: 429s follow.
    const junkSends = pool(JUNK_SENDS, 50, (i) =>
      call(
        host.url,
        key,
        'POST',
        `/api/parlant/agents/${agentId}/chat`,
        { workspaceId, message: i % 2 ? 42 : '', unexpected: true },
        FLOOD_SETTLE_MS
      )
    )
    const [sent, read, junkSent] = await Promise.all([sends, reads, junkSends])
    const answered = await eventually(
      'every join to be answered',
      () => {
        const total =
          answers.success + answers.notFound + answers.invalid + answers.limited + answers.other
        return total >= JOINS ? total : undefined
      },
      60_000
    )
    flooding = false
    await bystander

    // The host answered everything: 2xx, 4xx or 429 — or a 504 for a turn that queued past its
    // own deadline behind the flood — never a 500.
    const statuses = new Map<number, number>()
    const groups = { sends: sent, reads: read, 'junk sends': junkSent }
    for (const [group, list] of Object.entries(groups)) {
      const unsettled = list.filter((o) => o.kind !== 'ok' && o.kind !== 'error')
      expect(unsettled, `${group}: ${unsettled.length} of ${list.length} unsettled`).toEqual([])
    }
    for (const o of [...sent, ...read, ...junkSent]) {
      if (o.kind === 'ok' || o.kind === 'error')
        statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1)
      if (o.kind === 'error') {
        expect([400, 409, 429, 504]).toContain(o.status)
        expect(unclearError(o, secrets())).toBeUndefined()
      }
    }
    expect(statuses.get(429) ?? 0).toBeGreaterThan(0)
    expect(answered).toBe(JOINS)
    // Only the own agent may be joined; the foreign one looks missing (or, past the per-caller
    // join budget, is turned away before any lookup) and junk is refused.
    expect(answers.foreignJoined).toBe(0)
    expect(answers.notFound + answers.foreignLimited).toBe(JOINS / 4)
    expect(answers.limited).toBeGreaterThan(0)
    expect(answers.invalid).toBeGreaterThan(0)
    expect(answers.success).toBeGreaterThan(0)

    // The bystander workspace was served throughout.
    expect(bystanderOutcomes.filter((o) => o.kind !== 'ok')).toEqual([])

    // Presence: at most one open row per socket while connected, none once they are gone.
    const openRows = async () =>
      (
        await host.database.db
          .select({ socketId: agentSessions.socketId, endedAt: agentSessions.endedAt })
          .from(agentSessions)
          .where(eq(agentSessions.workspaceAgentId, agentId))
      ).filter((r) => r.endedAt === null)
    const open = await openRows()
    expect(open.length).toBeLessThanOrEqual(JOIN_SOCKETS)
    expect(new Set(open.map((r) => r.socketId)).size).toBe(open.length)
    for (const socket of sockets) socket.close()
    await eventually('presence rows ended', async () =>
      (await openRows()).length === 0 ? true : undefined
    )
    await healthy()

    const fmt = (ms: number) => ms.toFixed(1)
    process.stdout.write(
      `[reliability:abuse] joins=${JOINS} over ${JOIN_SOCKETS} sockets (ok=${answers.success} not_found=${answers.notFound} invalid=${answers.invalid} rate_limited=${answers.limited} superseded/other=${answers.other}); ` +
        `slowest flood answer=${Math.round(Math.max(...[...sent, ...read, ...junkSent].map((o) => o.ms)))} ms; ` +
        `sends=${SENDS} junk sends=${JUNK_SENDS} reads=${READS} statuses=${[...statuses].map(([s, n]) => `${s}:${n}`).join(',')}; ` +
        `other workspace (all ok): ${latencies.reads.length} reads p50=${fmt(percentile(latencies.reads, 0.5))} ms p99=${fmt(percentile(latencies.reads, 0.99))} ms, ` +
        `${latencies.chats.length} chat turns p50=${fmt(percentile(latencies.chats, 0.5))} ms p99=${fmt(percentile(latencies.chats, 0.99))} ms\n`
    )
  }, 150_000)
})
