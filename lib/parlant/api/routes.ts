/**
 * The bridge's routes (architecture analysis §2.3, plus status and Sim's tool routes). Each handler
 * validates its params, query and body first (400 naming the field, before anything changes), then
 * checks permission, then acts through the lifecycle, token or chat service.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { requireAgentAccess, requireWorkspaceAccess } from '@/lib/parlant/api/access'
import type { ChatTurnRequest } from '@/lib/parlant/api/chat-port'
import {
  chatBodySchema,
  createAgentBodySchema,
  issueTokenBodySchema,
  toolAgentBodySchema,
  toolChatBodySchema,
  toolListBodySchema,
  updateAgentBodySchema,
  verifyTokenBodySchema,
  workspaceBodySchema,
  workspaceQuerySchema,
} from '@/lib/parlant/api/contracts'
import { parseOrThrow } from '@/lib/parlant/api/http'
import type { RouteContext, RouteDefinition } from '@/lib/parlant/api/router'
import { BridgeError } from '@/lib/parlant/errors'
import type { AgentView } from '@/lib/parlant/schemas'
import {
  agentIdSchema,
  entityIdSchema,
  permissionSatisfies,
  workspaceIdSchema,
} from '@/lib/parlant/schemas'

const agentParams = z.object({ agentId: agentIdSchema })
const tokenParams = z.object({ tokenId: entityIdSchema })
const workspaceParams = z.object({ workspaceId: workspaceIdSchema })

function queryObject(ctx: RouteContext) {
  return Object.fromEntries(ctx.query.entries())
}

function workspaceFromQuery(ctx: RouteContext) {
  return parseOrThrow(workspaceQuerySchema, queryObject(ctx)).workspaceId
}

/** A body that must be present. */
async function requiredBody(ctx: RouteContext) {
  const body = await ctx.body()
  if (body === undefined) {
    throw new BridgeError(
      'validation_error',
      'Invalid request: body: is required (a JSON object)',
      [{ field: 'body', message: 'is required (a JSON object)' }]
    )
  }
  return body
}

/** `workspaceId` from the body or, failing that, the query; 400 naming it when absent. */
function pickWorkspace(fromBody: string | undefined, ctx: RouteContext) {
  if (fromBody !== undefined) return fromBody
  const fromQuery = ctx.query.get('workspaceId')
  if (fromQuery === null) {
    throw new BridgeError('validation_error', 'Invalid request: workspaceId: is required', [
      { field: 'workspaceId', message: 'is required' },
    ])
  }
  return parseOrThrow(workspaceIdSchema, fromQuery, 'workspaceId')
}

function userIdOf(ctx: RouteContext) {
  return ctx.principal.kind === 'user' ? ctx.principal.user.userId : null
}

function chatUnavailable() {
  return new BridgeError('integration_disabled', 'Chat is not available on this server')
}

async function sendTurn(ctx: RouteContext, turn: ChatTurnRequest) {
  const { chat, lifecycle } = ctx.deps
  if (!chat) throw chatUnavailable()
  // The chat service resolves the active agent itself (404 / 409 as the lifecycle defines them).
  return chat.send(turn, lifecycle.turnSignal(turn.agentId))
}

function toolAgentOutput(agent: AgentView) {
  return {
    agentId: agent.id,
    name: agent.name,
    status: agent.status,
    lastError: agent.lastError,
    since: agent.statusChangedAt,
  }
}

const listAgents = async (ctx: RouteContext, workspaceId: string) => {
  await requireWorkspaceAccess(ctx.deps.host, ctx.principal, workspaceId, 'read')
  return { body: { agents: await ctx.deps.lifecycle.list(workspaceId) } }
}

/** Sim's tool routes take the workspace from the body or the forwarded `_context`. */
function toolWorkspace(body: { workspaceId?: string; _context?: { workspaceId?: string } }) {
  const workspaceId = body.workspaceId ?? body._context?.workspaceId
  if (!workspaceId) {
    throw new BridgeError('validation_error', 'Invalid request: workspaceId: is required', [
      { field: 'workspaceId', message: 'is required' },
    ])
  }
  return workspaceId
}

