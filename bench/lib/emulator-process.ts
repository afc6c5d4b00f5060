/** Runs the emulator in its own process for benchmarks, so the bridge process is measured alone. */
import { startEmulator } from '@/emulator'

const delayMs = Number(process.env.BENCH_EMULATOR_DELAY_MS ?? 0)
const replyDelayMs = Number(process.env.BENCH_EMULATOR_REPLY_DELAY_MS ?? 0)
const emulator = await startEmulator({
  port: 0,
  delayMs,
  logLimit: 1_000,
  faults: replyDelayMs > 0 ? { turn: { latencyMs: { message: replyDelayMs } } } : undefined,
})
process.send?.({ type: 'ready', url: emulator.url })
process.on('message', (message: { type: string }) => {
  if (message.type === 'exit') void emulator.close().then(() => process.exit(0))
})
