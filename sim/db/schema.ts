/**
 * Shim of the `packages/db/schema.ts` tables the bridge references: `user`, `workspace`,
 * `permissions` and the `permission_type` enum, with Sim's column names. The standalone host
 * migrates these; inside Sim they already exist.
 */
import { boolean, index, pgEnum, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

export const user = pgTable('user', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email').notNull().unique(),
  emailVerified: boolean('email_verified').notNull().default(false),
  image: text('image'),
  createdAt: timestamp('created_at').notNull(),
  updatedAt: timestamp('updated_at').notNull(),
})

export const workspace = pgTable('workspace', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  color: text('color').notNull().default('#33C482'),
  ownerId: text('owner_id')
    .notNull()
    .references(() => user.id, { onDelete: 'cascade' }),
  archivedAt: timestamp('archived_at'),
  createdAt: timestamp('created_at').notNull().defaultNow(),
  updatedAt: timestamp('updated_at').notNull().defaultNow(),
})

export const permissionTypeEnum = pgEnum('permission_type', ['admin', 'write', 'read'])

/** Entity permissions; `entity_id` is deliberately not a foreign key, as in Sim. */
export const permissions = pgTable(
  'permissions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    permissionType: permissionTypeEnum('permission_type').notNull(),
    createdAt: timestamp('created_at').notNull().defaultNow(),
    updatedAt: timestamp('updated_at').notNull().defaultNow(),
  },
  (table) => [
    index('permissions_user_id_idx').on(table.userId),
    index('permissions_entity_idx').on(table.entityType, table.entityId),
    uniqueIndex('permissions_unique_constraint').on(table.userId, table.entityType, table.entityId),
  ]
)

export type PermissionType = (typeof permissionTypeEnum.enumValues)[number]
