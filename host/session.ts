/**
 * The demo page's sessions: a random 32-byte id in the cookie, only its SHA-256 hash in the
 * database, good for a fixed time. The cookie never holds an API key, and an API key is never
 * accepted as a cookie (the lookup is by session hash only).
 */
import { createHash } from 'node:crypto'
import { user } from '@sim/db/schema'
import { generateRandomBytes } from '@sim/utils/random'
import { and, desc, eq, gt, lte, notInArray } from 'drizzle-orm'
import type { BridgeDatabase } from '@/lib/parlant/ports'
import { hostSessions } from '@/host/db/schema'

/** How long a demo session lasts: 12 hours. */
export const SESSION_TTL_MS = 12 * 3600 * 1000

const SESSION_PATTERN = /^[A-Za-z0-9_-]{43}$/

function hashSession(id: string) {
  return createHash('sha256').update(id).digest('hex')
}

/** The most live sessions one user holds; signing in again drops the oldest beyond it. */
export const MAX_SESSIONS_PER_USER = 20

/** Starts a session for `userId`; the id is returned once, for the cookie. */
export async function createSession(
  db: BridgeDatabase,
  userId: string,
  now = new Date(),
  ttlMs = SESSION_TTL_MS
) {
  // Expired rows carry nothing worth keeping; each sign-in sweeps them.
  await db.delete(hostSessions).where(lte(hostSessions.expiresAt, now))
  const id = Buffer.from(generateRandomBytes(32)).toString('base64url')
  const expiresAt = new Date(now.getTime() + ttlMs)
  await db.insert(hostSessions).values({ idHash: hashSession(id), userId, expiresAt })
  // A client that never keeps the cookie (a script reloading the page) cannot grow the table.
  const newest = db
    .select({ idHash: hostSessions.idHash })
    .from(hostSessions)
    .where(eq(hostSessions.userId, userId))
    .orderBy(desc(hostSessions.expiresAt))
    .limit(MAX_SESSIONS_PER_USER)
  await db
    .delete(hostSessions)
    .where(and(eq(hostSessions.userId, userId), notInArray(hostSessions.idHash, newest)))
  return { id, expiresAt }
}

/**
 * Signs the demo page's user in: null (keep the cookie) when `existing` is already a live session
 * of that user, else a new session. Reloading the page mints nothing.
 */
export async function signInDevUser(
  db: BridgeDatabase,
  userId: string,
  existing: string | undefined,
  now = new Date()
) {
  if (existing && (await userForSession(db, existing, now))?.userId === userId) return null
  return createSession(db, userId, now)
}

/** The user of a live session, or null (unknown, expired, or not a session id at all). */
export async function userForSession(db: BridgeDatabase, id: string, now = new Date()) {
  if (!SESSION_PATTERN.test(id)) return null
  const [row] = await db
    .select({ userId: hostSessions.userId, name: user.name })
    .from(hostSessions)
    .innerJoin(user, eq(user.id, hostSessions.userId))
    .where(and(eq(hostSessions.idHash, hashSession(id)), gt(hostSessions.expiresAt, now)))
    .limit(1)
  return row ?? null
}
