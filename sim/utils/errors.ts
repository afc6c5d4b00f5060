/** Shim of `@sim/utils/errors` (Sim's `packages/utils/src/errors.ts`): the declarations the plugin uses. */

/** The caught value as an `Error` (an `Error` as is, anything else wrapped). */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value
  return new Error(typeof value === 'string' ? value : String(value))
}

/**
 * A message for a caught value: an `Error`'s message, a non-empty string itself, else `fallback`
 * (or `String(value)` without one). Sim requires it over `e instanceof Error ? e.message : …`.
 */
export function getErrorMessage(value: unknown, fallback?: string): string {
  if (value instanceof Error) return value.message
  if (typeof value === 'string' && value.length > 0) return value
  return fallback ?? String(value)
}
