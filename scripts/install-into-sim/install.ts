/**
 * Applies or reverses the install plan on a Sim checkout. A manifest in the checkout records
 * what was created and the exact bytes of every file before it was edited, so a second install
 * changes nothing and `--uninstall` restores the tree byte for byte.
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
import { buildPlan, type PlanOp, stripMarkers } from './plan'

/** Where the manifest lives inside the Sim checkout. */
export const MANIFEST_PATH = '.parlant-bridge/install-manifest.json'

interface Manifest {
  version: 1
  /** Files the installer created, with the hash of what it wrote. */
  created: Array<{ path: string; sha256: string }>
  /** Directories the installer created, deepest last. */
  createdDirs: string[]
  /** Files the installer edited: their bytes before the first edit and the hash after the last. */
  edited: Array<{ path: string; original: string; sha256: string }>
}

export interface InstallOptions {
  dryRun?: boolean
  /** Repository to install from (defaults to this one). */
  repoRoot?: string
  log?: (line: string) => void
}

export interface InstallResult {
  /** What was (or, on a dry run, would be) changed, one line per file. */
  changes: string[]
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

function readManifest(simRoot: string): Manifest {
  const path = join(simRoot, MANIFEST_PATH)
  if (!existsSync(path)) return { version: 1, created: [], createdDirs: [], edited: [] }
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest
}

function defaultRepoRoot() {
  return resolve(dirname(new URL(import.meta.url).pathname), '../..')
}

function assertSimCheckout(simRoot: string) {
  if (!existsSync(join(simRoot, 'apps/sim')) || !existsSync(join(simRoot, 'packages/db'))) {
    throw new Error(`${simRoot} does not look like a Sim checkout (no apps/sim or packages/db)`)
  }
}

/** Creates `dir` and its missing parents, recording each one created. */
function ensureDir(simRoot: string, dir: string, manifest: Manifest, dryRun: boolean) {
  const missing: string[] = []
  let current = dir
  while (current && current !== '.' && !existsSync(join(simRoot, current))) {
    missing.unshift(current)
    current = dirname(current)
  }
  for (const path of missing) {
    if (!dryRun) mkdirSync(join(simRoot, path))
    if (!manifest.createdDirs.includes(path)) manifest.createdDirs.push(path)
  }
}

/** Installs the plugin into the Sim checkout at `simRoot` (idempotent). */
export function install(simRoot: string, options: InstallOptions = {}): InstallResult {
  const root = resolve(simRoot)
  assertSimCheckout(root)
  const log = options.log ?? (() => {})
  const dryRun = options.dryRun ?? false
  const manifest = readManifest(root)
  const plan: PlanOp[] = buildPlan(options.repoRoot ?? defaultRepoRoot(), root)
  const changes: string[] = []
  const pending = new Map<string, string>()
  const current = (file: string) => pending.get(file) ?? readFileSync(join(root, file), 'utf8')

  for (const op of plan) {
    if (op.kind === 'copy') {
      const target = join(root, op.to)
      const ours = manifest.created.some((entry) => entry.path === op.to)
      if (existsSync(target)) {
        const existing = readFileSync(target, 'utf8')
        if (existing === op.content) continue
        if (!ours)
          throw new Error(`${op.to} exists and was not installed by this tool; not overwriting`)
      }
      changes.push(`${existsSync(target) ? 'update' : 'create'} ${op.to}  (from ${op.from})`)
      ensureDir(root, dirname(op.to), manifest, dryRun)
      if (!dryRun) writeFileSync(target, op.content)
      manifest.created = manifest.created.filter((entry) => entry.path !== op.to)
      manifest.created.push({ path: op.to, sha256: sha256(op.content) })
      continue
    }
    if (!existsSync(join(root, op.file))) {
      throw new Error(`${op.file} is missing — is this a Sim checkout of a supported version?`)
    }
    const text = current(op.file)
    if (op.present(text)) continue
    if (!manifest.edited.some((entry) => entry.path === op.file)) {
      manifest.edited.push({ path: op.file, original: text, sha256: '' })
    }
    pending.set(op.file, op.apply(text))
    changes.push(`edit ${op.file}: ${op.description}`)
  }

  for (const [file, text] of pending) {
    if (!dryRun) writeFileSync(join(root, file), text)
    const entry = manifest.edited.find((candidate) => candidate.path === file)
    if (entry) entry.sha256 = sha256(text)
  }
  if (changes.length > 0 && !dryRun) {
    ensureDir(root, dirname(MANIFEST_PATH), manifest, false)
    writeFileSync(join(root, MANIFEST_PATH), `${JSON.stringify(manifest, null, 2)}\n`)
  }
  for (const line of changes) log(`${dryRun ? '[dry-run] ' : ''}${line}`)
  if (changes.length === 0) log('Already installed; nothing to change.')
  return { changes }
}

/** Reverses an install: restores edited files and removes created files and directories. */
export function uninstall(simRoot: string, options: InstallOptions = {}): InstallResult {
  const root = resolve(simRoot)
  const log = options.log ?? (() => {})
  const dryRun = options.dryRun ?? false
  const manifestFile = join(root, MANIFEST_PATH)
  if (!existsSync(manifestFile)) {
    log('Not installed; nothing to remove.')
    return { changes: [] }
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
  if (!dryRun) rmSync(manifestFile)
  for (const dir of [...manifest.createdDirs].sort((a, b) => b.length - a.length)) {
    const path = join(root, dir)
    if (!dryRun && existsSync(path) && readdirSync(path).length === 0) rmdirSync(path)
  }
  for (const line of changes) log(`${dryRun ? '[dry-run] ' : ''}${line}`)
  return { changes }
}
