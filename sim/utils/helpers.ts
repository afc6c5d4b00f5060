/** Shim of `@sim/utils/helpers` (Sim's `packages/utils/src/helpers.ts`). */

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
