/** Helpers for realtime tests: HTTP calls to a running host and real socket.io clients. */
import { io, type Socket } from 'socket.io-client'
import { PARLANT_EVENTS } from '@/lib/parlant/realtime/events'

/** Calls the host's JSON API with a bearer key; throws with the body on an unexpected status. */
export async function api<T = Record<string, unknown>>(
  url: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
  expected = [200, 201]
): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  if (!expected.includes(response.status))
    throw new Error(`${method} ${path} → ${response.status}: ${text}`)
  return JSON.parse(text) as T
}

/** Creates and starts an agent through the bridge's HTTP API. */
export async function createActiveAgent(
  url: string,
  key: string,
  workspaceId: string,
  name: string,
  guidelines: Array<{ condition: string; action: string }> = []
) {
  const created = await api<{ agent: { id: string } }>(url, key, 'POST', '/api/parlant/agents', {
    workspaceId,
    name,
    guidelines,
  })
  await api(url, key, 'POST', `/api/parlant/agents/${created.agent.id}/start`, { workspaceId })
  return created.agent.id
}

/** Mints a one-time socket token. */
export async function socketToken(url: string, key: string) {
  const { token } = await api<{ token: string }>(url, key, 'POST', '/api/auth/socket-token')
  return token
}

/** Connects to the bridge namespace; resolves with the socket, or rejects with the refusal. */
export function connect(url: string, token?: string, namespace = '/parlant'): Promise<Socket> {
  const socket = io(`${url}${namespace}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: token === undefined ? {} : { token },
  })
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket))
    socket.once('connect_error', (error) => {
      socket.close()
      reject(error)
    })
  })
}

/** Sends a join and resolves with the success or error payload. */
export function join(
  socket: Socket,
  payload: unknown
): Promise<{ ok: true } | { ok: false; error: Record<string, unknown> }> {
  return new Promise((resolve) => {
    const onSuccess = () => {
      socket.off(PARLANT_EVENTS.joinError, onError)
      resolve({ ok: true })
    }
    const onError = (error: Record<string, unknown>) => {
      socket.off(PARLANT_EVENTS.joinSuccess, onSuccess)
      resolve({ ok: false, error })
    }
    socket.once(PARLANT_EVENTS.joinSuccess, onSuccess)
    socket.once(PARLANT_EVENTS.joinError, onError)
    socket.emit(PARLANT_EVENTS.join, payload)
  })
}

/** Records every server event a socket receives, in order. */
export function record(socket: Socket) {
  const received: Array<{ event: string; payload: Record<string, unknown> }> = []
  socket.onAny((event: string, payload: Record<string, unknown>) => {
    received.push({ event, payload })
  })
  return received
}

/** Resolves with the first `event` whose payload satisfies `match`. */
export function next(
  socket: Socket,
  event: string,
  match: (payload: Record<string, unknown>) => boolean = () => true
): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const handler = (payload: Record<string, unknown>) => {
      if (!match(payload)) return
      socket.off(event, handler)
      resolve(payload)
    }
    socket.on(event, handler)
  })
}
