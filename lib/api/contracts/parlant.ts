/**
 * Route contracts of the Parlant bridge (installed into Sim as `lib/api/contracts/parlant.ts`):
 * each route file validates its request with `parseRequest(contract, …)`, and the bridge's router
 * finds a route by its contract's method and path. The schemas themselves live with the bridge
 * (`lib/parlant/api/contracts.ts`), so the bridge and Sim validate with the same ones.
 */
import { defineRouteContract } from '@/lib/api/contracts/types'
import {
  agentDeletedResponseSchema,
  agentListResponseSchema,
  agentParamsSchema,
  agentResponseSchema,
  agentStatusResponseSchema,
  bridgeErrorResponseSchema,
  chatBodySchema,
  chatResponseSchema,
  conversationDeletedResponseSchema,
  conversationListQuerySchema,
  conversationListResponseSchema,
  conversationMessagesQuerySchema,
  conversationMessagesResponseSchema,
  conversationParamsSchema,
  createAgentBodySchema,
  issuedTokenResponseSchema,
  issueTokenBodySchema,
  optionalWorkspaceQuerySchema,
  tokenListResponseSchema,
  tokenParamsSchema,
  tokenRevokedResponseSchema,
  toolAgentBodySchema,
  toolAgentResponseSchema,
  toolChatBodySchema,
  toolChatResponseSchema,
  toolConversationBodySchema,
  toolConversationResponseSchema,
  toolErrorResponseSchema,
  toolListBodySchema,
  toolListResponseSchema,
  updateAgentBodySchema,
  verifyTokenBodySchema,
  verifyTokenResponseSchema,
  workspaceBodySchema,
  workspaceParamsSchema,
  workspaceQuerySchema,
} from '@/lib/parlant/api/contracts'

// ------------------------------------------------------------------ agents

/** `GET /api/parlant/agents?workspaceId=`: the workspace's agents (read). */
export const listParlantAgentsContract = defineRouteContract({
  method: 'GET',
  path: '/api/parlant/agents',
  query: workspaceQuerySchema,
  response: { mode: 'json', schema: agentListResponseSchema },
  error: bridgeErrorResponseSchema,
})

/** `GET /api/parlant/workspaces/[workspaceId]/agents`: the same list by path (read). */
export const listParlantWorkspaceAgentsContract = defineRouteContract({
  method: 'GET',
  path: '/api/parlant/workspaces/[workspaceId]/agents',
  params: workspaceParamsSchema,
  response: { mode: 'json', schema: agentListResponseSchema },
  error: bridgeErrorResponseSchema,
})

/** `POST /api/parlant/agents`: creates an agent, 201 (write). */
export const createParlantAgentContract = defineRouteContract({
  method: 'POST',
  path: '/api/parlant/agents',
  body: createAgentBodySchema,
  response: { mode: 'json', schema: agentResponseSchema, status: 201 },
  error: bridgeErrorResponseSchema,
})

/** `GET /api/parlant/agents/[agentId]?workspaceId=` (read). */
export const getParlantAgentContract = defineRouteContract({
  method: 'GET',
  path: '/api/parlant/agents/[agentId]',
  params: agentParamsSchema,
  query: workspaceQuerySchema,
  response: { mode: 'json', schema: agentResponseSchema },
  error: bridgeErrorResponseSchema,
})

/** `PUT /api/parlant/agents/[agentId]`: changes the given fields (write). */
export const updateParlantAgentContract = defineRouteContract({
  method: 'PUT',
  path: '/api/parlant/agents/[agentId]',
  params: agentParamsSchema,
  query: optionalWorkspaceQuerySchema,
  body: updateAgentBodySchema,
  response: { mode: 'json', schema: agentResponseSchema },
  error: bridgeErrorResponseSchema,
})

/** `DELETE /api/parlant/agents/[agentId]?workspaceId=` (admin). */
export const deleteParlantAgentContract = defineRouteContract({
  method: 'DELETE',
  path: '/api/parlant/agents/[agentId]',
  params: agentParamsSchema,
  query: workspaceQuerySchema,
  response: { mode: 'json', schema: agentDeletedResponseSchema },
  error: bridgeErrorResponseSchema,
})

/** `POST /api/parlant/agents/[agentId]/start` (write). */
export const startParlantAgentContract = defineRouteContract({
  method: 'POST',
  path: '/api/parlant/agents/[agentId]/start',
  params: agentParamsSchema,
  query: optionalWorkspaceQuerySchema,
  body: workspaceBodySchema,
  response: { mode: 'json', schema: agentResponseSchema },
  error: bridgeErrorResponseSchema,
})

/** `POST /api/parlant/agents/[agentId]/stop` (write). */
export const stopParlantAgentContract = defineRouteContract({
  method: 'POST',
  path: '/api/parlant/agents/[agentId]/stop',
  params: agentParamsSchema,
  query: optionalWorkspaceQuerySchema,
  body: workspaceBodySchema,
  response: { mode: 'json', schema: agentResponseSchema },
  error: bridgeErrorResponseSchema,
})

/** `GET /api/parlant/agents/[agentId]/status?workspaceId=` (read, or the agent's token). */
export const getParlantAgentStatusContract = defineRouteContract({
  method: 'GET',
  path: '/api/parlant/agents/[agentId]/status',
  params: agentParamsSchema,
  query: workspaceQuerySchema,
  response: { mode: 'json', schema: agentStatusResponseSchema },
  error: bridgeErrorResponseSchema,
})

/** `POST /api/parlant/agents/[agentId]/chat`: one turn (write, or the agent's token). */
export const chatParlantAgentContract = defineRouteContract({
  method: 'POST',
  path: '/api/parlant/agents/[agentId]/chat',
  params: agentParamsSchema,
  query: optionalWorkspaceQuerySchema,
  body: chatBodySchema,
  response: { mode: 'json', schema: chatResponseSchema },
  error: bridgeErrorResponseSchema,
})

