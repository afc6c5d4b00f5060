/**
 * Presence rows left by a crashed node are ended when it boots again, by whoever buries it, or by
 * the reaper once no live node holds their socket.
 */
import { createServer } from 'node:http'
import { createLogger } from '@sim/logger'
import { isNull } from 'drizzle-orm'
import { Server } from 'socket.io'
import { insertAgentWithinQuota } from '@/lib/parlant/db/queries'
import { agentSessions } from '@/lib/parlant/db/schema'
import { type BridgeHost, systemClock } from '@/lib/parlant/ports'
import { endPresenceOfNode, startPresence } from '@/lib/parlant/realtime/presence'
import { attachParlantRealtime } from '@/lib/parlant/realtime/server'
import { createUser, createWorkspace } from '@/host/directory'
import { createTestDatabase, ENGINES } from '../support/databases'

describe.each(ENGINES)('presence on %s', (engine) => {
  it('ends a crashed node’s rows on its boot and a dead node’s rows on request', async () => {
    const database = await createTestDatabase(engine)
    const httpServer = createServer()
    const io = new Server(httpServer)
    try {
      const db = database.db
      const user = await createUser(db, { name: 'P', email: 'p@example.com' })
      const ws = await createWorkspace(db, { name: 'P', ownerId: user.id })
      const inserted = await insertAgentWithinQuota(
        db,
        ws.id,
        {
          name: 'a',
          config: {
            guidelines: [],
            compositionMode: 'fluid',
            messageOutputMode: 'block',
            maxEngineIterations: 3,
            parameters: {},
          },
          createdBy: null,
        },
        10
      )
      if (!inserted.ok) throw new Error(inserted.reason)
      const row = (nodeId: string, socketId: string) =>
        startPresence(db, {
          workspaceId: ws.id,
          agentId: inserted.agent.id,
          socketId,
          nodeId,
          userId: user.id,
        })
      await row('node-1', 's1')
      await row('node-2', 's2')
      await row('node-3', 's3')

      const host: BridgeHost = {
        authenticate: async () => null,
        workspacePermission: async () => null,
        db,
        publish: () => {},
        logger: createLogger('presence-test'),
        clock: systemClock,
      }
      const realtime = await attachParlantRealtime({
        io,
        host,
        nodeId: 'node-1',
        verifySocketToken: async () => null,
        revalidateIntervalMs: 0,
      })
      const open = async () =>
        (await db.select().from(agentSessions).where(isNull(agentSessions.endedAt)))
          .map((r) => r.nodeId)
          .sort()
      expect(await open()).toEqual(['node-2', 'node-3'])
      expect(await endPresenceOfNode(db, 'node-2', new Date())).toBe(1)
      expect(await open()).toEqual(['node-3'])
      // node-3 died and never came back: no live node holds socket s3, so the reaper ends its
      // row (a grace of 0 ms: every row is old enough).
      expect(await realtime.reapOrphanedPresence(0)).toBe(1)
      expect(await open()).toEqual([])
      await realtime.close()
    } finally {
      io.close()
      await database.close()
    }
  })
})
