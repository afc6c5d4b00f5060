/** Files the installer writes that have no counterpart in this repository. */

/** `apps/sim/lib/parlant/db/schema.ts` inside Sim: the tables live in `@sim/db/schema`. */
export const SIM_LIB_SCHEMA = `/**
 * Inside Sim the bridge's tables are part of \`packages/db\` (\`parlant-schema.ts\`, re-exported by
 * \`@sim/db/schema\`); this module keeps the bridge's own import path working.
 */
export * from '@sim/db/schema'
`

/** `apps/realtime/src/handlers/parlant.ts`: the bridge's socket handlers on Sim's socket server. */
export const REALTIME_HANDLER = `import { authorizeRoom } from '@sim/platform-authz'
import type { AuthenticatedSocket } from '@/middleware/auth'
import type { IRoomManager } from '@/rooms'
import { agentRoom, PARLANT_AGENT_ROOM_TYPE } from '@/lib/parlant/realtime/events'
import {
  type ParlantRoomManager,
  setupParlantHandlers as setupBridgeHandlers,
} from '@/lib/parlant/realtime/handlers'

/**
 * The Parlant agent room on Sim's socket server: joins are authorized by Sim's room policy
 * (the installer adds \`parlant-agent\` to \`ROOM_MEMBERSHIP_ACTIONS\` and
 * \`ROOM_WORKSPACE_RESOLVERS\`, resolving the agent id to its workspace) on every join.
 */
export function setupParlantHandlers(socket: AuthenticatedSocket, _roomManager: IRoomManager) {
  const rooms: ParlantRoomManager = {
    async join(joining, payload) {
      const allowed = await authorizeRoom({
        userId: socket.userId,
        room: { type: PARLANT_AGENT_ROOM_TYPE, id: payload.agentId },
        action: 'join',
      })
      if (!allowed) return { error: 'Agent not found', code: 'not_found', retryable: false }
      await joining.join(agentRoom(payload.agentId))
      return undefined
    },
    async leave(leaving, payload) {
      await leaving.leave(agentRoom(payload.agentId))
    },
    async disconnect() {},
  }
  setupBridgeHandlers(socket, rooms)
}
`
