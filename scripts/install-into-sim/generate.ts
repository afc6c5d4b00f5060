/**
 * Sim's generation steps that its CI checks compare against (`tool-metadata:check`, `docs:check`,
 * `integration-catalog:check`, `docs-manifest:check`; see Sim's `.github/workflows/test-build.yml`
 * and root `package.json`), run after the plugin's files are in place. Whatever they write is
 * recorded so `--uninstall` can put every generated file back.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** One generation step: a command run with `bun` at the root of the Sim checkout. */
export interface GenerationStep {
  why: string
  args: string[]
}

/**
 * In order: the lockfile for any dependency the installer declared, tool metadata (read by the
 * docs generator), the docs pages, icons and integration catalogs, then the docs manifest (which
 * lists the pages).
 */
export function generationSteps(dependenciesChanged: boolean): GenerationStep[] {
  return [
    ...(dependenciesChanged
      ? [
          {
            why: 'lock the dependencies the plugin declared',
            args: ['install', '--ignore-scripts'],
          },
        ]
      : []),
    { why: 'tool metadata (tool-metadata:check)', args: ['run', 'tool-metadata:generate'] },
    {
      why: 'docs page, docs icon, integration catalogs (docs:check, integration-catalog:check)',
      args: ['run', 'scripts/generate-docs.ts'],
    },
    { why: 'docs manifest (docs-manifest:check)', args: ['run', 'docs-manifest:generate'] },
  ]
}

/** The folders and files Sim's generators and `bun install` write. */
const GENERATED_ROOTS = [
  'bun.lock',
  'apps/docs/content',
  'apps/docs/components',
  'apps/sim/tools/generated',
  'apps/sim/lib/integrations',
  'apps/sim/lib/copilot/generated',
  'apps/sim/app/(landing)/integrations/data',
  'packages/deployment-config/src',
]

/** Every file under the generated roots: path → bytes. */
export function snapshotGenerated(simRoot: string) {
  const files = new Map<string, Buffer>()
  const visit = (path: string) => {
    const full = join(simRoot, path)
    if (!existsSync(full)) return
    if (statSync(full).isDirectory()) {
      for (const name of readdirSync(full)) visit(`${path}/${name}`)
    } else {
      files.set(path, readFileSync(full))
    }
  }
  for (const root of GENERATED_ROOTS) visit(root)
  return files
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

/** What changed between two snapshots: files whose bytes differ and files that are new. */
export function diffSnapshots(before: Map<string, Buffer>, after: Map<string, Buffer>) {
  const changed: string[] = []
  const created: string[] = []
  for (const [path, bytes] of after) {
    const old = before.get(path)
    if (!old) created.push(path)
    else if (sha256(old) !== sha256(bytes)) changed.push(path)
  }
  return { changed, created }
}

/** Runs one step with `bun` in the Sim checkout; throws with its output when it fails. */
export function runStep(simRoot: string, step: GenerationStep) {
  const result = spawnSync('bun', step.args, { cwd: simRoot, encoding: 'utf8' })
  if (result.error) throw new Error(`bun ${step.args.join(' ')}: ${result.error.message}`)
  if (result.status !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-20).join('\n')
    throw new Error(`bun ${step.args.join(' ')} failed (exit ${result.status}):\n${output}`)
  }
}

/** Whether `bun` can be run here (the generators are Bun scripts). */
export function bunAvailable() {
  const result = spawnSync('bun', ['--version'], { encoding: 'utf8' })
  return !result.error && result.status === 0
}
