/**
 * The other end of the floor benchmark, in its own process so the measured process counts only
 * its own side: a bare `node:http` server shaped like Parlant's answers (a JSON read, a JSON
 * write, an event stream of one turn's five events), and a driver that sends bare JSON requests
 * to the measured process.
 */
import http from 'node:http'
import { call } from './http'
import { mapConcurrent } from './stats'

/** A session-sized JSON answer (Parlant's `GET /sessions/{id}` is about this long). */
const SESSION = JSON.stringify({
  id: 'session-0123456789',
  agent_id: 'sim-agent-0123456789',
  customer_id: 'sim-user-0123456789',
  creation_utc: new Date(0).toISOString(),
  title: 'conversation-key',
  mode: 'auto',
  consumption_offsets: { client: 0 },
  metadata: { bridge_conversation_id: 'conversation-0123456789', workspace_id: 'workspace-0' },
  labels: [],
})

/** One event of a turn, as Parlant's event DTO. */
function event(offset: number, kind: string, data: unknown) {
  return JSON.stringify({
    id: `event-${offset}`,
    source: kind === 'message' ? 'ai_agent' : 'system',
    kind,
    offset,
    creation_utc: new Date(0).toISOString(),
    trace_id: 'trace-0123456789',
    correlation_id: 'trace-0123456789',
    data,
    metadata: {},
    deleted: false,
  })
}

/** A turn's events after the customer's message, as one server-sent-events write. */
const TURN_STREAM = [
  event(1, 'status', { status: 'acknowledged', data: {} }),
  event(2, 'status', { status: 'processing', data: { stage: 'Interpreting' } }),
  event(3, 'status', { status: 'typing', data: {} }),
  event(4, 'message', { message: 'A reply of about one sentence.', participant: { id: 'a' } }),
  event(5, 'status', { status: 'ready', data: { stage: 'completed', matched_guidelines: [] } }),
]
  .map((data) => `data: ${data}\n\n`)
  .join('')

const server = http.createServer((request, response) => {
  if (request.url === '/stream') {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    // Held open like Parlant's stream: the reader ends it.
    response.write(TURN_STREAM)
    return
  }
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => chunks.push(chunk))
  request.on('end', () => {
    const status = request.method === 'POST' ? 201 : 200
    const body = request.method === 'POST' ? event(0, 'message', { message: 'hi' }) : SESSION
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    })
    response.end(body)
  })
})
server.keepAliveTimeout = 5_000

server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number }
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${address.port}` })
})

interface DriveJob {
  url: string
  count: number
  concurrency: number
  body: unknown
}

process.on('message', async (message: { type: string; job?: DriveJob }) => {
  if (message.type === 'exit') {
    server.close()
    process.exit(0)
  }
  if (message.type !== 'drive' || !message.job) return
  const { url, count, concurrency, body } = message.job
  let failed = 0
  await mapConcurrent(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async () => {
      const answer = await call(url, 'floor-key', 'POST', body)
      if (answer.status !== 200) failed += 1
    }
  )
  process.send?.({ type: 'driven', failed })
})
