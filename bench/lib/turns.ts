/**
 * The ways to run one chat turn that the benchmarks compare: through the bridge's HTTP API, and
 * directly against Parlant with our client, reading the turn's trace to ready{completed} with the
 * same trailing look either by Parlant's long poll or by one `sse=true` event stream (what the
 * bridge itself reads).
 */
import {
  isAgentMessage,
  isTurnCompleted,
  type ParlantClient,
  type ParlantEvent,
} from '@/lib/parlant/client'
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

/**
 * A direct turn read from one event stream opened after the post (the bridge opens its stream
 * beside the post, from the cursor it recorded); the trailing look is the stream's own, with no
 * wait.
 */
export async function directStreamTurn(
  client: ParlantClient,
  session: { id: string; cursor: number },
  message: string
) {
  const start = process.hrtime.bigint()
  const posted = await client.events.sendCustomerMessage(session.id, message)
  const traceId = posted.trace_id
  const replies: string[] = []
  let cursor = posted.offset + 1
  let finish: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    finish = resolve
  })
  const onEvent = (event: ParlantEvent) => {
    cursor = Math.max(cursor, event.offset + 1)
    if (event.trace_id !== traceId) return
    if (isAgentMessage(event) && typeof event.data.message === 'string')
      replies.push(event.data.message)
    if (isTurnCompleted(event)) finish()
  }
  const opening = await client.events.stream(
    session.id,
    { minOffset: cursor, waitForData: 25 },
    onEvent
  )
  if (opening.kind !== 'stream') throw new Error('the server did not stream')
  await Promise.race([done, opening.ended.then(() => Promise.reject(new Error('stream ended')))])
  opening.close()
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
