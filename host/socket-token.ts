/**
 * One-time socket tokens for the standalone host (Sim mints its own with Better Auth's
 * `generateOneTimeToken`). A token is `sim_sock.<payload>.<hmac>` signed with the host's internal
 * secret, so any node sharing that secret can verify it; its nonce is burned on first use — in
 * Redis when configured (so a token used on node A is dead on node B), else in this process.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { generateRandomBytes } from '@sim/utils/random'
import { z } from 'zod'

const PREFIX = 'sim_sock.'

/** Default lifetime of a socket token. */
export const SOCKET_TOKEN_TTL_MS = 60_000

const claimsSchema = z.object({
  sub: z.string().min(1),
  exp: z.number(),
  nonce: z.string().min(16),
})

/** Remembers used nonces: `claim` is true only the first time a nonce is seen. */
export interface NonceStore {
  claim(nonce: string, ttlMs: number): Promise<boolean>
}

export interface SocketTokenStoreOptions {
  secret: string
  ttlMs?: number
  /** Shared burn-once store (Redis on several nodes); default: this process only. */
  nonces?: NonceStore
  now?: () => number
}

export interface SocketTokenStore {
  /** Mints a single-use token for an authenticated user. */
  mint(userId: string): { token: string; expiresAt: string }
  /** The user of a valid, unexpired, not-yet-used token (and burns it), or null. */
  consume(token: string): Promise<string | null>
}

function sign(secret: string, payload: string) {
  return createHmac('sha256', `socket-token:${secret}`).update(payload).digest('base64url')
}

/** Creates the host's socket token store. */
export function createSocketTokenStore(options: SocketTokenStoreOptions): SocketTokenStore {
  const ttlMs = options.ttlMs ?? SOCKET_TOKEN_TTL_MS
  const now = options.now ?? Date.now
  const usedLocally = new Map<string, number>()

  async function burn(nonce: string, expiresAt: number): Promise<boolean> {
    const ttl = Math.max(1, expiresAt - now())
    if (options.nonces) return options.nonces.claim(nonce, ttl)
    for (const [key, exp] of usedLocally) if (exp < now()) usedLocally.delete(key)
    if (usedLocally.has(nonce)) return false
    usedLocally.set(nonce, expiresAt)
    return true
  }

  return {
    mint(userId) {
      const exp = now() + ttlMs
      const payload = Buffer.from(
        JSON.stringify({
          sub: userId,
          exp,
          nonce: Buffer.from(generateRandomBytes(18)).toString('base64url'),
        })
      ).toString('base64url')
      return {
        token: `${PREFIX}${payload}.${sign(options.secret, payload)}`,
        expiresAt: new Date(exp).toISOString(),
      }
    },
    async consume(token) {
      if (!token.startsWith(PREFIX)) return null
      const [payload, signature, extra] = token.slice(PREFIX.length).split('.')
      if (!payload || !signature || extra !== undefined) return null
      const expected = Buffer.from(sign(options.secret, payload))
      const given = Buffer.from(signature)
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
      let claims: z.infer<typeof claimsSchema>
      try {
        const parsed = claimsSchema.safeParse(
          JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
        )
        if (!parsed.success) return null
        claims = parsed.data
      } catch {
        return null
      }
      if (claims.exp <= now()) return null
      return (await burn(claims.nonce, claims.exp)) ? claims.sub : null
    },
  }
}
