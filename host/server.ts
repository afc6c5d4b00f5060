/**
 * The standalone host: one HTTP port serving the bridge's API, socket.io and the demo page, over
 * an embedded or configured database, with the Parlant emulator in-process unless a real server is
 * configured. `startHost()` is what `npm start` runs and what tests start on port 0.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createLogger } from '@sim/logger'
import { Hono } from 'hono'
import { createHostAuthenticator } from '@/host/auth'
import { type HostConfig, loadHostConfig } from '@/host/config'
import { type OpenedDatabase, openDatabase } from '@/host/db/open'
import { workspacePermission } from '@/host/directory'
import { type DevIdentity, loadInternalSecret, seedDevIdentity } from '@/host/seed'
import { type BridgeConfig, loadBridgeConfig } from '@/lib/parlant/config'
import { type BridgeHost, systemClock } from '@/lib/parlant/ports'

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
  close(): Promise<void>
}

/** Boots the host: settings, database and migrations, dev identity, HTTP server. */
export async function startHost(options: StartHostOptions = {}): Promise<RunningHost> {
  const env = options.env ?? process.env
  const config = loadHostConfig(env)
  const bridgeConfig = loadBridgeConfig(env)
  const logger = createLogger('ParlantBridgeHost')

  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
  })
  await database.migrate()
  const identity = await seedDevIdentity(database.db, config.dataDir)
  const internalSecret = loadInternalSecret(config.dataDir, config.internalApiSecret)

  const bridgeHost: BridgeHost = {
    authenticate: createHostAuthenticator(database.db, internalSecret),
    workspacePermission: (userId, workspaceId) =>
      workspacePermission(database.db, userId, workspaceId),
    db: database.db,
    publish: () => {},
    logger: createLogger('ParlantBridge'),
    clock: systemClock,
  }

  const app = new Hono()
  app.get('/health', (c) =>
    c.json({
      status: 'ok',
      database: database.engine,
      parlant: bridgeConfig.parlantServerUrl ? 'remote' : 'emulator',
      integration: bridgeConfig.enabled ? 'enabled' : 'disabled',
    })
  )

  const server = serve({
    fetch: app.fetch,
    port: options.port ?? config.port,
    hostname: config.hostname,
  }) as Server
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const port = (server.address() as AddressInfo).port
  const url = `http://${config.hostname}:${port}`
  logger.info(`listening on ${url}`, { database: database.engine })

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
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
        await database.close()
      })()
      return closing
    },
  }
}
