/**
 * Starts the Parlant emulator on a real HTTP port (loopback by default) for in-process use:
 * `const emu = await startEmulator({ port: 0 })`, then point a client at `emu.url`.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { EventLoopMonitor } from '@/emulator/api/health'
import {
  type AppContext,
  type CreatedEventLogEntry,
  createEmulatorApp,
  type RequestLogEntry,
} from '@/emulator/app'
import { type FaultConfig, FaultState, pathMatches } from '@/emulator/faults'
import { EmulatorStore } from '@/emulator/store'

export interface EmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number
  /** Bind address. Default `127.0.0.1`. */
  host?: string
  /** When set, every route but `/healthz` needs `Authorization: Bearer <apiKey>` (else 403). */
  apiKey?: string
  /** Default delay before each turn stage, ms. Default 5; 0 for benchmarks. */
  delayMs?: number
  /** Length of one `wait_for_data` second, ms. Default 1000 (tests may shrink it). */
  waitUnitMs?: number
  /** Initial faults and turn behaviour. */
  faults?: FaultConfig
  /** Seed of the fault-rate randomness. Default 1. */
  seed?: number
  /** How many requests and created events the logs keep. Default 10 000. */
  logLimit?: number
}

/** In-process control of a running emulator. */
export interface EmulatorControl {
  /** Replaces the fault configuration (route budgets restart). */
  setFaults(config: FaultConfig): void
  getFaults(): FaultConfig
  clearFaults(): void
  /** Forgets all data, faults and logs. */
  reset(): void
  /** Served requests, oldest first (control routes excluded). */
  requests(): RequestLogEntry[]
  /** How many logged requests match a method and a path pattern (`*`, trailing `**`). */
  countRequests(method: string, pathPattern: string): number
  /** Events created through `POST /sessions/{id}/events`, oldest first. */
  createdEvents(): CreatedEventLogEntry[]
  clearLogs(): void
  /** Stops listening and drops every connection, like a crashed server. State is kept. */
  stop(): Promise<void>
  /** Listens again on the same port; `wipe` forgets all data (a transient-store restart). */
  restart(options?: { wipe?: boolean }): Promise<void>
  readonly running: boolean
  /** The in-memory state, for assertions. */
  readonly store: EmulatorStore
}

export interface RunningEmulator {
  url: string
  port: number
  control: EmulatorControl
  /** Stops the server for good. */
  close(): Promise<void>
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    // A deep accept queue: benchmarks open ~1000 connections at once, beyond Node's default 511.
    server.listen({ port, host, backlog: 4096 }, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

/** Starts an emulator and resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1'
  const store = new EmulatorStore()
  const faults = new FaultState(options.faults ?? {}, options.seed ?? 1)
  const ctx: AppContext = {
    store,
    faults,
    delayMs: options.delayMs ?? 5,
    waitUnitMs: options.waitUnitMs ?? 1000,
    apiKey: options.apiKey,
    requestLog: [],
    createdEvents: [],
    logLimit: options.logLimit ?? 10_000,
    monitor: new EventLoopMonitor(),
    reset: () => reset(),
  }
  const app = createEmulatorApp(ctx)
  const listener = getRequestListener(app.fetch)

  let server: Server | undefined
  let port = options.port ?? 0

  const open = async () => {
    const next = createServer(listener)
    // Long polls and streams are held open by design; no idle socket timeout should cut them.
    next.requestTimeout = 0
    next.headersTimeout = 0
    port = await listen(next, port, host)
    server = next
    ctx.monitor.start()
  }

  const stop = async () => {
    const current = server
    if (!current) return
    server = undefined
    ctx.monitor.stop()
    store.stopTurns()
    await new Promise<void>((resolve) => {
      current.close(() => resolve())
      current.closeAllConnections()
    })
  }

  function reset() {
    store.clear()
    faults.set({})
    ctx.requestLog.length = 0
    ctx.createdEvents.length = 0
  }

  await open()
  const urlHost = host.includes(':') ? `[${host}]` : host
  const control: EmulatorControl = {
    setFaults: (config) => faults.set(config),
    getFaults: () => faults.get(),
    clearFaults: () => faults.set({}),
    reset,
    requests: () => [...ctx.requestLog],
    countRequests: (method, pattern) =>
      ctx.requestLog.filter(
        (r) => r.method === method.toUpperCase() && pathMatches(pattern, r.path)
      ).length,
    createdEvents: () => [...ctx.createdEvents],
    clearLogs: () => {
      ctx.requestLog.length = 0
      ctx.createdEvents.length = 0
    },
    stop,
    async restart(restartOptions) {
      await stop()
      if (restartOptions?.wipe) store.clear()
      await open()
    },
    get running() {
      return server !== undefined
    },
    store,
  }
  return {
    url: `http://${urlHost}:${port}`,
    port,
    control,
    close: stop,
  }
}
