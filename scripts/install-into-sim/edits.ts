/**
 * Text edits the installer makes to Sim's files. Each added line sits between
 * `// parlant-bridge:begin <id>` and `// parlant-bridge:end <id>` so an uninstall can find it even
 * after someone else edited the file. Every edit throws an {@link AnchorError} when the file does
 * not have the shape it expects; the installer checks all of them before it writes anything.
 */

/** Marks every line the installer adds to a Sim file. */
export const MARKER = 'parlant-bridge'

/** A Sim file lacks what an edit looks for. */
export class AnchorError extends Error {
  constructor(readonly lookedFor: string) {
    super(`cannot find ${lookedFor}`)
  }
}

/** `lines` between this edit's begin and end markers, each prefixed by `indent`. */
export function marked(indent: string, id: string, lines: string[]) {
  return [
    `${indent}// ${MARKER}:begin ${id}`,
    ...lines.map((line) => `${indent}${line}`),
    `${indent}// ${MARKER}:end ${id}`,
  ]
}

/** Whether the edit `id` is already in `text`. */
export function hasMarker(text: string, id: string) {
  return text.includes(`${MARKER}:begin ${id}`)
}

/**
 * Removes every marked block the installer added; a line the installer replaced, kept in its block
 * as `// parlant-bridge:was <line>`, comes back.
 */
export function stripMarkers(text: string) {
  const kept: string[] = []
  let skipping = false
  for (const row of text.split('\n')) {
    const was = row.match(new RegExp(`^(\\s*)// ${MARKER}:was (.*)$`))
    if (row.includes(`${MARKER}:begin `)) skipping = true
    else if (row.includes(`${MARKER}:end `)) skipping = false
    else if (skipping && was) kept.push(`${was[1]}${was[2]}`)
    else if (!skipping) kept.push(row)
  }
  return kept.join('\n')
}

const NODE_BUILTINS = new Set([
  'assert',
  'buffer',
  'child_process',
  'crypto',
  'events',
  'fs',
  'fs/promises',
  'http',
  'https',
  'net',
  'os',
  'path',
  'stream',
  'url',
  'util',
  'zlib',
])

/**
 * The import group of `source` under Sim's Biome `organizeImports` groups (`biome.json`):
 * node builtins and react, packages, `@/components/**`, `@/lib/**`, `@/app/**`, other aliases,
 * relative paths.
 */
export function importGroup(source: string) {
  if (source.startsWith('node:') || NODE_BUILTINS.has(source)) return 0
  if (source === 'react' || source.startsWith('react/')) return 0
  if (source.startsWith('.')) return 6
  if (source.startsWith('@/components/')) return 2
  if (source.startsWith('@/lib/')) return 3
  if (source.startsWith('@/app/')) return 4
  if (source.startsWith('@/') || source.startsWith('#') || source.startsWith('~')) return 5
  return 1
}

/** Biome's order of two import sources: by group, then by source text. */
export function compareImports(a: string, b: string) {
  const byGroup = importGroup(a) - importGroup(b)
  if (byGroup !== 0) return byGroup
  return a < b ? -1 : a > b ? 1 : 0
}

interface ImportStatement {
  /** First line of the statement, including comment lines directly above it. */
  start: number
  source: string
}

/** The file's top-level import statements in order (multi-line ones included). */
function topLevelImports(rows: string[]) {
  const found: ImportStatement[] = []
  for (let i = 0; i < rows.length; i++) {
    if (!/^import\s/.test(rows[i] ?? '')) continue
    let end = i
    while (end < rows.length && !/from\s+'[^']+'|^import\s+'[^']+'/.test(rows[end] ?? '')) end++
    const source = (rows[end] ?? '').match(/'([^']+)'/)?.[1] ?? ''
    let start = i
    while (start > 0 && /^\s*(\/\/|\/\*|\*)/.test(rows[start - 1] ?? '')) start--
    found.push({ start, source })
    i = end
  }
  return found
}

/**
 * Inserts an import of `source` where Sim's import sorting puts it (so `biome check` finds the
 * imports still sorted). When it sorts last, the end marker trails the import's last line: a
 * comment on a line of its own there would belong to the next statement, which Biome wants
 * separated from the imports by a blank line.
 */
export function insertImport(id: string, source: string, lines: string[]) {
  return (text: string) => {
    const rows = text.split('\n')
    const imports = topLevelImports(rows)
    if (imports.length === 0) throw new AnchorError('any import statement')
    const next = imports.find((statement) => compareImports(statement.source, source) > 0)
    if (next) {
      rows.splice(next.start, 0, ...marked('', id, lines))
      return rows.join('\n')
    }
    let at = (imports.at(-1) as ImportStatement).start
    while (at < rows.length && !/from\s+'[^']+'|^import\s+'[^']+'/.test(rows[at] ?? '')) at++
    const block = marked('', id, lines)
    const end = block.pop() as string
    block[block.length - 1] = `${block.at(-1)} ${end}`
    rows.splice(at + 1, 0, ...block)
    return rows.join('\n')
  }
}

