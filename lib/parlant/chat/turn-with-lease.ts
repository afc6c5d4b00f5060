/**
 * The common opening of a turn in one statement: the ledger row of a new idempotency key created
 * and the conversation's lease taken together (one round trip, one commit). The lease is taken
 * only for a row this statement creates, so a duplicate or a reused key takes nothing.
 */
import { and, eq, sql } from 'drizzle-orm'
import {
  newTurnParams,
  newTurnValues,
  type TurnKey,
  turnKeyColumns,
} from '@/lib/parlant/chat/idempotency'
import { leaseIsFree, leaseTakenSet } from '@/lib/parlant/chat/lease'
import { preparedFor } from '@/lib/parlant/db/prepared'
import {
  type AgentChatTurnRow,
  type AgentConversationRow,
  agentChatTurns,
  agentConversations,
} from '@/lib/parlant/db/schema'
import type { BridgeDatabase } from '@/lib/parlant/ports'

/** What the statement did: `created` the row (or not: it existed), `taken` the lease (or not). */
export interface TurnWithLease {
  created: AgentChatTurnRow | undefined
  /** The conversation row with the lease taken (only ever with `created`). */
  taken: AgentConversationRow | undefined
}

/**
 * Creates the turn row of `key` and, if it was created, takes the conversation's lease for
 * `owner` if it is free.
 */
export async function createTurnTakingLease(
  db: BridgeDatabase,
  key: TurnKey,
  lease: { owner: string; ttlSeconds: number }
): Promise<TurnWithLease> {
  const [row] = await statement(db).execute({ ...newTurnParams(key), ...lease })
  return { created: row?.created_turn, taken: row?.taken_lease ?? undefined }
}

const statement = preparedFor((db) => {
  const created = db
    .$with('created_turn')
    .as(
      db
        .insert(agentChatTurns)
        .values(newTurnValues)
        .onConflictDoNothing({ target: turnKeyColumns })
        .returning()
    )
  const taken = db.$with('taken_lease').as(
    db
      .update(agentConversations)
      .set(leaseTakenSet)
      .where(
        and(
          eq(agentConversations.workspaceId, sql.placeholder('workspaceId')),
          eq(agentConversations.id, sql.placeholder('conversationId')),
          leaseIsFree,
          // Reading the insert's output also orders it first.
          sql`exists (select 1 from ${created})`
        )
      )
      .returning()
  )
  return db
    .with(created, taken)
    .select()
    .from(created)
    .leftJoin(taken, sql`true`)
    .prepare('parlant_turn_open')
})
