/**
 * Applies the bridge's migrations. One code path for PGlite and PostgreSQL: drizzle's migrators for
 * both drivers are the same `PgDialect.migrate(migrations, session, config)` call, and the session
 * is public on every `PgDatabase` (`db._.session`), so no driver-specific migrator is needed.
 */
import { fileURLToPath } from 'node:url'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import { PgDialect, type PgQueryResultHKT, type PgSession } from 'drizzle-orm/pg-core'
import type { BridgeDatabase } from '@/lib/parlant/ports'

/** Where the bridge's SQL migrations live (also copied into a Sim checkout by the installer). */
export const BRIDGE_MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url))

/** Applies the migrations in `folder`, tracked in `drizzle.<table>`; already-applied ones are skipped. */
export async function applyMigrations(db: BridgeDatabase, folder: string, table: string) {
  const config = { migrationsFolder: folder, migrationsTable: table, migrationsSchema: 'drizzle' }
  const migrations = readMigrationFiles(config)
  // The dialect's `migrate` reads nothing of the dialect's own state (casing only shapes queries
  // built from tables), so a fresh one runs the same statements as the database's own.
  // biome-ignore lint/suspicious/noExplicitAny: migrations are raw SQL; no schema generic applies
  const session: PgSession<PgQueryResultHKT, any, any> = db._.session
  await new PgDialect().migrate(migrations, session, config)
}

/** Creates or upgrades the bridge's tables. Sim's `user`/`workspace` tables must already exist. */
export async function migrateBridge(db: BridgeDatabase) {
  await applyMigrations(db, BRIDGE_MIGRATIONS_FOLDER, '__parlant_bridge_migrations')
}
