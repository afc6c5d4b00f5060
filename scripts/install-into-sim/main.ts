/**
 * `npm run sim:install -- <sim checkout> [--dry-run] [--uninstall]`: copies the plugin into a
 * Sim monorepo and registers it, or reverses that.
 */
import { install, uninstall } from './install'

function main(argv: string[]) {
  const flags = new Set(argv.filter((arg) => arg.startsWith('--')))
  const [target] = argv.filter((arg) => !arg.startsWith('--'))
  const unknown = [...flags].filter((flag) => !['--dry-run', '--uninstall'].includes(flag))
  if (!target || unknown.length > 0) {
    console.error(
      'usage: npm run sim:install -- <path to a Sim checkout> [--dry-run] [--uninstall]'
    )
    return 2
  }
  const options = { dryRun: flags.has('--dry-run'), log: (line: string) => console.log(line) }
  try {
    const { changes } = flags.has('--uninstall')
      ? uninstall(target, options)
      : install(target, options)
    if (!flags.has('--uninstall') && !options.dryRun && changes.length > 0) {
      console.log(
        '\nNext: set ENABLE_PARLANT_INTEGRATION / PARLANT_SERVER_URL / PARLANT_API_KEY, run `bun run db:migrate`, `bun run tool-metadata:generate` and `bun run scripts/generate-docs.ts`, then restart the app and realtime server.'
      )
    }
    return 0
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    return 1
  }
}

process.exitCode = main(process.argv.slice(2))
