/**
 * Applies the bridge's migrations. One code path for PGlite and PostgreSQL: drizzle's migrators for
 * both drivers are the same `dialect.migrate` call, so we call it through the shared base class.
 */
import { fileURLToPath } from 'node:url'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import type { PgDialect, PgSession } from 'drizzle-orm/pg-core'
import type { BridgeDatabase } from '@/lib/parlant/ports'

/** Where the bridge's SQL migrations live (also copied into a Sim checkout by the installer). */
export const BRIDGE_MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url))

/** Applies the migrations in `folder`, tracked in `drizzle.<table>`; already-applied ones are skipped. */
export async function applyMigrations(db: BridgeDatabase, folder: string, table: string) {
  const config = { migrationsFolder: folder, migrationsTable: table, migrationsSchema: 'drizzle' }
  const migrations = readMigrationFiles(config)
  // `dialect` and `session` are drizzle internals that both pg drivers' `migrate()` use the same way.
  const internals = db as unknown as { dialect: PgDialect; session: PgSession }
  await internals.dialect.migrate(migrations, internals.session, config)
}

/** Creates or upgrades the bridge's tables. Sim's `user`/`workspace` tables must already exist. */
export async function migrateBridge(db: BridgeDatabase) {
  await applyMigrations(db, BRIDGE_MIGRATIONS_FOLDER, '__parlant_bridge_migrations')
}
