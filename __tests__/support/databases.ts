/**
 * Fresh, migrated databases for tests: an in-memory PGlite, and a new database on the real
 * PostgreSQL (`DATABASE_URL`, default 127.0.0.1:5432/test) that is dropped afterwards.
 */
import { randomBytes } from 'node:crypto'
import type { PGlite } from '@electric-sql/pglite'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import pg from 'pg'
import type { BridgeDatabase } from '@/lib/parlant/ports'
import { type OpenedDatabase, openDatabase } from '@/host/db/open'

export type Engine = 'pglite' | 'postgres'

/** Both engines; every database suite runs once per entry. */
export const ENGINES: readonly Engine[] = ['pglite', 'postgres']

/** The PostgreSQL server tests create their databases on. */
export const POSTGRES_ADMIN_URL =
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface TestDatabase extends OpenedDatabase {
  /** Connection string of the fresh PostgreSQL database (undefined for PGlite). */
  url?: string
}

function databaseUrlFor(name: string): string {
  const url = new URL(POSTGRES_ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
}

/** Creates an empty PostgreSQL database and returns its URL and a dropper. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `bridge_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  return {
    url: databaseUrlFor(name),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    },
  }
}

/** Opens and migrates a fresh database on `engine`; `close()` also drops a PostgreSQL one. */
export async function createTestDatabase(
  engine: Engine,
  options: { poolSize?: number } = {}
): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const opened = await openDatabase({})
    await opened.migrate()
    return opened
  }
  const created = await createPostgresDatabase()
  const opened = await openDatabase({ databaseUrl: created.url, poolSize: options.poolSize })
  await opened.migrate()
  return {
    ...opened,
    url: created.url,
    async close() {
      await opened.close()
      await created.drop()
    },
  }
}

/** The same database through a second drizzle handle that reports every statement it runs. */
export function loggingDatabase(
  database: TestDatabase,
  onQuery: (query: string, params: unknown[]) => void
): BridgeDatabase {
  const logger = { logQuery: onQuery }
  const client = (database.db as unknown as { $client: unknown }).$client
  return database.engine === 'pglite'
    ? drizzlePglite(client as PGlite, { logger })
    : drizzlePg(client as pg.Pool, { logger })
}
