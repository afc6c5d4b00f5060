/** `npm start`: runs the standalone host until SIGINT/SIGTERM. */

import { ConfigError } from '@/lib/parlant/config'
import { loggableError } from '@/lib/parlant/log-error'
import { startupBanner } from '@/host/banner'
import { DataFolderBusyError } from '@/host/db/folder-lock'
import { loadDotEnv } from '@/host/env-file'
import { PortInUseError, startHost } from '@/host/server'

async function main() {
  const envFile = loadDotEnv()
  const host = await startHost()
  process.stdout.write(startupBanner(host, envFile))
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
