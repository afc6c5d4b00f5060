/**
 * Tables only the standalone host has: Sim's own auth (Better Auth sessions, API keys) lives in
 * Sim; here a user authenticates with an API key whose SHA-256 hash is stored.
 */
import { user } from '@sim/db/schema'
import { index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

export const hostApiKeys = pgTable(
  'host_api_keys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    keyHash: text('key_hash').notNull(),
    label: text('label'),
    revokedAt: timestamp('revoked_at'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('host_api_keys_key_hash_unique').on(table.keyHash),
    index('host_api_keys_user_idx').on(table.userId),
  ]
)

/**
 * Demo page sessions: the cookie holds a random id, only its SHA-256 hash is stored, and a row is
 * good until `expires_at` (several nodes on one database share them).
 */
export const hostSessions = pgTable(
  'host_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at').notNull(),
    createdAt: timestamp('created_at').notNull().defaultNow(),
  },
  (table) => [index('host_sessions_expires_idx').on(table.expiresAt)]
)

export { permissions, permissionTypeEnum, user, workspace } from '@sim/db/schema'
