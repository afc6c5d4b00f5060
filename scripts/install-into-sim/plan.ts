/**
 * What installing the plugin into a Sim checkout means: which files go where (with the few
 * specifier rewrites Sim's layout needs) and which registries get a marked entry.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { addDependencies, importsOf, missingDependencies } from './dependencies'
import {
  AnchorError,
  append,
  hasMarker,
  insertAfter,
  insertAfterStatement,
  insertBefore,
  insertEntry,
  insertImport,
  MARKER,
  marked,
  sortImports,
  stripMarkers,
} from './edits'
import { addJournalEntry, buildSnapshot, ourMigration, planMigration } from './migration'
import { REALTIME_HANDLER, REALTIME_PARLANT_EVENT_ROUTE, SIM_LIB_SCHEMA } from './templates'

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

/** Modules and the unit tests beside them travel; `__tests__/` (host, databases, browsers) stays. */
const isShipped = (path: string) => /\.(ts|tsx)$/.test(path) && !path.includes('__tests__')

const isTest = (path: string) => /\.test\.tsx?$/.test(path)

/** The `@/lib/parlant/*` modules reachable from `entries` (sources read by `read`), as repo paths. */
function libClosure(repoRoot: string, entries: string[], read: (path: string) => string) {
  const seen = new Set<string>()
  const visit = (path: string) => {
    if (seen.has(path)) return
    seen.add(path)
    for (const specifier of importsOf(read(path))) {
      if (!specifier.startsWith('@/lib/parlant/')) continue
      const base = specifier.slice(2)
      const found = [`${base}.ts`, `${base}/index.ts`].find((p) => existsSync(join(repoRoot, p)))
      if (found) visit(found)
    }
  }
  for (const entry of entries) visit(entry)
  return [...seen].filter((path) => path.startsWith('lib/parlant/')).sort()
}

/** The unit test beside `path` (`x.ts` → `x.test.ts`), if there is one. */
function testBeside(repoRoot: string, path: string) {
  const test = path.replace(/\.tsx?$/, (ext) => `.test${ext}`)
  return existsSync(join(repoRoot, test)) ? test : null
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

/** Sim's API-contract audit, whose route baseline every integration that adds routes raises. */
const API_VALIDATION_AUDIT = 'scripts/check-api-validation-contracts.ts'

/**
 * Raises `BASELINE.totalRoutes` and `BASELINE.zodRoutes` by the bridge's routes, as every Sim
 * integration that adds routes does (`nonZodRoutes` and the boundary baselines stay as they are).
 * The old lines stay in the marked block as `was` comments, so an uninstall can put them back.
 */
function raiseRouteBaseline(routes: number) {
  return (text: string) => {
    let result = text
    for (const key of ['totalRoutes', 'zodRoutes']) {
      const pattern = new RegExp(`^(\\s*)${key}: (\\d+),$`, 'm')
      const match = result.match(pattern)
      if (!match) throw new AnchorError(`\`${key}: <number>,\` in BASELINE`)
      const [line, indent = '', count = '0'] = match
      const raised = marked(indent, `baseline-${key}`, [
        `// ${MARKER}:was ${line.trimStart()}`,
        `${key}: ${Number(count) + routes},`,
      ])
      result = result.replace(line, raised.join('\n'))
    }
    return result
  }
}

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
  if (existsSync(join(repoRoot, 'lib/api/contracts'))) {
    copyDir('lib/api/contracts', 'apps/sim/lib/api/contracts')
  }
  // Inside Sim the route files take the entry through the Sim adapter, which registers Sim's bridge.
  const throughSimAdapter = (content: string) =>
    content.replace("from '@/lib/parlant/api/route-entry'", "from '@/lib/parlant/sim/route'")
  copyDir('app/api/parlant', 'apps/sim/app/api/parlant', undefined, throughSimAdapter)
  copyDir('app/api/tools/parlant', 'apps/sim/app/api/tools/parlant', undefined, throughSimAdapter)
  copyDir('components/parlant', 'apps/sim/components/parlant')
  copyDir('stores/parlant', 'apps/sim/stores/parlant')
  copyDir('hooks/selectors/providers/parlant', 'apps/sim/hooks/selectors/providers/parlant')
  // lib/parlant: what the app's files reach (the socket server's modules go to apps/realtime).
  const appEntries = ops.flatMap((op) => (op.kind === 'copy' ? [op.from] : []))
  const readForSim = (path: string) =>
    path.startsWith('app/') ? throughSimAdapter(read(path)) : read(path)
  for (const path of libClosure(repoRoot, appEntries, readForSim)) {
    if (path === 'lib/parlant/db/schema.ts') {
      copy(path, 'apps/sim/lib/parlant/db/schema.ts', SIM_LIB_SCHEMA)
      continue
    }
    copy(path, `apps/sim/${path}`)
    const test = testBeside(repoRoot, path)
    if (test) copy(test, `apps/sim/${test}`)
  }

  // packages/db: the tables beside Sim's, their value types, and the migration with its snapshot.
  copy(
    'lib/parlant/db/schema.ts',
    'packages/db/parlant-schema.ts',
    sortImports(
      read('lib/parlant/db/schema.ts')
        .replace("from '@sim/db/schema'", "from './schema'")
        .replace("from '@/lib/parlant/schemas'", "from './parlant-schemas'")
    )
  )
  copy('lib/parlant/schemas.ts', 'packages/db/parlant-schemas.ts')
  // One migration in Sim for all of the bridge's: the schema file above is their end state.
  const migration = planMigration(simRoot)
  const ours = ourMigration(read)
  copy('lib/parlant/db/migrations', migration.sqlPath, ours.sql)
  copy(
    'lib/parlant/db/migrations/meta',
    migration.snapshotPath,
    buildSnapshot(simRoot, migration, ours.snapshot)
  )
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
      description: `add ${migration.tag} to the migration journal`,
      present: (text) => text.includes(`"tag": "${migration.tag}"`),
      apply: addJournalEntry(migration),
    }
  )

  // apps/realtime: its `@/` is apps/realtime/src, so the handlers' lib closure goes under src/.
  const realtimeEntries = ['lib/parlant/realtime/handlers.ts', 'lib/parlant/realtime/limits.ts']
  for (const path of libClosure(repoRoot, realtimeEntries, read)) {
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

  ops.push(...registrations(read))

  const routes = ops.filter(
    (op) => op.kind === 'copy' && /^apps\/sim\/app\/api\/.*\/route\.ts$/.test(op.to)
  ).length
  ops.push(
    edit(
      API_VALIDATION_AUDIT,
      'baseline-totalRoutes',
      `raise the route baseline by the bridge's ${routes} contract-validated routes`,
      raiseRouteBaseline(routes)
    )
  )

  // Packages the installed files import that their Sim workspace does not declare.
  const copies = ops.filter((op): op is CopyOp => op.kind === 'copy' && !isTest(op.to))
  const readPackageJson = (workspace: string) => {
    const path = join(simRoot, workspace, 'package.json')
    return existsSync(path) ? readFileSync(path, 'utf8') : null
  }
  const missing = missingDependencies(copies, readPackageJson, JSON.parse(read('package.json')))
  for (const [workspace, packages] of missing) {
    ops.push({
      kind: 'edit',
      file: `${workspace}/package.json`,
      id: 'dependencies',
      description: `declare ${[...packages.keys()].join(', ')}`,
      present: (text) => {
        const declared = (JSON.parse(text) as { dependencies?: Record<string, string> })
          .dependencies
        return [...packages.keys()].every((name) => declared?.[name] !== undefined)
      },
      apply: addDependencies(packages),
    })
  }
  return ops
}

