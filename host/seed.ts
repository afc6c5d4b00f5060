/**
 * First-start seeding: a dev user, a dev workspace and the dev user's API key, written to the data
 * folder so a person (and scripts) can call the API at once.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { user } from '@sim/db/schema'
import { eq } from 'drizzle-orm'
import type { BridgeDatabase } from '@/lib/parlant/ports'
import { createUser, createWorkspace, issueApiKey, userForApiKey } from '@/host/directory'

export const DEV_USER_ID = 'dev-user'
export const DEV_WORKSPACE_ID = 'dev-workspace'

export interface DevIdentity {
  userId: string
  workspaceId: string
  apiKey: string
  /** True when this start created the identity (so the key is printed). */
  created: boolean
}

/** Ensures the dev user, workspace and key exist; reuses the key file across restarts. */
export async function seedDevIdentity(db: BridgeDatabase, dataDir: string): Promise<DevIdentity> {
  mkdirSync(dataDir, { recursive: true })
  const keyFile = join(dataDir, 'dev-api-key')
  const workspaceFile = join(dataDir, 'dev-workspace-id')
  const [existing] = await db.select().from(user).where(eq(user.id, DEV_USER_ID)).limit(1)
  let apiKey: string
  let created = false
  if (!existing) {
    const dev = await createUser(db, { id: DEV_USER_ID, name: 'Dev User', email: 'dev@localhost' })
    await createWorkspace(db, { id: DEV_WORKSPACE_ID, name: 'Dev Workspace', ownerId: dev.id })
    apiKey = dev.apiKey
    created = true
  } else {
    const saved = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : ''
    const valid = saved ? await userForApiKey(db, saved) : null
    apiKey = valid?.userId === DEV_USER_ID ? saved : await issueApiKey(db, DEV_USER_ID, 'dev')
    created = apiKey !== saved
  }
  writeFileSync(keyFile, `${apiKey}\n`, { mode: 0o600 })
  writeFileSync(workspaceFile, `${DEV_WORKSPACE_ID}\n`)
  return { userId: DEV_USER_ID, workspaceId: DEV_WORKSPACE_ID, apiKey, created }
}

/** Reads (or creates) the secret that signs internal executor tokens, kept in the data folder. */
export function loadInternalSecret(dataDir: string, configured?: string) {
  if (configured) return configured
  const file = join(dataDir, 'internal-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  return secret
}
