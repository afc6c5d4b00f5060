/**
 * A standalone host on one engine (fresh PGlite folder or a fresh PostgreSQL database) with its
 * in-process emulator, plus plain HTTP helpers: the faults suites drive the bridge as callers do.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import type { RunningEmulator } from '@/emulator'
import { type RunningHost, startHost } from '@/host/server'
import { createPostgresDatabase, type Engine } from '../support/databases'

export interface FaultHost {
  host: RunningHost
  emulator: RunningEmulator
  /** The dev workspace and its admin's API key. */
  workspaceId: string
  adminKey: string
  call(
    method: string,
    path: string,
    bearer: string | undefined,
    body?: unknown
  ): Promise<{ status: number; body: Record<string, unknown> }>
  /** Row counts of the bridge's tables (a refused request changes none). */
  counts(): Promise<Record<string, number>>
  close(): Promise<void>
}

/** Starts a host on `engine`. */
export async function startFaultHost(engine: Engine): Promise<FaultHost> {
  const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
  const host = await startHost({
    env: {
      PARLANT_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-faults-')),
      DATABASE_URL: pg?.url,
      PORT: '0',
    },
  })
  if (!host.emulator) throw new Error('the faults suites need the in-process emulator')
  return {
    host,
    emulator: host.emulator,
    workspaceId: host.identity.workspaceId,
    adminKey: host.identity.apiKey,
    async call(method, path, bearer, body) {
      const headers: Record<string, string> = {}
      if (bearer) headers.authorization = `Bearer ${bearer}`
      if (body !== undefined) headers['content-type'] = 'application/json'
      const response = await fetch(`${host.url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await response.text()
      return { status: response.status, body: text ? JSON.parse(text) : {} }
    },
    async counts() {
      const result = await host.database.db.execute(sql`
        select
          (select count(*) from workspace_agents)::int as agents,
          (select coalesce(sum(version), 0) from workspace_agents)::int as versions,
          (select count(*) from agent_auth_tokens)::int as tokens,
          (select count(*) from agent_conversations)::int as conversations,
          (select count(*) from agent_chat_turns)::int as turns`)
      return (result as unknown as { rows: Array<Record<string, number>> }).rows[0] ?? {}
    },
    async close() {
      await host.close()
      await pg?.drop()
    },
  }
}

/** Customer messages the emulator received in every session of `parlantAgentId`. */
export function customerMessages(emulator: RunningEmulator, parlantAgentId: string): string[] {
  const out: string[] = []
  for (const session of emulator.control.store.sessions.values()) {
    if (session.dto.agent_id !== parlantAgentId) continue
    for (const event of session.events) {
      if (event.kind === 'message' && event.source === 'customer') {
        out.push(String((event.data as { message?: unknown }).message))
      }
    }
  }
  return out
}
