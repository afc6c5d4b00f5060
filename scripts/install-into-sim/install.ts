/**
 * Applies or reverses the install plan on a Sim checkout. Every change is computed and every
 * anchor checked before the first byte is written, so a checkout that lacks one is left exactly
 * as it was. A manifest in the checkout records what was created, the bytes of every file before
 * it was edited and what Sim's generators wrote, so a second install changes nothing and
 * `--uninstall` restores the tree byte for byte.
 */
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { AnchorError, stripMarkers } from './edits'
import {
  bunAvailable,
  diffSnapshots,
  type GenerationStep,
  generationSteps,
  runStep,
  snapshotGenerated,
} from './generate'
import { buildPlan, type PlanOp } from './plan'

/** Where the manifest lives inside the Sim checkout. */
export const MANIFEST_PATH = '.parlant-bridge/install-manifest.json'
/** Bytes of generated files before the install's generation steps rewrote them. */
const ORIGINALS_DIR = '.parlant-bridge/originals'

interface Manifest {
  version: 2
  /** Files the installer created, with the hash of what it wrote. */
  created: Array<{ path: string; sha256: string }>
  /** Directories the installer created, deepest last. */
  createdDirs: string[]
  /** Files the installer edited: their bytes before the first edit and the hash after the last. */
  edited: Array<{ path: string; original: string; sha256: string }>
  /** Files Sim's generators changed (originals under ORIGINALS_DIR) or created. */
  generated: { changed: string[]; created: string[] }
}

export interface InstallOptions {
  dryRun?: boolean
  /** Skip Sim's generation steps (they are printed instead). */
  generate?: boolean
  /** Runs one generation step (default: `bun` in the checkout; tests pass their own). */
  runStep?: (simRoot: string, step: GenerationStep) => void
  /** Repository to install from (defaults to this one). */
  repoRoot?: string
  log?: (line: string) => void
}

export interface InstallResult {
  /** What was (or, on a dry run, would be) changed, one line per file. */
  changes: string[]
  /** Generation steps left for the operator (when not run). */
  pendingSteps: GenerationStep[]
}

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex')

function emptyManifest(): Manifest {
  return {
    version: 2,
    created: [],
    createdDirs: [],
    edited: [],
    generated: { changed: [], created: [] },
  }
}

function readManifest(simRoot: string): Manifest {
  const path = join(simRoot, MANIFEST_PATH)
  if (!existsSync(path)) return emptyManifest()
  return {
    ...emptyManifest(),
    ...(JSON.parse(readFileSync(path, 'utf8')) as Partial<Manifest>),
    version: 2,
  }
}

function writeManifest(simRoot: string, manifest: Manifest) {
  mkdirSync(join(simRoot, dirname(MANIFEST_PATH)), { recursive: true })
  writeFileSync(join(simRoot, MANIFEST_PATH), `${JSON.stringify(manifest, null, 2)}\n`)
}

function defaultRepoRoot() {
  return resolve(dirname(new URL(import.meta.url).pathname), '../..')
}

function assertSimCheckout(simRoot: string) {
  if (!existsSync(join(simRoot, 'apps/sim')) || !existsSync(join(simRoot, 'packages/db'))) {
    throw new Error(`${simRoot} does not look like a Sim checkout (no apps/sim or packages/db)`)
  }
}

/** The directories missing above `dir`, outermost first. */
function missingDirs(simRoot: string, dir: string) {
  const missing: string[] = []
  for (let current = dir; current && current !== '.'; current = dirname(current)) {
    if (existsSync(join(simRoot, current))) break
    missing.unshift(current)
  }
  return missing
}

interface FileChange {
  path: string
  /** Bytes before the install touched it; null for a file the installer creates. */
  before: string | null
  after: string
  lines: string[]
}

/**
 * Every file the plan changes, computed in memory. Throws, naming the Sim file and what was
 * looked for, when the checkout does not have the shape the plan expects.
 */
function computeChanges(root: string, plan: PlanOp[], manifest: Manifest) {
  const changes = new Map<string, FileChange>()
  for (const op of plan) {
    if (op.kind === 'copy') {
      const target = join(root, op.to)
      const existing = existsSync(target) ? readFileSync(target, 'utf8') : null
      if (existing === op.content) continue
      if (existing !== null && !manifest.created.some((entry) => entry.path === op.to)) {
        throw new Error(`${op.to} exists and was not installed by this tool; not overwriting`)
      }
      const verb = existing === null ? 'create' : 'update'
      changes.set(op.to, {
        path: op.to,
        before: existing,
        after: op.content,
        lines: [`${verb} ${op.to}  (from ${op.from})`],
      })
      continue
    }
    const pending = changes.get(op.file)
    let text = pending?.after ?? null
    if (text === null) {
      if (!existsSync(join(root, op.file))) {
        throw new Error(`${op.file} is missing — is this a Sim checkout of a supported version?`)
      }
      text = readFileSync(join(root, op.file), 'utf8')
    }
    if (op.present(text)) continue
    let after: string
    try {
      after = op.apply(text)
    } catch (error) {
      if (!(error instanceof AnchorError)) throw error
      throw new Error(`${op.file}: ${error.message} (${op.description}) — is this a Sim checkout?`)
    }
    const change = pending ?? { path: op.file, before: text, after, lines: [] }
    change.after = after
    change.lines.push(`edit ${op.file}: ${op.description}`)
    changes.set(op.file, change)
  }
  return [...changes.values()]
}

