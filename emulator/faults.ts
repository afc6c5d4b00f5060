/**
 * Fault and behaviour configuration of the emulator: what a turn looks like (latency per stage,
 * preamble, outcome) server-wide or per agent, and HTTP faults on chosen routes (status codes,
 * dropped connections, delays, slow bodies), each for a number of requests or at a rate.
 */
import { z } from 'zod'

/** Stages of a turn whose start can be delayed. */
export const turnStages = [
  'acknowledged',
  'preamble',
  'processing',
  'typing',
  'message',
  'chunk',
  'ready',
] as const
export type TurnStage = (typeof turnStages)[number]

const latencySchema = z.partialRecord(z.enum(turnStages), z.number().min(0).max(600_000))

/** How turns unfold. */
export const turnBehaviorSchema = z.strictObject({
  /** Delay before each stage, ms (unset stages use the server's `delayMs`). */
  latencyMs: latencySchema.optional(),
  /**
   * `reply` (default); `error`: ready{completed} then `error {exception}` and no message;
   * `silence`: no events at all (like a session whose customer is unknown).
   */
  outcome: z.enum(['reply', 'error', 'silence']).optional(),
  /** Preamble text sent before thinking (tagged `__preamble__`), or false for none (default). */
  preamble: z.union([z.string().min(1), z.literal(false)]).optional(),
})
export type TurnBehavior = z.infer<typeof turnBehaviorSchema>

/** One HTTP fault rule. The first matching rule with budget left applies. */
export const routeFaultSchema = z.strictObject({
  /** HTTP method; any when unset. */
  method: z.string().optional(),
  /**
   * Path pattern: `*` is one segment, a trailing `**` any rest, e.g. `/agents/*` or
   * `/sessions/**`. Any path when unset.
   */
  path: z.string().optional(),
  /** Only requests naming this agent, or a session of this agent. */
  agentId: z.string().optional(),
  /**
   * `status`: answer `status` at once (500 has an empty body like real Parlant, 503/504 a
   * `{detail}`); `drop`: destroy the connection; `delay`: wait `delayMs`, then serve normally;
   * `slow_body`: serve normally but stall `delayMs` in the middle of the body.
   */
  action: z.enum(['status', 'drop', 'delay', 'slow_body']),
  status: z.number().int().min(400).max(599).optional(),
  delayMs: z.number().min(0).max(600_000).optional(),
  /** Apply to this many matching requests, then retire. Unlimited when unset. */
  times: z.number().int().min(1).optional(),
  /** Probability in [0,1] that a matching request is hit (seeded, deterministic). Default 1. */
  rate: z.number().min(0).max(1).optional(),
})
export type RouteFault = z.infer<typeof routeFaultSchema>

/** Everything injectable: server-wide turn behaviour, per-agent overrides and route faults. */
export const faultConfigSchema = z.strictObject({
  turn: turnBehaviorSchema.optional(),
  agents: z.record(z.string(), turnBehaviorSchema).optional(),
  routes: z.array(routeFaultSchema).optional(),
})
export type FaultConfig = z.infer<typeof faultConfigSchema>

/** Whether `path` matches `pattern` (`*` = one segment, trailing `**` = the rest). */
export function pathMatches(pattern: string, path: string): boolean {
  const want = pattern.split('/').filter(Boolean)
  const have = path.split('/').filter(Boolean)
  for (let i = 0; i < want.length; i++) {
    const part = want[i]
    if (part === '**') return true
    if (i >= have.length) return false
    if (part !== '*' && part !== have[i]) return false
  }
  return want.length === have.length
}

/** A small seeded PRNG (mulberry32) so fault rates are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface ActiveRule {
  rule: RouteFault
  remaining: number
}

/** Holds the current configuration and picks the route fault for each request. */
export class FaultState {
  private config: FaultConfig = {}
  private rules: ActiveRule[] = []
  private readonly random: () => number

  constructor(initial: FaultConfig = {}, seed = 1) {
    this.random = seededRandom(seed)
    this.set(initial)
  }

  /** Replaces the whole configuration (budgets restart). */
  set(config: FaultConfig) {
    this.config = faultConfigSchema.parse(config)
    this.rules = (this.config.routes ?? []).map((rule) => ({
      rule,
      remaining: rule.times ?? Number.POSITIVE_INFINITY,
    }))
  }

  get(): FaultConfig {
    return {
      ...this.config,
      routes: this.rules.filter((r) => r.remaining > 0).map((r) => r.rule),
    }
  }

  /** The turn behaviour for an agent: server-wide, overridden field by field per agent. */
  turnFor(agentId: string): TurnBehavior {
    const base = this.config.turn ?? {}
    const own = this.config.agents?.[agentId] ?? {}
    return {
      ...base,
      ...own,
      latencyMs: { ...(base.latencyMs ?? {}), ...(own.latencyMs ?? {}) },
    }
  }

  /** The fault to apply to this request, consuming one unit of its budget, or undefined. */
  pick(method: string, path: string, agentOf: () => string | undefined): RouteFault | undefined {
    for (const active of this.rules) {
      const { rule } = active
      if (active.remaining <= 0) continue
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue
      if (rule.path && !pathMatches(rule.path, path)) continue
      if (rule.agentId && agentOf() !== rule.agentId) continue
      if (rule.rate !== undefined && this.random() >= rule.rate) continue
      active.remaining -= 1
      return rule
    }
    return undefined
  }
}
