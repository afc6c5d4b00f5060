/**
 * Socket handlers in Sim's realtime style (`setupXHandlers(socket, roomManager)`):
 * `join-parlant-agent {workspaceId, agentId}` → `join-parlant-agent-success` or
 * `join-parlant-agent-error {workspaceId, agentId, error, code, retryable}`, and
 * `leave-parlant-agent`; the same for a workspace's agent list with `join-parlant-workspace
 * {workspaceId}` / `leave-parlant-workspace`. Payloads are validated with zod; authorization is the
 * room manager's.
 */
import type { Socket } from 'socket.io'
import { z } from 'zod'
import { PARLANT_EVENTS } from '@/lib/parlant/realtime/events'
import { agentIdSchema, describeIssues, workspaceIdSchema } from '@/lib/parlant/schemas'

/** Payload of join and leave. */
export const agentRoomPayloadSchema = z.strictObject({
  workspaceId: workspaceIdSchema,
  agentId: agentIdSchema,
})
export type AgentRoomPayload = z.infer<typeof agentRoomPayloadSchema>

/** Payload of a workspace room's join and leave. */
export const workspaceRoomPayloadSchema = z.strictObject({ workspaceId: workspaceIdSchema })
export type WorkspaceRoomPayload = z.infer<typeof workspaceRoomPayloadSchema>

/** Why a join was refused. */
export interface JoinRefusal {
  error: string
  code:
    | 'validation_error'
    | 'unauthorized'
    | 'not_found'
    | 'rate_limited'
    | 'superseded'
    | 'internal'
  retryable: boolean
}

/** What the handlers need from the room manager (see `attachParlantRealtime`). */
export interface ParlantRoomManager {
  /** Authorizes and joins; resolves to a refusal, or undefined on success. */
  join(socket: Socket, payload: AgentRoomPayload): Promise<JoinRefusal | undefined>
  leave(socket: Socket, payload: AgentRoomPayload): Promise<void>
  /** Authorizes (read on the workspace) and joins its agent-list room. */
  joinWorkspace(socket: Socket, payload: WorkspaceRoomPayload): Promise<JoinRefusal | undefined>
  leaveWorkspace(socket: Socket, payload: WorkspaceRoomPayload): Promise<void>
  disconnect(socket: Socket): Promise<void>
}

function loosePayload(raw: unknown) {
  const value = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {}
  return {
    workspaceId: typeof value.workspaceId === 'string' ? value.workspaceId.slice(0, 128) : null,
    agentId: typeof value.agentId === 'string' ? value.agentId.slice(0, 128) : null,
  }
}

/** Registers the bridge's handlers on one connected socket. */
export function setupParlantHandlers(socket: Socket, rooms: ParlantRoomManager) {
  socket.on(PARLANT_EVENTS.join, async (raw: unknown) => {
    const parsed = agentRoomPayloadSchema.safeParse(raw)
    if (!parsed.success) {
      const issues = describeIssues(parsed.error)
      socket.emit(PARLANT_EVENTS.joinError, {
        ...loosePayload(raw),
        error: `Invalid join payload: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
        code: 'validation_error',
        retryable: false,
      })
      return
    }
    const refusal = await rooms.join(socket, parsed.data).catch(
      (): JoinRefusal => ({
        error: 'Could not join the agent room',
        code: 'internal',
        retryable: true,
      })
    )
    if (refusal) socket.emit(PARLANT_EVENTS.joinError, { ...parsed.data, ...refusal })
    else socket.emit(PARLANT_EVENTS.joinSuccess, parsed.data)
  })

  socket.on(PARLANT_EVENTS.leave, async (raw: unknown) => {
    const parsed = agentRoomPayloadSchema.safeParse(raw)
    if (!parsed.success) return
    await rooms.leave(socket, parsed.data).catch(() => {})
  })

  socket.on(PARLANT_EVENTS.joinWorkspace, async (raw: unknown) => {
    const parsed = workspaceRoomPayloadSchema.safeParse(raw)
    if (!parsed.success) {
      const issues = describeIssues(parsed.error)
      socket.emit(PARLANT_EVENTS.joinWorkspaceError, {
        workspaceId: loosePayload(raw).workspaceId,
        error: `Invalid join payload: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
        code: 'validation_error',
        retryable: false,
      })
      return
    }
    const refusal = await rooms.joinWorkspace(socket, parsed.data).catch(
      (): JoinRefusal => ({
        error: 'Could not join the workspace room',
        code: 'internal',
        retryable: true,
      })
    )
    if (refusal) socket.emit(PARLANT_EVENTS.joinWorkspaceError, { ...parsed.data, ...refusal })
    else socket.emit(PARLANT_EVENTS.joinWorkspaceSuccess, parsed.data)
  })

  socket.on(PARLANT_EVENTS.leaveWorkspace, async (raw: unknown) => {
    const parsed = workspaceRoomPayloadSchema.safeParse(raw)
    if (!parsed.success) return
    await rooms.leaveWorkspace(socket, parsed.data).catch(() => {})
  })

  socket.on('disconnect', () => {
    rooms.disconnect(socket).catch(() => {})
  })
}
