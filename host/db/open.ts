/**
 * Opens the standalone host's database: PGlite in the data folder by default, PostgreSQL through
 * node-postgres when `DATABASE_URL` is set. Migrations run under an advisory lock so several nodes
 * starting at once on one PostgreSQL apply them exactly once.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { createLogger } from '@sim/logger'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import pg from 'pg'
import { applyMigrations, migrateBridge } from '@/lib/parlant/db/migrate'
import { loggableError } from '@/lib/parlant/log-error'
import type { BridgeDatabase } from '@/lib/parlant/ports'
import { lockDataFolder } from '@/host/db/folder-lock'

const HOST_MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url))
const MIGRATION_LOCK_KEY = 727_001
const logger = createLogger('BridgeDatabase')

export interface OpenedDatabase {
  db: BridgeDatabase
  engine: 'pglite' | 'postgres'
  /** Applies the host's (Sim core shim) and the bridge's migrations. */
  migrate(): Promise<void>
  close(): Promise<void>
}

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; unset → PGlite. */
  databaseUrl?: string
  /** Folder for PGlite's files; unset with no `databaseUrl` → an in-memory PGlite. */
  dataDir?: string
  /** Pool size for PostgreSQL. */
  poolSize?: number
  /** Who opens an embedded data folder (`host`, `host:admin`): named to a second opener. */
  role?: string
}

async function migrateAll(db: BridgeDatabase) {
  await applyMigrations(db, HOST_MIGRATIONS_FOLDER, '__host_migrations')
  await migrateBridge(db)
}

/** Opens (and does not yet migrate) the configured database. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<OpenedDatabase> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 })
    // An idle client can die under us (server restart, admin termination); without a listener
    // node-postgres would crash the process. The pool replaces it on the next checkout.
    pool.on('error', (error) =>
      logger.warn('idle PostgreSQL client failed', { error: loggableError(error) })
    )
    const db = drizzlePg(pool)
    return {
      db,
      engine: 'postgres',
      async migrate() {
        const client = await pool.connect()
        try {
          await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
          await migrateAll(drizzlePg(client))
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {})
          client.release()
        }
      },
      close: () => pool.end(),
    }
  }
  let client: PGlite
  let lock: { release(): void } | undefined
  if (options.dataDir) {
    const folder = join(options.dataDir, 'pglite')
    mkdirSync(folder, { recursive: true })
    // One process per folder (see folder-lock.ts): a second one is refused before it opens.
    lock = lockDataFolder(options.dataDir, options.role ?? 'host')
    client = new PGlite(folder)
  } else {
    client = new PGlite()
  }
  try {
    await client.waitReady
  } catch (error) {
    lock?.release()
    throw error
  }
  const db = drizzlePglite(client)
  return {
    db,
    engine: 'pglite',
    migrate: () => migrateAll(db),
    async close() {
      try {
        await client.close()
      } finally {
        lock?.release()
      }
    },
  }
}
