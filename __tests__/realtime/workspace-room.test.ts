/**
 * The workspace room over real socket.io clients on the standalone host, on both engines: a
 * reader of the workspace hears every agent created, changed or deleted there (by anyone, from
 * any tab); someone without access, or an agent token, is refused as for a missing workspace;
 * a revoked member is evicted.
 */

import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import type { Socket } from 'socket.io-client'
import { PARLANT_EVENTS, type WorkspaceAgentEvent } from '@/lib/parlant/realtime/events'
import { createUser, createWorkspace, grant, revoke } from '@/host/directory'
import { type RunningHost, startHost } from '@/host/server'
import { createPostgresDatabase, ENGINES } from '../support/databases'
import { api, connect, next, record, socketToken } from './support'

/** Sends a workspace join and resolves with the success or error payload. */
function joinWorkspace(
  socket: Socket,
  payload: unknown
): Promise<{ ok: true } | { ok: false; error: Record<string, unknown> }> {
  return new Promise((resolve) => {
    const onSuccess = () => {
      socket.off(PARLANT_EVENTS.joinWorkspaceError, onError)
      resolve({ ok: true })
    }
    const onError = (error: Record<string, unknown>) => {
      socket.off(PARLANT_EVENTS.joinWorkspaceSuccess, onSuccess)
      resolve({ ok: false, error })
    }
    socket.once(PARLANT_EVENTS.joinWorkspaceSuccess, onSuccess)
    socket.once(PARLANT_EVENTS.joinWorkspaceError, onError)
    socket.emit(PARLANT_EVENTS.joinWorkspace, payload)
  })
}

describe.each(ENGINES)('the workspace room on the standalone host (%s)', (engine) => {
  let host: RunningHost
  let dropDb: (() => Promise<void>) | undefined
  let ownerKey: string
  let workspaceId: string
  let bob: { id: string; apiKey: string }
  let carol: { id: string; apiKey: string }
  const sockets: Socket[] = []

  async function socketFor(key: string) {
    const socket = await connect(host.url, await socketToken(host.url, key))
    sockets.push(socket)
    return socket
  }

  beforeAll(async () => {
    const pg = engine === 'postgres' ? await createPostgresDatabase() : undefined
    dropDb = pg?.drop
    host = await startHost({
      env: {
        PARLANT_BRIDGE_DATA_DIR: mkdtempSync(joinPath(tmpdir(), 'bridge-ws-room-')),
        DATABASE_URL: pg?.url,
        PORT: '0',
        PARLANT_SOCKET_REVALIDATE_MS: '100',
      },
    })
    ownerKey = host.identity.apiKey
    workspaceId = host.identity.workspaceId
    const db = host.database.db
    bob = await createUser(db, { name: 'Bob', email: 'bob@example.com' })
    await grant(db, bob.id, workspaceId, 'read')
    carol = await createUser(db, { name: 'Carol', email: 'carol@example.com' })
    await createWorkspace(db, { name: 'Carol WS', ownerId: carol.id })
  })
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    await host?.close()
    await dropDb?.()
  })

  it('tells a reader of the workspace about agents created, changed and deleted', async () => {
    const reader = await socketFor(bob.apiKey)
    expect(await joinWorkspace(reader, { workspaceId })).toEqual({ ok: true })
    const heard = record(reader)

    const created = next(reader, PARLANT_EVENTS.workspaceAgent, (p) => p.change === 'created')
    const { agent } = await api<{ agent: { id: string } }>(
      host.url,
      ownerKey,
      'POST',
      '/api/parlant/agents',
      { workspaceId, name: 'Support Bot' }
    )
    expect(await created).toMatchObject({
      workspaceId,
      agentId: agent.id,
      change: 'created',
      agent: { id: agent.id, name: 'Support Bot', status: 'inactive' },
    })

    const updated = next(reader, PARLANT_EVENTS.workspaceAgent, (p) => p.change === 'updated')
    await api(
      host.url,
      ownerKey,
      'PUT',
      `/api/parlant/agents/${agent.id}?workspaceId=${workspaceId}`,
      {
        name: 'Support Bot 2',
      }
    )
    expect(await updated).toMatchObject({ agentId: agent.id, agent: { name: 'Support Bot 2' } })

    const deleted = next(reader, PARLANT_EVENTS.workspaceAgent, (p) => p.change === 'deleted')
    await api(
      host.url,
      ownerKey,
      'DELETE',
      `/api/parlant/agents/${agent.id}?workspaceId=${workspaceId}`
    )
    expect(await deleted).toMatchObject({ agentId: agent.id, change: 'deleted', agent: null })
    const changes = heard
      .filter((h) => h.event === PARLANT_EVENTS.workspaceAgent)
      .map((h) => (h.payload as unknown as WorkspaceAgentEvent).change)
    expect(changes).toEqual(['created', 'updated', 'deleted'])
  })

  it('refuses outsiders, agent tokens and malformed joins; outsiders hear nothing', async () => {
    const outsider = await socketFor(carol.apiKey)
    const refused = await joinWorkspace(outsider, { workspaceId })
    expect(refused).toEqual({
      ok: false,
      error: { workspaceId, error: 'Workspace not found', code: 'not_found', retryable: false },
    })
    const malformed = await joinWorkspace(outsider, { workspaceId: 'bad:id' })
    expect(malformed).toMatchObject({ ok: false, error: { code: 'validation_error' } })

    const { agent } = await api<{ agent: { id: string } }>(
      host.url,
      ownerKey,
      'POST',
      '/api/parlant/agents',
      { workspaceId, name: 'Token holder' }
    )
    await api(host.url, ownerKey, 'POST', `/api/parlant/agents/${agent.id}/start`, { workspaceId })
    const { token } = await api<{ token: string }>(
      host.url,
      ownerKey,
      'POST',
      '/api/parlant/auth/token',
      { workspaceId, agentId: agent.id }
    )
    const machine = await connect(host.url, token)
    sockets.push(machine)
    expect(await joinWorkspace(machine, { workspaceId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    })

    const heard = [...record(outsider), ...record(machine)]
    const watcher = await socketFor(ownerKey)
    await joinWorkspace(watcher, { workspaceId })
    const seen = next(watcher, PARLANT_EVENTS.workspaceAgent)
    await api(host.url, ownerKey, 'POST', '/api/parlant/agents', { workspaceId, name: 'Quiet' })
    await seen
    expect(heard.filter((h) => h.event === PARLANT_EVENTS.workspaceAgent)).toEqual([])
  })

  it('evicts a member whose access is revoked', async () => {
    const dave = await createUser(host.database.db, { name: 'Dave', email: 'dave@example.com' })
    await grant(host.database.db, dave.id, workspaceId, 'read')
    const socket = await socketFor(dave.apiKey)
    expect(await joinWorkspace(socket, { workspaceId })).toEqual({ ok: true })
    const evicted = next(socket, PARLANT_EVENTS.workspaceEvicted)
    await revoke(host.database.db, dave.id, workspaceId)
    expect(await evicted).toMatchObject({ workspaceId, code: 'not_found' })
    const heard = record(socket)
    const watcher = await socketFor(ownerKey)
    await joinWorkspace(watcher, { workspaceId })
    const seen = next(watcher, PARLANT_EVENTS.workspaceAgent)
    await api(host.url, ownerKey, 'POST', '/api/parlant/agents', { workspaceId, name: 'After' })
    await seen
    expect(heard).toEqual([])
  })
})
