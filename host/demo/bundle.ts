/**
 * Builds the demo page's browser bundle with esbuild and its stylesheet with Tailwind, once per
 * process, in memory. The `@/` alias and Sim's specifiers (`@sim/emcn`, `next/navigation`, the
 * sub-block hooks and stores) resolve through tsconfig `paths` (esbuild reads them), so the
 * components are bundled from the same sources Sim imports, over our shims of Sim's modules.
 */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { buildDemoStyles } from '@/host/demo/tailwind'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const ENTRY = fileURLToPath(new URL('./app.tsx', import.meta.url))

/** The demo's static assets. */
export interface DemoAssets {
  script: string
  styles: string
}

let cached: Promise<DemoAssets> | undefined

async function buildAssets(): Promise<DemoAssets> {
  const [result, styles] = await Promise.all([
    build({
      entryPoints: [ENTRY],
      absWorkingDir: ROOT,
      tsconfig: `${ROOT}tsconfig.json`,
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      jsx: 'automatic',
      minify: true,
      legalComments: 'none',
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    }),
    buildDemoStyles(),
  ])
  const script = result.outputFiles[0]?.text
  if (!script) throw new Error('esbuild produced no output for the demo page')
  return { script, styles }
}

/** The bundle, built on first use and kept; a failed build is retried on the next call. */
export function demoAssets(): Promise<DemoAssets> {
  cached ??= buildAssets().catch((error: unknown) => {
    cached = undefined
    throw error
  })
  return cached
}
