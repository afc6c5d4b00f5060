/**
 * Agent tokens: bearer secrets for machine callers of one agent (a Parlant tool service calling
 * back, an embedded chat widget). The secret is shown once; only its SHA-256 hash is stored, so a
 * database leak yields no usable token. A token authorizes chat and status on its agent only, and
 * only while its issuer still has write on the workspace: checked at every use, so taking a
 * user's access away silences every token they issued, at once.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { generateId } from '@sim/utils/id'
import { generateRandomBytes } from '@sim/utils/random'
import {
  findAgentTokenByHash,
  getAgentToken,
  insertAgentToken,
  listWorkspaceTokens,
  revokeAgentToken,
  revokeTokensOfAgent,
  touchAgentToken,
} from '@/lib/parlant/db/queries'
import type { BridgeDatabase, Clock } from '@/lib/parlant/ports'
import { type Permission, permissionSatisfies } from '@/lib/parlant/schemas'

/** Every agent token starts with this, so leaked tokens are recognisable (secret scanners, logs). */
export const AGENT_TOKEN_PREFIX = 'plnt_'

const SECRET_BYTES = 32
/** `plnt_` + 43 base64url characters (32 bytes). */
const TOKEN_PATTERN = /^plnt_[A-Za-z0-9_-]{43}$/

/** Default lifetime of a token: 30 days. */
export const DEFAULT_TOKEN_TTL_SECONDS = 30 * 24 * 3600
/** Longest lifetime a caller may ask for: one year. */
export const MAX_TOKEN_TTL_SECONDS = 365 * 24 * 3600

/** What an issued token looks like to its issuer — the only time the secret is visible. */
export interface IssuedToken {
  token: string
  tokenId: string
  expiresAt: string
}

/** What a valid token grants. */
export interface VerifiedToken {
  tokenId: string
  workspaceId: string
  agentId: string
  expiresAt: string
  createdBy: string | null
}

/** Whether `value` has the shape of an agent token (says nothing about validity). */
export function looksLikeAgentToken(value: string) {
  return value.startsWith(AGENT_TOKEN_PREFIX)
}

function hashToken(token: string) {
  return createHash('sha256').update(token).digest('hex')
}

/** A token as a workspace's admins see it: metadata only, never the secret or its hash. */
export interface TokenSummary {
  tokenId: string
  agentId: string
  label: string | null
  issuedBy: string | null
  issuerName: string | null
  createdAt: string
  expiresAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}

export interface TokenServiceDeps {
  db: BridgeDatabase
  clock: Clock
  /**
   * The issuer's effective permission (the host's `workspacePermission`). Asked only when their
   * explicit permission row, read with the token, does not already grant write — e.g. Sim's
   * organization admins, whose access is not a row. Without it the row alone decides.
   */
  issuerPermission?(userId: string, workspaceId: string): Promise<Permission | null>
}

/** Options of `verify`. */
export interface VerifyOptions {
  /** Record this as a use (default true). Only authentication with the token is a use. */
  touch?: boolean
}

/** Creates the token service over the bridge database. */
export function createTokenService(deps: TokenServiceDeps) {
  const { db, clock } = deps

  /** Whether the issuer still has write on the token's live workspace. */
  async function issuerMayWrite(
    found: NonNullable<Awaited<ReturnType<typeof findAgentTokenByHash>>>
  ) {
    const { token } = found
    if (token.createdBy === null || found.workspaceArchivedAt !== null) return false
    if (permissionSatisfies(found.issuerPermission, 'write')) return true
    if (!deps.issuerPermission) return false
    return permissionSatisfies(
      await deps.issuerPermission(token.createdBy, token.workspaceId),
      'write'
    )
  }

  return {
    /** Issues a token for one agent; the caller must already have checked `write` access. */
    async issue(input: {
      workspaceId: string
      agentId: string
      createdBy: string
      label?: string
      expiresInSeconds?: number
    }): Promise<IssuedToken> {
      const token = `${AGENT_TOKEN_PREFIX}${Buffer.from(generateRandomBytes(SECRET_BYTES)).toString('base64url')}`
      const ttl = input.expiresInSeconds ?? DEFAULT_TOKEN_TTL_SECONDS
      const expiresAt = new Date(clock.now().getTime() + ttl * 1000)
      const tokenId = generateId()
      await insertAgentToken(db, {
        id: tokenId,
        workspaceId: input.workspaceId,
        agentId: input.agentId,
        createdBy: input.createdBy,
        tokenHash: hashToken(token),
        // Enough to tell tokens apart in a list, far too little to guess the rest.
        tokenPrefix: token.slice(0, AGENT_TOKEN_PREFIX.length + 4),
        label: input.label ?? null,
        expiresAt,
      })
      return { token, tokenId, expiresAt: expiresAt.toISOString() }
    },

    /**
     * The grant of a live token, or null for a malformed, unknown, expired or revoked one, or one
     * whose issuer no longer has write on its workspace. Records the use unless `touch` is false.
     * Revocation and the issuer's access are read on every call, so they take effect at once.
     */
    async verify(token: string, options: VerifyOptions = {}): Promise<VerifiedToken | null> {
      if (!TOKEN_PATTERN.test(token)) return null
      const digest = hashToken(token)
      const found = await findAgentTokenByHash(db, digest)
      if (!found) return null
      const row = found.token
      // Looked up by hash; comparing again in constant time keeps timing independent of the token.
      if (!timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(digest))) return null
      const now = clock.now()
      if (row.revokedAt !== null || row.expiresAt.getTime() <= now.getTime()) return null
      if (!(await issuerMayWrite(found))) return null
      if (options.touch !== false) await touchAgentToken(db, row.workspaceId, row.id, now)
      return {
        tokenId: row.id,
        workspaceId: row.workspaceId,
        agentId: row.workspaceAgentId,
        expiresAt: row.expiresAt.toISOString(),
        createdBy: row.createdBy,
      }
    },

    /** A workspace's tokens, newest first, for its admins (never a secret or a hash). */
    async list(workspaceId: string): Promise<TokenSummary[]> {
      const rows = await listWorkspaceTokens(db, workspaceId)
      return rows.map((row) => ({
        tokenId: row.id,
        agentId: row.agentId,
        label: row.label,
        issuedBy: row.createdBy,
        issuerName: row.issuerName,
        createdAt: row.createdAt.toISOString(),
        expiresAt: row.expiresAt.toISOString(),
        lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
        revokedAt: row.revokedAt?.toISOString() ?? null,
      }))
    },

    /** One token's metadata (never the secret), for authorization of a revoke. */
    get: (workspaceId: string, tokenId: string) => getAgentToken(db, workspaceId, tokenId),

    /** Revokes a token; undefined when the workspace has no such token. */
    revoke: (workspaceId: string, tokenId: string) =>
      revokeAgentToken(db, workspaceId, tokenId, clock.now()),

    /** Revokes every live token of an agent (on stop). */
    revokeAllForAgent: (workspaceId: string, agentId: string) =>
      revokeTokensOfAgent(db, workspaceId, agentId, clock.now()),
  }
}

/** The token service `createTokenService` returns. */
export type TokenService = ReturnType<typeof createTokenService>
