/**
 * How the standalone host knows who is calling — its stand-in for Sim's Better Auth session and
 * `checkSessionOrInternalAuth`: an API key (`Authorization: Bearer sim_host_…`), the demo page's
 * session cookie (a random server-side session id, never a key), or an internal executor token
 * signed with the host secret. A cookie-authenticated request that changes something must be JSON
 * from the page's own origin (403 otherwise); bearer-authenticated requests are not affected.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { BridgeError } from '@/lib/parlant/errors'
import type { AuthenticatedUser, BridgeDatabase } from '@/lib/parlant/ports'
import { userForApiKey } from '@/host/directory'
import { cookieWriteRefusal } from '@/host/request-guard'
import { userForSession } from '@/host/session'

/** Name of the demo page's session cookie. */
export const SESSION_COOKIE = 'parlant_bridge_session'

const INTERNAL_PREFIX = 'sim_internal.'

function sign(secret: string, payload: string) {
  return createHmac('sha256', secret).update(payload).digest('base64url')
}

/**
 * Mints a short-lived internal token for `userId`, the host's equivalent of Sim's
 * `generateInternalToken(userId)` used by the executor to call internal tool routes.
 */
export function mintInternalToken(
  secret: string,
  userId: string,
  ttlMs = 5 * 60_000,
  now = Date.now()
) {
  const payload = Buffer.from(JSON.stringify({ sub: userId, exp: now + ttlMs })).toString(
    'base64url'
  )
  return `${INTERNAL_PREFIX}${payload}.${sign(secret, payload)}`
}

/** The user of a valid, unexpired internal token, or null. */
export function verifyInternalToken(secret: string, token: string, now = Date.now()) {
  if (!token.startsWith(INTERNAL_PREFIX)) return null
  const [payload, signature] = token.slice(INTERNAL_PREFIX.length).split('.')
  if (!payload || !signature) return null
  const expected = Buffer.from(sign(secret, payload))
  const given = Buffer.from(signature)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      sub?: unknown
      exp?: unknown
    }
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || claims.exp < now)
      return null
    return claims.sub
  } catch {
    return null
  }
}

function readCookie(header: string | null, name: string) {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return decodeURIComponent(rest.join('='))
  }
  return undefined
}

/**
 * Builds the host's `authenticate(request)` for the bridge port. Throws a 403 `BridgeError` for a
 * cookie-authenticated change that is not same-origin JSON.
 */
export function createHostAuthenticator(db: BridgeDatabase, internalSecret: string) {
  return async function authenticate(request: Request): Promise<AuthenticatedUser | null> {
    const header = request.headers.get('authorization')
    const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1]
    if (bearer?.startsWith(INTERNAL_PREFIX)) {
      const userId = verifyInternalToken(internalSecret, bearer)
      return userId ? { userId, authType: 'internal_jwt' } : null
    }
    if (bearer) {
      const found = await userForApiKey(db, bearer)
      return found ? { ...found, authType: 'api_key' } : null
    }
    const cookie = readCookie(request.headers.get('cookie'), SESSION_COOKIE)
    if (cookie) {
      const found = await userForSession(db, cookie)
      if (!found) return null
      const refusal = cookieWriteRefusal(request)
      if (refusal) throw new BridgeError('forbidden', refusal)
      return { userId: found.userId, name: found.name, authType: 'session' }
    }
    return null
  }
}
