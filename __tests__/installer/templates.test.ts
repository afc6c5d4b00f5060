/**
 * The files the installer writes from templates are formatted as Sim's Biome formats them (our
 * `biome.json` is Sim's style: 2 spaces, width 100, single quotes, no semicolons): Sim's
 * `lint:check` fails on a template line that Biome would join or break.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as templates from '../../scripts/install-into-sim/templates'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIOME = join(ROOT, 'node_modules/.bin/biome')

function biomeFormatted(source: string): string {
  const run = spawnSync(
    BIOME,
    ['format', '--stdin-file-path=scripts/install-into-sim/template.ts'],
    {
      cwd: ROOT,
      input: source,
      encoding: 'utf8',
    }
  )
  if (run.status !== 0) throw new Error(`biome format failed: ${run.stderr}`)
  return run.stdout
}

describe('installer templates', () => {
  it.each(Object.entries(templates))('%s is formatted as Biome formats it', (_name, source) => {
    expect(typeof source).toBe('string')
    expect(biomeFormatted(source as string)).toBe(source)
  })
})
