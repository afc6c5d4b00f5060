/**
 * The two ways to run one chat turn that the benchmarks compare: through the bridge's HTTP API, and
 * directly against Parlant with our client, following the same protocol (post, long-poll the turn's
 * trace to ready{completed}, one trailing poll with the same wait).
 */
import { isAgentMessage, isTurnCompleted, type ParlantClient } from '@/lib/parlant/client'
import { call, expectStatus } from './http'
import { elapsedMs } from './stats'

/** A direct turn on an existing session; returns the reply text and latency. */
export async function directTurn(
  client: ParlantClient,
  session: { id: string; cursor: number },
  message: string,
  trailingWaitSeconds: number
) {
  const start = process.hrtime.bigint()
  const posted = await client.events.sendCustomerMessage(session.id, message)
  const traceId = posted.trace_id
  let cursor = posted.offset + 1
  const replies: string[] = []
  for (;;) {
    const batch = await client.events.list(session.id, { minOffset: cursor, waitForData: 25 })
    if (batch.timedOut) continue
    cursor = batch.nextOffset
    let done = false
    for (const event of batch.events) {
      if (event.trace_id !== traceId) continue
      if (isAgentMessage(event) && typeof event.data.message === 'string')
        replies.push(event.data.message)
      if (isTurnCompleted(event)) done = true
    }
    if (done) break
  }
  const trailing = await client.events.list(session.id, {
    minOffset: cursor,
    waitForData: trailingWaitSeconds,
  })
  if (!trailing.timedOut) cursor = trailing.nextOffset
  session.cursor = cursor
  return { ms: elapsedMs(start), content: replies.join('\n\n') }
}

/** A turn through the bridge's HTTP API. */
export async function bridgeTurn(
  hostUrl: string,
  key: string,
  workspaceId: string,
  agentId: string,
  conversationKey: string,
  message: string
) {
  const result = expectStatus(
    await call<{ result: { content: string } }>(
      `${hostUrl}/api/parlant/agents/${agentId}/chat`,
      key,
      'POST',
      { workspaceId, message, conversationKey }
    ),
    200,
    'chat'
  )
  return { ms: result.ms, content: result.body.result.content }
}