/** Every route of the bridge. */
export const BRIDGE_ROUTES: readonly RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/api/parlant/agents',
    shape: 'api',
    handle: (ctx) => listAgents(ctx, workspaceFromQuery(ctx)),
  },
  {
    method: 'GET',
    pattern: '/api/parlant/workspaces/:workspaceId/agents',
    shape: 'api',
    handle: (ctx) => listAgents(ctx, parseOrThrow(workspaceParams, ctx.params).workspaceId),
  },
  {
    method: 'POST',
    pattern: '/api/parlant/agents',
    shape: 'api',
    mutating: true,
    async handle(ctx) {
      const { workspaceId, ...input } = parseOrThrow(createAgentBodySchema, await requiredBody(ctx))
      const { userId } = await requireWorkspaceAccess(
        ctx.deps.host,
        ctx.principal,
        workspaceId,
        'write'
      )
      return {
        status: 201,
        body: { agent: await ctx.deps.lifecycle.create(workspaceId, userId, input) },
      }
    },
  },
  {
    method: 'GET',
    pattern: '/api/parlant/agents/:agentId',
    shape: 'api',
    async handle(ctx) {
      const { agentId } = parseOrThrow(agentParams, ctx.params)
      const workspaceId = workspaceFromQuery(ctx)
      await requireAgentAccess(ctx.deps.host, ctx.principal, workspaceId, agentId, 'read')
      return { body: { agent: await ctx.deps.lifecycle.get(workspaceId, agentId) } }
    },
  },
  {
    method: 'PUT',
    pattern: '/api/parlant/agents/:agentId',
    shape: 'api',
    mutating: true,
    async handle(ctx) {
      const { agentId } = parseOrThrow(agentParams, ctx.params)
      const { workspaceId: bodyWorkspace, ...changes } = parseOrThrow(
        updateAgentBodySchema,
        await requiredBody(ctx)
      )
      const workspaceId = pickWorkspace(bodyWorkspace, ctx)
      await requireAgentAccess(ctx.deps.host, ctx.principal, workspaceId, agentId, 'write')
      return { body: { agent: await ctx.deps.lifecycle.update(workspaceId, agentId, changes) } }
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/parlant/agents/:agentId',
    shape: 'api',
    mutating: true,
    async handle(ctx) {
      const { agentId } = parseOrThrow(agentParams, ctx.params)
      const workspaceId = workspaceFromQuery(ctx)
      await requireAgentAccess(ctx.deps.host, ctx.principal, workspaceId, agentId, 'admin')
      return { body: await ctx.deps.lifecycle.delete(workspaceId, agentId) }
    },
  },
  ...(['start', 'stop'] as const).map(
    (action): RouteDefinition => ({
      method: 'POST',
      pattern: `/api/parlant/agents/:agentId/${action}`,
      shape: 'api',
      mutating: true,
      async handle(ctx) {
        const { agentId } = parseOrThrow(agentParams, ctx.params)
        const body = parseOrThrow(workspaceBodySchema, (await ctx.body()) ?? {})
        const workspaceId = pickWorkspace(body.workspaceId, ctx)
        await requireAgentAccess(ctx.deps.host, ctx.principal, workspaceId, agentId, 'write')
        const agent = await ctx.deps.lifecycle[action](workspaceId, agentId)
        return { body: { agent } }
      },
    })
  ),
  {
    method: 'GET',
    pattern: '/api/parlant/agents/:agentId/status',
    shape: 'api',
    tokenAccess: true,
    async handle(ctx) {
      const { agentId } = parseOrThrow(agentParams, ctx.params)
      const workspaceId = workspaceFromQuery(ctx)
      await requireAgentAccess(ctx.deps.host, ctx.principal, workspaceId, agentId, 'read')
      return { body: { status: await ctx.deps.lifecycle.status(workspaceId, agentId) } }
    },
  },
  {
    method: 'POST',
    pattern: '/api/parlant/agents/:agentId/chat',
    shape: 'api',
    tokenAccess: true,
    mutating: true,
    async handle(ctx) {
      const { agentId } = parseOrThrow(agentParams, ctx.params)
      const { workspaceId: bodyWorkspace, ...input } = parseOrThrow(
        chatBodySchema,
        await requiredBody(ctx)
      )
      const workspaceId = pickWorkspace(bodyWorkspace, ctx)
      await requireAgentAccess(ctx.deps.host, ctx.principal, workspaceId, agentId, 'write')
      const caller =
        ctx.principal.kind === 'user'
          ? `user:${ctx.principal.user.userId}`
          : `token:${ctx.principal.token.tokenId}`
      const result = await sendTurn(ctx, {
        workspaceId,
        agentId,
        userId: userIdOf(ctx),
        message: input.message,
        conversationKey: input.conversationKey ?? `api:${caller}`,
        customerId: input.customerId,
        idempotencyKey: input.idempotencyKey,
        deadlineMs: input.deadlineMs,
      })
      return { body: { result } }
    },
  },
  {
    method: 'POST',
    pattern: '/api/parlant/auth/token',
    shape: 'api',
    mutating: true,
    async handle(ctx) {
      const input = parseOrThrow(issueTokenBodySchema, await requiredBody(ctx))
      const { userId } = await requireWorkspaceAccess(
        ctx.deps.host,
        ctx.principal,
        input.workspaceId,
        'write',
        'Agent not found'
      )
      // The agent must exist in that workspace; `get` answers 404 otherwise.
      await ctx.deps.lifecycle.get(input.workspaceId, input.agentId)
      const issued = await ctx.deps.tokens.issue({
        workspaceId: input.workspaceId,
        agentId: input.agentId,
        createdBy: userId,
        label: input.label,
        expiresInSeconds: input.expiresInSeconds,
      })
      return { status: 201, body: issued }
    },
  },
  {
    method: 'POST',
    pattern: '/api/parlant/auth/verify',
    shape: 'api',
    tokenAccess: true,
    async handle(ctx) {
      const { token } = parseOrThrow(verifyTokenBodySchema, await requiredBody(ctx))
      const verified = await ctx.deps.tokens.verify(token)
      if (!verified) return { body: { valid: false } }
      // Where a token belongs is told only to callers who may see that agent anyway.
      const principal = ctx.principal
      const mayKnow =
        principal.kind === 'agent'
          ? principal.token.agentId === verified.agentId
          : permissionSatisfies(
              await ctx.deps.host.workspacePermission(principal.user.userId, verified.workspaceId),
              'read'
            )
      if (!mayKnow) return { body: { valid: true } }
      return {
        body: {
          valid: true,
          workspaceId: verified.workspaceId,
          agentId: verified.agentId,
          expiresAt: verified.expiresAt,
        },
      }
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/parlant/auth/token/:tokenId',
    shape: 'api',
    mutating: true,
    async handle(ctx) {
      const { tokenId } = parseOrThrow(tokenParams, ctx.params)
      const workspaceId = workspaceFromQuery(ctx)
      const { userId, permission } = await requireWorkspaceAccess(
        ctx.deps.host,
        ctx.principal,
        workspaceId,
        'read',
        'Token not found'
      )
      const token = await ctx.deps.tokens.get(workspaceId, tokenId)
      if (!token) throw new BridgeError('not_found', 'Token not found')
      if (permission !== 'admin' && token.createdBy !== userId) {
        throw new BridgeError(
          'forbidden',
          'Only a workspace admin or the token’s issuer may revoke it'
        )
      }
      await ctx.deps.tokens.revoke(workspaceId, tokenId)
      return { body: { revoked: true, tokenId } }
    },
  },

  // ------------------------------------------------------------- Sim's tool-facing routes
  {
    method: 'POST',
    pattern: '/api/tools/parlant/list',
    shape: 'tool',
    async handle(ctx) {
      const workspaceId = toolWorkspace(parseOrThrow(toolListBodySchema, (await ctx.body()) ?? {}))
      await requireWorkspaceAccess(ctx.deps.host, ctx.principal, workspaceId, 'read')
      const agents = await ctx.deps.lifecycle.list(workspaceId)
      return {
        body: {
          success: true,
          output: {
            agents: agents.map((a) => ({
              id: a.id,
              name: a.name,
              description: a.description,
              status: a.status,
            })),
            count: agents.length,
          },
        },
      }
    },
  },
  ...(['start', 'stop', 'status'] as const).map(
    (action): RouteDefinition => ({
      method: 'POST',
      pattern: `/api/tools/parlant/${action}`,
      shape: 'tool',
      tokenAccess: action === 'status',
      mutating: action !== 'status',
      async handle(ctx) {
        const body = parseOrThrow(toolAgentBodySchema, await requiredBody(ctx))
        const workspaceId = toolWorkspace(body)
        const need = action === 'status' ? 'read' : 'write'
        await requireAgentAccess(ctx.deps.host, ctx.principal, workspaceId, body.agentId, need)
        const agent =
          action === 'status'
            ? await ctx.deps.lifecycle.get(workspaceId, body.agentId)
            : await ctx.deps.lifecycle[action](workspaceId, body.agentId)
        return { body: { success: true, output: toolAgentOutput(agent) } }
      },
    })
  ),
  {
    method: 'POST',
    pattern: '/api/tools/parlant/chat',
    shape: 'tool',
    tokenAccess: true,
    mutating: true,
    async handle(ctx) {
      const body = parseOrThrow(toolChatBodySchema, await requiredBody(ctx))
      const workspaceId = toolWorkspace(body)
      await requireAgentAccess(ctx.deps.host, ctx.principal, workspaceId, body.agentId, 'write')
      if (!ctx.deps.chat) throw chatUnavailable()
      if (body.autoStart && ctx.principal.kind === 'user') {
        const agent = await ctx.deps.lifecycle.get(workspaceId, body.agentId)
        if (agent.status !== 'active') await ctx.deps.lifecycle.start(workspaceId, body.agentId)
      }
      const conversationKey =
        body.conversationKey ??
        (body.executionId ? `exec:${body.executionId}` : `tool:${userIdOf(ctx) ?? 'token'}`)
      // One execution sends a given message to a conversation once, even when the executor
      // retries the call (Sim's `_context` carries the execution; a block id narrows it further
      // when the caller has one).
      const idempotencyKey =
        body.idempotencyKey ??
        (body.executionId
          ? `exec:${body.executionId}:${body.blockId ?? '-'}:${createHash('sha256')
              .update(`${conversationKey}\n${body.message}`)
              .digest('hex')
              .slice(0, 16)}`
          : undefined)
      const result = await sendTurn(ctx, {
        workspaceId,
        agentId: body.agentId,
        userId: userIdOf(ctx),
        message: body.message,
        conversationKey,
        customerId: body.customerId,
        idempotencyKey,
        deadlineMs: body.deadlineMs,
      })
      return { body: { success: true, output: { ...result, status: 'active' } } }
    },
  },
]
