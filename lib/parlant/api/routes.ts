/**
 * The bridge's routes (architecture analysis §2.3, plus status and Sim's tool routes). Each is
 * declared by its route contract (`lib/api/contracts/parlant.ts`): the router validates params,
 * query and body against it first (400 naming the field, before anything changes), then the
 * handler checks permission and acts through the lifecycle, token or chat service.
 */
import {
  chatParlantAgentContract,
  createParlantAgentContract,
  deleteParlantAgentContract,
  deleteParlantConversationContract,
  getParlantAgentContract,
  getParlantAgentStatusContract,
  issueParlantTokenContract,
  listParlantAgentsContract,
  listParlantConversationMessagesContract,
  listParlantConversationsContract,
  listParlantTokensContract,
  listParlantWorkspaceAgentsContract,
  parlantChatToolContract,
  parlantGetConversationToolContract,
  parlantGetStatusToolContract,
  parlantListAgentsToolContract,
  parlantStartAgentToolContract,
  parlantStopAgentToolContract,
  revokeParlantTokenContract,
  startParlantAgentContract,
  stopParlantAgentContract,
  updateParlantAgentContract,
  verifyParlantTokenContract,
} from '@/lib/api/contracts/parlant'
import { principalKey, requireAgentAccess, requireWorkspaceAccess } from '@/lib/parlant/api/access'
import type { ChatTurnRequest } from '@/lib/parlant/api/chat-port'
import { defineRoute, type RouteContext, type RouteDefinition } from '@/lib/parlant/api/router'
import type { ConversationScope } from '@/lib/parlant/chat/history'
import { BridgeError } from '@/lib/parlant/errors'
import type { AgentView } from '@/lib/parlant/schemas'
import { permissionSatisfies } from '@/lib/parlant/schemas'

/** The workspace from the body, else the query; 400 naming it when neither has one. */
function pickWorkspace(fromBody: string | undefined, fromQuery: string | undefined) {
  const workspaceId = fromBody ?? fromQuery
  if (workspaceId === undefined) {
    throw new BridgeError('validation_error', 'Invalid request: workspaceId: is required', [
      { field: 'workspaceId', message: 'is required' },
    ])
  }
  return workspaceId
}

function userIdOf(ctx: RouteContext) {
  return ctx.principal.kind === 'user' ? ctx.principal.user.userId : null
}

function chatUnavailable() {
  return new BridgeError('integration_disabled', 'Chat is not available on this server')
}

/** The conversation service, or 503 on a host without one. */
function conversationsOf(ctx: RouteContext) {
  const service = ctx.deps.conversations
  if (!service) {
    throw new BridgeError('integration_disabled', 'Conversations are not available on this server')
  }
  return service
}

/**
 * Checks access to the agent with `need` and scopes to the caller's own conversations (the same
 * caller rule as chat: `user:<userId>` for a user, `token:<tokenId>` for an agent token).
 */
async function conversationScope(
  ctx: RouteContext,
  workspaceId: string,
  agentId: string,
  need: 'read' | 'write'
): Promise<ConversationScope> {
  await requireAgentAccess(ctx.deps.host, ctx.principal, workspaceId, agentId, need)
  return {
    workspaceId,
    agentId,
    caller: { userId: userIdOf(ctx), key: principalKey(ctx.principal) },
  }
}

/** The conversation a tool call means: the given key, else the one chat uses for the same call. */
function toolConversationKey(
  ctx: RouteContext,
  body: { conversationKey?: string; executionId?: string }
) {
  return (
    body.conversationKey ??
    (body.executionId ? `exec:${body.executionId}` : `tool:${userIdOf(ctx) ?? 'token'}`)
  )
}

async function sendTurn(ctx: RouteContext, turn: ChatTurnRequest) {
  const { chat } = ctx.deps
  if (!chat) throw chatUnavailable()
  // The chat service resolves the active agent itself (404 / 409 as the lifecycle defines them)
  // and holds its stop signal for the turn.
  return chat.send(turn)
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
  return {
    body: {
      agents: await ctx.deps.lifecycle.list(workspaceId),
      maxAgents: ctx.deps.config.maxAgentsPerWorkspace,
    },
  }
}

