/**
 * The plans of a chat turn's statements on a fresh database, on both engines. A prepared statement
 * runs on a generic plan made when its tables had no statistics (PostgreSQL's autovacuum may be
 * off, and PGlite has none). With an index leading with `workspace_id`, such a plan for
 * `workspace_id = $1 and id = $2` picked that index and filtered every row of the workspace: a
 * settle cost 5 ms of PostgreSQL CPU after 20,000 turns and kept growing. Here every statement of
 * a turn is re-planned generically and must reach the turn, conversation and agent rows by a unique
 * index only.
 */

import type { PGlite } from '@electric-sql/pglite'
import { generateRandomHex } from '@sim/utils/random'
import { sql } from 'drizzle-orm'
import type pg from 'pg'
import { createChatService } from '@/lib/parlant/chat'
import { type Bed, createBed, FAST, provisionAgent, recordingHost } from '../chat/support'
import {
  createTestDatabase,
  ENGINES,
  loggingDatabase,
  type TestDatabase,
} from '../support/databases'

/** Tables with a row per conversation or per turn: their size grows with traffic. */
const GROWING = ['agent_chat_turns', 'agent_conversations']

/** The tables every turn reads: the growing ones and the agents (one per workspace agent). */
const READ_BY_TURNS = [...GROWING, 'workspace_agents']

interface Statement {
  sql: string
  params: unknown[]
}

interface Scan {
  relation: string
  node: string
  index?: string
}

/** One session on the database: what PREPARE, SET and EXPLAIN need. */
interface Session {
  query(text: string): Promise<Array<Record<string, unknown>>>
  release(): void
}

async function sessionOn(database: TestDatabase): Promise<Session> {
  const client = (database.db as unknown as { $client: unknown }).$client
  if (database.engine === 'pglite') {
    const lite = client as PGlite
    return {
      query: async (text) => (await lite.query<Record<string, unknown>>(text)).rows,
      release: () => {},
    }
  }
  const connection = await (client as pg.Pool).connect()
  return {
    query: async (text) => (await connection.query(text)).rows,
    release: () => connection.release(),
  }
}

/** A parameter as an SQL literal, for `EXECUTE` (the prepared statement infers its types). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'string'
        ? value
        : JSON.stringify(value)
  return `'${text.replaceAll("'", "''")}'`
}

function scansOf(plan: Record<string, unknown>, found: Scan[] = []): Scan[] {
  const relation = plan['Relation Name']
  if (typeof relation === 'string') {
    found.push({
      relation,
      node: String(plan['Node Type']),
      index: typeof plan['Index Name'] === 'string' ? plan['Index Name'] : undefined,
    })
  }
  for (const child of (plan.Plans as Array<Record<string, unknown>> | undefined) ?? []) {
    scansOf(child, found)
  }
  return found
}

/** The scans of `statement`'s generic plan. */
async function genericScans(session: Session, name: string, statement: Statement) {
  await session.query(`prepare ${name} as ${statement.sql}`)
  const args = statement.params.length ? `(${statement.params.map(literal).join(', ')})` : ''
  const [row] = await session.query(`explain (format json) execute ${name}${args}`)
  const cell = row?.['QUERY PLAN']
  const document = (typeof cell === 'string' ? JSON.parse(cell) : cell) as Array<{
    Plan: Record<string, unknown>
  }>
  await session.query(`deallocate ${name}`)
  return scansOf(document[0]!.Plan)
}

describe.each(ENGINES)("a turn's statements on a fresh %s database", (engine) => {
  let database: TestDatabase
  let bed: Bed

  beforeAll(async () => {
    database = await createTestDatabase(engine)
    bed = await createBed(database.db)
  })
  afterAll(async () => {
    await bed?.emulator.close()
    await database?.close()
  })

  it('reach turn and conversation rows by a unique index in their generic plans', async () => {
    const statements: Statement[] = []
    const db = loggingDatabase(database, (sql, params) => statements.push({ sql, params }))
    const agent = await provisionAgent(database.db, bed.parlant, bed.workspaceId, { name: 'plans' })
    const chat = createChatService({
      host: recordingHost(db, []),
      parlant: bed.parlant,
      nodeId: 'node-plans',
      defaults: FAST,
    })
    const conversationKey = `conv-${generateRandomHex(8)}`
    for (const message of ['first', 'second']) {
      await chat.send({
        workspaceId: bed.workspaceId,
        agentId: agent.agentId,
        userId: bed.user.id,
        message,
        conversationKey,
      })
    }
    const distinct = [...new Map(statements.map((s) => [s.sql, s])).values()]
    const touching = distinct.filter((s) =>
      READ_BY_TURNS.some((table) => s.sql.includes(`"${table}"`))
    )
    // The opening, the settle, the conversation's insert and its read by key, at least.
    expect(touching.length).toBeGreaterThanOrEqual(4)

    const session = await sessionOn(database)
    try {
      const unique = new Set(
        (
          await session.query(
            `select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid
             where i.indisunique`
          )
        ).map((row) => String(row.name))
      )
      await session.query('set plan_cache_mode = force_generic_plan')
      const offending: Array<Scan & { sql: string }> = []
      for (const [n, statement] of touching.entries()) {
        for (const scan of await genericScans(session, `turn_statement_${n}`, statement)) {
          if (!READ_BY_TURNS.includes(scan.relation)) continue
          if (scan.node === 'ModifyTable') continue
          if (!scan.index || !unique.has(scan.index)) {
            offending.push({ ...scan, sql: statement.sql.slice(0, 120) })
          }
        }
      }
      expect(offending).toEqual([])
    } finally {
      await session.query('reset plan_cache_mode')
      session.release()
    }
  })
})

describe.each(ENGINES)("the bridge's foreign keys on %s", (engine) => {
  it('that a deletion cascades by, and all on tables that grow with traffic, have an index leading with their columns', async () => {
    const database = await createTestDatabase(engine)
    try {
      const rows = async (query: string) =>
        (
          (await database.db.execute(sql.raw(query))) as unknown as {
            rows: Record<string, string>[]
          }
        ).rows
      const keys = await rows(`select conrelid::regclass::text as on_table, conname,
        confrelid::regclass::text as referenced, array_to_string(conkey, ' ') as columns
        from pg_constraint where contype = 'f' and conrelid::regclass::text like 'agent_%'
          or contype = 'f' and conrelid::regclass::text = 'workspace_agents'`)
      const indexes = await rows(`select indrelid::regclass::text as on_table,
        indkey::text as columns from pg_index where indpred is null`)
      // From a workspace, an agent or a conversation; and any key of the presence, conversation
      // and turn tables (a user's deletion would scan them).
      const cascading = keys.filter(
        (k) =>
          ['workspace', 'workspace_agents', 'agent_conversations'].includes(
            k.referenced as string
          ) ||
          GROWING.includes(k.on_table as string) ||
          k.on_table === 'agent_sessions'
      )
      expect(cascading.length).toBeGreaterThanOrEqual(6)
      const unindexed = cascading.filter(
        (k) =>
          !indexes.some(
            (i) => i.on_table === k.on_table && `${i.columns} `.startsWith(`${k.columns} `)
          )
      )
      // A deletion's cascade would scan the whole table for each of these.
      expect(unindexed.map((k) => k.conname)).toEqual([])
    } finally {
      await database.close()
    }
  })
})
