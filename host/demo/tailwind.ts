/**
 * Compiles the demo page's stylesheet with Tailwind CSS v4: the entry below names the sources to
 * scan (the plugin's components, our `@sim/emcn` shim and the demo app), oxide scans them for
 * class candidates, and the compiler emits exactly the utilities they use — the same class names
 * Sim's own Tailwind build compiles for these components. The entry lives here rather than in a
 * .css file because its Tailwind at-rules are not plain CSS (the linter parses .css files).
 */
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compile, optimize } from '@tailwindcss/node'
import { Scanner } from '@tailwindcss/oxide'

const BASE = dirname(fileURLToPath(import.meta.url))

/**
 * Tailwind plus what Sim's Tailwind config adds for these components: its font sizes, the
 * `hover-hover` variant (hover styles only where a real pointer hovers) and the class-based dark
 * variant; then Sim-like tokens (sim-theme.css) and the page's base styles (styles.css).
 */
const ENTRY = `
@import "tailwindcss" source(none);
@import "./sim-theme.css" layer(base);
@import "./styles.css" layer(base);

@source "../../components";
@source "../../sim/emcn";
@source "./app.tsx";

@custom-variant dark (&:where(.dark, .dark *));
@custom-variant hover-hover {
  @media (hover: hover) and (pointer: fine) {
    &:hover {
      @slot;
    }
  }
}

@theme {
  --text-micro: 10px;
  --text-xs: 11px;
  --text-caption: 12px;
  --text-small: 13px;
  --text-base: 15px;
  --text-md: 16px;
  --color-foreground: var(--text-primary);
}
`

/** The compiled CSS of the demo page (minified). */
export async function buildDemoStyles(): Promise<string> {
  const compiler = await compile(ENTRY, { base: BASE, onDependency: () => {} })
  const scanner = new Scanner({ sources: compiler.sources })
  return optimize(compiler.build(scanner.scan()), { minify: true }).code
}
