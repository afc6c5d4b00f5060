/**
 * Conversations a person can come back to: the caller's conversations with an agent (from the
 * bridge's rows), one conversation's messages (from its Parlant session's events), and ending one
 * (its Parlant session deleted, its row removed, so the key starts afresh on the next chat).
 *
 * Caller scoping (`callerKeyOf`): a conversation belongs to the caller who opened it — a user
 * (`user:<userId>`, whatever the surface) sees the ones they opened, an agent token
 * (`token:<tokenId>`) the ones it opened. Anyone else's conversation is answered exactly like a
 * missing one (404).
 */
import { and, desc, eq, type SQL, sql } from 'drizzle-orm'
import type {
  ConversationMessage,
  ConversationMessages,
  ConversationSummary,
} from '@/lib/parlant/api/contracts'
import { callerCustomerId } from '@/lib/parlant/chat/conversations'
import {
  isPreamble,
  type MessageEvent,
  type ParlantClient,
  ParlantNotFound,
} from '@/lib/parlant/client'
import { agentChatTurns, agentConversations } from '@/lib/parlant/db/schema'
import { BridgeError } from '@/lib/parlant/errors'
import { parlantFailure } from '@/lib/parlant/lifecycle/provision'
import type { BridgeHost } from '@/lib/parlant/ports'

/** Who asks: a Sim user, or (null) a machine caller holding the agent's token. */
export interface ConversationCaller {
  userId: string | null
  /** The caller's key (`user:<userId>` or `token:<tokenId>`), as chat records it. */
  key: string
}

/** Where a conversation is: workspace, agent and the caller it must belong to. */
export interface ConversationScope {
  workspaceId: string
  agentId: string
  caller: ConversationCaller
}

const PREVIEW_CHARS = 200

function conversationNotFound() {
  return new BridgeError('not_found', 'Conversation not found')
}

function invalidCursor() {
  return new BridgeError('validation_error', 'Invalid request: cursor: is not a valid cursor', [
    { field: 'cursor', message: 'is not a valid cursor' },
  ])
}

/** A PostgreSQL `timestamp` as text (UTC by the bridge's convention) → ISO 8601. */
export function timestampTextToIso(text: string): string {
  const [date, time = '00:00:00'] = text.split(' ')
  const [clock, fraction = ''] = time.split('.')
  return `${date}T${clock}.${fraction.padEnd(3, '0').slice(0, 3)}Z`
}

const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/

/** The opaque cursor of a listing page: the last row's sort key at full precision. */
export function encodeCursor(lastAt: string, id: string): string {
  return Buffer.from(JSON.stringify([lastAt, id])).toString('base64url')
}

/** The sort key in `cursor`, or a 400 naming `cursor`. */
export function decodeCursor(cursor: string): { lastAt: string; id: string } {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw invalidCursor()
  }
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    typeof value[0] !== 'string' ||
    typeof value[1] !== 'string' ||
    !TIMESTAMP_TEXT.test(value[0]) ||
    value[1].length === 0 ||
    value[1].length > 128
  ) {
    throw invalidCursor()
  }
  return { lastAt: value[0], id: value[1] }
}

/** The rows of the caller's conversations with the agent. */
function ownedBy(scope: ConversationScope): SQL {
  const c = agentConversations
  return and(
    eq(c.workspaceId, scope.workspaceId),
    eq(c.workspaceAgentId, scope.agentId),
    eq(c.callerKey, scope.caller.key)
  ) as SQL
}

/** Parlant's message sources, as the transcript names them (system messages are not shown). */
function sourceOf(event: MessageEvent): ConversationMessage['source'] | undefined {
  switch (event.source) {
    case 'customer':
    case 'customer_ui':
      return 'customer'
    case 'ai_agent':
      return 'ai_agent'
    case 'human_agent':
    case 'human_agent_on_behalf_of_ai_agent':
      return 'human_agent'
    default:
      return undefined
  }
}

/** The messages of a session's events, oldest first. */
export function toConversationMessages(events: readonly MessageEvent[]): ConversationMessage[] {
  return events.flatMap((event) => {
    const source = sourceOf(event)
    if (!source || event.deleted) return []
    return [
      {
        id: event.id,
        offset: event.offset,
        source,
        text: event.data.message,
        at: event.creation_utc,
        traceId: event.trace_id,
        preamble: isPreamble(event),
      },
    ]
  })
}

/** The page of `messages` that ends before offset `before`, and where the page before it ends. */
export function pageOfMessages(
  messages: readonly ConversationMessage[],
  limit: number,
  before?: number
): { messages: ConversationMessage[]; nextBefore: number | null } {
  const eligible = before === undefined ? messages : messages.filter((m) => m.offset < before)
  const page = eligible.slice(Math.max(0, eligible.length - limit))
  const first = page[0]
  return {
    messages: page,
    nextBefore: first && eligible.length > page.length ? first.offset : null,
  }
}