/** Records the changes in the manifest (before writing them, so a crash can still be undone). */
function recordChanges(root: string, manifest: Manifest, changes: FileChange[]) {
  for (const change of changes) {
    const created = manifest.created.some((entry) => entry.path === change.path)
    if (change.before === null || created) {
      for (const dir of missingDirs(root, dirname(change.path))) {
        if (!manifest.createdDirs.includes(dir)) manifest.createdDirs.push(dir)
      }
      manifest.created = manifest.created.filter((entry) => entry.path !== change.path)
      manifest.created.push({ path: change.path, sha256: sha256(change.after) })
      continue
    }
    const edited = manifest.edited.find((entry) => entry.path === change.path)
    if (edited) edited.sha256 = sha256(change.after)
    else
      manifest.edited.push({
        path: change.path,
        original: change.before,
        sha256: sha256(change.after),
      })
  }
}

/** Runs Sim's generation steps and records what they wrote. */
function runGeneration(
  root: string,
  manifest: Manifest,
  steps: GenerationStep[],
  options: InstallOptions
) {
  const run = options.runStep ?? runStep
  const log = options.log ?? (() => {})
  const before = snapshotGenerated(root)
  try {
    for (const step of steps) {
      log(`generate: bun ${step.args.join(' ')}  (${step.why})`)
      run(root, step)
    }
  } finally {
    const { changed, created } = diffSnapshots(before, snapshotGenerated(root))
    for (const path of changed) {
      if (manifest.generated.changed.includes(path) || manifest.generated.created.includes(path))
        continue
      const original = join(root, ORIGINALS_DIR, path)
      mkdirSync(dirname(original), { recursive: true })
      writeFileSync(original, before.get(path) as Buffer)
      manifest.generated.changed.push(path)
    }
    for (const path of created) {
      if (!manifest.generated.created.includes(path)) manifest.generated.created.push(path)
    }
    writeManifest(root, manifest)
  }
}

/** Installs the plugin into the Sim checkout at `simRoot` (idempotent). */
export function install(simRoot: string, options: InstallOptions = {}): InstallResult {
  const root = resolve(simRoot)
  assertSimCheckout(root)
  const log = options.log ?? (() => {})
  const dryRun = options.dryRun ?? false
  const manifest = readManifest(root)
  const plan = buildPlan(options.repoRoot ?? defaultRepoRoot(), root)
  const changes = computeChanges(root, plan, manifest)
  const lines = changes.flatMap((change) => change.lines)
  for (const line of lines) log(`${dryRun ? '[dry-run] ' : ''}${line}`)
  const dependenciesChanged = changes.some((change) => change.path.endsWith('package.json'))
  const steps = generationSteps(dependenciesChanged)
  if (dryRun) return { changes: lines, pendingSteps: steps }
  if (changes.length === 0) {
    log('Already installed; nothing to change.')
    return { changes: [], pendingSteps: [] }
  }

  recordChanges(root, manifest, changes)
  writeManifest(root, manifest)
  for (const change of changes) {
    mkdirSync(join(root, dirname(change.path)), { recursive: true })
    writeFileSync(join(root, change.path), change.after)
  }
  const canGenerate = options.runStep !== undefined || bunAvailable()
  if (options.generate === false || !canGenerate) return { changes: lines, pendingSteps: steps }
  runGeneration(root, manifest, steps, options)
  return { changes: lines, pendingSteps: [] }
}

/** Puts back what Sim's generators changed and removes what they created. */
function restoreGenerated(root: string, manifest: Manifest, dryRun: boolean, changes: string[]) {
  for (const path of manifest.generated.changed) {
    const original = join(root, ORIGINALS_DIR, path)
    if (!existsSync(original)) continue
    changes.push(`restore ${path} (generated)`)
    if (!dryRun) writeFileSync(join(root, path), readFileSync(original))
  }
  for (const path of manifest.generated.created) {
    if (!existsSync(join(root, path))) continue
    changes.push(`remove ${path} (generated)`)
    if (!dryRun) rmSync(join(root, path))
  }
}

/** Reverses an install: restores edited and generated files, removes created files and folders. */
export function uninstall(simRoot: string, options: InstallOptions = {}): InstallResult {
  const root = resolve(simRoot)
  const log = options.log ?? (() => {})
  const dryRun = options.dryRun ?? false
  if (!existsSync(join(root, MANIFEST_PATH))) {
    log('Not installed; nothing to remove.')
    return { changes: [], pendingSteps: [] }
  }
  const manifest = readManifest(root)
  const changes: string[] = []
  for (const entry of manifest.edited) {
    const path = join(root, entry.path)
    if (!existsSync(path)) continue
    const text = readFileSync(path, 'utf8')
    // Unchanged since install: restore the exact original bytes. Changed: remove only our lines.
    const restored = sha256(text) === entry.sha256 ? entry.original : stripMarkers(text)
    if (restored === text) continue
    changes.push(`restore ${entry.path}`)
    if (!dryRun) writeFileSync(path, restored)
  }
  for (const entry of manifest.created) {
    const path = join(root, entry.path)
    if (!existsSync(path)) continue
    if (sha256(readFileSync(path, 'utf8')) !== entry.sha256) {
      log(`keeping ${entry.path}: it changed after install`)
      continue
    }
    changes.push(`remove ${entry.path}`)
    if (!dryRun) rmSync(path)
  }
  restoreGenerated(root, manifest, dryRun, changes)
  if (!dryRun) rmSync(join(root, dirname(MANIFEST_PATH)), { recursive: true, force: true })
  for (const dir of [...manifest.createdDirs].sort((a, b) => b.length - a.length)) {
    const path = join(root, dir)
    if (!dryRun && existsSync(path) && readdirSync(path).length === 0) rmdirSync(path)
  }
  for (const line of changes) log(`${dryRun ? '[dry-run] ' : ''}${line}`)
  return { changes, pendingSteps: [] }
}
