/** The Parlant-compatible emulator: `startEmulator`, its control API and the reply rule. */
export type { CreatedEventLogEntry, RequestLogEntry } from '@/emulator/app'
export {
  type FaultConfig,
  faultConfigSchema,
  type RouteFault,
  type TurnBehavior,
  type TurnStage,
  turnStages,
} from '@/emulator/faults'
export {
  CONDITION_STOP_WORDS,
  conditionMatches,
  contentWords,
  fallbackReply,
  greetingFor,
  quotedPhrases,
  replyFor,
} from '@/emulator/matching'
export {
  type EmulatorControl,
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from '@/emulator/server'
