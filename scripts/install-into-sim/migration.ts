/**
 * The bridge's migration inside Sim's `packages/db/migrations`: the SQL numbered after Sim's latest,
 * its journal entry, and its drizzle snapshot (Sim's latest snapshot plus the bridge's tables and
 * enums), so `drizzle-kit generate` finds schema and migrations in sync. Formats follow
 * drizzle-kit 0.31 (`meta/_journal.json`, `meta/NNNN_snapshot.json`, snapshot version 7).
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { AnchorError } from './edits'
import { SQUASHED_MIGRATION } from './squashed-migration'

const MIGRATIONS = 'packages/db/migrations'
const OUR_TAG = /^(\d{4})_parlant_bridge$/

interface JournalEntry {
  idx: number
  version: string
  when: number
  tag: string
  breakpoints: boolean
}

interface Journal {
  version: string
  dialect: string
  entries: JournalEntry[]
}

interface Snapshot {
  id: string
  prevId: string
  tables: Record<string, unknown>
  enums: Record<string, unknown>
  [key: string]: unknown
}

/** Where the bridge's migration goes in a Sim checkout and what it is made of. */
export interface MigrationPlan {
  tag: string
  sqlPath: string
  snapshotPath: string
  /** The journal entry before ours (Sim's latest). */
  previous: JournalEntry
}

function readJson<T>(path: string, what: string): T {
  if (!existsSync(path)) throw new AnchorError(what)
  return JSON.parse(readFileSync(path, 'utf8')) as T
}

/** Sim's journal without the bridge's entry (a re-install finds ours already there). */
function simEntries(journal: Journal) {
  return journal.entries.filter((entry) => !OUR_TAG.test(entry.tag))
}

/** Numbers the bridge's migration after Sim's latest (keeping its number on a re-install). */
export function planMigration(simRoot: string): MigrationPlan {
  const journal = readJson<Journal>(
    join(simRoot, MIGRATIONS, 'meta/_journal.json'),
    `${MIGRATIONS}/meta/_journal.json`
  )
  const ours = journal.entries.find((entry) => OUR_TAG.test(entry.tag))
  const sim = simEntries(journal)
  const previous = sim.at(-1)
  if (!previous) throw new AnchorError(`a migration in ${MIGRATIONS}/meta/_journal.json`)
  const number = ours ? Number(ours.tag.slice(0, 4)) : previous.idx + 1
  const prefix = String(number).padStart(4, '0')
  return {
    tag: `${prefix}_parlant_bridge`,
    sqlPath: `${MIGRATIONS}/${prefix}_parlant_bridge.sql`,
    snapshotPath: `${MIGRATIONS}/meta/${prefix}_snapshot.json`,
    previous,
  }
}

/** The journal with the bridge's entry appended (its `when` after Sim's latest). */
export function addJournalEntry(plan: MigrationPlan) {
  return (text: string) => {
    const journal = JSON.parse(text) as Journal
    if (journal.entries.some((entry) => entry.tag === plan.tag)) return text
    journal.entries.push({
      idx: Number(plan.tag.slice(0, 4)),
      version: plan.previous.version,
      when: plan.previous.when + 1,
      tag: plan.tag,
      breakpoints: true,
    })
    return `${JSON.stringify(journal, null, 2)}${text.endsWith('\n') ? '\n' : ''}`
  }
}

/**
 * JSON as Sim's Biome formatter prints it (Sim formats drizzle's snapshots, `biome.json`: JSON
 * indent 2, line width 100): objects expanded, an array of plain values on one line when it fits.
 */
export function formatJson(value: unknown) {
  const text = JSON.stringify(value, null, 2)
  return text.replace(
    /^( *)("[^"\n]*": )?\[\n((?: *(?:"(?:[^"\\\n]|\\.)*"|-?[\d.eE+-]+|true|false|null),?\n)+) *\]/gm,
    (whole, indent: string, key = '', items: string) => {
      const values = items
        .split('\n')
        .map((item) => item.trim().replace(/,$/, ''))
        .filter(Boolean)
      const line = `${indent}${key}[${values.join(', ')}]`
      return line.length <= 100 ? line : whole
    }
  )
}

/** A stable UUID-shaped id from `seed`, so installing twice writes the same snapshot. */
function stableId(seed: string) {
  const hex = createHash('sha256').update(seed).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/**
 * Sim's latest snapshot plus the bridge's tables and enums (from our own drizzle snapshot of the
 * same schema), chained to Sim's by `prevId`.
 */
export function buildSnapshot(simRoot: string, plan: MigrationPlan, ourSnapshotJson: string) {
  const previousPath = join(
    simRoot,
    MIGRATIONS,
    `meta/${String(plan.previous.idx).padStart(4, '0')}_snapshot.json`
  )
  const previousText = existsSync(previousPath) ? readFileSync(previousPath, 'utf8') : ''
  const base = readJson<Snapshot>(
    previousPath,
    `${MIGRATIONS}/meta/ snapshot of ${plan.previous.tag}`
  )
  const ours = JSON.parse(ourSnapshotJson) as Snapshot
  const merged: Snapshot = {
    ...base,
    id: stableId(`${base.id}:${ourSnapshotJson}`),
    prevId: base.id,
    tables: { ...base.tables, ...ours.tables },
    enums: { ...base.enums, ...ours.enums },
  }
  return `${formatJson(merged)}${previousText.endsWith('\n') ? '\n' : ''}`
}

/** Where the bridge's own migrations live in this repository. */
const OUR_MIGRATIONS = 'lib/parlant/db/migrations'

/**
 * The bridge's migrations as the one migration Sim gets: their end state as creates only
 * (`squashed-migration.ts`), and the snapshot of our last migration (the schema the installed
 * `parlant-schema.ts` declares). `read` reads a repository path.
 */
export function ourMigration(read: (path: string) => string): { sql: string; snapshot: string } {
  const journal = JSON.parse(read(`${OUR_MIGRATIONS}/meta/_journal.json`)) as Journal
  const last = [...journal.entries].sort((a, b) => a.idx - b.idx).at(-1)
  if (!last) throw new Error(`${OUR_MIGRATIONS}/meta/_journal.json lists no migration`)
  return {
    sql: read(SQUASHED_MIGRATION),
    snapshot: read(`${OUR_MIGRATIONS}/meta/${String(last.idx).padStart(4, '0')}_snapshot.json`),
  }
}
