/** `npm start`: runs the standalone host until SIGINT/SIGTERM. */

import { ConfigError } from '@/lib/parlant/config'
import { loggableError } from '@/lib/parlant/log-error'
import { DataFolderBusyError } from '@/host/db/folder-lock'
import { loadDotEnv } from '@/host/env-file'
import { PortInUseError, startHost } from '@/host/server'

async function main() {
  const envFile = loadDotEnv()
  const host = await startHost()
  const { identity } = host
  process.stdout.write(
    [
      '',
      `Sim ⇄ Parlant bridge is running at ${host.url}`,
      `  database: ${host.database.engine}   parlant: ${host.bridgeConfig.parlantServerUrl ?? 'in-process emulator'}`,
      `  dev user: ${identity.userId}   dev workspace: ${identity.workspaceId}`,
      ...(envFile ? [`  settings read from ${envFile} (the environment wins over it)`] : []),
      identity.created
        ? `  dev API key (also in ${host.config.dataDir}/dev-api-key): ${identity.apiKey}`
        : `  dev API key: see ${host.config.dataDir}/dev-api-key`,
      '',
    ].join('\n')
  )
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    process.stdout.write(`\n${signal} received, shutting down\n`)
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    await host.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError ||
    error instanceof DataFolderBusyError ||
    error instanceof PortInUseError
      ? error.message
      : // A failed query's message and stack carry its SQL and parameters.
        error instanceof Error && ('query' in error || 'severity' in error)
        ? loggableError(error)
        : error instanceof Error
          ? error.stack
          : String(error)
  process.stderr.write(`Failed to start: ${message}\n`)
  process.exit(1)
})
