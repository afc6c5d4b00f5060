/**
 * The standalone host's realtime: a socket.io server on the host's HTTP server, the Redis adapter
 * when `REDIS_URL` is set (separate pub/sub clients, as Sim's realtime server does), the bridge's
 * namespace with its handlers, one-time socket tokens and `POST /api/auth/socket-token`.
 */
import type { Server as HttpServer } from 'node:http'
import { createAdapter } from '@socket.io/redis-adapter'
import { createClient } from 'redis'
import { Server } from 'socket.io'
import { isBridgeError } from '@/lib/parlant/errors'
import { loggableError } from '@/lib/parlant/log-error'
import type { BridgeHost } from '@/lib/parlant/ports'
import { createRateLimiter, type RateLimiter } from '@/lib/parlant/rate-limit'
import {
  createCallerLimits,
  DEFAULT_JOIN_RULE,
  type LimitStore,
} from '@/lib/parlant/realtime/limits'
import type { VerifyAgentToken } from '@/lib/parlant/realtime/rooms'
import { attachParlantRealtime, type ParlantRealtime } from '@/lib/parlant/realtime/server'
import { redisLimitStore } from '@/host/redis-limits'
import { createSocketTokenStore, type NonceStore, type SocketTokenStore } from '@/host/socket-token'

export interface HostRealtimeOptions {
  httpServer: HttpServer
  bridgeHost: BridgeHost
  nodeId: string
  namespace: string
  internalSecret: string
  /** Whether a handshake's `Host` names this server (the HTTP routes' 421 check). */
  allowHost?(host: string | undefined): boolean
  redisUrl?: string
  /** Prefix of Redis keys and channels (`PARLANT_REDIS_PREFIX`, default `parlant-bridge`). */
  redisPrefix?: string
  verifyAgentToken?: VerifyAgentToken
  /** Re-authorization sweep interval, ms (`PARLANT_SOCKET_REVALIDATE_MS`, default 30 000). */
  revalidateIntervalMs?: number
  /** Per-caller socket cap and join burst (defaults: `DEFAULT_MAX_SOCKETS_PER_CALLER`, `DEFAULT_JOIN_RULE`). */
  limits?: { maxSocketsPerCaller: number; joinBurst: number }
}

export interface HostRealtime {
  io: Server
  realtime: ParlantRealtime
  tokens: SocketTokenStore
  /** Per-user limit on minting socket tokens (30 a minute, as Sim's route). */
  mintLimiter: RateLimiter
  close(): Promise<void>
}

/** Starts socket.io on the host's HTTP server and attaches the bridge to it. */
export async function startHostRealtime(options: HostRealtimeOptions): Promise<HostRealtime> {
  const io = new Server(options.httpServer, {
    transports: ['websocket', 'polling'],
    pingInterval: 25_000,
    pingTimeout: 60_000,
    maxHttpBufferSize: 1e6,
    allowRequest: (request, callback) =>
      callback(null, options.allowHost ? options.allowHost(request.headers.host) : true),
  })
  const prefix = options.redisPrefix ?? 'parlant-bridge'
  const redisClients: Array<{ close(): Promise<unknown> }> = []
  let nonces: NonceStore | undefined
  let limitStore: LimitStore | undefined
  if (options.redisUrl) {
    const pub = createClient({ url: options.redisUrl })
    const sub = pub.duplicate()
    for (const client of [pub, sub]) {
      client.on('error', (error: unknown) =>
        options.bridgeHost.logger.warn('redis client error', {
          error: loggableError(error),
        })
      )
    }
    await Promise.all([pub.connect(), sub.connect()])
    redisClients.push(pub, sub)
    io.adapter(createAdapter(pub, sub, { key: `${prefix}:socket.io` }))
    nonces = {
      async claim(nonce, ttlMs) {
        const result = await pub.set(`${prefix}:socket-token:${nonce}`, '1', {
          condition: 'NX',
          expiration: { type: 'PX', value: Math.max(1, Math.ceil(ttlMs)) },
        })
        return result === 'OK'
      },
    }
    // Join budgets, handshake budgets and socket counts per caller hold across nodes.
    limitStore = redisLimitStore(pub, prefix)
  }
  const tokens = createSocketTokenStore({ secret: options.internalSecret, nonces })
  const realtime = await attachParlantRealtime({
    io,
    host: options.bridgeHost,
    nodeId: options.nodeId,
    namespace: options.namespace,
    verifySocketToken: (token) => tokens.consume(token),
    verifyAgentToken: options.verifyAgentToken,
    revalidateIntervalMs: options.revalidateIntervalMs,
    singleNode: !options.redisUrl,
    limits: createCallerLimits({
      store: limitStore,
      maxSocketsPerCaller: options.limits?.maxSocketsPerCaller,
      join: options.limits
        ? { ...DEFAULT_JOIN_RULE, capacity: options.limits.joinBurst }
        : DEFAULT_JOIN_RULE,
    }),
  })

  let closing: Promise<void> | undefined
  return {
    io,
    realtime,
    tokens,
    mintLimiter: createRateLimiter({ capacity: 30, refillPerSecond: 0.5 }),
    close() {
      closing ??= (async () => {
        await realtime.close().catch(() => {})
        io.disconnectSockets(true)
        // Closing io would close the HTTP server too; the host closes that itself.
        io.engine.close()
        for (const client of redisClients) await client.close().catch(() => {})
      })()
      return closing
    },
  }
}

/**
 * `POST /api/auth/socket-token`: an authenticated user gets `{ token, expiresAt }`, single use,
 * valid about a minute, to pass as `auth: { token }` in the socket.io handshake.
 */
export async function handleSocketTokenRequest(
  request: Request,
  deps: { bridgeHost: BridgeHost; tokens: SocketTokenStore; limiter?: RateLimiter }
): Promise<Response> {
  let user: Awaited<ReturnType<BridgeHost['authenticate']>>
  try {
    user = await deps.bridgeHost.authenticate(request)
  } catch (error) {
    // A cookie request from another origin (or not JSON) is refused, not anonymous.
    if (isBridgeError(error)) return Response.json(error.toBody(), { status: error.status })
    throw error
  }
  if (!user) return Response.json({ error: 'Unauthorized', code: 'unauthorized' }, { status: 401 })
  const waitSeconds = deps.limiter?.take(`socket-token:${user.userId}`) ?? 0
  if (waitSeconds > 0) {
    return Response.json(
      { error: 'Too many socket token requests; retry shortly', code: 'rate_limited' },
      { status: 429, headers: { 'retry-after': String(Math.ceil(waitSeconds)) } }
    )
  }
  const { token, expiresAt } = deps.tokens.mint(user.userId)
  return Response.json({ token, expiresAt }, { headers: { 'cache-control': 'no-store' } })
}
