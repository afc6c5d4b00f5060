/**
 * The README's curl examples, run as written against a started host (embedded default, fresh data
 * folder, port 0): the block between the `readme-examples` markers becomes a bash script in which
 * every call followed by a `# → NNN` line records its status; the test checks each one, so the
 * README cannot drift from what the routes answer.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningHost, startHost } from '@/host/server'

const run = promisify(execFile)

interface Example {
  command: string
  status: number
}

/** The examples block: lines to run as they are, and calls with the status they must answer. */
function readmeExamples(readme: string) {
  const block = readme.match(
    /<!-- readme-examples:begin -->\s*```bash\n([\s\S]*?)```\s*<!-- readme-examples:end -->/
  )?.[1]
  if (!block) throw new Error('README.md has no readme-examples block')
  const lines = block.split('\n')
  const script: string[] = []
  const examples: Example[] = []
  lines.forEach((line, index) => {
    if (/^# → \d{3}$/.test(line)) return
    const expected = lines[index + 1]?.match(/^# → (\d{3})$/)
    if (!expected?.[1]) {
      script.push(line)
      return
    }
    if (!line.startsWith('curl ')) throw new Error(`only curl calls carry a status: ${line}`)
    const n = examples.length
    examples.push({ command: line, status: Number(expected[1]) })
    script.push(`${line} -o "$OUT/${n}.body" -w '%{http_code}\\n' >> "$OUT/statuses"`)
  })
  return { script: script.join('\n'), examples }
}

let host: RunningHost
let cwd: string

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'bridge-readme-'))
  host = await startHost({
    env: {
      ...process.env,
      PARLANT_BRIDGE_DATA_DIR: join(cwd, '.data'),
      DATABASE_URL: '',
      REDIS_URL: '',
      PARLANT_SERVER_URL: '',
      HOST: '127.0.0.1',
      PORT: '0',
    },
  })
}, 60_000)

afterAll(async () => {
  await host?.close()
})

describe("the README's curl examples", () => {
  it('cover every route of the bridge', () => {
    const { examples } = readmeExamples(readFileSync('README.md', 'utf8'))
    const routes = examples.map((e) =>
      e.command.match(/"\$BRIDGE(\/[^"?]*)/)?.[1]?.replace(/\$\w+/g, ':x')
    )
    for (const route of [
      '/health',
      '/api/parlant/agents',
      '/api/parlant/workspaces/:x/agents',
      '/api/parlant/agents/:x',
      '/api/parlant/agents/:x/start',
      '/api/parlant/agents/:x/stop',
      '/api/parlant/agents/:x/status',
      '/api/parlant/agents/:x/chat',
      '/api/parlant/agents/:x/conversations',
      '/api/parlant/agents/:x/conversations/readme/messages',
      '/api/parlant/agents/:x/conversations/readme',
      '/api/parlant/auth/token',
      '/api/parlant/auth/verify',
      '/api/parlant/auth/tokens',
      '/api/parlant/auth/token/:x',
      '/api/tools/parlant/list',
      '/api/tools/parlant/status',
      '/api/tools/parlant/start',
      '/api/tools/parlant/stop',
      '/api/tools/parlant/chat',
      '/api/tools/parlant/conversation',
      '/api/auth/socket-token',
    ])
      expect(routes).toContain(route)
  })

  it('answer the statuses the README shows', { timeout: 120_000 }, async () => {
    const { script, examples } = readmeExamples(readFileSync('README.md', 'utf8'))
    const out = mkdtempSync(join(tmpdir(), 'bridge-readme-out-'))
    writeFileSync(join(out, 'statuses'), '')
    await run('bash', ['-c', script], {
      cwd,
      env: { ...process.env, BRIDGE: host.url, OUT: out },
      timeout: 100_000,
    })
    const statuses = readFileSync(join(out, 'statuses'), 'utf8').trim().split('\n').map(Number)
    const report = examples.map((example, n) => ({
      command: example.command.slice(0, 120),
      expected: example.status,
      got: statuses[n],
      body:
        statuses[n] === example.status ? undefined : readFileSync(join(out, `${n}.body`), 'utf8'),
    }))
    expect(report.filter((r) => r.got !== r.expected)).toEqual([])
    expect(statuses).toHaveLength(examples.length)
  })
})
