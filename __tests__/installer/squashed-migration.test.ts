/**
 * The migration a Sim database gets (`scripts/install-into-sim/parlant-bridge.sql`): what
 * drizzle-kit generates from our schema today, creates only (what Sim's `check:migrations` lets
 * through for tables a migration creates), and the same tables, columns, indexes, constraints and
 * enums as our own migrations build, on PostgreSQL and PGlite.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { applyMigrations } from '@/lib/parlant/db/migrate'
import type { BridgeDatabase } from '@/lib/parlant/ports'
import { openDatabase } from '@/host/db/open'
import {
  generateSquashedMigration,
  SQUASHED_MIGRATION,
} from '../../scripts/install-into-sim/squashed-migration'
import { createPostgresDatabase, createTestDatabase, ENGINES } from '../support/databases'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const squashed = readFileSync(join(ROOT, SQUASHED_MIGRATION), 'utf8')
const statements = squashed
  .split('--> statement-breakpoint')
  .map((s) => s.trim())
  .filter(Boolean)
const TABLES = [
  'agent_auth_tokens',
  'agent_chat_turns',
  'agent_conversations',
  'agent_sessions',
  'workspace_agents',
]

/** What a database holds of the bridge's tables, in an order that does not depend on history. */
async function catalog(db: BridgeDatabase) {
  const rows = async (query: ReturnType<typeof sql>) =>
    ((await db.execute(query)) as unknown as { rows: unknown[] }).rows
  const tables = sql.join(
    TABLES.map((t) => sql`${t}`),
    sql`, `
  )
  return {
    columns: await rows(sql`select table_name, column_name, data_type, udt_name, is_nullable,
      column_default from information_schema.columns
      where table_schema = 'public' and table_name in (${tables}) order by 1, 2`),
    indexes: await rows(sql`select tablename, indexname, indexdef from pg_indexes
      where schemaname = 'public' and tablename in (${tables}) order by 2`),
    constraints: await rows(sql`select conrelid::regclass::text as on_table, conname,
      pg_get_constraintdef(oid) as definition from pg_constraint
      where conrelid::regclass::text in (${tables}) order by 2`),
    enums: await rows(sql`select t.typname, string_agg(e.enumlabel, ',' order by e.enumsortorder)
      as labels from pg_type t join pg_enum e on e.enumtypid = t.oid
      where t.typname in ('agent_chat_turn_status', 'workspace_agent_status') group by 1 order by 1`),
  }
}

describe("the bridge's migration for Sim", () => {
  it('is what drizzle-kit generates from lib/parlant/db/schema.ts today (npm run sim:migration)', () => {
    expect(generateSquashedMigration()).toBe(squashed)
  })

  it('only creates: types, tables, and constraints and indexes on the tables it creates', () => {
    const created = new Set<string>()
    for (const statement of statements) {
      const table = /^CREATE TABLE "([a-z_]+)"/.exec(statement)?.[1]
      if (table) {
        created.add(table)
        continue
      }
      if (/^CREATE TYPE "public"\."[a-z_]+" AS ENUM\(/.test(statement)) continue
      const on =
        /^ALTER TABLE "([a-z_]+)" ADD CONSTRAINT "[a-z_]+" FOREIGN KEY /.exec(statement)?.[1] ??
        /^CREATE (?:UNIQUE )?INDEX "[a-z_]+" ON "([a-z_]+)" /.exec(statement)?.[1]
      expect(on, statement).toBeDefined()
      expect(created.has(on as string), statement).toBe(true)
    }
    expect([...created].sort()).toEqual(TABLES)
  })

  describe.each(ENGINES)('on %s', (engine) => {
    it('builds the tables our migrations build', async () => {
      const ours = await createTestDatabase(engine)
      const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
      const sims = await openDatabase({ databaseUrl: pg?.url })
      try {
        // Sim's own tables first (the bridge's foreign keys name `user` and `workspace`).
        await applyMigrations(sims.db, join(ROOT, 'host/db/migrations'), '__host_migrations')
        for (const statement of statements) await sims.db.execute(sql.raw(statement))
        const expected = await catalog(ours.db)
        expect(expected.indexes.length).toBeGreaterThan(5)
        expect(await catalog(sims.db)).toEqual(expected)
      } finally {
        await sims.close()
        await pg?.drop()
        await ours.close()
      }
    })
  })
})
