import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const root = fileURLToPath(new URL('.', import.meta.url))

/**
 * Sim's specifiers resolve to our shims through tsconfig `paths`; the same table drives vitest so
 * the two can never disagree. Exact entries come first, the `@/*` catch-all last.
 */
function aliasesFromTsconfig() {
  const tsconfig = JSON.parse(readFileSync(`${root}tsconfig.json`, 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> }
  }
  return Object.entries(tsconfig.compilerOptions.paths).map(([specifier, [target]]) => {
    const wildcard = specifier.endsWith('/*')
    const prefix = wildcard ? specifier.slice(0, -2) : specifier
    const replacement =
      `${root}${(target ?? '').replace(/^\.\//, '').replace(/\/?\*$/, '')}`.replace(/\/$/, '')
    const escaped = prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    return wildcard
      ? { find: new RegExp(`^${escaped}/`), replacement: `${replacement}/` }
      : { find: new RegExp(`^${escaped}$`), replacement }
  })
}

export default defineConfig({
  resolve: { alias: aliasesFromTsconfig() },
  test: {
    globals: true,
    environment: 'node',
    include: ['**/*.test.{ts,tsx}'],
    exclude: ['node_modules/**', '.data/**', 'test-artifacts/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './__tests__/support/count-reporter.ts'],
  },
})
