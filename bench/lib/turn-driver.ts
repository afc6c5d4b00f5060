/**
 * A load-generating child process: runs chat turns through the bridge's HTTP API with a given
 * concurrency and reports latencies, so the bridge's process measures only the bridge.
 */
import { call } from './http'
import { mapConcurrent } from './stats'

export interface DriverJob {
  hostUrl: string
  workspaceId: string
  agentId: string
  /** One API key per conversation (each conversation is its own Sim user). */
  keys: string[]
  turnsPerConversation: number
  concurrency: number
  message: string
  expectedReply: string
  /** Report progress every this many turns. */
  progressEvery: number
}

async function run(job: DriverJob) {
  const latencies: number[] = []
  const errors: string[] = []
  let done = 0
  type ChatBody = { result?: { content: string }; error?: string }
  // Turns of one conversation run in order; conversations run side by side.
  await mapConcurrent(job.keys, job.concurrency, async (key, index) => {
    for (let t = 0; t < job.turnsPerConversation; t++) {
      const result = await call<ChatBody>(
        `${job.hostUrl}/api/parlant/agents/${job.agentId}/chat`,
        key,
        'POST',
        { workspaceId: job.workspaceId, message: job.message, conversationKey: `load-${index}` }
      ).catch((error: unknown) => ({
        ms: 0,
        status: 0,
        body: { error: String(error) } as ChatBody,
      }))
      if (result.status === 200 && result.body.result?.content === job.expectedReply) {
        latencies.push(result.ms)
      } else if (errors.length < 20) {
        errors.push(`${result.status} ${JSON.stringify(result.body).slice(0, 200)}`)
      } else {
        errors.push('')
      }
      done += 1
      if (done % job.progressEvery === 0) process.send?.({ type: 'progress', done })
    }
  })
  process.send?.({
    type: 'done',
    latencies,
    errors: errors.length,
    sampleErrors: errors.slice(0, 5),
  })
}

process.on('message', (message: { type: string; job?: DriverJob }) => {
  if (message.type === 'run' && message.job) {
    run(message.job).then(
      () => {},
      (error: unknown) => process.send?.({ type: 'failed', error: String(error) })
    )
  }
})
