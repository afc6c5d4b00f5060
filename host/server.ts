/**
 * The standalone host: one HTTP port serving the bridge's API, socket.io and the demo page, over
 * an embedded or configured database, with the Parlant emulator in-process unless a real server is
 * configured. `startHost()` is what `npm start` runs and what tests start on port 0.
 */
import type { Server } from 'node:http'
import { type AddressInfo, createServer as createNetServer } from 'node:net'
import { serve } from '@hono/node-server'
import { createLogger } from '@sim/logger'
import { generateId } from '@sim/utils/id'
import { type Context, Hono } from 'hono'
import { registerRouteBridge } from '@/lib/parlant/api/route-entry'
import { type Bridge, createBridge, wiredChat } from '@/lib/parlant/bridge'
import { createParlantClient } from '@/lib/parlant/client'
import { type BridgeConfig, loadBridgeConfig } from '@/lib/parlant/config'
import { loggableError } from '@/lib/parlant/log-error'
import { type BridgeHost, systemClock } from '@/lib/parlant/ports'
import { type RunningEmulator, startEmulator } from '@/emulator'
import { createHostAuthenticator } from '@/host/auth'
import { type HostConfig, loadHostConfig } from '@/host/config'
import { type OpenedDatabase, openDatabase } from '@/host/db/open'
import { mountDemoRoutes } from '@/host/demo/routes'
import { workspacePermission } from '@/host/directory'
import { securityHeaders } from '@/host/headers'
import { createParlantProbe } from '@/host/health'
import { type HostRealtime, handleSocketTokenRequest, startHostRealtime } from '@/host/realtime'
import { createHostCheck, isLoopbackName } from '@/host/request-guard'
import { type DevIdentity, loadInternalSecret, seedDevIdentity } from '@/host/seed'
import { signInDevUser } from '@/host/session'

export interface StartHostOptions {
  /** Environment to read settings from (defaults to `process.env`). */
  env?: NodeJS.ProcessEnv
  /** Overrides `PORT` (0 picks a free port). */
  port?: number
}

export interface RunningHost {
  url: string
  port: number
  config: HostConfig
  bridgeConfig: BridgeConfig
  database: OpenedDatabase
  identity: DevIdentity
  bridgeHost: BridgeHost
  /** Signs internal executor tokens (see `host/auth.ts`). */
  internalSecret: string
  /** The bridge serving `/api/parlant/*` and `/api/tools/parlant/*`. */
  bridge: Bridge
  /** The Parlant server in use: `PARLANT_SERVER_URL`, or the in-process emulator's URL. */
  parlantUrl: string
  /** The in-process emulator when no Parlant server is configured (tests inject faults). */
  emulator?: RunningEmulator
  /** This node's id (`NODE_ID`, else random): lease owners and presence rows carry it. */
  nodeId: string
  /** socket.io with the bridge's namespace, one-time socket tokens, Redis adapter if configured. */
  realtime: HostRealtime
  close(): Promise<void>
}

/** The host's port is taken by another process; the message says which variable moves it. */
export class PortInUseError extends Error {
  override name = 'PortInUseError'

  constructor(hostname: string, port: number) {
    super(
      `Port ${port} on ${hostname} is already in use (another host still running?). Stop it, or set PORT to a free port, e.g. PORT=${port + 1} npm start`
    )
  }
}

/** Rejects with `PortInUseError` when `port` cannot be bound on `hostname` (0 is always free). */
async function assertPortFree(hostname: string, port: number) {
  if (port === 0) return
  await new Promise<void>((resolve, reject) => {
    const probe = createNetServer()
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(hostname, port) : error)
    )
    probe.listen({ port, host: hostname, exclusive: true }, () => probe.close(() => resolve()))
  })
}

