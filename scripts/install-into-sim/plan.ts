/**
 * What installing the plugin into a Sim checkout means: which files go where (with the few
 * specifier rewrites Sim's layout needs) and which registries get a marked entry.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { REALTIME_HANDLER, REALTIME_PARLANT_EVENT_ROUTE, SIM_LIB_SCHEMA } from './templates'

/** Marks every line the installer adds to a Sim file, so it can find and remove them. */
export const MARKER = 'parlant-bridge'

export interface CopyOp {
  kind: 'copy'
  /** Path inside the Sim checkout. */
  to: string
  content: string
  /** Where it came from, for the plan printout. */
  from: string
}

export interface EditOp {
  kind: 'edit'
  /** Path inside the Sim checkout. */
  file: string
  /** Unique id of this edit inside the file (the marker names it). */
  id: string
  description: string
  /** Returns the edited text, or throws when the file does not look like Sim's. */
  apply(text: string): string
  /** Whether the edit is already in `text`. */
  present(text: string): boolean
}

export type PlanOp = CopyOp | EditOp

function walk(root: string, dir: string): string[] {
  const full = join(root, dir)
  if (!existsSync(full)) return []
  return readdirSync(full).flatMap((name) => {
    const path = join(dir, name)
    return statSync(join(root, path)).isDirectory() ? walk(root, path) : [path]
  })
}

const isShipped = (path: string) =>
  /\.(ts|tsx)$/.test(path) && !/\.test\.(ts|tsx)$/.test(path) && !path.includes('__tests__')

