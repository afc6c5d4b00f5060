/**
 * Prepared statements for the queries every chat turn runs: the SQL is built once per database
 * handle instead of on every call (drizzle's query building was a tenth of a turn's CPU), and on
 * PostgreSQL the statement is parsed once per connection (a named statement).
 */
import type { BridgeDatabase } from '@/lib/parlant/ports'

/**
 * Returns `build(db)` for each database handle, built on first use. `build` must only prepare
 * statements (`….prepare(name)`); names are unique per statement across the bridge.
 */
export function preparedFor<T>(build: (db: BridgeDatabase) => T): (db: BridgeDatabase) => T {
  const cache = new WeakMap<BridgeDatabase, T>()
  return (db) => {
    let prepared = cache.get(db)
    if (!prepared) {
      prepared = build(db)
      cache.set(db, prepared)
    }
    return prepared
  }
}
