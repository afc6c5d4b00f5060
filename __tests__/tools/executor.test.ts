/**
 * The standalone executor runs the Parlant tools the way Sim's executor does: internal URL on
 * the host with `?workflowId&userId`, the internal bearer, `_context`, non-2xx error extraction
 * and `transformResponse`. A stub HTTP server records what reaches the route.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ParlantBlock } from '@/blocks/blocks/parlant'
import { verifyInternalToken } from '@/host/auth'
import {
  BlockExecutionError,
  type ExecutionContext,
  executeBlock,
  executeTool,
  serializeBlock,
} from '@/host/executor'
import { createLLMToolSchema, executeLLMToolCall, transformBlockTool } from '@/host/llm-tools'
import { parlantChatTool, parlantListAgentsTool } from '@/tools/parlant'

interface Recorded {
  method: string
  path: string
  query: Record<string, string>
  authorization: string | undefined
  body: Record<string, unknown>
}

const SECRET = 'test-internal-secret-0123456789'
let server: Server
let baseUrl = ''
let recorded: Recorded[] = []
let reply: { status: number; body: unknown } = { status: 200, body: {} }

async function readBody(request: IncomingMessage) {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  return text ? (JSON.parse(text) as Record<string, unknown>) : {}
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://stub')
    recorded.push({
      method: request.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: request.headers.authorization,
      body: await readBody(request),
    })
    response.writeHead(reply.status, { 'content-type': 'application/json' })
    response.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

beforeEach(() => {
  recorded = []
  reply = { status: 200, body: {} }
})

function context(): ExecutionContext {
  return {
    baseUrl,
    internalSecret: SECRET,
    userId: 'user-1',
    workspaceId: 'ws-1',
    workflowId: 'wf-1',
    executionId: 'exec-1',
  }
}

const chatOutput = {
  content: 'Refunds take 5 days.',
  outcome: 'replied',
  messages: [
    { id: 'e2', offset: 2, source: 'ai_agent', text: 'Refunds take 5 days.', createdAt: 't' },
  ],
  preambles: [{ id: 'e1', offset: 1, source: 'ai_agent', text: 'One moment', createdAt: 't' }],
  toolCalls: [],
  matchedGuidelines: ['g1'],
  agentId: 'agent-1',
  sessionId: 's1',
  sessionRenewed: false,
  conversationKey: 'exec:exec-1',
  traceId: 't1',
  timing: { startedAt: 'a', completedAt: 'b', durationMs: 3 },
  status: 'active',
}

describe('executeTool', () => {
  it('posts to the internal route on the host with the query, bearer and workspace', async () => {
    reply = { status: 200, body: { success: true, output: chatOutput } }
    const result = await executeTool(
      'parlant_chat',
      { agentId: 'agent-1', message: 'refund?', deadlineSeconds: 20, conversationKey: 'c1' },
      context()
    )
    expect(result.success).toBe(true)
    const [call] = recorded
    expect(call).toMatchObject({
      method: 'POST',
      path: '/api/tools/parlant/chat',
      query: { workflowId: 'wf-1', userId: 'user-1' },
      body: {
        workspaceId: 'ws-1',
        agentId: 'agent-1',
        message: 'refund?',
        conversationKey: 'c1',
        deadlineMs: 20_000,
        autoStart: true,
        executionId: 'exec-1',
      },
    })
    const token = call?.authorization?.replace(/^Bearer /, '') ?? ''
    expect(verifyInternalToken(SECRET, token)).toBe('user-1')
    expect(result.output).toMatchObject({ content: 'Refunds take 5 days.', sessionId: 's1' })
    expect(result.output.events).toEqual([
      { kind: 'preamble', text: 'One moment', offset: 1 },
      { kind: 'message', text: 'Refunds take 5 days.', offset: 2 },
    ])
    expect(result.timing?.duration).toBeGreaterThanOrEqual(0)
  })

  it('extracts the error of a non-2xx route answer and keeps its status', async () => {
    reply = { status: 404, body: { success: false, error: 'Agent not found' } }
    const result = await executeTool('parlant_get_status', { agentId: 'x' }, context())
    expect(result).toMatchObject({ success: false, error: 'Agent not found', statusCode: 404 })
    reply = { status: 502, body: 'upstream exploded' }
    expect((await executeTool('parlant_list_agents', {}, context())).error).toBe(
      'upstream exploded'
    )
    reply = { status: 400, body: { error: { message: 'message: must not be empty' } } }
    expect((await executeTool('parlant_chat', { agentId: 'a' }, context())).error).toBe(
      'message: must not be empty'
    )
  })

  it('reads a 2xx envelope that says success: false as a failure', async () => {
    reply = { status: 200, body: { success: false, error: 'Agent is stopping' } }
    expect(await executeTool('parlant_start_agent', { agentId: 'a' }, context())).toMatchObject({
      success: false,
      error: 'Agent is stopping',
    })
  })

  it('fails cleanly for an unknown tool or an unreachable host', async () => {
    expect((await executeTool('parlant_nope', {}, context())).error).toMatch(/Tool not found/)
    const down = await executeTool(
      'parlant_list_agents',
      {},
      {
        ...context(),
        baseUrl: 'http://127.0.0.1:1',
      }
    )
    expect(down.success).toBe(false)
  })
})

describe('executeBlock (serializer + generic handler)', () => {
  it('collapses the agent pair, seeds the operation and applies the block params', async () => {
    reply = { status: 200, body: { success: true, output: chatOutput } }
    const serialized = serializeBlock(ParlantBlock, {
      agentSelector: ' agent-1 ',
      message: ' hello ',
      deadlineSeconds: '15',
    })
    expect(serialized.config.tool).toBe('parlant_chat')
    expect(serialized.config.params).not.toHaveProperty('agentSelector')
    expect(serialized.config.params).toMatchObject({ agentId: ' agent-1 ', autoStart: true })
    const output = await executeBlock(ParlantBlock, serialized, context())
    expect(output.content).toBe('Refunds take 5 days.')
    expect(recorded[0]?.body).toMatchObject({
      agentId: 'agent-1',
      message: 'hello',
      deadlineMs: 15_000,
    })
  })

  it('uses the advanced agent id when the basic member is empty or advanced mode is chosen', () => {
    const advanced = serializeBlock(ParlantBlock, {
      operation: 'parlant_get_status',
      manualAgentId: 'typed',
    })
    expect(advanced.config).toEqual({
      tool: 'parlant_get_status',
      params: expect.objectContaining({ agentId: 'typed' }),
    })
    const forced = serializeBlock(
      ParlantBlock,
      { operation: 'parlant_stop_agent', agentSelector: 'picked', manualAgentId: 'typed' },
      { canonicalModes: { agentId: 'advanced' } }
    )
    expect(forced.config.params.agentId).toBe('typed')
    expect(forced.config.tool).toBe('parlant_stop_agent')
  })

  it('throws a block error carrying the tool, block and status when the tool fails', async () => {
    reply = { status: 403, body: { success: false, error: 'Access denied' } }
    const serialized = serializeBlock(ParlantBlock, {
      operation: 'parlant_start_agent',
      agentSelector: 'a',
    })
    const error = await executeBlock(ParlantBlock, serialized, context()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BlockExecutionError)
    expect(error).toMatchObject({
      message: 'Access denied',
      toolId: 'parlant_start_agent',
      statusCode: 403,
    })
  })

  it('fails on a bad deadline before any request is sent', async () => {
    const serialized = serializeBlock(ParlantBlock, {
      agentSelector: 'a',
      message: 'hi',
      deadlineSeconds: 'soon',
    })
    await expect(executeBlock(ParlantBlock, serialized, context())).rejects.toThrow(/Turn deadline/)
    expect(recorded).toEqual([])
  })
})

describe('LLM tool schemas', () => {
  it('follow createLLMToolSchema: user-only params out, user-filled params out, required kept', () => {
    expect(createLLMToolSchema(parlantChatTool as never, {})).toEqual({
      type: 'object',
      properties: {
        agentId: { type: 'string', description: expect.any(String) },
        message: { type: 'string', description: expect.any(String) },
        conversationKey: { type: 'string', description: expect.any(String) },
      },
      required: ['agentId', 'message'],
    })
    expect(createLLMToolSchema(parlantChatTool as never, { agentId: 'picked' })).toMatchObject({
      required: ['message'],
    })
    expect(createLLMToolSchema(parlantListAgentsTool as never, {})).toEqual({
      type: 'object',
      properties: {},
      required: [],
    })
  })

  it('a model call drops blocked args, keeps the user values and runs the block params', async () => {
    reply = { status: 200, body: { success: true, output: chatOutput } }
    const tool = transformBlockTool(ParlantBlock, {
      operation: 'parlant_chat',
      userParams: { agentSelector: 'agent-1', customerId: 'c-9' },
    })
    expect(tool.id).toBe('parlant_chat')
    expect(Object.keys(tool.parameters.properties)).toEqual(['message', 'conversationKey'])
    expect(tool.modelBlockedParams).toEqual(['customerId', 'deadlineSeconds', 'autoStart'])
    const result = await executeLLMToolCall(
      tool,
      { message: '  refund? ', agentId: 'other', customerId: 'spoofed', autoStart: false },
      context()
    )
    expect(result.success).toBe(true)
    expect(recorded[0]?.body).toMatchObject({
      agentId: 'agent-1',
      message: 'refund?',
      customerId: 'c-9',
      autoStart: true,
    })
  })
})
