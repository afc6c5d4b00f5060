/**
 * Stable guideline ids: every guideline in an agent's configuration carries one, so the
 * guidelines Parlant reports as matched in a turn name the agent's own (see
 * `parlantGuidelineIdFor`). A guideline keeps its id across edits; a new one gets a fresh id.
 */
import { generateId } from '@sim/utils/id'
import { BridgeError } from '@/lib/parlant/errors'
import type { Guideline } from '@/lib/parlant/schemas'

/** The guidelines with an id each; two with the same id are refused (400 naming the second). */
export function withGuidelineIds(guidelines: readonly Guideline[]): Guideline[] {
  const seen = new Set<string>()
  return guidelines.map((guideline, index) => {
    if (guideline.id && seen.has(guideline.id)) {
      throw new BridgeError(
        'validation_error',
        `Invalid request: guidelines.${index}.id: is used by another guideline of this agent`,
        [{ field: `guidelines.${index}.id`, message: 'is used by another guideline of this agent' }]
      )
    }
    const id = guideline.id ?? generateId()
    seen.add(id)
    return { ...guideline, id }
  })
}
