/**
 * A child process holding many socket.io clients for the fan-out benchmark. It receives its
 * connection list over IPC, connects (websocket transport), joins the agent room where asked,
 * records how long each status event took to arrive, and reports the samples back.
 */
import { io, type Socket } from 'socket.io-client'
import { PARLANT_EVENTS } from '@/lib/parlant/realtime/events'

interface Job {
  url: string
  tokens: string[]
  /** How many of this process's sockets join the room. */
  joiners: number
  workspaceId: string
  agentId: string
}

type Message = { type: 'start'; job: Job } | { type: 'collect' } | { type: 'exit' }

const sockets: Socket[] = []
const latencies: number[] = []

function epochMs() {
  return performance.timeOrigin + performance.now()
}

async function connectOne(job: Job, token: string, join: boolean) {
  const socket = io(job.url, {
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
    timeout: 60_000,
  })
  sockets.push(socket)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', (error) => reject(error))
  })
  if (!join) return
  socket.on(PARLANT_EVENTS.status, (payload: { sentAt?: number }) => {
    if (typeof payload.sentAt === 'number') latencies.push(epochMs() - payload.sentAt)
  })
  await new Promise<void>((resolve, reject) => {
    socket.once(PARLANT_EVENTS.joinSuccess, () => resolve())
    socket.once(PARLANT_EVENTS.joinError, (error: unknown) =>
      reject(new Error(`join refused: ${JSON.stringify(error)}`))
    )
    socket.emit(PARLANT_EVENTS.join, { workspaceId: job.workspaceId, agentId: job.agentId })
  })
}

async function start(job: Job) {
  const batch = 100
  for (let i = 0; i < job.tokens.length; i += batch) {
    await Promise.all(
      job.tokens.slice(i, i + batch).map((token, j) => connectOne(job, token, i + j < job.joiners))
    )
  }
  process.send?.({ type: 'ready', connected: sockets.length })
}

process.on('message', (message: Message) => {
  if (message.type === 'start') {
    start(message.job).catch((error: unknown) => {
      process.send?.({
        type: 'error',
        error: error instanceof Error ? error.message : String(error),
      })
    })
  } else if (message.type === 'collect') {
    process.send?.({ type: 'samples', latencies: latencies.splice(0) })
  } else {
    for (const socket of sockets) socket.disconnect()
    process.exit(0)
  }
})