/** Sim's tool routes take the workspace from the body or the forwarded `_context`. */
function toolWorkspace(body: { workspaceId?: string; _context?: { workspaceId?: string } } = {}) {
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
  defineRoute({
    contract: listParlantAgentsContract,
    shape: 'api',
    handle: (ctx, { query }) => listAgents(ctx, query.workspaceId),
  }),
  defineRoute({
    contract: listParlantWorkspaceAgentsContract,
    shape: 'api',
    handle: (ctx, { params }) => listAgents(ctx, params.workspaceId),
  }),
  defineRoute({
    contract: createParlantAgentContract,
    shape: 'api',
    mutating: true,
    async handle(ctx, { body }) {
      const { workspaceId, ...input } = body
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
  }),
  defineRoute({
    contract: getParlantAgentContract,
    shape: 'api',
    async handle(ctx, { params: { agentId }, query: { workspaceId } }) {
      await requireAgentAccess(ctx.deps.host, ctx.principal, workspaceId, agentId, 'read')
      return { body: { agent: await ctx.deps.lifecycle.get(workspaceId, agentId) } }
    },
  }),
  defineRoute({
    contract: updateParlantAgentContract,
    shape: 'api',
    mutating: true,
    async handle(ctx, { params: { agentId }, query, body }) {
      const { workspaceId: bodyWorkspace, ...changes } = body
      const workspaceId = pickWorkspace(bodyWorkspace, query.workspaceId)
      await requireAgentAccess(ctx.deps.host, ctx.principal, workspaceId, agentId, 'write')
      return { body: { agent: await ctx.deps.lifecycle.update(workspaceId, agentId, changes) } }
    },
  }),
  defineRoute({
    contract: deleteParlantAgentContract,
    shape: 'api',
    mutating: true,
    async handle(ctx, { params: { agentId }, query: { workspaceId } }) {
      await requireAgentAccess(ctx.deps.host, ctx.principal, workspaceId, agentId, 'admin')
      return { body: await ctx.deps.lifecycle.delete(workspaceId, agentId) }
    },
  }),
  ...(
    [
      ['start', startParlantAgentContract],
      ['stop', stopParlantAgentContract],
    ] as const
  ).map(([action, contract]) =>
    defineRoute({
      contract,
      shape: 'api',
      mutating: true,
      async handle(ctx, { params: { agentId }, query, body }) {
        const workspaceId = pickWorkspace(body?.workspaceId, query.workspaceId)
        await requireAgentAccess(ctx.deps.host, ctx.principal, workspaceId, agentId, 'write')
        const agent = await ctx.deps.lifecycle[action](workspaceId, agentId)
        return { body: { agent } }
      },
    })
  ),
  defineRoute({
    contract: getParlantAgentStatusContract,
    shape: 'api',
    tokenAccess: true,
    async handle(ctx, { params: { agentId }, query: { workspaceId } }) {
      await requireAgentAccess(ctx.deps.host, ctx.principal, workspaceId, agentId, 'read')
      return { body: { status: await ctx.deps.lifecycle.status(workspaceId, agentId) } }
    },
  }),
  defineRoute({
    contract: chatParlantAgentContract,
    shape: 'api',
    tokenAccess: true,
    mutating: true,
    async handle(ctx, { params: { agentId }, query, body }) {
      const { workspaceId: bodyWorkspace, ...input } = body
      const workspaceId = pickWorkspace(bodyWorkspace, query.workspaceId)
      await requireAgentAccess(ctx.deps.host, ctx.principal, workspaceId, agentId, 'write')
      const caller = principalKey(ctx.principal)
      const result = await sendTurn(ctx, {
        workspaceId,
        agentId,
        userId: userIdOf(ctx),
        caller,
        message: input.message,
        conversationKey: input.conversationKey ?? `api:${caller}`,
        customerId: input.customerId,
        idempotencyKey: input.idempotencyKey,
        deadlineMs: input.deadlineMs,
      })
      return { body: { result } }
    },
  }),
  defineRoute({
    contract: listParlantConversationsContract,
    shape: 'api',
    tokenAccess: true,
    async handle(ctx, { params: { agentId }, query: { workspaceId, limit, cursor } }) {
      const scope = await conversationScope(ctx, workspaceId, agentId, 'read')
      return { body: await conversationsOf(ctx).list(scope, { limit, cursor }) }
    },
  }),
  defineRoute({
    contract: listParlantConversationMessagesContract,
    shape: 'api',
    tokenAccess: true,
    async handle(ctx, { params: { agentId, conversationKey }, query }) {
      const scope = await conversationScope(ctx, query.workspaceId, agentId, 'read')
      return {
        body: await conversationsOf(ctx).messages(scope, conversationKey, {
          limit: query.limit,
          before: query.before,
        }),
      }
    },
  }),
  defineRoute({
    contract: deleteParlantConversationContract,
    shape: 'api',
    tokenAccess: true,
    mutating: true,
    async handle(ctx, { params: { agentId, conversationKey }, query: { workspaceId } }) {
      const scope = await conversationScope(ctx, workspaceId, agentId, 'write')
      return { body: await conversationsOf(ctx).end(scope, conversationKey) }
    },
  }),
  defineRoute({
    contract: issueParlantTokenContract,
    shape: 'api',
    mutating: true,
    async handle(ctx, { body: input }) {
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
  }),
  defineRoute({
    contract: verifyParlantTokenContract,
    shape: 'api',
    tokenAccess: true,
    async handle(ctx, { body: { token } }) {
      // Checking a token is not using it: a stranger's verify must not move its last use.
      const verified = await ctx.deps.tokens.verify(token, { touch: false })
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
  }),
  defineRoute({
    contract: listParlantTokensContract,
    shape: 'api',
    async handle(ctx, { query: { workspaceId } }) {
      await requireWorkspaceAccess(ctx.deps.host, ctx.principal, workspaceId, 'admin')
      return { body: { tokens: await ctx.deps.tokens.list(workspaceId) } }
    },
  }),
  defineRoute({
    contract: revokeParlantTokenContract,
    shape: 'api',
    mutating: true,
    async handle(ctx, { params: { tokenId }, query: { workspaceId } }) {
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
  }),

  // ------------------------------------------------------------- Sim's tool-facing routes
  defineRoute({
    contract: parlantListAgentsToolContract,
    shape: 'tool',
    async handle(ctx, { body }) {
      const workspaceId = toolWorkspace(body)
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
  }),
  ...(
    [
      ['start', parlantStartAgentToolContract],
      ['stop', parlantStopAgentToolContract],
      ['status', parlantGetStatusToolContract],
    ] as const
  ).map(([action, contract]) =>
    defineRoute({
      contract,
      shape: 'tool',
      tokenAccess: action === 'status',
      mutating: action !== 'status',
      async handle(ctx, { body }) {
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
  defineRoute({
    contract: parlantChatToolContract,
    shape: 'tool',
    tokenAccess: true,
    mutating: true,
    async handle(ctx, { body }) {
      const workspaceId = toolWorkspace(body)
      await requireAgentAccess(ctx.deps.host, ctx.principal, workspaceId, body.agentId, 'write')
      if (!ctx.deps.chat) throw chatUnavailable()
      if (body.autoStart && ctx.principal.kind === 'user') {
        const agent = await ctx.deps.lifecycle.get(workspaceId, body.agentId)
        if (agent.status !== 'active') await ctx.deps.lifecycle.start(workspaceId, body.agentId)
      }
      const conversationKey = toolConversationKey(ctx, body)
      // Only a retry of the same tool call is one send: the tool mints `callId` once per call
      // (Sim's transport retries resend that body), so blocks, loop iterations and parallel
      // branches that send the same text are separate sends.
      const idempotencyKey =
        body.idempotencyKey ??
        (body.callId ? `call:${body.executionId ?? '-'}:${body.callId}` : undefined)
      const result = await sendTurn(ctx, {
        workspaceId,
        agentId: body.agentId,
        userId: userIdOf(ctx),
        caller: principalKey(ctx.principal),
        message: body.message,
        conversationKey,
        customerId: body.customerId,
        idempotencyKey,
        deadlineMs: body.deadlineMs,
      })
      return { body: { success: true, output: { ...result, status: 'active' } } }
    },
  }),
  defineRoute({
    contract: parlantGetConversationToolContract,
    shape: 'tool',
    tokenAccess: true,
    async handle(ctx, { body }) {
      const workspaceId = toolWorkspace(body)
      const scope = await conversationScope(ctx, workspaceId, body.agentId, 'read')
      const transcript = await conversationsOf(ctx).messages(
        scope,
        toolConversationKey(ctx, body),
        { limit: body.limit ?? 50, before: body.before }
      )
      return {
        body: { success: true, output: { ...transcript, count: transcript.messages.length } },
      }
    },
  }),
]