/** Creates the conversation history service. */
export function createConversationService(deps: {
  host: BridgeHost
  parlant: ParlantClient
  /** Budget of one Parlant call, ms. Default 5 000. */
  timeoutMs?: number
}) {
  const { host, parlant } = deps
  const { db } = host
  const timeoutMs = deps.timeoutMs ?? 5000

  async function findOwned(scope: ConversationScope, conversationKey: string) {
    const c = agentConversations
    const [found] = await db
      .select({
        row: c,
        // Compared on the database's clock, as the lease itself is.
        turnRunning: sql<boolean>`coalesce(${c.leaseOwner} is not null and ${c.leaseExpiresAt} > (now() at time zone 'utc'), false)`,
      })
      .from(c)
      .where(and(ownedBy(scope), eq(c.conversationKey, conversationKey)))
      .limit(1)
    if (!found) throw conversationNotFound()
    return { ...found.row, turnRunning: found.turnRunning }
  }

  return {
    /** The caller's conversations with the agent, newest activity first, `limit` at a time. */
    async list(
      scope: ConversationScope,
      page: { limit: number; cursor?: string }
    ): Promise<{ conversations: ConversationSummary[]; nextCursor: string | null }> {
      const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor)
      const c = agentConversations
      const t = agentChatTurns
      const completed = sql`${t.conversationId} = ${c.id} and ${t.status} = 'completed'`
      const lastAt = sql`coalesce((select max(${t.updatedAt}) from ${t} where ${completed}), ${c.createdAt})`
      const rows = db
        .select({
          id: c.id,
          conversationKey: c.conversationKey,
          customerId: c.parlantCustomerId,
          createdText: sql<string>`${c.createdAt}::text`.as('created_text'),
          lastAt: sql<string>`${lastAt}`.as('last_at'),
          lastText: sql<string>`(${lastAt})::text`.as('last_text'),
          preview: sql<
            string | null
          >`(select left(${t.result}->>'content', ${PREVIEW_CHARS}) from ${t} where ${completed} order by ${t.updatedAt} desc limit 1)`.as(
            'preview'
          ),
        })
        .from(c)
        .where(ownedBy(scope))
        .as('conversations_page')
      const found = await db
        .select()
        .from(rows)
        .where(
          after
            ? sql`(${rows.lastAt}, ${rows.id}) < (${after.lastAt}::timestamp, ${after.id})`
            : undefined
        )
        .orderBy(desc(rows.lastAt), desc(rows.id))
        .limit(page.limit + 1)
      const shown = found.slice(0, page.limit)
      const last = shown[shown.length - 1]
      return {
        conversations: shown.map((row) => ({
          conversationKey: row.conversationKey,
          customerId: callerCustomerId(scope.workspaceId, row.customerId),
          createdAt: timestampTextToIso(row.createdText),
          lastMessageAt: timestampTextToIso(row.lastText),
          preview: row.preview || null,
        })),
        nextCursor:
          last && found.length > shown.length ? encodeCursor(last.lastText, last.id) : null,
      }
    },

    /**
     * One conversation's messages, oldest first: the last `limit` before offset `before`. A
     * conversation whose Parlant session is gone has none (its next chat starts a new session).
     */
    async messages(
      scope: ConversationScope,
      conversationKey: string,
      page: { limit: number; before?: number }
    ): Promise<ConversationMessages> {
      const row = await findOwned(scope, conversationKey)
      const empty = { conversationKey, sessionId: null, messages: [], nextBefore: null }
      const sessionId = row.parlantSessionId
      if (!sessionId) return empty
      let events: MessageEvent[]
      try {
        const batch = await parlant.events.list(sessionId, { kinds: ['message'], timeoutMs })
        events = batch.events.filter((event): event is MessageEvent => event.kind === 'message')
      } catch (error) {
        if (error instanceof ParlantNotFound) return empty
        throw parlantFailure(error, 'Reading the conversation failed')
      }
      return {
        conversationKey,
        sessionId,
        ...pageOfMessages(toConversationMessages(events), page.limit, page.before),
      }
    },

    /**
     * Ends a conversation: its Parlant session is deleted, then its row (with its turn records),
     * so the key starts a new conversation next time. Refused (409) while a turn is running in it.
     */
    async end(
      scope: ConversationScope,
      conversationKey: string
    ): Promise<{ deleted: true; conversationKey: string }> {
      const row = await findOwned(scope, conversationKey)
      if (row.turnRunning) {
        throw new BridgeError(
          'turn_in_progress',
          'A reply is still being produced in this conversation; end it once the turn is over'
        )
      }
      if (row.parlantSessionId) {
        try {
          await parlant.sessions.delete(row.parlantSessionId, { timeoutMs })
        } catch (error) {
          if (!(error instanceof ParlantNotFound)) {
            throw parlantFailure(error, 'Ending the conversation failed')
          }
        }
      }
      await db
        .delete(agentConversations)
        .where(
          and(
            eq(agentConversations.workspaceId, scope.workspaceId),
            eq(agentConversations.id, row.id)
          )
        )
      host.logger.info('Conversation ended', {
        workspaceId: scope.workspaceId,
        agentId: scope.agentId,
        conversationId: row.id,
      })
      return { deleted: true, conversationKey }
    },
  }
}

/** The conversation service `createConversationService` returns. */
export type ConversationService = ReturnType<typeof createConversationService>
