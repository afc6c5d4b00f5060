/**
 * The floor: the CPU this machine charges for the round trips a chat turn cannot do without,
 * made with the barest APIs (`node:http`, `pg`) and nothing of the bridge, 50 in flight as in the
 * soak and 1,000 as in concurrent turns. A bridge turn takes one inbound request, two Parlant requests (the post and the session's
 * mode), one event stream (a new connection, ended by the reader) and three statements (the
 * caller's identity, the opening, the settle); their sum is what a turn costs before the bridge
 * does any work of its own. It also calibrates a machine: the same code reads twice as slow on a
 * machine whose floor is twice as high.
 */

import { fork } from 'node:child_process'
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { createPostgresDatabase } from '../__tests__/support/databases'
import { emit } from './lib/output'
import { type BenchRow, ms } from './lib/report'
import { mapConcurrent } from './lib/stats'

const COUNT = Number(process.env.BENCH_FLOOR_COUNT ?? 5_000)
const WARMUP = 500
/** As many in flight as the soak, then as concurrent turns. */
const CONCURRENCIES = [50, 1_000]

/** A chat request's body and a chat result's, about the sizes the bridge's are. */
const CHAT_REQUEST = {
  workspaceId: 'workspace-0123456789',
  message: 'I would like a refund for my last order, please.',
  conversationKey: 'load-0',
}
const CHAT_RESULT = JSON.stringify({
  result: {
    content: 'A reply of about one sentence.',
    outcome: 'replied',
    messages: [{ id: 'event-4', text: 'A reply of about one sentence.', offset: 4 }],
    preambles: [],
    toolCalls: [],
    matchedGuidelines: [],
    agentId: 'agent-0123456789',
    sessionId: 'session-0123456789',
    conversationKey: 'load-0',
    sessionRenewed: false,
    traceId: 'trace-0123456789',
    timing: { startedAt: new Date(0).toISOString(), completedAt: new Date(0).toISOString() },
  },
})

/** CPU this process used while `work` ran, ms. */
async function cpuWhile(work: () => Promise<unknown>) {
  const before = process.cpuUsage()
  await work()
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1000
}

/** CPU of this process per operation, ms: `count` runs of `operation`, `concurrency` at once. */
async function cpuPerOperation(
  count: number,
  concurrency: number,
  operation: () => Promise<unknown>
) {
  const run = (n: number) =>
    mapConcurrent(
      Array.from({ length: n }, (_, i) => i),
      concurrency,
      operation
    )
  await run(WARMUP)
  return (await cpuWhile(() => run(count))) / count
}

