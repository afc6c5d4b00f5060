/**
 * The npm packages the installed files import, checked against the `package.json` of the Sim
 * workspace each file lands in: a package Sim's workspace does not declare is added to its
 * `dependencies` (with this repository's version range), so a pruned production image has it.
 */
import { builtinModules } from 'node:module'
import { AnchorError } from './edits'

/** The workspace (folder with a `package.json`) a Sim path belongs to. */
export function workspaceOf(simPath: string) {
  const match = simPath.match(/^(apps|packages)\/[^/]+/)
  return match?.[0] ?? '.'
}

/** The package name of a bare import specifier, or null for builtins, aliases and paths. */
export function packageOf(specifier: string) {
  if (specifier.startsWith('.') || specifier.startsWith('@/') || specifier.startsWith('node:'))
    return null
  const name = specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : (specifier.split('/')[0] ?? '')
  return builtinModules.includes(name) ? null : name
}

/** Specifiers imported by a module (static imports, re-exports and dynamic imports). */
export function importsOf(source: string) {
  const found = [
    ...source.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'/g),
    ...source.matchAll(/^import\s+'([^']+)'/gm),
    ...source.matchAll(/import\(\s*'([^']+)'\s*\)/g),
  ]
  return found.map((match) => match[1] ?? '')
}

interface PackageJson {
  name?: string
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

/**
 * The packages each workspace is missing: `files` are the installed files (Sim path → content),
 * `readPackageJson` reads a workspace's `package.json` text, `ours` is this repository's
 * `package.json`. Sim's own workspace packages (`@sim/*`) are declared by Sim, never added.
 */
export function missingDependencies(
  files: Array<{ to: string; content: string }>,
  readPackageJson: (workspace: string) => string | null,
  ours: PackageJson
) {
  const versions = { ...ours.devDependencies, ...ours.dependencies }
  const missing = new Map<string, Map<string, string>>()
  for (const file of files) {
    if (/\.test\.tsx?$/.test(file.to)) continue
    const workspace = workspaceOf(file.to)
    const text = readPackageJson(workspace)
    if (text === null) throw new AnchorError(`${workspace}/package.json`)
    const declared = JSON.parse(text) as PackageJson
    const has = {
      ...declared.dependencies,
      ...declared.devDependencies,
      ...declared.peerDependencies,
    }
    for (const name of importsOf(file.content).map(packageOf)) {
      if (!name || name.startsWith('@sim/') || name === declared.name || name in has) continue
      const version = versions[name]
      if (!version)
        throw new Error(`${file.to} imports ${name}, which this repository does not declare`)
      if (!missing.has(workspace)) missing.set(workspace, new Map())
      missing.get(workspace)?.set(name, version)
    }
  }
  return missing
}

/** `package.json` text with `packages` added to `dependencies`, keys kept sorted. */
export function addDependencies(packages: Map<string, string>) {
  return (text: string) => {
    const json = JSON.parse(text) as PackageJson
    const dependencies = { ...json.dependencies, ...Object.fromEntries(packages) }
    json.dependencies = Object.fromEntries(
      Object.entries(dependencies).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    )
    return `${JSON.stringify(json, null, 2)}${text.endsWith('\n') ? '\n' : ''}`
  }
}
