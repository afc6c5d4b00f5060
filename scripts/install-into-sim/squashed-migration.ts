/**
 * The bridge's tables as the one migration a Sim database gets: what drizzle-kit generates from
 * `lib/parlant/db/schema.ts` into an empty folder, so creates only. Our own incremental
 * migrations drop indexes (0001, 0002) and backfill a column (0001); Sim's `check:migrations`
 * (`scripts/check-migrations-safety.ts` in simstudioai/sim) refuses a `DROP INDEX` that is not
 * concurrent and flags an `UPDATE`, while a fresh Sim database needs only the end state.
 *
 * `npm run sim:migration` rewrites `SQUASHED_MIGRATION`; a test fails when it differs from a fresh
 * generation, and another that it builds the same tables as our migrations do.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The file, relative to the repository's root. */
export const SQUASHED_MIGRATION = 'scripts/install-into-sim/parlant-bridge.sql'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** drizzle-kit's migration of `lib/parlant/db/schema.ts` from nothing; throws if it fails. */
export function generateSquashedMigration(): string {
  const out = mkdtempSync(join(tmpdir(), 'parlant-squash-'))
  try {
    const run = spawnSync(
      join(ROOT, 'node_modules/.bin/drizzle-kit'),
      [
        'generate',
        '--dialect=postgresql',
        '--schema=./lib/parlant/db/schema.ts',
        `--out=${out}`,
        '--name=parlant_bridge',
      ],
      { cwd: ROOT, encoding: 'utf8' }
    )
    const files = readdirSync(out).filter((name) => name.endsWith('.sql'))
    if (run.status !== 0 || files.length !== 1) {
      throw new Error(`drizzle-kit generate failed: ${run.stderr || run.stdout}`)
    }
    return readFileSync(join(out, files[0] as string), 'utf8')
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(join(ROOT, SQUASHED_MIGRATION), generateSquashedMigration())
  console.log(`wrote ${SQUASHED_MIGRATION}`)
}