/** The peer process: a bare server shaped like Parlant, and a driver of inbound requests. */
async function startPeer() {
  const peer = fork(fileURLToPath(new URL('./lib/floor-peer.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  })
  const url = await new Promise<string>((resolve) =>
    peer.on('message', (m: { type: string; url?: string }) => {
      if (m.type === 'ready' && m.url) resolve(m.url)
    })
  )
  const drive = (target: string, count: number, concurrency: number) =>
    new Promise<void>((resolve, reject) => {
      const onMessage = (m: { type: string; failed?: number }) => {
        if (m.type !== 'driven') return
        peer.off('message', onMessage)
        if (m.failed) reject(new Error(`${m.failed} inbound requests failed`))
        else resolve()
      }
      peer.on('message', onMessage)
      peer.send({
        type: 'drive',
        job: { url: target, count, concurrency, body: CHAT_REQUEST },
      })
    })
  return { url, drive, close: () => peer.send({ type: 'exit' }) }
}

/** A bare server answering a JSON POST with a chat-result-sized JSON body. */
async function startBareServer() {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'))
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(CHAT_RESULT),
      })
      response.end(CHAT_RESULT)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}/chat`, close: () => server.close() }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1_024, timeout: 4_000 })

/** One JSON request on a kept-alive connection; the body read and parsed. */
function jsonRequest(url: string, method: string, body?: string) {
  return new Promise<void>((resolve, reject) => {
    const headers: Record<string, string> = {}
    if (body !== undefined) {
      headers['content-type'] = 'application/json'
      headers['content-length'] = String(Buffer.byteLength(body))
    }
    const request = http.request(url, { method, headers, agent }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => {
        JSON.parse(Buffer.concat(chunks).toString('utf8'))
        resolve()
      })
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end(body)
  })
}

/** One event stream: opened, read until the turn's final event, ended by the reader. */
function eventStream(url: string) {
  return new Promise<void>((resolve, reject) => {
    const request = http.get(url, { agent }, (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        text += chunk
        if (!text.includes('"completed"') || !text.endsWith('\n\n')) return
        for (const frame of text.split('\n\n'))
          if (frame.startsWith('data: ')) JSON.parse(frame.slice(6))
        response.destroy()
        resolve()
      })
      response.on('error', reject)
    })
    request.on('error', reject)
  })
}

const rows: BenchRow[] = []
const peer = await startPeer()
const bare = await startBareServer()
const database = await createPostgresDatabase()
const pool = new pg.Pool({ connectionString: database.url, max: 10 })
const lite = await PGlite.create()
try {
  let i = 0
  const statement = () =>
    pool.query({ name: 'floor_select', text: 'select $1::text as v', values: [`v${i++}`] })
  const liteStatement = () => lite.query('select $1::text as v', [`v${i++}`])
  /** Each part's CPU per operation with `concurrency` in flight, ms. */
  const partsAt = async (concurrency: number) => {
    // Inbound: the peer sends, this process answers.
    await peer.drive(bare.url, WARMUP, concurrency)
    const inbound = (await cpuWhile(() => peer.drive(bare.url, COUNT, concurrency))) / COUNT
    const each = (operation: () => Promise<unknown>) =>
      cpuPerOperation(COUNT, concurrency, operation)
    return {
      inbound,
      get: await each(() => jsonRequest(`${peer.url}/json`, 'GET')),
      post: await each(() =>
        jsonRequest(`${peer.url}/json`, 'POST', JSON.stringify({ kind: 'message', message: 'hi' }))
      ),
      stream: await each(() => eventStream(`${peer.url}/stream`)),
      statement: await each(statement),
      liteStatement: await each(liteStatement),
    }
  }
  type Parts = Awaited<ReturnType<typeof partsAt>>
  const measured: Parts[] = []
  for (const concurrency of CONCURRENCIES) measured.push(await partsAt(concurrency))
  const turn = (parts: Parts, statementMs: number) =>
    parts.inbound + parts.post + parts.get + parts.stream + 3 * statementMs
  const report = (metric: string, part: keyof Parts) =>
    rows.push({
      metric,
      figures: measured
        .map((parts, n) => `${ms(parts[part])} (${CONCURRENCIES[n]} in flight)`)
        .join(' · '),
      target: 'reported',
      met: null,
      data: Object.fromEntries(measured.map((parts, n) => [CONCURRENCIES[n], parts[part]])),
    })
  report('one inbound JSON request, answered (server side)', 'inbound')
  report('one outbound GET on a kept-alive connection', 'get')
  report('one outbound JSON POST on a kept-alive connection', 'post')
  report('one event stream: new connection, one turn of events, ended by the reader', 'stream')
  report('one prepared statement round trip (PostgreSQL, pool of 10)', 'statement')
  report('one statement (PGlite, in process: includes the database)', 'liteStatement')
  rows.push({
    metric: 'floor of a turn: 1 inbound request, 2 Parlant requests, 1 event stream, 3 statements',
    figures: measured
      .map(
        (parts, n) =>
          `${CONCURRENCIES[n]} in flight: PostgreSQL ${ms(turn(parts, parts.statement))}, PGlite ${ms(turn(parts, parts.liteStatement))}`
      )
      .join(' · '),
    target: 'reported (the soak and concurrent turns report the bridge beside it)',
    met: null,
    data: Object.fromEntries(
      measured.map((parts, n) => [
        CONCURRENCIES[n],
        {
          postgres: turn(parts, parts.statement),
          pglite: turn(parts, parts.liteStatement),
          parts,
        },
      ])
    ),
  })
} finally {
  await pool.end()
  await lite.close()
  await database.drop()
  bare.close()
  peer.close()
  agent.destroy()
}
emit({
  name: 'floor',
  config: { count: COUNT, warmup: WARMUP, concurrencies: CONCURRENCIES, processes: 'this | peer' },
  rows,
})
