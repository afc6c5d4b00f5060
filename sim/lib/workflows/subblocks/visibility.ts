/**
 * Shim of the part of `apps/sim/lib/workflows/subblocks/visibility.ts` the plugin's tests use:
 * `SubBlockCondition` (exported here, as in Sim) and evaluating a condition against the block's
 * values with Sim's semantics (an array value never matches a missing field, even with `not`).
 */

/** A sub-block condition on sibling values. */
export interface SubBlockCondition {
  field: string
  value: string | number | boolean | Array<string | number | boolean> | undefined
  not?: boolean
  and?: SubBlockCondition
}

type Clause = Pick<SubBlockCondition, 'field' | 'value' | 'not'>

function clauseHolds(clause: Clause, values: Record<string, unknown>) {
  const actual = values[clause.field]
  if (Array.isArray(clause.value)) {
    if (actual == null) return false
    const included = (clause.value as unknown[]).includes(actual)
    return clause.not ? !included : included
  }
  return clause.not ? actual !== clause.value : actual === clause.value
}

/** Whether a sub-block with this condition is shown for `values` (no condition: always). */
export function evaluateSubBlockCondition(
  condition:
    | SubBlockCondition
    | ((values?: Record<string, unknown>) => SubBlockCondition)
    | undefined,
  values: Record<string, unknown>
): boolean {
  if (!condition) return true
  const resolved = typeof condition === 'function' ? condition(values) : condition
  if (!clauseHolds(resolved, values)) return false
  return resolved.and ? clauseHolds(resolved.and, values) : true
}