/** Boots the host: settings, database and migrations, dev identity, HTTP server. */
export async function startHost(options: StartHostOptions = {}): Promise<RunningHost> {
  const env = options.env ?? process.env
  const config = loadHostConfig(env)
  const bridgeConfig = loadBridgeConfig(env)
  const logger = createLogger('ParlantBridgeHost')
  // Before anything is opened: a taken port is the commonest reason a start fails.
  await assertPortFree(config.hostname, options.port ?? config.port)

  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
  })
  await database.migrate()
  const identity = await seedDevIdentity(database.db, config.dataDir)
  const internalSecret = loadInternalSecret(config.dataDir, config.internalApiSecret)

  const nodeId = config.nodeId ?? generateId()
  // socket.io needs the listening HTTP server; until then nobody can be subscribed anyway.
  let realtime: HostRealtime | undefined
  const bridgeHost: BridgeHost = {
    authenticate: createHostAuthenticator(database.db, internalSecret),
    workspacePermission: (userId, workspaceId) =>
      workspacePermission(database.db, userId, workspaceId),
    db: database.db,
    publish: (room, event, payload) => realtime?.realtime.publish(room, event, payload),
    logger: createLogger('ParlantBridge'),
    clock: systemClock,
  }

  const emulator = bridgeConfig.parlantServerUrl ? undefined : await startEmulator({ port: 0 })
  const parlantUrl = bridgeConfig.parlantServerUrl ?? (emulator as RunningEmulator).url
  const parlant = createParlantClient({
    baseUrl: parlantUrl,
    apiKey: bridgeConfig.parlantApiKey,
    logger: bridgeHost.logger,
  })
  const bridge = createBridge({
    host: bridgeHost,
    config: bridgeConfig,
    parlant,
    nodeId,
    chat: wiredChat(bridgeConfig),
  })

  // The Sim-style route files under app/api serve the same bridge.
  registerRouteBridge(bridge)

  const app = new Hono()
  // A failed query's message carries its SQL and parameters: log the one-liner, answer JSON.
  app.onError((error, c) => {
    logger.error('request failed', {
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      error: loggableError(error),
    })
    return c.json({ error: 'Internal server error', code: 'internal' }, 500)
  })
  app.notFound((c) => c.json({ error: 'Not found', code: 'not_found' }, 404))
  app.use('*', securityHeaders)
  // DNS rebinding: a page on a name that resolves here must find nothing (RFC 9110 §15.5.20).
  const hostAllowed = createHostCheck(config.hostname, config.allowedHosts)
  app.use('*', async (c, next) => {
    if (!hostAllowed(c.req.header('host'))) {
      return c.json(
        { error: 'This server does not answer for that host name', code: 'misdirected_request' },
        421
      )
    }
    await next()
    // A body refused before it was read in full (413) leaves unread bytes on the connection:
    // close it after the answer, or the client reuses a connection the server is tearing down.
    if (c.res.status === 413) c.res.headers.set('connection', 'close')
  })
  const bridgeRoute = async (c: Context) => (await bridge.handle(c.req.raw)) ?? c.notFound()
  app.all('/api/parlant/*', bridgeRoute)
  app.all('/api/tools/parlant/*', bridgeRoute)
  app.post('/api/auth/socket-token', async (c) =>
    realtime
      ? handleSocketTokenRequest(c.req.raw, {
          bridgeHost,
          tokens: realtime.tokens,
          limiter: realtime.mintLimiter,
        })
      : c.json({ error: 'Realtime is starting', code: 'integration_disabled' }, 503)
  )
  const parlantProbe = createParlantProbe({
    baseUrl: parlantUrl,
    apiKey: bridgeConfig.parlantApiKey,
  })
  // 503 while Parlant does not answer: the host is up, but no agent can start or reply.
  app.get('/health', async (c) => {
    const probe = await parlantProbe.check()
    return c.json(
      {
        status: probe.reachable ? 'ok' : 'degraded',
        database: database.engine,
        parlant: {
          mode: bridgeConfig.parlantServerUrl ? 'remote' : 'emulator',
          url: probe.url,
          reachable: probe.reachable,
          ...(probe.error ? { error: probe.error } : {}),
        },
        integration: bridgeConfig.enabled ? 'enabled' : 'disabled',
      },
      probe.reachable ? 200 : 503
    )
  })

  mountDemoRoutes(app, {
    identity,
    // Signing in whoever opens the page is only safe when nobody else can open it.
    signIn: isLoopbackName(config.hostname)
      ? (existing) => signInDevUser(database.db, identity.userId, existing)
      : undefined,
    socketNamespace: bridgeConfig.socketNamespace,
    logger,
  })

  const server = serve({
    fetch: app.fetch,
    port: options.port ?? config.port,
    hostname: config.hostname,
  }) as Server
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(config.hostname, options.port ?? config.port)
          : error
      )
    )
  })
  const port = (server.address() as AddressInfo).port
  const url = `http://${config.hostname}:${port}`
  logger.info(`listening on ${url}`, { database: database.engine })
  const revalidateMs = Number(env.PARLANT_SOCKET_REVALIDATE_MS)
  const hostRealtime = await startHostRealtime({
    httpServer: server,
    bridgeHost,
    nodeId,
    namespace: bridgeConfig.socketNamespace,
    internalSecret,
    allowHost: hostAllowed,
    redisUrl: config.redisUrl,
    redisPrefix: env.PARLANT_REDIS_PREFIX || undefined,
    verifyAgentToken: async (token) => {
      const grant = await bridge.tokens.verify(token)
      return grant
        ? { workspaceId: grant.workspaceId, agentId: grant.agentId, tokenId: grant.tokenId }
        : null
    },
    revalidateIntervalMs:
      Number.isFinite(revalidateMs) && revalidateMs > 0 ? revalidateMs : undefined,
    limits: config.realtimeLimits,
  })
  realtime = hostRealtime
  bridge.start()

  let closing: Promise<void> | undefined
  return {
    url,
    port,
    config,
    bridgeConfig,
    database,
    identity,
    bridgeHost,
    internalSecret,
    bridge,
    parlantUrl,
    emulator,
    nodeId,
    realtime: hostRealtime,
    close() {
      closing ??= (async () => {
        await bridge.stop()
        await hostRealtime.close()
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
        await emulator?.close()
        await database.close()
      })()
      return closing
    },
  }
}
