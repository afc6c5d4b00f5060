/**
 * `npm run emulator`: a Parlant-compatible server on loopback, port `PARLANT_EMULATOR_PORT`
 * (default 8800, Parlant's own). `PARLANT_EMULATOR_API_KEY` turns on the bearer check;
 * `PARLANT_EMULATOR_DELAY_MS` sets the per-stage delay (default 5).
 */
import { createLogger } from '@sim/logger'
import { startEmulator } from '@/emulator/server'

const logger = createLogger('parlant-emulator')

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`)
  }
  return value
}

async function main() {
  const port = intFromEnv('PARLANT_EMULATOR_PORT', 8800)
  const delayMs = intFromEnv('PARLANT_EMULATOR_DELAY_MS', 5)
  const apiKey = process.env.PARLANT_EMULATOR_API_KEY || undefined
  const emulator = await startEmulator({ port, delayMs, apiKey })
  logger.info(`Parlant emulator listening on ${emulator.url}`, {
    bearerCheck: apiKey !== undefined,
    control: `${emulator.url}/__emulator/faults`,
  })
  const shutdown = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

main().catch((error: unknown) => {
  logger.error('Parlant emulator failed to start', {
    error: error instanceof Error ? error.message : String(error),
  })
  process.exit(1)
})
