/**
 * `npm run host:admin -- <command>`: users, workspaces and grants of the standalone host, on the
 * same data folder / `DATABASE_URL` as the host.
 *
 *   create-user <email> [name]            prints the new user's id and API key
 *   create-workspace <name> <ownerUserId> prints the workspace id (owner gets admin)
 *   grant <userId> <workspaceId> <admin|write|read>
 *   revoke <userId> <workspaceId>
 *   issue-key <userId>                    prints a new API key
 */

import { getErrorMessage } from '@sim/utils/errors'
import { permissionSchema } from '@/lib/parlant/schemas'
import { loadHostConfig } from '@/host/config'
import { openDatabase } from '@/host/db/open'
import { createUser, createWorkspace, grant, issueApiKey, revoke } from '@/host/directory'

const USAGE = `usage: npm run host:admin -- <command>
  create-user <email> [name]
  create-workspace <name> <ownerUserId>
  grant <userId> <workspaceId> <admin|write|read>
  revoke <userId> <workspaceId>
  issue-key <userId>`

async function main(argv: string[]) {
  const [command, ...args] = argv
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const config = loadHostConfig()
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    await database.migrate()
    const { db } = database
    const need = (count: number) => {
      if (args.length < count)
        throw new UsageError(`${command} needs ${count} argument(s)\n${USAGE}`)
    }
    switch (command) {
      case 'create-user': {
        need(1)
        const email = args[0]!
        const created = await createUser(db, {
          email,
          name: args[1] ?? email.split('@')[0] ?? email,
        })
        process.stdout.write(`user ${created.id}\napi key ${created.apiKey}\n`)
        return 0
      }
      case 'create-workspace': {
        need(2)
        const created = await createWorkspace(db, { name: args[0]!, ownerId: args[1]! })
        process.stdout.write(`workspace ${created.id}\n`)
        return 0
      }
      case 'grant': {
        need(3)
        const permission = permissionSchema.safeParse(args[2])
        if (!permission.success) throw new UsageError('permission must be admin, write or read')
        await grant(db, args[0]!, args[1]!, permission.data)
        process.stdout.write(`granted ${permission.data}\n`)
        return 0
      }
      case 'revoke': {
        need(2)
        await revoke(db, args[0]!, args[1]!)
        process.stdout.write('revoked\n')
        return 0
      }
      case 'issue-key': {
        need(1)
        process.stdout.write(`api key ${await issueApiKey(db, args[0]!, 'admin-cli')}\n`)
        return 0
      }
      default:
        throw new UsageError(`unknown command "${command}"\n${USAGE}`)
    }
  } finally {
    await database.close()
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${getErrorMessage(error)}\n`)
    process.exit(error instanceof UsageError ? 2 : 1)
  }
)