/** The marked edits that register the plugin in Sim's registries, rooms and servers. */
function registrations(read: (path: string) => string): EditOp[] {
  const registryMaps = 'apps/sim/blocks/registry-maps.ts'
  const toolIds: Array<[string, string]> = [
    ['parlant_chat', 'parlantChatTool'],
    ['parlant_get_conversation', 'parlantGetConversationTool'],
    ['parlant_get_status', 'parlantGetStatusTool'],
    ['parlant_list_agents', 'parlantListAgentsTool'],
    ['parlant_start_agent', 'parlantStartAgentTool'],
    ['parlant_stop_agent', 'parlantStopAgentTool'],
  ]
  return [
    edit(
      registryMaps,
      'import',
      'import the block',
      insertImport('import', '@/blocks/blocks/parlant', [
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
    ),
    edit(
      'apps/sim/tools/registry.ts',
      'import',
      'import the tools',
      insertImport('import', '@/tools/parlant', [
        'import {',
        ...toolIds.map(([, name]) => `  ${name},`),
        "} from '@/tools/parlant'",
      ])
    ),
    edit(
      'apps/sim/tools/registry.ts',
      'tools',
      'add the six tools to the registry',
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
      insertImport('import', '@/components/parlant/parlant-config-modal', [
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
      insertImport('import', '@/hooks/selectors/providers/parlant/selectors', [
        "import { parlantSelectors } from '@/hooks/selectors/providers/parlant/selectors'",
      ])
    ),
    edit(
      'apps/sim/hooks/selectors/registry.ts',
      'selectors',
      'register parlant.agents',
      insertEntry(/^export const selectorRegistry\b.*\{\s*$/, 'selectors', 'parlant.agents', [
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
      insertImport('import', '@/handlers/parlant', [
        "import { setupParlantNamespace } from '@/handlers/parlant'",
      ])
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
      insertImport('import', '@/routes/parlant-event', [
        "import { handleParlantEvent } from '@/routes/parlant-event'",
      ])
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
      "add the 'parlant-agent' and 'parlant-workspace' room types",
      insertEntry(/^export const ROOM_TYPES\b.*\{\s*$/, 'room', 'PARLANT_AGENT', [
        "PARLANT_AGENT: 'parlant-agent',",
        "PARLANT_WORKSPACE: 'parlant-workspace',",
      ])
    ),
    // ROOM_MEMBERSHIP_ACTIONS is a Record<RoomType, …>: without this entry Sim does not typecheck.
    edit(
      'packages/platform-authz/src/room-policy.ts',
      'membership',
      "let 'parlant-agent' and 'parlant-workspace' members join with read permission",
      insertEntry(
        /^(?:export\s+)?const ROOM_MEMBERSHIP_ACTIONS\b.*\{\s*$/,
        'membership',
        'PARLANT_AGENT',
        ["[ROOM_TYPES.PARLANT_AGENT]: 'read',", "[ROOM_TYPES.PARLANT_WORKSPACE]: 'read',"]
      )
    ),
    edit(
      'packages/platform-authz/src/rooms.ts',
      'import',
      'import the agents table',
      insertImport('import', '@sim/db/schema', ["import { workspaceAgents } from '@sim/db/schema'"])
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
      "add 'parlant-agent' and 'parlant-workspace' to ROOM_WORKSPACE_RESOLVERS",
      insertEntry(
        /^(?:export\s+)?const ROOM_WORKSPACE_RESOLVERS\b.*\{\s*$/,
        'resolver',
        'PARLANT_AGENT',
        [
          '[ROOM_TYPES.PARLANT_AGENT]: resolveParlantAgentWorkspace,',
          // A workspace room is keyed by the workspace id itself.
          '[ROOM_TYPES.PARLANT_WORKSPACE]: resolveWorkspaceRoomWorkspace,',
        ]
      )
    ),
  ]
}
