/**
 * The bridge inside Sim: one per server process, created by the first bridge request (Next.js has
 * no boot hook the plugin can use without editing Sim), configured from Sim's environment.
 */
import { type Bridge, createBridge, wiredChat } from '@/lib/parlant/bridge'
import { createParlantClient } from '@/lib/parlant/client'
import { ConfigError, loadBridgeConfig } from '@/lib/parlant/config'
import { BridgeError } from '@/lib/parlant/errors'
import type { BridgeHost } from '@/lib/parlant/ports'
import { createSimBridgeHost } from '@/lib/parlant/sim/host'

export interface CreateSimBridgeOptions {
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv
  /** Defaults to `createSimBridgeHost({ env })`. */
  host?: BridgeHost
}

/**
 * Builds and starts the bridge for Sim. Throws a `BridgeError` (503, `integration_disabled`) with a
 * message naming the setting when the bridge cannot run: the route answers with it.
 */
export function createSimBridge(options: CreateSimBridgeOptions = {}): Bridge {
  const env = options.env ?? process.env
  let config: ReturnType<typeof loadBridgeConfig>
  try {
    config = loadBridgeConfig(env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    // The message names variables and rules, never values.
    throw new BridgeError(
      'integration_disabled',
      `The Parlant bridge is misconfigured: ${error.message.replace(/\s*\n\s*/g, ' ')}`
    )
  }
  if (!config.enabled) {
    throw new BridgeError(
      'integration_disabled',
      'The Parlant integration is disabled on this server (ENABLE_PARLANT_INTEGRATION=false)'
    )
  }
  // The standalone host falls back to its in-process emulator; Sim has none to fall back to.
  if (!config.parlantServerUrl) {
    throw new BridgeError(
      'integration_disabled',
      "The Parlant bridge is not configured: set PARLANT_SERVER_URL to the Parlant server's URL " +
        '(and PARLANT_API_KEY if it requires one) in the Sim app environment'
    )
  }
  const host = options.host ?? createSimBridgeHost({ env })
  const parlant = createParlantClient({
    baseUrl: config.parlantServerUrl,
    apiKey: config.parlantApiKey,
    logger: host.logger,
  })
  const bridge = createBridge({
    host,
    config,
    parlant,
    chat: wiredChat(config),
  })
  bridge.start()
  return bridge
}

/**
 * Kept on `globalThis`, not in a module variable: Next.js may evaluate this module more than once
 * (per route bundle, on dev reloads), and two bridges would mean two reconcilers in one process.
 */
const SINGLETON = Symbol.for('parlant-bridge.sim.bridge')
type SingletonHolder = { [SINGLETON]?: Bridge }

/** The process's Sim bridge, created on first call. */
export async function getSimBridge(): Promise<Bridge> {
  const holder = globalThis as SingletonHolder
  holder[SINGLETON] ??= createSimBridge()
  return holder[SINGLETON]
}

/** Stops and forgets the process's Sim bridge (tests; a later call creates a new one). */
export async function resetSimBridge(): Promise<void> {
  const holder = globalThis as SingletonHolder
  const bridge = holder[SINGLETON]
  delete holder[SINGLETON]
  await bridge?.stop()
}