/**
 * Inserts `entries` into the object literal opened by the line matching `opener`, at its
 * alphabetical place by `key` (Sim keeps registries sorted), or before the closing brace.
 */
export function insertEntry(opener: RegExp, id: string, key: string, entries: string[]) {
  return (text: string) => {
    const rows = text.split('\n')
    const start = rows.findIndex((row) => opener.test(row))
    if (start < 0) throw new AnchorError(String(opener))
    const baseIndent = rows[start]?.match(/^\s*/)?.[0] ?? ''
    let end = start + 1
    while (end < rows.length && !new RegExp(`^${baseIndent}[}\\]]`).test(rows[end] ?? '')) end++
    if (end >= rows.length) throw new AnchorError(`the end of the object opened by ${opener}`)
    const entryIndent = `${baseIndent}  `
    let at = end
    for (let i = start + 1; i < end; i++) {
      const match = rows[i]?.match(new RegExp(`^${entryIndent}['"]?([\\w.-]+)['"]?\\s*:`))
      if (match?.[1] && match[1].localeCompare(key) > 0) {
        at = i
        break
      }
    }
    rows.splice(at, 0, ...marked(entryIndent, id, entries))
    return rows.join('\n')
  }
}

/** Inserts lines right after the line matching `anchor`, indented like the next line. */
export function insertAfter(anchor: RegExp, id: string, lines: string[]) {
  return (text: string) => {
    const rows = text.split('\n')
    const at = rows.findIndex((row) => anchor.test(row))
    if (at < 0) throw new AnchorError(String(anchor))
    const indent = rows[at + 1]?.match(/^\s*/)?.[0] ?? '  '
    rows.splice(at + 1, 0, ...marked(indent, id, lines))
    return rows.join('\n')
  }
}

/**
 * Inserts lines before the line matching `anchor`, indented like it. A comment directly above the
 * anchor stays attached to it, so the block goes above that comment.
 */
export function insertBefore(anchor: RegExp, id: string, lines: string[]) {
  return (text: string) => {
    const rows = text.split('\n')
    let at = rows.findIndex((row) => anchor.test(row))
    if (at < 0) throw new AnchorError(String(anchor))
    const indent = rows[at]?.match(/^\s*/)?.[0] ?? ''
    while (at > 0 && /^\s*(\/\/|\/\*|\*)/.test(rows[at - 1] ?? '')) at--
    rows.splice(at, 0, ...marked(indent, id, lines))
    return rows.join('\n')
  }
}

/**
 * Inserts lines after the whole statement that starts on the line matching `anchor` (brackets
 * balanced, so a multi-line callback is skipped over), indented like that line.
 */
export function insertAfterStatement(anchor: RegExp, id: string, lines: string[]) {
  return (text: string) => {
    const rows = text.split('\n')
    const start = rows.findIndex((row) => anchor.test(row))
    if (start < 0) throw new AnchorError(String(anchor))
    const indent = rows[start]?.match(/^\s*/)?.[0] ?? ''
    let depth = 0
    let end = start
    for (; end < rows.length; end++) {
      for (const char of rows[end] ?? '') {
        if ('({['.includes(char)) depth++
        else if (')}]'.includes(char)) depth--
      }
      if (depth <= 0) break
    }
    if (end >= rows.length) throw new AnchorError(`the end of the statement at ${anchor}`)
    rows.splice(end + 1, 0, ...marked(indent, id, lines))
    return rows.join('\n')
  }
}

/** Appends a marked block at the end of the file. */
export function append(id: string, lines: string[]) {
  return (text: string) => {
    const body = text.endsWith('\n') ? text : `${text}\n`
    return `${body}\n${marked('', id, lines).join('\n')}\n`
  }
}

/**
 * Re-sorts a module's leading import statements by Sim's import order, for a file whose
 * specifiers the installer rewrote (an alias turned relative moves to the end).
 */
export function sortImports(text: string) {
  const rows = text.split('\n')
  const statements: Array<{ source: string; lines: string[] }> = []
  let first = -1
  let i = 0
  while (i < rows.length) {
    if (!/^import\s/.test(rows[i] ?? '')) {
      if (first >= 0 && (rows[i] ?? '').trim() !== '') break
      i++
      continue
    }
    if (first < 0) first = i
    let end = i
    while (end < rows.length && !/from\s+'[^']+'|^import\s+'[^']+'/.test(rows[end] ?? '')) end++
    const lines = rows.slice(i, end + 1)
    statements.push({ source: (rows[end] ?? '').match(/'([^']+)'/)?.[1] ?? '', lines })
    i = end + 1
  }
  if (first < 0) return text
  const count = statements.reduce((sum, statement) => sum + statement.lines.length, 0)
  const sorted = [...statements].sort((a, b) => compareImports(a.source, b.source))
  rows.splice(first, count, ...sorted.flatMap((statement) => statement.lines))
  return rows.join('\n')
}
