/**
 * A turn's opening in one statement: the ledger row of a new idempotency key created and the
 * conversation's lease taken together (one round trip, one commit). The lease is taken only for a
 * row the statement creates, so a duplicate or a reused key takes nothing.
 *
 * - `openOnConversation`, every turn after a conversation's first: it also reads the agent and the
 *   conversation (by its name), and writes only for an agent that takes turns and the
 *   conversation's own customer.
 * - `createTurnTakingLease`, a conversation's first turn: the row was just created, by id.
 */
import { and, type Column, eq, type Subquery, sql } from 'drizzle-orm'
import {
  newTurnParams,
  newTurnValues,
  type OpenedTurnRow,
  openedTurnColumns,
  type TurnKey,
  turnKeyColumns,
} from '@/lib/parlant/chat/idempotency'
import {
  type ConversationName,
  type LeasedConversation,
  leasedConversationColumns,
  leaseIsFree,
  leaseTakenSet,
} from '@/lib/parlant/chat/lease'
import { rowWithDefaults } from '@/lib/parlant/db/insert-select'
import { preparedFor } from '@/lib/parlant/db/prepared'
import { agentChatTurns, agentConversations, workspaceAgents } from '@/lib/parlant/db/schema'
import {
  type TurnAgentRow,
  takesTurnsIn,
  turnAgentColumns,
} from '@/lib/parlant/lifecycle/active-agent'
import type { BridgeDatabase } from '@/lib/parlant/ports'

/**
 * What the statement did: `created` the row (or not: it existed), `taken` the lease (or not).
 * Rows come back with the columns a turn reads, no more.
 */
export interface TurnWithLease {
  created: OpenedTurnRow | undefined
  /** The conversation with the lease taken (only ever with `created`). */
  taken: LeasedConversation | undefined
}

/** A lease to take: for `owner`, expiring in `ttlSeconds`. */
interface LeaseToTake {
  owner: string
  ttlSeconds: number
}

/**
 * Creates the turn row of `key` and, if it was created, takes the conversation's lease for
 * `owner` if it is free.
 */
export async function createTurnTakingLease(
  db: BridgeDatabase,
  key: TurnKey,
  lease: LeaseToTake
): Promise<TurnWithLease> {
  const [row] = await byConversationId(db).execute({
    ...newTurnParams(key),
    conversationId: key.conversationId,
    ...lease,
  })
  return { created: row?.created_turn, taken: row?.taken_lease ?? undefined }
}

/** What `openOnConversation` opens: the conversation by name, and the turn's key within it. */
export interface ConversationTurn extends ConversationName {
  workspaceId: string
  idempotencyKey: string
  requestHash: string
  userId: string | null
  /** The customer the caller named (Parlant's id), or null for whoever the conversation has. */
  expectedCustomerId: string | null
}

/** The agent and conversation as read, and what the statement wrote (see `TurnWithLease`). */
export interface OpenedOnConversation extends TurnWithLease {
  /** The agent by id alone (`activeAgentOf` checks its workspace); undefined if there is none. */
  agent: TurnAgentRow | undefined
  /** The conversation as it stood before the statement; undefined before its first turn. */
  conversation: LeasedConversation | undefined
}

/**
 * Reads the agent and the conversation `turn` names and, when the agent takes turns in the
 * workspace (`takesTurnsIn`) and the conversation is the expected customer's, creates the turn
 * row and takes the lease as `createTurnTakingLease` does. Writes nothing otherwise.
 */
export async function openOnConversation(
  db: BridgeDatabase,
  turn: ConversationTurn,
  lease: LeaseToTake
): Promise<OpenedOnConversation> {
  const { expectedCustomerId, agentId, callerKey, conversationKey } = turn
  const [row] = await byName(db).execute({
    ...newTurnParams(turn),
    agentId,
    callerKey,
    conversationKey,
    expectedCustomerId,
    ...lease,
  })
  return {
    agent: row?.agent,
    conversation: row?.conversation ?? undefined,
    created: row?.created_turn ?? undefined,
    taken: row?.taken_lease ?? undefined,
  }
}

/**
 * The lease taken (for the `owner` placeholder, `ttlSeconds` long) on the conversation of the
 * ledger row `created` inserted, if it is free; no row inserted, no lease taken. Reading the
 * insert's output also orders the insert first.
 */
function takenLease(db: BridgeDatabase, created: Subquery & { conversationId: Column }) {
  return db.$with('taken_lease').as(
    db
      .update(agentConversations)
      .set(leaseTakenSet)
      .where(
        and(
          eq(agentConversations.workspaceId, sql.placeholder('workspaceId')),
          eq(agentConversations.id, sql`(select ${created.conversationId} from ${created})`),
          leaseIsFree
        )
      )
      .returning(leasedConversationColumns)
  )
}

const byConversationId = preparedFor((db) => {
  const created = db
    .$with('created_turn')
    .as(
      db
        .insert(agentChatTurns)
        .values(newTurnValues)
        .onConflictDoNothing({ target: turnKeyColumns })
        .returning(openedTurnColumns)
    )
  const taken = takenLease(db, created)
  return db
    .with(created, taken)
    .select()
    .from(created)
    .leftJoin(taken, sql`true`)
    .prepare('parlant_turn_open')
})

const byName = preparedFor((db) => {
  const placeholder = sql.placeholder
  // The agent by its primary key only: with `workspace_id` in the condition too, a generic plan
  // (a prepared statement's, built on tables without statistics) may walk a workspace-leading
  // index instead (`__tests__/db/lookup-plans.test.ts`).
  const agent = db.$with('agent').as(
    db
      .select(turnAgentColumns)
      .from(workspaceAgents)
      .where(eq(workspaceAgents.id, placeholder('agentId')))
  )
  const conversation = db.$with('conversation').as(
    db
      .select(leasedConversationColumns)
      .from(agentConversations)
      .where(
        and(
          eq(agentConversations.workspaceAgentId, placeholder('agentId')),
          eq(agentConversations.callerKey, placeholder('callerKey')),
          eq(agentConversations.conversationKey, placeholder('conversationKey')),
          eq(agentConversations.workspaceId, placeholder('workspaceId'))
        )
      )
  )
  const sameCustomer = sql`(${placeholder('expectedCustomerId')}::text is null or ${conversation.parlantCustomerId} = ${placeholder('expectedCustomerId')})`
  const created = db.$with('created_turn').as(
    db
      .insert(agentChatTurns)
      .select((qb) =>
        qb
          .select(
            rowWithDefaults(agentChatTurns, {
              ...newTurnValues,
              conversationId: conversation.id,
            }) as typeof agentChatTurns._.columns
          )
          .from(conversation)
          .innerJoin(agent, takesTurnsIn(agent, placeholder('workspaceId')))
          .where(sameCustomer)
      )
      .onConflictDoNothing({ target: turnKeyColumns })
      .returning(openedTurnColumns)
  )
  const taken = takenLease(db, created)
  return db
    .with(agent, conversation, created, taken)
    .select()
    .from(agent)
    .leftJoin(conversation, sql`true`)
    .leftJoin(created, sql`true`)
    .leftJoin(taken, sql`true`)
    .prepare('parlant_turn_open_by_name')
})
