/**
 * `npm run host:admin -- <command>`: users, workspaces and grants of the standalone host, on the
 * same data folder / `DATABASE_URL` as the host.
 *
 *   list-users                            one line per user: id, email, name
 *   list-workspaces                       one line per workspace: id, name, owner, members
 *   create-user <email> [name]            prints the new user's id and API key
 *   create-workspace <name> <ownerUserId> prints the workspace id (owner gets admin)
 *   grant <userId> <workspaceId> <admin|write|read>
 *   revoke <userId> <workspaceId>
 *   issue-key <userId>                    prints a new API key
 *
 * On the embedded database it refuses to run while a host holds the data folder (PGlite cannot
 * be shared between processes; a write made beside a running host would be lost). Failures are
 * sentences: what is wrong and what to do, never SQL.
 */

import { getErrorMessage } from '@sim/utils/errors'
import type { BridgeDatabase } from '@/lib/parlant/ports'
import { permissionSchema } from '@/lib/parlant/schemas'
import { loadHostConfig } from '@/host/config'
import { DataFolderBusyError } from '@/host/db/folder-lock'
import { openDatabase } from '@/host/db/open'
import {
  createUser,
  createWorkspace,
  findUser,
  findWorkspace,
  grant,
  issueApiKey,
  listUsers,
  listWorkspaces,
  revoke,
  workspacePermission,
} from '@/host/directory'
import { loadDotEnv } from '@/host/env-file'

const USAGE = `usage: npm run host:admin -- <command>
  list-users
  list-workspaces
  create-user <email> [name]
  create-workspace <name> <ownerUserId>
  grant <userId> <workspaceId> <admin|write|read>
  revoke <userId> <workspaceId>
  issue-key <userId>`

/** A refusal the operator can act on (exit code 1, the message alone). */
class AdminError extends Error {}
/** Wrong arguments (exit code 2, with the usage). */
class UsageError extends Error {}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

async function requireUser(db: BridgeDatabase, userId: string) {
  const found = await findUser(db, { id: userId })
  if (!found)
    throw new AdminError(`There is no user with id "${userId}". Run list-users to see them.`)
  return found
}

async function requireWorkspace(db: BridgeDatabase, workspaceId: string) {
  const found = await findWorkspace(db, workspaceId)
  if (!found) {
    throw new AdminError(
      `There is no workspace with id "${workspaceId}". Run list-workspaces to see them.`
    )
  }
  return found
}

type Out = (line: string) => void

async function run(db: BridgeDatabase, command: string, args: string[], out: Out) {
  const need = (count: number) => {
    if (args.length < count) throw new UsageError(`${command} needs ${count} argument(s)`)
  }
  switch (command) {
    case 'list-users': {
      const users = await listUsers(db)
      if (users.length === 0) out('no users')
      for (const u of users) out(`${u.id}\t${u.email}\t${u.name}`)
      return
    }
    case 'list-workspaces': {
      const workspaces = await listWorkspaces(db)
      if (workspaces.length === 0) out('no workspaces')
      for (const w of workspaces)
        out(`${w.id}\t${w.name}\towner ${w.ownerId}\t${w.members} member(s)`)
      return
    }
    case 'create-user': {
      need(1)
      const email = args[0] as string
      if (!EMAIL.test(email)) throw new AdminError(`"${email}" is not an email address.`)
      const existing = await findUser(db, { email })
      if (existing) {
        throw new AdminError(
          `A user with the email ${email} already exists (id ${existing.id}). Use issue-key ${existing.id} for a new key.`
        )
      }
      const created = await createUser(db, { email, name: args[1] ?? email.split('@')[0] ?? email })
      out(`user ${created.id}`)
      out(`api key ${created.apiKey}`)
      return
    }
    case 'create-workspace': {
      need(2)
      await requireUser(db, args[1] as string)
      const created = await createWorkspace(db, {
        name: args[0] as string,
        ownerId: args[1] as string,
      })
      out(`workspace ${created.id}`)
      return
    }
    case 'grant': {
      need(3)
      const permission = permissionSchema.safeParse(args[2])
      if (!permission.success) throw new UsageError('permission must be admin, write or read')
      const target = await requireUser(db, args[0] as string)
      const space = await requireWorkspace(db, args[1] as string)
      await grant(db, target.id, space.id, permission.data)
      out(`granted ${permission.data} on ${space.id} to ${target.id}`)
      return
    }
    case 'revoke': {
      need(2)
      const target = await requireUser(db, args[0] as string)
      const space = await requireWorkspace(db, args[1] as string)
      if (!(await workspacePermission(db, target.id, space.id))) {
        throw new AdminError(`User ${target.id} has no permission on workspace ${space.id}.`)
      }
      await revoke(db, target.id, space.id)
      out(`revoked ${target.id} from ${space.id}`)
      return
    }
    case 'issue-key': {
      need(1)
      const target = await requireUser(db, args[0] as string)
      out(`api key ${await issueApiKey(db, target.id, 'admin-cli')}`)
      return
    }
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

/** The database's own words for a refused statement, without the statement or its parameters. */
function databaseReason(error: unknown): string {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if ('code' in current && typeof current.code === 'string' && /^[0-9A-Z]{5}$/.test(current.code))
      return `The database refused the change: ${current.message}.`
    current = current.cause
  }
  const message = getErrorMessage(error)
  return /failed query|params:/i.test(message) ? 'The database refused the change.' : message
}

async function main(argv: string[]) {
  const [command, ...args] = argv
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  loadDotEnv()
  const config = loadHostConfig()
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    role: 'host:admin',
  })
  try {
    await database.migrate()
    // Printed only after the command finished: nothing is reported that was not written.
    const lines: string[] = []
    await run(database.db, command, args, (line) => lines.push(line))
    await database.close()
    process.stdout.write(`${lines.join('\n')}\n`)
    return 0
  } catch (error) {
    await database.close().catch(() => {})
    throw error
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${USAGE}\n`)
      process.exit(2)
    }
    const message =
      error instanceof AdminError || error instanceof DataFolderBusyError
        ? error.message
        : databaseReason(error)
    process.stderr.write(`${message}\n`)
    process.exit(1)
  }
)
