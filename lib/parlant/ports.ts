/**
 * What the bridge needs from its host — the only door between `lib/parlant` and Sim or the
 * standalone host. Sim's adapter wires `checkSessionOrInternalAuth`, `getUserEntityPermissions`,
 * `@sim/db` and realtime notify into it; `host/` wires its own.
 */
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type { Permission } from '@/lib/parlant/schemas'

/** A drizzle PostgreSQL database: node-postgres in Sim and on `DATABASE_URL`, PGlite embedded. */
// biome-ignore lint/suspicious/noExplicitAny: the host's schema generic is not ours to name
export type BridgeDatabase = PgDatabase<PgQueryResultHKT, any>

/** The user a request acts for. */
export interface AuthenticatedUser {
  userId: string
  name?: string
  /** How the host authenticated the request (session cookie, API key, internal executor token). */
  authType: 'session' | 'api_key' | 'internal_jwt'
  /**
   * The user's workspace permissions, when the host read them with the identity (one query instead
   * of two). Valid for this request only; a workspace missing here is asked of
   * `workspacePermission`.
   */
  workspacePermissions?: ReadonlyMap<string, Permission>
}

export interface BridgeLogger {
  debug(message: string, context?: Record<string, unknown>): void
  info(message: string, context?: Record<string, unknown>): void
  warn(message: string, context?: Record<string, unknown>): void
  error(message: string, context?: Record<string, unknown>): void
}

export interface Clock {
  now(): Date
}

/** Everything the bridge asks of the host it runs in. */
export interface BridgeHost {
  /** Who is calling, or null for an anonymous request. Agent tokens are verified by the bridge. */
  authenticate(request: Request): Promise<AuthenticatedUser | null>
  /** The user's effective permission on a workspace, or null when they have none. */
  workspacePermission(userId: string, workspaceId: string): Promise<Permission | null>
  db: BridgeDatabase
  /** Broadcast `event` with `payload` to every socket in `room`, on every node. */
  publish(room: string, event: string, payload: unknown): void | Promise<void>
  logger: BridgeLogger
  clock: Clock
}

/** A clock that reads the system time. */
export const systemClock: Clock = { now: () => new Date() }
