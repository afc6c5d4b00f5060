/**
 * Presence rows (`agent_sessions`): one per socket subscribed to an agent's room, tagged with the
 * node that holds the socket, ended when the socket leaves, disconnects or its node dies.
 */
import { generateId } from '@sim/utils/id'
import { and, eq, inArray, isNull, lt } from 'drizzle-orm'
import { agentSessions } from '@/lib/parlant/db/schema'
import type { BridgeDatabase } from '@/lib/parlant/ports'

/** Records a socket joining an agent's room; returns the presence row id. */
export async function startPresence(
  db: BridgeDatabase,
  input: {
    workspaceId: string
    agentId: string
    socketId: string
    nodeId: string
    userId: string | null
  }
) {
  const id = generateId()
  await db.insert(agentSessions).values({
    id,
    workspaceId: input.workspaceId,
    workspaceAgentId: input.agentId,
    socketId: input.socketId,
    nodeId: input.nodeId,
    userId: input.userId,
  })
  return id
}

/** Ends one presence row. */
export async function endPresence(db: BridgeDatabase, workspaceId: string, id: string, at: Date) {
  await db
    .update(agentSessions)
    .set({ endedAt: at })
    .where(
      and(
        eq(agentSessions.workspaceId, workspaceId),
        eq(agentSessions.id, id),
        isNull(agentSessions.endedAt)
      )
    )
}

/**
 * Ends every open presence row of a node: on boot for rows a crash left behind, or by whoever
 * notices a node is dead. Node-wide maintenance, hence not scoped by workspace.
 */
export async function endPresenceOfNode(db: BridgeDatabase, nodeId: string, at: Date) {
  const rows = await db
    .update(agentSessions)
    .set({ endedAt: at })
    .where(and(eq(agentSessions.nodeId, nodeId), isNull(agentSessions.endedAt)))
    .returning({ id: agentSessions.id })
  return rows.length
}

/**
 * Ends open presence rows (older than `startedBefore`) whose socket is not among `liveSocketIds`
 * — the sockets every node of the cluster reports. A node that died without restarting leaves
 * rows only this can end. Cluster-wide maintenance, hence not scoped by workspace.
 */
export async function endOrphanedPresence(
  db: BridgeDatabase,
  liveSocketIds: ReadonlySet<string>,
  startedBefore: Date,
  at: Date
) {
  const open = await db
    .select({ id: agentSessions.id, socketId: agentSessions.socketId })
    .from(agentSessions)
    .where(and(isNull(agentSessions.endedAt), lt(agentSessions.startedAt, startedBefore)))
  const orphaned = open.filter((row) => !liveSocketIds.has(row.socketId)).map((row) => row.id)
  for (let i = 0; i < orphaned.length; i += 500) {
    await db
      .update(agentSessions)
      .set({ endedAt: at })
      .where(
        and(inArray(agentSessions.id, orphaned.slice(i, i + 500)), isNull(agentSessions.endedAt))
      )
  }
  return orphaned.length
}
