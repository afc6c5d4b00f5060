/**
 * The installer on a small tree shaped like Sim's registries (fixtures/sim, files stored with a
 * `.txt` suffix so this repo's tooling leaves them alone): install twice changes it once,
 * `--dry-run` changes nothing, `--uninstall` restores it byte for byte.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { install, MANIFEST_PATH, uninstall } from '@/scripts/install-into-sim/install'

const FIXTURE = new URL('./fixtures/sim', import.meta.url).pathname
const REPO = new URL('../..', import.meta.url).pathname
const roots: string[] = []

function listFiles(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name)
    return statSync(join(root, path)).isDirectory()
      ? [`${path}/`, ...listFiles(root, path)]
      : [path]
  })
}

/** Every path (directories too) and file byte of a tree. */
function snapshot(root: string) {
  return Object.fromEntries(
    listFiles(root)
      .sort()
      .map((path) => [path, path.endsWith('/') ? null : readFileSync(join(root, path), 'base64')])
  )
}

function simCopy() {
  const root = mkdtempSync(join(tmpdir(), 'sim-fixture-'))
  roots.push(root)
  cpSync(FIXTURE, root, { recursive: true })
  for (const path of listFiles(root).filter((p) => p.endsWith('.txt'))) {
    renameSync(join(root, path), join(root, path.slice(0, -'.txt'.length)))
  }
  return root
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

const read = (root: string, path: string) => readFileSync(join(root, path), 'utf8')

describe('install into a Sim checkout', () => {
  it('copies the plugin, registers it, and a second run changes nothing', () => {
    const root = simCopy()
    const first = install(root, { repoRoot: REPO, generate: false })
    expect(first.changes.length).toBeGreaterThan(10)
    const afterFirst = snapshot(root)

    // Files at Sim's places, with Sim's specifiers.
    expect(read(root, 'apps/sim/blocks/blocks/parlant.ts')).toBe(
      readFileSync(join(REPO, 'blocks/blocks/parlant.ts'), 'utf8')
    )
    for (const file of [
      'chat',
      'start_agent',
      'stop_agent',
      'get_status',
      'get_conversation',
      'list_agents',
      'index',
      'types',
    ])
      expect(listFiles(root)).toContain(`apps/sim/tools/parlant/${file}.ts`)
    expect(listFiles(root)).toContain('apps/sim/hooks/selectors/providers/parlant/selectors.ts')
    expect(listFiles(root)).toContain('apps/sim/lib/parlant/schemas.ts')
    expect(read(root, 'apps/sim/lib/parlant/db/schema.ts')).toContain(
      "export * from '@sim/db/schema'"
    )
    // Unit tests travel beside their modules; the host's suites (__tests__) stay here.
    const shippedTests = listFiles(root).filter((p) => /\.test\.tsx?$/.test(p))
    for (const test of shippedTests) {
      expect(listFiles(root)).toContain(test.replace(/\.test(\.tsx?)$/, '$1'))
    }
    expect(listFiles(root).some((p) => p.includes('__tests__'))).toBe(false)
    // The socket server's modules go to apps/realtime only; the app gets what it reaches.
    expect(listFiles(root)).not.toContain('apps/sim/lib/parlant/realtime/server.ts')
    expect(listFiles(root)).not.toContain('apps/sim/lib/parlant/db/migrate.ts')
    const dbSchema = read(root, 'packages/db/parlant-schema.ts')
    expect(dbSchema).toContain("from './schema'")
    // Sim's check:boundaries: the '@/' alias is apps/sim's alone; a package imports none of it.
    const inPackages = listFiles(root).filter(
      (p) => p.startsWith('packages/') && /parlant.*\.tsx?$/.test(p)
    )
    expect(inPackages.length).toBeGreaterThanOrEqual(2)
    for (const file of inPackages) expect(read(root, file), file).not.toMatch(/from '@\//)
    expect(listFiles(root)).toContain('apps/realtime/src/handlers/parlant.ts')
    expect(listFiles(root)).toContain('apps/realtime/src/lib/parlant/realtime/handlers.ts')

    // The migration is the next-numbered file and joins the journal: the end state of the bridge's
    // migrations as creates only (Sim's check:migrations refuses a DROP INDEX, flags an UPDATE).
    const installedSql = readFileSync(
      join(root, 'packages/db/migrations/0002_parlant_bridge.sql'),
      'utf8'
    )
    expect(installedSql).toBe(
      readFileSync(join(REPO, 'scripts/install-into-sim/parlant-bridge.sql'), 'utf8')
    )
    expect(installedSql).toContain('"caller_key" text NOT NULL')
    expect(installedSql).not.toMatch(/\bDROP\b|^UPDATE\b/m)
    const journal = JSON.parse(read(root, 'packages/db/migrations/meta/_journal.json')) as {
      entries: Array<{ idx: number; tag: string }>
    }
    expect(journal.entries.at(-1)).toMatchObject({
      idx: 2,
      tag: '0002_parlant_bridge',
      when: 1700000000002,
    })
    // Its drizzle snapshot: Sim's latest plus the bridge's tables, chained to Sim's by prevId.
    const previous = JSON.parse(read(root, 'packages/db/migrations/meta/0001_snapshot.json'))
    const snapshotText = read(root, 'packages/db/migrations/meta/0002_snapshot.json')
    // The bridge's latest snapshot: the end state of its migrations.
    const ours = JSON.parse(
      readFileSync(join(REPO, 'lib/parlant/db/migrations/meta/0004_snapshot.json'), 'utf8')
    )
    expect(JSON.stringify(ours.tables['public.agent_conversations'])).toContain('caller_key')
    const merged = JSON.parse(snapshotText)
    expect(merged.prevId).toBe(previous.id)
    expect(merged.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(Object.keys(merged.tables).sort()).toEqual(
      [...Object.keys(previous.tables), ...Object.keys(ours.tables)].sort()
    )
    expect(merged.enums).toEqual({ ...previous.enums, ...ours.enums })
    expect(merged.tables['public.workspace_agents']).toEqual(ours.tables['public.workspace_agents'])

    // Sim's route audit: the baseline rises by exactly the bridge's routes, nonZod stays 0.
    const routeFiles = listFiles(root).filter((p) => /^apps\/sim\/app\/api\/.*route\.ts$/.test(p))
    const audit = read(root, 'scripts/check-api-validation-contracts.ts')
    expect(audit).toContain(`totalRoutes: ${40 + routeFiles.length},`)
    expect(audit).toContain(`zodRoutes: ${40 + routeFiles.length},`)
    expect(audit).toContain('nonZodRoutes: 0,')

    // Registrations, alphabetical where Sim keeps order.
    const maps = read(root, 'apps/sim/blocks/registry-maps.ts')
    expect(maps).toContain(
      "import { ParlantBlock, ParlantBlockMeta } from '@/blocks/blocks/parlant'"
    )
    expect(maps.indexOf('parlant: ParlantBlock,')).toBeGreaterThan(
      maps.indexOf('alpha: AlphaBlock')
    )
    expect(maps.indexOf('parlant: ParlantBlock,')).toBeLessThan(maps.indexOf('zulu: ZuluBlock'))
    expect(maps).toMatch(/BLOCK_META_REGISTRY[\s\S]*parlant: ParlantBlockMeta,/)
    const tools = read(root, 'apps/sim/tools/registry.ts')
    for (const id of [
      'parlant_chat',
      'parlant_get_conversation',
      'parlant_get_status',
      'parlant_list_agents',
      'parlant_start_agent',
      'parlant_stop_agent',
    ])
      expect(tools).toMatch(new RegExp(`\\n  ${id}: parlant\\w+Tool,`))
    // Imports at their sorted place, as Sim's Biome organizeImports wants them.
    expect(tools.indexOf("} from '@/tools/parlant'")).toBeGreaterThan(
      tools.indexOf("from '@/tools/alpha'")
    )
    expect(tools.indexOf("} from '@/tools/parlant'")).toBeLessThan(
      tools.indexOf("from '@/tools/types'")
    )
    expect(tools.indexOf('parlant_chat:')).toBeLessThan(tools.indexOf('zulu_read:'))
    const modal = listFiles(root).find((p) => p.endsWith('modal-registry.ts'))!
    expect(read(root, modal)).toContain("'parlant-config': ParlantConfigModal,")
    const selectors = read(root, 'apps/sim/hooks/selectors/registry.ts')
    expect(selectors).toContain(
      '...parlantSelectors,\n  // parlant-bridge:end selectors\n} satisfies'
    )
    expect(selectors.indexOf('providers/parlant/selectors')).toBeGreaterThan(
      selectors.indexOf('providers/alpha/selectors')
    )
    expect(selectors.indexOf('providers/parlant/selectors')).toBeLessThan(
      selectors.indexOf('providers/zulu/selectors')
    )
    expect(read(root, 'apps/sim/hooks/selectors/types.ts')).toMatch(
      /SelectorKey =\n[\s\S]*\| 'parlant.agents'/
    )
    const icons = read(root, 'apps/sim/components/icons.tsx')
    expect(icons).toContain('export function ParlantIcon(props: SVGProps<SVGSVGElement>)')
    expect(icons.match(/^import type \{ SVGProps \}/gm)).toHaveLength(1)
    // The bridge's namespace, beside (not inside) Sim's default-namespace connection handler.
    const realtimeIndex = read(root, 'apps/realtime/src/index.ts')
    expect(realtimeIndex).toMatch(
      /^import \{ setupParlantNamespace \} from '@\/handlers\/parlant'$/m
    )
    expect(realtimeIndex).toContain(
      '    setupAllHandlers(socket, roomManager)\n  })\n  // parlant-bridge:begin namespace\n  setupParlantNamespace(io, roomManager)\n  // parlant-bridge:end namespace\n'
    )
    expect(read(root, 'apps/realtime/src/handlers/index.ts')).not.toContain('Parlant')
    const handler = read(root, 'apps/realtime/src/handlers/parlant.ts')
    expect(handler).toContain("import { authorizeRoom } from '@sim/platform-authz/rooms'")
    expect(handler).toContain("action: 'read',")
    expect(handler).toContain('return result.allowed && result.workspaceId === workspaceId')
    expect(handler).not.toContain("'join',")
    expect(handler).toContain('namespace.use(authenticateSocket)')
    expect(read(root, 'packages/realtime-protocol/src/rooms.ts')).toContain(
      "PARLANT_AGENT: 'parlant-agent',"
    )
    // The room policy Sim type-checks: a membership action and a workspace resolver.
    expect(read(root, 'packages/platform-authz/src/room-policy.ts')).toMatch(
      /ROOM_MEMBERSHIP_ACTIONS = \{\n[\s\S]* {2}\[ROOM_TYPES\.PARLANT_AGENT\]: 'read',\n[\s\S]*\} as const satisfies/
    )
    const authzRooms = read(root, 'packages/platform-authz/src/rooms.ts')
    expect(authzRooms).toMatch(/^import \{ workspaceAgents \} from '@sim\/db\/schema'$/m)
    expect(authzRooms).toContain('  [ROOM_TYPES.PARLANT_AGENT]: resolveParlantAgentWorkspace,')
    const resolver = authzRooms.indexOf('async function resolveParlantAgentWorkspace(')
    expect(resolver).toBeGreaterThan(
      authzRooms.indexOf('async function resolveWorkspaceRoomWorkspace')
    )
    // Above the map and its doc comment, which stays attached to the map.
    expect(resolver).toBeLessThan(
      authzRooms.indexOf('/** Room types whose id leads to a workspace. */')
    )
    expect(authzRooms).toContain(
      '/** Room types whose id leads to a workspace. */\nconst ROOM_WORKSPACE_RESOLVERS'
    )
    expect(authzRooms).toContain('.where(eq(workspaceAgents.id, agentId))')
    expect(authzRooms).toContain('resolveWorkspaceRoomWorkspace(agent.workspaceId) : null')
    expect(read(root, 'packages/db/schema.ts')).toContain("export * from './parlant-schema'")

    const second = install(root, { repoRoot: REPO, generate: false })
    expect(second.changes).toEqual([])
    expect(snapshot(root)).toEqual(afterFirst)
  })

  it('--dry-run prints the plan and changes nothing', () => {
    const root = simCopy()
    const before = snapshot(root)
    const lines: string[] = []
    const planned = install(root, {
      repoRoot: REPO,
      dryRun: true,
      generate: false,
      log: (l) => lines.push(l),
    })
    expect(planned.changes.length).toBeGreaterThan(10)
    expect(lines.every((line) => line.startsWith('[dry-run] '))).toBe(true)
    expect(lines.some((line) => line.includes('apps/sim/blocks/blocks/parlant.ts'))).toBe(true)
    for (const file of [
      'packages/platform-authz/src/room-policy.ts',
      'packages/platform-authz/src/rooms.ts',
      'apps/realtime/src/index.ts',
    ])
      expect(lines.some((line) => line.startsWith(`[dry-run] edit ${file}: `))).toBe(true)
    expect(lines.some((line) => line.includes('apps/realtime/src/handlers/index.ts'))).toBe(false)
    expect(snapshot(root)).toEqual(before)
  })

  it('--uninstall restores the tree byte for byte, and is safe to repeat', () => {
    const root = simCopy()
    const before = snapshot(root)
    install(root, { repoRoot: REPO, generate: false })
    expect(listFiles(root)).toContain(MANIFEST_PATH)
    for (const file of [
      'packages/platform-authz/src/room-policy.ts',
      'packages/platform-authz/src/rooms.ts',
    ])
      expect(read(root, file)).toContain('PARLANT_AGENT')
    expect(read(root, 'apps/realtime/src/index.ts')).toContain('setupParlantNamespace')
    uninstall(root)
    expect(snapshot(root)).toEqual(before)
    expect(uninstall(root).changes).toEqual([])
    // Install → edit elsewhere in a registry → uninstall removes only our lines.
    install(root, { repoRoot: REPO, generate: false })
    const maps = join(root, 'apps/sim/blocks/registry-maps.ts')
    const edited = readFileSync(maps, 'utf8').replace(
      'zulu: ZuluBlock,',
      'zulu: ZuluBlock,\n  yankee: YankeeBlock,'
    )
    writeFileSync(maps, edited)
    const authz = join(root, 'packages/platform-authz/src/rooms.ts')
    writeFileSync(authz, `${readFileSync(authz, 'utf8')}// edited after install\n`)
    uninstall(root)
    expect(readFileSync(authz, 'utf8')).toBe(
      `${Buffer.from(before['packages/platform-authz/src/rooms.ts'] as string, 'base64').toString('utf8')}// edited after install\n`
    )
    expect(readFileSync(maps, 'utf8')).toBe(
      Buffer.from(before['apps/sim/blocks/registry-maps.ts'] as string, 'base64')
        .toString('utf8')
        .replace('zulu: ZuluBlock,', 'zulu: ZuluBlock,\n  yankee: YankeeBlock,')
    )
  })

  it('moves an earlier default-namespace registration to the Parlant namespace', () => {
    const root = simCopy()
    const before = snapshot(root)
    const handlers = join(root, 'apps/realtime/src/handlers/index.ts')
    const pristine = readFileSync(handlers, 'utf8')
    // What earlier versions added to setupAllHandlers.
    writeFileSync(
      handlers,
      pristine
        .replace(
          "import type { IRoomManager } from '@/rooms'\n",
          "import type { IRoomManager } from '@/rooms'\n// parlant-bridge:begin import\nimport { setupParlantHandlers } from '@/handlers/parlant'\n// parlant-bridge:end import\n"
        )
        .replace(
          ') {\n',
          ') {\n  // parlant-bridge:begin setup\n  setupParlantHandlers(socket, roomManager)\n  // parlant-bridge:end setup\n'
        )
    )
    const { changes } = install(root, { repoRoot: REPO, generate: false })
    expect(changes).toContain(
      'edit apps/realtime/src/handlers/index.ts: remove the old default-namespace registration'
    )
    expect(readFileSync(handlers, 'utf8')).toBe(pristine)
    expect(read(root, 'apps/realtime/src/index.ts')).toContain(
      'setupParlantNamespace(io, roomManager)'
    )
    expect(install(root, { repoRoot: REPO, generate: false }).changes).toEqual([])
    uninstall(root)
    // Back to the tree as it was before this install (the earlier registration included).
    expect(readFileSync(handlers, 'utf8')).toContain('setupParlantHandlers(socket, roomManager)')
    writeFileSync(handlers, pristine)
    expect(snapshot(root)).toEqual(before)
  })

  it('refuses a tree that is not a Sim checkout, and never overwrites foreign files', () => {
    const empty = mkdtempSync(join(tmpdir(), 'not-sim-'))
    roots.push(empty)
    expect(() => install(empty, { repoRoot: REPO })).toThrow(/does not look like a Sim checkout/)
    const root = simCopy()
    cpSync(join(root, 'packages/db/schema.ts'), join(root, 'apps/sim/blocks/blocks-parlant-tmp'))
    const target = join(root, 'apps/sim/blocks/blocks')
    mkdirSync(target, { recursive: true })
    writeFileSync(join(target, 'parlant.ts'), 'someone else')
    expect(() => install(root, { repoRoot: REPO, generate: false })).toThrow(
      /not installed by this tool/
    )
  })

  it('runs as `npm run sim:install -- <checkout> --dry-run`', () => {
    const root = simCopy()
    const before = snapshot(root)
    const out = execFileSync(
      'npx',
      ['tsx', join(REPO, 'scripts/install-into-sim/main.ts'), root, '--dry-run'],
      {
        encoding: 'utf8',
      }
    )
    expect(out).toContain('[dry-run] create apps/sim/blocks/blocks/parlant.ts')
    expect(snapshot(root)).toEqual(before)
    expect(relative(root, root)).toBe('')
  })

  it('checks every anchor before writing: a missing one names the file and changes nothing', () => {
    const root = simCopy()
    const selectors = join(root, 'apps/sim/hooks/selectors/registry.ts')
    writeFileSync(
      selectors,
      readFileSync(selectors, 'utf8').replace('export const selectorRegistry =', 'const other =')
    )
    const before = snapshot(root)
    expect(() => install(root, { repoRoot: REPO, generate: false })).toThrow(
      /^apps\/sim\/hooks\/selectors\/registry\.ts: cannot find .*selectorRegistry/
    )
    expect(snapshot(root)).toEqual(before)
  })

  it("keeps Sim's imports sorted as its Biome organizeImports groups want", () => {
    const root = simCopy()
    install(root, { repoRoot: REPO, generate: false })
    writeFileSync(
      join(root, 'biome.json'),
      JSON.stringify({
        formatter: { enabled: true, indentStyle: 'space', indentWidth: 2, lineWidth: 100 },
        linter: { enabled: false },
        assist: {
          actions: {
            source: {
              organizeImports: {
                level: 'on',
                options: {
                  groups: [
                    [':NODE:', 'react', 'react/**'],
                    ':PACKAGE:',
                    '@/components/**',
                    '@/lib/**',
                    '@/app/**',
                    ':ALIAS:',
                  ],
                },
              },
            },
          },
        },
      })
    )
    const edited = [
      'apps/sim/blocks/registry-maps.ts',
      'apps/sim/tools/registry.ts',
      'apps/sim/hooks/selectors/registry.ts',
      'apps/realtime/src/index.ts',
      'apps/realtime/src/routes/http.ts',
      'packages/platform-authz/src/rooms.ts',
      'packages/db/parlant-schema.ts',
      listFiles(root).find((p) => p.endsWith('modal-registry.ts')) as string,
    ]
    const biome = join(REPO, 'node_modules/.bin/biome')
    const result = spawnSync(
      biome,
      ['check', '--formatter-enabled=false', '--linter-enabled=false', ...edited],
      { cwd: root, encoding: 'utf8' }
    )
    expect(result.stdout + result.stderr).toMatch(/Checked 8 files/)
    expect(result.stdout + result.stderr).not.toContain('organizeImports')
    expect(result.status).toBe(0)
    // The drizzle snapshot as Sim's formatter prints it (Sim lints packages/db/migrations/meta).
    const format = spawnSync(biome, ['format', 'packages/db/migrations/meta/0002_snapshot.json'], {
      cwd: root,
      encoding: 'utf8',
    })
    expect(format.stdout + format.stderr).toMatch(/Checked 1 file/)
    expect(format.status).toBe(0)
  })

  it("records what Sim's generators wrote, and --uninstall undoes it", () => {
    const root = simCopy()
    const before = snapshot(root)
    const ran: string[] = []
    const result = install(root, {
      repoRoot: REPO,
      runStep: (simRoot, step) => {
        ran.push(step.args.join(' '))
        if (step.args.includes('tool-metadata:generate')) {
          writeFileSync(
            join(simRoot, 'apps/sim/tools/generated/tool-metadata.ts'),
            'export const toolMetadata = { parlant_chat: {} }\n'
          )
        }
        if (step.args.includes('scripts/generate-docs.ts')) {
          const docs = join(simRoot, 'apps/docs/content/docs/en/integrations')
          mkdirSync(docs, { recursive: true })
          writeFileSync(join(docs, 'parlant.mdx'), '# Parlant\n')
        }
      },
    })
    expect(result.pendingSteps).toEqual([])
    // react-markdown (the chat's Markdown) is not in Sim's app yet: declared, then locked.
    expect(ran).toEqual([
      'install --ignore-scripts',
      'run tool-metadata:generate',
      'run scripts/generate-docs.ts',
      'run docs-manifest:generate',
    ])
    expect(read(root, 'apps/docs/content/docs/en/integrations/parlant.mdx')).toBe('# Parlant\n')
    uninstall(root)
    const after = snapshot(root)
    // Folders the generator made stay only if Sim had them; every file is back as it was.
    expect(Object.entries(after).filter(([, bytes]) => bytes !== null)).toEqual(
      Object.entries(before).filter(([, bytes]) => bytes !== null)
    )
  })

  it("declares a package the installed files import that Sim's workspace lacks", () => {
    const root = simCopy()
    const pkg = join(root, 'apps/sim/package.json')
    const json = JSON.parse(readFileSync(pkg, 'utf8'))
    delete json.dependencies.zustand
    writeFileSync(pkg, `${JSON.stringify(json, null, 2)}\n`)
    const before = readFileSync(pkg, 'utf8')
    const result = install(root, { repoRoot: REPO, generate: false })
    expect(result.changes).toContain('edit apps/sim/package.json: declare react-markdown, zustand')
    expect(result.pendingSteps[0]?.args).toEqual(['install', '--ignore-scripts'])
    const ours = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'))
    expect(JSON.parse(readFileSync(pkg, 'utf8')).dependencies.zustand).toBe(
      ours.dependencies.zustand
    )
    uninstall(root)
    expect(readFileSync(pkg, 'utf8')).toBe(before)
  })
})
