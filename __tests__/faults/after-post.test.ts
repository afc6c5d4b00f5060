/**
 * Issue 12 §1, the second half: once a message has been posted to Parlant, no failure after that
 * point leads to a second post. A reply the database could not hold (NUL, a cut emoji) is recorded
 * in storable form instead of failing the turn; a database failure while settling fails the send,
 * and its retry (same idempotency key) completes without posting again.
 */
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { agentChatTurns } from '@/lib/parlant/db/schema'
import { agentGuidelineTag } from '@/lib/parlant/lifecycle'
import { ENGINES } from '../support/databases'
import { customerMessages, type FaultHost, startFaultHost } from './support'

/**
 * Makes the first `times` updates of a turn row that match `when` fail, with a trigger `name`
 * (drop it with `drop trigger <name> on agent_chat_turns`).
 */
async function failTurnUpdates(
  db: FaultHost['host']['database']['db'],
  name: string,
  when: string,
  times: number
) {
  await db.execute(sql.raw(`create sequence ${name}`))
  await db.execute(
    sql.raw(`create function ${name}() returns trigger language plpgsql as $$
    begin
      if ${when} and nextval('${name}') <= ${times} then
        raise exception 'injected failure while recording the turn';
      end if;
      return new;
    end $$`)
  )
  await db.execute(
    sql.raw(
      `create trigger ${name} before update on agent_chat_turns for each row execute function ${name}()`
    )
  )
}

describe.each(ENGINES)('after the message is posted, on %s', (engine) => {
  let f: FaultHost
  let agentId = ''
  let pid = ''

  beforeAll(async () => {
    f = await startFaultHost(engine)
    const agent = await f.host.bridge.lifecycle.create(f.workspaceId, null, { name: 'replies' })
    agentId = agent.id
    pid = (await f.host.bridge.lifecycle.start(f.workspaceId, agentId)).parlantAgentId as string
    // Parlant may answer anything: here a reply with a NUL and half an emoji.
    const created = await fetch(`${f.host.parlantUrl}/guidelines`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        condition: 'say something odd',
        action: 'odd \u0000 reply \ud83d',
        tags: [agentGuidelineTag(pid)],
      }),
    })
    expect(created.status).toBeLessThan(300)
  })
  afterAll(async () => {
    await f?.close()
  })

  const chat = (body: Record<string, unknown>) =>
    f.call('POST', `/api/parlant/agents/${agentId}/chat`, f.adminKey, {
      workspaceId: f.workspaceId,
      ...body,
    })

  it('a reply the database cannot hold as is is recorded storably, not a 500 that invites a resend', async () => {
    const first = await chat({ message: 'say something odd', idempotencyKey: 'odd-1' })
    expect(first.status, JSON.stringify(first.body)).toBe(200)
    expect((first.body.result as { content: string }).content).toBe('odd \ufffd reply \ufffd')
    const retry = await chat({ message: 'say something odd', idempotencyKey: 'odd-1' })
    expect(retry.body).toEqual(first.body)
    expect(customerMessages(f.emulator, pid).filter((m) => m === 'say something odd')).toHaveLength(
      1
    )
  })

  it('a database failure after the post fails the send; its retry completes without a second post', async () => {
    const db = f.host.database.db
    await failTurnUpdates(db, 'settle_fault', "new.status = 'completed'", 1)
    try {
      const failed = await chat({ message: 'once only', idempotencyKey: 'settle-1' })
      expect(failed.status).toBe(500)
      expect(customerMessages(f.emulator, pid).filter((m) => m === 'once only')).toHaveLength(1)
      const retried = await chat({ message: 'once only', idempotencyKey: 'settle-1' })
      expect(retried.status, JSON.stringify(retried.body)).toBe(200)
      expect((retried.body.result as { content: string }).content).toBe(
        'I received your message: "once only"'
      )
      expect(customerMessages(f.emulator, pid).filter((m) => m === 'once only')).toHaveLength(1)
    } finally {
      await db.execute(sql`drop trigger settle_fault on agent_chat_turns`)
    }
  })
  it('a send that posted and then could record nothing (settle and failure both fail) is retried without a second post', async () => {
    // Nothing about the post reached the turn row: the retry must find the message in the session.
    const db = f.host.database.db
    await failTurnUpdates(db, 'silent_fault', "new.status in ('completed', 'failed')", 2)
    try {
      const failed = await chat({ message: 'never twice', idempotencyKey: 'silent-1' })
      expect(failed.status).toBe(500)
      const [row] = await db
        .select()
        .from(agentChatTurns)
        .where(eq(agentChatTurns.idempotencyKey, 'silent-1'))
      expect(row).toMatchObject({ status: 'pending', parlantEventId: null })
      const retried = await chat({ message: 'never twice', idempotencyKey: 'silent-1' })
      expect(retried.status, JSON.stringify(retried.body)).toBe(200)
      expect((retried.body.result as { content: string }).content).toBe(
        'I received your message: "never twice"'
      )
      expect(customerMessages(f.emulator, pid).filter((m) => m === 'never twice')).toHaveLength(1)
    } finally {
      await db.execute(sql`drop trigger silent_fault on agent_chat_turns`)
    }
  })
})
