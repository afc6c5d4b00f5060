/**
 * Shim of the part of `apps/sim/lib/workflows/subblocks/visibility.ts` the plugin's tests use:
 * evaluating a sub-block `condition` (static or function form) against the block's values.
 */
import type { SubBlockCondition, SubBlockConditionSpec } from '@/blocks/types'

type ConditionClause = Omit<SubBlockCondition, 'and'>

function clauseHolds(clause: ConditionClause, values: Record<string, unknown>) {
  const actual = values[clause.field]
  const matches = Array.isArray(clause.value)
    ? clause.value.includes(actual as never)
    : actual === clause.value
  return clause.not ? !matches : matches
}

/** Whether a sub-block with this condition is shown for `values` (no condition: always). */
export function evaluateSubBlockCondition(
  condition: SubBlockConditionSpec | undefined,
  values: Record<string, unknown>
): boolean {
  if (!condition) return true
  const resolved = typeof condition === 'function' ? condition(values) : condition
  if (!resolved) return true
  if (!clauseHolds(resolved, values)) return false
  return resolved.and ? clauseHolds(resolved.and, values) : true
}
