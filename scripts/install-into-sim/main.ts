/**
 * `npm run sim:install -- <sim checkout> [--dry-run] [--uninstall] [--no-generate]`: copies the
 * plugin into a Sim monorepo, registers it and runs Sim's generation steps, or reverses all that.
 */
import { getErrorMessage } from '@sim/utils/errors'
import { install, uninstall } from './install'

const FLAGS = ['--dry-run', '--uninstall', '--no-generate']

function main(argv: string[]) {
  const flags = new Set(argv.filter((arg) => arg.startsWith('--')))
  const [target] = argv.filter((arg) => !arg.startsWith('--'))
  const unknown = [...flags].filter((flag) => !FLAGS.includes(flag))
  if (!target || unknown.length > 0) {
    console.error(`usage: npm run sim:install -- <path to a Sim checkout> [${FLAGS.join('] [')}]`)
    return 2
  }
  const options = {
    dryRun: flags.has('--dry-run'),
    generate: !flags.has('--no-generate'),
    log: (line: string) => console.log(line),
  }
  try {
    if (flags.has('--uninstall')) {
      uninstall(target, options)
      return 0
    }
    const { changes, pendingSteps } = install(target, options)
    if (changes.length === 0) return 0
    if (pendingSteps.length > 0) {
      console.log('\nThen run, at the root of the Sim checkout, in this order:')
      for (const step of pendingSteps) console.log(`  bun ${step.args.join(' ')}    # ${step.why}`)
    }
    if (!options.dryRun) {
      console.log(
        '\nNext: set PARLANT_SERVER_URL (and PARLANT_API_KEY) in apps/sim/.env, run `bun run db:migrate`, then restart the app and the realtime server.'
      )
    }
    return 0
  } catch (error) {
    console.error(getErrorMessage(error))
    return 1
  }
}

process.exitCode = main(process.argv.slice(2))
