/**
 * What a shim of a Sim runtime module throws when called outside a Sim checkout: those modules
 * need Sim's auth, database and session; outside Sim only their types are used.
 */
export function outsideSim(specifier: string, member: string): Error {
  return new Error(
    `${member} (${specifier}) only runs inside a Sim checkout; outside Sim, ${specifier} is a type shim`
  )
}
