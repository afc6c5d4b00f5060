/**
 * Shim of `@sim/db`: Sim's drizzle client `db` plus every table (re-exported from
 * `@sim/db/schema`, as Sim's does). Outside Sim there is no Sim database, so any use of `db`
 * throws a clear error instead of failing somewhere deep in a query.
 */
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { outsideSim } from '@/sim/outside-sim'

export * from '@sim/db/schema'

/** Sim's database: drizzle over PostgreSQL. */
export type SimDatabase = PgDatabase<PgQueryResultHKT, Record<string, unknown>>

export const db: SimDatabase = new Proxy({} as SimDatabase, {
  get(_target, property) {
    // Promise resolution and inspection probe `then`/symbols; answering them keeps `db` inert.
    if (property === 'then' || typeof property === 'symbol') return undefined
    throw outsideSim('@sim/db', `db.${String(property)}`)
  },
})