/** Specifiers imported by a module (static imports and re-exports). */
function importsOf(source: string) {
  return [...source.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'/g)].map((m) => m[1] ?? '')
}

/** The `@/lib/parlant/*` modules reachable from `entry`, as repo paths. */
function libClosure(repoRoot: string, entry: string) {
  const seen = new Set<string>()
  const visit = (path: string) => {
    if (seen.has(path)) return
    seen.add(path)
    for (const specifier of importsOf(readFileSync(join(repoRoot, path), 'utf8'))) {
      if (!specifier.startsWith('@/lib/parlant/')) continue
      const base = specifier.slice(2)
      const found = [`${base}.ts`, `${base}/index.ts`].find((p) => existsSync(join(repoRoot, p)))
      if (found) visit(found)
    }
  }
  visit(entry)
  return [...seen].sort()
}

function marked(indent: string, id: string, lines: string[], comment = '//') {
  return [
    `${indent}${comment} ${MARKER}:begin ${id}`,
    ...lines.map((line) => `${indent}${line}`),
    `${indent}${comment} ${MARKER}:end ${id}`,
  ]
}

function hasMarker(text: string, id: string) {
  return text.includes(`${MARKER}:begin ${id}`)
}

/** Inserts `lines` after the last top-level import statement. */
function insertImport(id: string, lines: string[]) {
  return (text: string) => {
    const rows = text.split('\n')
    let last = -1
    for (let i = 0; i < rows.length; i++) {
      if (!/^import\s/.test(rows[i] ?? '')) continue
      let end = i
      while (end < rows.length && !/from\s+'[^']+'|^import\s+'[^']+'/.test(rows[end] ?? '')) end++
      last = end
      i = end
    }
    rows.splice(last + 1, 0, ...marked('', id, lines))
    return rows.join('\n')
  }
}

/**
 * Inserts `entries` into the object literal opened by the line matching `opener`, at its
 * alphabetical place by `key` (Sim keeps registries sorted), or before the closing brace.
 */
function insertEntry(opener: RegExp, id: string, key: string, entries: string[]) {
  return (text: string) => {
    const rows = text.split('\n')
    const start = rows.findIndex((row) => opener.test(row))
    if (start < 0) throw new Error(`cannot find ${opener} — is this a Sim checkout?`)
    const baseIndent = rows[start]?.match(/^\s*/)?.[0] ?? ''
    let end = start + 1
    while (end < rows.length && !new RegExp(`^${baseIndent}[}\\]]`).test(rows[end] ?? '')) end++
    if (end >= rows.length) throw new Error(`unterminated object after ${opener}`)
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
function insertAfter(anchor: RegExp, id: string, lines: string[]) {
  return (text: string) => {
    const rows = text.split('\n')
    const at = rows.findIndex((row) => anchor.test(row))
    if (at < 0) throw new Error(`cannot find ${anchor} — is this a Sim checkout?`)
    const indent = rows[at + 1]?.match(/^\s*/)?.[0] ?? '  '
    rows.splice(at + 1, 0, ...marked(indent, id, lines))
    return rows.join('\n')
  }
}

/**
 * Inserts lines before the line matching `anchor`, indented like it. A comment directly above the
 * anchor stays attached to it, so the block goes above that comment.
 */
function insertBefore(anchor: RegExp, id: string, lines: string[]) {
  return (text: string) => {
    const rows = text.split('\n')
    let at = rows.findIndex((row) => anchor.test(row))
    if (at < 0) throw new Error(`cannot find ${anchor} — is this a Sim checkout?`)
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
function insertAfterStatement(anchor: RegExp, id: string, lines: string[]) {
  return (text: string) => {
    const rows = text.split('\n')
    const start = rows.findIndex((row) => anchor.test(row))
    if (start < 0) throw new Error(`cannot find ${anchor} — is this a Sim checkout?`)
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
    if (end >= rows.length) throw new Error(`unterminated statement after ${anchor}`)
    rows.splice(end + 1, 0, ...marked(indent, id, lines))
    return rows.join('\n')
  }
}

/** Removes every marked block the installer added. */
export function stripMarkers(text: string) {
  const rows = text.split('\n')
  const kept: string[] = []
  let skipping = false
  for (const row of rows) {
    if (row.includes(`${MARKER}:begin `)) skipping = true
    else if (row.includes(`${MARKER}:end `)) skipping = false
    else if (!skipping) kept.push(row)
  }
  return kept.join('\n')
}

/** Appends a marked block at the end of the file. */
function append(id: string, lines: string[]) {
  return (text: string) => {
    const body = text.endsWith('\n') ? text : `${text}\n`
    return `${body}\n${marked('', id, lines).join('\n')}\n`
  }
}

function edit(
  file: string,
  id: string,
  description: string,
  apply: (text: string) => string
): EditOp {
  return { kind: 'edit', file, id, description, apply, present: (t) => hasMarker(t, id) }
}

/**
 * Sim's room authorization resolves a room id to its workspace; a `parlant-agent` room id is an
 * agent id, so look up the agent's workspace and reuse Sim's workspace check (archived → null).
 */
const PARLANT_AGENT_RESOLVER = [
  "/** A `parlant-agent` room is keyed by agent id: the agent's workspace decides who may join. */",
  'async function resolveParlantAgentWorkspace(',
  '  agentId: string',
  '): ReturnType<typeof resolveWorkspaceRoomWorkspace> {',
  '  const [agent] = await db',
  '    .select({ workspaceId: workspaceAgents.workspaceId })',
  '    .from(workspaceAgents)',
  '    .where(eq(workspaceAgents.id, agentId))',
  '    .limit(1)',
  '  return agent ? resolveWorkspaceRoomWorkspace(agent.workspaceId) : null',
  '}',
]

const MODAL_REGISTRY =
  'apps/sim/app/workspace/[workspaceId]/w/[workflowId]/components/panel/components/editor/components/sub-block/components/modal-registry.ts'

/** Every operation of an install into the Sim checkout at `simRoot`. */
export function buildPlan(repoRoot: string, simRoot: string): PlanOp[] {
  const ops: PlanOp[] = []
  const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8')
  const copy = (from: string, to: string, content = read(from)) =>
    ops.push({ kind: 'copy', from, to, content })
  const copyDir = (
    from: string,
    to: string,
    skip: (path: string) => boolean = () => false,
    transform?: (content: string) => string
  ) => {
    for (const path of walk(repoRoot, from).filter(isShipped).sort()) {
      if (skip(path)) continue
      copy(path, join(to, relative(from, path)), transform?.(read(path)))
    }
  }

  // apps/sim: same layout, same specifiers.
  copy('blocks/blocks/parlant.ts', 'apps/sim/blocks/blocks/parlant.ts')
  copyDir('tools/parlant', 'apps/sim/tools/parlant')
  // Inside Sim the route files take the entry through the Sim adapter, which registers Sim's bridge.
  const throughSimAdapter = (content: string) =>
    content.replace("from '@/lib/parlant/api/route-entry'", "from '@/lib/parlant/sim/route'")
  copyDir('app/api/parlant', 'apps/sim/app/api/parlant', undefined, throughSimAdapter)
  copyDir('app/api/tools/parlant', 'apps/sim/app/api/tools/parlant', undefined, throughSimAdapter)
  copyDir('lib/parlant', 'apps/sim/lib/parlant', (path) => path === 'lib/parlant/db/schema.ts')
  copy('lib/parlant/db/schema.ts', 'apps/sim/lib/parlant/db/schema.ts', SIM_LIB_SCHEMA)
  copyDir('components/parlant', 'apps/sim/components/parlant')
  copyDir('stores/parlant', 'apps/sim/stores/parlant')
  copyDir('hooks/selectors/providers/parlant', 'apps/sim/hooks/selectors/providers/parlant')

  // packages/db: the tables beside Sim's, their value types, and the migration.
  copy(
    'lib/parlant/db/schema.ts',
    'packages/db/parlant-schema.ts',
    read('lib/parlant/db/schema.ts')
      .replace("from '@sim/db/schema'", "from './schema'")
      .replace("from '@/lib/parlant/schemas'", "from './parlant-schemas'")
  )
  copy('lib/parlant/schemas.ts', 'packages/db/parlant-schemas.ts')
  const migrationsDir = join(simRoot, 'packages/db/migrations')
  const taken = existsSync(migrationsDir)
    ? readdirSync(migrationsDir)
        .filter((name) => /^\d{4}_.*\.sql$/.test(name) && !name.includes('parlant_bridge'))
        .map((name) => Number(name.slice(0, 4)))
    : []
  const existingOurs = existsSync(migrationsDir)
    ? readdirSync(migrationsDir).find((name) => /^\d{4}_parlant_bridge\.sql$/.test(name))
    : undefined
  const number = existingOurs ? Number(existingOurs.slice(0, 4)) : Math.max(-1, ...taken) + 1
  const tag = `${String(number).padStart(4, '0')}_parlant_bridge`
  copy('lib/parlant/db/migrations/0000_parlant_bridge.sql', `packages/db/migrations/${tag}.sql`)
  ops.push(
    edit(
      'packages/db/schema.ts',
      'schema',
      're-export the bridge tables',
      append('schema', ["export * from './parlant-schema'"])
    ),
    {
      kind: 'edit',
      file: 'packages/db/migrations/meta/_journal.json',
      id: 'journal',
      description: `add ${tag} to the migration journal`,
      present: (text) => text.includes(`"tag": "${tag}"`),
      apply: (text) => {
        const journal = JSON.parse(text) as { entries: Array<{ idx: number; when: number }> }
        const last = journal.entries.at(-1)
        journal.entries.push({
          idx: (last?.idx ?? -1) + 1,
          version: '7',
          when: Math.max(Date.UTC(2026, 0, 1), (last?.when ?? 0) + 1),
          tag,
          breakpoints: true,
        } as { idx: number; when: number })
        return `${JSON.stringify(journal, null, 2)}${text.endsWith('\n') ? '\n' : ''}`
      },
    }
  )

  // apps/realtime: its `@/` is apps/realtime/src, so the handlers' lib closure goes under src/.
  for (const path of libClosure(repoRoot, 'lib/parlant/realtime/handlers.ts')) {
    copy(path, join('apps/realtime/src', path))
  }
  copy(
    'lib/parlant/realtime/handlers.ts',
    'apps/realtime/src/handlers/parlant.ts',
    REALTIME_HANDLER
  )
  // The Sim app's bridge publishes through the socket server's internal HTTP API.
  copy(
    'lib/parlant/sim/host.ts',
    'apps/realtime/src/routes/parlant-event.ts',
    REALTIME_PARLANT_EVENT_ROUTE
  )

  // Registrations.
  const registryMaps = 'apps/sim/blocks/registry-maps.ts'
  ops.push(
    edit(
      registryMaps,
      'import',
      'import the block',
      insertImport('import', [
        "import { ParlantBlock, ParlantBlockMeta } from '@/blocks/blocks/parlant'",
      ])
    ),
    edit(
      registryMaps,
      'block',
      'add parlant to BLOCK_REGISTRY',
      insertEntry(/^export const BLOCK_REGISTRY\b.*\{\s*$/, 'block', 'parlant', [
        'parlant: ParlantBlock,',
      ])
    ),
    edit(
      registryMaps,
      'meta',
      'add parlant to BLOCK_META_REGISTRY',
      insertEntry(/^export const BLOCK_META_REGISTRY\b.*\{\s*$/, 'meta', 'parlant', [
        'parlant: ParlantBlockMeta,',
      ])
    )
  )
  const toolIds: Array<[string, string]> = [
    ['parlant_chat', 'parlantChatTool'],
    ['parlant_get_status', 'parlantGetStatusTool'],
    ['parlant_list_agents', 'parlantListAgentsTool'],
    ['parlant_start_agent', 'parlantStartAgentTool'],
    ['parlant_stop_agent', 'parlantStopAgentTool'],
  ]
  ops.push(
    edit(
      'apps/sim/tools/registry.ts',
      'import',
      'import the tools',
      insertImport('import', [
        'import {',
        ...toolIds.map(([, name]) => `  ${name},`),
        "} from '@/tools/parlant'",
      ])
    ),
    edit(
      'apps/sim/tools/registry.ts',
      'tools',
      'add the five tools to the registry',
      insertEntry(
        /^export const tools\b.*\{\s*$/,
        'tools',
        'parlant_chat',
        toolIds.map(([id, name]) => `${id}: ${name},`)
      )
    ),
    edit(
      MODAL_REGISTRY,
      'import',
      'import the config modal',
      insertImport('import', [
        "import { ParlantConfigModal } from '@/components/parlant/parlant-config-modal'",
      ])
    ),
    edit(
      MODAL_REGISTRY,
      'modal',
      "register the 'parlant-config' modal",
      insertEntry(/MODAL_REGISTRY\b.*\{\s*$/, 'modal', 'parlant-config', [
        "'parlant-config': ParlantConfigModal,",
      ])
    ),
    edit(
      'apps/sim/hooks/selectors/registry.ts',
      'import',
      'import the agents selector',
      insertImport('import', [
        "import { parlantSelectors } from '@/hooks/selectors/providers/parlant/selectors'",
      ])
    ),
    edit(
      'apps/sim/hooks/selectors/registry.ts',
      'selectors',
      'register parlant.agents',
      insertEntry(/^const registry\b.*\{\s*$/, 'selectors', 'parlant.agents', [
        '...parlantSelectors,',
      ])
    ),
    edit(
      'apps/sim/hooks/selectors/types.ts',
      'key',
      "add 'parlant.agents' to SelectorKey",
      insertAfter(/^export type SelectorKey\s*=\s*$/, 'key', ["| 'parlant.agents'"])
    ),
    edit('apps/sim/components/icons.tsx', 'icon', 'append ParlantIcon', (text) => {
      const ours = read('components/icons.tsx')
      const icon = ours.slice(ours.lastIndexOf('/**', ours.indexOf('export function ParlantIcon')))
      return append('icon', icon.trimEnd().split('\n'))(text)
    }),
    // The bridge lives on its own namespace (the one the browser and POST /api/parlant-event
    // use), so it is set up beside Sim's default-namespace connection handler.
    edit(
      'apps/realtime/src/index.ts',
      'import',
      'import the Parlant namespace setup',
      insertImport('import', ["import { setupParlantNamespace } from '@/handlers/parlant'"])
    ),
    edit(
      'apps/realtime/src/index.ts',
      'namespace',
      "serve the Parlant namespace with Sim's socket auth",
      insertAfterStatement(/^\s*io\.on\(\s*'connection'/, 'namespace', [
        'setupParlantNamespace(io, roomManager)',
      ])
    ),
    {
      // Earlier installs registered the handlers in setupAllHandlers (the default namespace).
      kind: 'edit',
      file: 'apps/realtime/src/handlers/index.ts',
      id: 'legacy',
      description: 'remove the old default-namespace registration',
      present: (text) => !text.includes(`${MARKER}:begin `),
      apply: stripMarkers,
    },
    edit(
      'apps/realtime/src/routes/http.ts',
      'import',
      'import the Parlant event route',
      insertImport('import', ["import { handleParlantEvent } from '@/routes/parlant-event'"])
    ),
    edit(
      'apps/realtime/src/routes/http.ts',
      'route',
      'serve POST /api/parlant-event',
      insertBefore(/^\s*res\.writeHead\(404\b/, 'route', [
        "if (req.method === 'POST' && req.url === '/api/parlant-event') {",
        '  await handleParlantEvent(req, res, roomManager.io, logger)',
        '  return',
        '}',
      ])
    ),
    edit(
      'packages/realtime-protocol/src/rooms.ts',
      'room',
      "add the 'parlant-agent' room type",
      insertEntry(/^export const ROOM_TYPES\b.*\{\s*$/, 'room', 'PARLANT_AGENT', [
        "PARLANT_AGENT: 'parlant-agent',",
      ])
    ),
    // ROOM_MEMBERSHIP_ACTIONS is a Record<RoomType, …>: without this entry Sim does not typecheck.
    edit(
      'packages/platform-authz/src/room-policy.ts',
      'membership',
      "let 'parlant-agent' members join with read permission",
      insertEntry(
        /^(?:export\s+)?const ROOM_MEMBERSHIP_ACTIONS\b.*\{\s*$/,
        'membership',
        'PARLANT_AGENT',
        ["[ROOM_TYPES.PARLANT_AGENT]: 'read',"]
      )
    ),
    edit(
      'packages/platform-authz/src/rooms.ts',
      'import',
      'import the agents table',
      insertImport('import', ["import { workspaceAgents } from '@sim/db'"])
    ),
    edit(
      'packages/platform-authz/src/rooms.ts',
      'resolve-agent',
      "resolve a 'parlant-agent' room to its agent's workspace",
      insertBefore(
        /^(?:export\s+)?const ROOM_WORKSPACE_RESOLVERS\b/,
        'resolve-agent',
        PARLANT_AGENT_RESOLVER
      )
    ),
    edit(
      'packages/platform-authz/src/rooms.ts',
      'resolver',
      "add 'parlant-agent' to ROOM_WORKSPACE_RESOLVERS",
      insertEntry(
        /^(?:export\s+)?const ROOM_WORKSPACE_RESOLVERS\b.*\{\s*$/,
        'resolver',
        'PARLANT_AGENT',
        ['[ROOM_TYPES.PARLANT_AGENT]: resolveParlantAgentWorkspace,']
      )
    )
  )
  return ops
}
