/**
 * `publish` on one node without an adapter to other nodes: a room with no socket here gets nothing
 * encoded; a room with one is emitted to. With other nodes possible, every publish is emitted.
 */
import { createServer } from 'node:http'
import { createLogger } from '@sim/logger'
import { Server } from 'socket.io'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type BridgeHost, systemClock } from '@/lib/parlant/ports'
import { attachParlantRealtime } from '@/lib/parlant/realtime/server'
import { createTestDatabase, type TestDatabase } from '../support/databases'

describe('realtime publish', () => {
  let database: TestDatabase | undefined
  let io: Server | undefined
  afterEach(async () => {
    io?.close()
    await database?.close()
  })

  const attach = async (singleNode: boolean) => {
    database = await createTestDatabase('pglite')
    io = new Server(createServer())
    const host: BridgeHost = {
      authenticate: async () => null,
      workspacePermission: async () => null,
      db: database.db,
      publish: () => {},
      logger: createLogger('publish-test'),
      clock: systemClock,
    }
    const realtime = await attachParlantRealtime({
      io,
      host,
      nodeId: 'node-1',
      verifySocketToken: async () => null,
      revalidateIntervalMs: 0,
      presenceReapIntervalMs: 0,
      singleNode,
    })
    return { realtime, to: vi.spyOn(realtime.namespace, 'to') }
  }

  it('on a single node, skips a room without a socket and emits to one with a socket', async () => {
    const { realtime, to } = await attach(true)
    realtime.publish('agent:a:caller:x', 'parlant:chat-event', { n: 1 })
    expect(to).not.toHaveBeenCalled()
    realtime.namespace.adapter.addAll('socket-1', new Set(['agent:a:caller:x']))
    realtime.publish('agent:a:caller:x', 'parlant:chat-event', { n: 2 })
    expect(to).toHaveBeenCalledWith('agent:a:caller:x')
    await realtime.close()
  })

  it('with other nodes possible, emits every publish', async () => {
    const { realtime, to } = await attach(false)
    realtime.publish('agent:a:caller:y', 'parlant:chat-event', { n: 1 })
    expect(to).toHaveBeenCalledWith('agent:a:caller:y')
    await realtime.close()
  })
})