// ------------------------------------------------------------------ conversations

/**
 * `GET /api/parlant/agents/[agentId]/conversations?workspaceId=&limit=&cursor=`: the caller's
 * conversations with the agent, newest first (read, or the agent's token).
 */
export const listParlantConversationsContract = defineRouteContract({
  method: 'GET',
  path: '/api/parlant/agents/[agentId]/conversations',
  params: agentParamsSchema,
  query: conversationListQuerySchema,
  response: { mode: 'json', schema: conversationListResponseSchema },
  error: bridgeErrorResponseSchema,
})

/**
 * `GET /api/parlant/agents/[agentId]/conversations/[conversationKey]/messages?workspaceId=&limit=&before=`:
 * one of the caller's conversations, oldest message first (read, or the agent's token).
 */
export const listParlantConversationMessagesContract = defineRouteContract({
  method: 'GET',
  path: '/api/parlant/agents/[agentId]/conversations/[conversationKey]/messages',
  params: conversationParamsSchema,
  query: conversationMessagesQuerySchema,
  response: { mode: 'json', schema: conversationMessagesResponseSchema },
  error: bridgeErrorResponseSchema,
})

/**
 * `DELETE /api/parlant/agents/[agentId]/conversations/[conversationKey]?workspaceId=`: ends one
 * of the caller's conversations; its key starts a new one next time (write, or the agent's token).
 */
export const deleteParlantConversationContract = defineRouteContract({
  method: 'DELETE',
  path: '/api/parlant/agents/[agentId]/conversations/[conversationKey]',
  params: conversationParamsSchema,
  query: workspaceQuerySchema,
  response: { mode: 'json', schema: conversationDeletedResponseSchema },
  error: bridgeErrorResponseSchema,
})

// ------------------------------------------------------------------ agent tokens

/** `POST /api/parlant/auth/token`: issues an agent token, 201 (write). */
export const issueParlantTokenContract = defineRouteContract({
  method: 'POST',
  path: '/api/parlant/auth/token',
  body: issueTokenBodySchema,
  response: { mode: 'json', schema: issuedTokenResponseSchema, status: 201 },
  error: bridgeErrorResponseSchema,
})

/** `POST /api/parlant/auth/verify` (any caller). */
export const verifyParlantTokenContract = defineRouteContract({
  method: 'POST',
  path: '/api/parlant/auth/verify',
  body: verifyTokenBodySchema,
  response: { mode: 'json', schema: verifyTokenResponseSchema },
  error: bridgeErrorResponseSchema,
})

/** `GET /api/parlant/auth/tokens?workspaceId=`: the workspace's agent tokens (admin). */
export const listParlantTokensContract = defineRouteContract({
  method: 'GET',
  path: '/api/parlant/auth/tokens',
  query: workspaceQuerySchema,
  response: { mode: 'json', schema: tokenListResponseSchema },
  error: bridgeErrorResponseSchema,
})

/** `DELETE /api/parlant/auth/token/[tokenId]?workspaceId=` (admin, or the issuer). */
export const revokeParlantTokenContract = defineRouteContract({
  method: 'DELETE',
  path: '/api/parlant/auth/token/[tokenId]',
  params: tokenParamsSchema,
  query: workspaceQuerySchema,
  response: { mode: 'json', schema: tokenRevokedResponseSchema },
  error: bridgeErrorResponseSchema,
})

// ------------------------------------------------------------------ Sim's tool routes

/** `POST /api/tools/parlant/list`: the `parlant_list_agents` tool. */
export const parlantListAgentsToolContract = defineRouteContract({
  method: 'POST',
  path: '/api/tools/parlant/list',
  body: toolListBodySchema,
  response: { mode: 'json', schema: toolListResponseSchema },
  error: toolErrorResponseSchema,
})

/** `POST /api/tools/parlant/start`: the `parlant_start_agent` tool. */
export const parlantStartAgentToolContract = defineRouteContract({
  method: 'POST',
  path: '/api/tools/parlant/start',
  body: toolAgentBodySchema,
  response: { mode: 'json', schema: toolAgentResponseSchema },
  error: toolErrorResponseSchema,
})

/** `POST /api/tools/parlant/stop`: the `parlant_stop_agent` tool. */
export const parlantStopAgentToolContract = defineRouteContract({
  method: 'POST',
  path: '/api/tools/parlant/stop',
  body: toolAgentBodySchema,
  response: { mode: 'json', schema: toolAgentResponseSchema },
  error: toolErrorResponseSchema,
})

/** `POST /api/tools/parlant/status`: the `parlant_get_status` tool. */
export const parlantGetStatusToolContract = defineRouteContract({
  method: 'POST',
  path: '/api/tools/parlant/status',
  body: toolAgentBodySchema,
  response: { mode: 'json', schema: toolAgentResponseSchema },
  error: toolErrorResponseSchema,
})

/** `POST /api/tools/parlant/conversation`: the `parlant_get_conversation` tool. */
export const parlantGetConversationToolContract = defineRouteContract({
  method: 'POST',
  path: '/api/tools/parlant/conversation',
  body: toolConversationBodySchema,
  response: { mode: 'json', schema: toolConversationResponseSchema },
  error: toolErrorResponseSchema,
})

/** `POST /api/tools/parlant/chat`: the `parlant_chat` tool. */
export const parlantChatToolContract = defineRouteContract({
  method: 'POST',
  path: '/api/tools/parlant/chat',
  body: toolChatBodySchema,
  response: { mode: 'json', schema: toolChatResponseSchema },
  error: toolErrorResponseSchema,
})
