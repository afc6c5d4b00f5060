/** What the routers work on: the store, the turn environment and the request-independent knobs. */
import type { FaultState } from '@/emulator/faults'
import type { EmulatorStore } from '@/emulator/store'
import type { ParlantEvent } from '@/emulator/types'

/** One event created through `POST /sessions/{id}/events`. */
export interface CreatedEventLogEntry {
  sessionId: string
  event: ParlantEvent
}

export interface ApiContext {
  store: EmulatorStore
  faults: FaultState
  /** Default delay of every turn stage, ms. */
  delayMs: number
  /** Milliseconds per `wait_for_data` second (1000; smaller in tests). */
  waitUnitMs: number
  /** Records an event created through the API (bounded log for tests). */
  recordCreated(entry: CreatedEventLogEntry): void
}
