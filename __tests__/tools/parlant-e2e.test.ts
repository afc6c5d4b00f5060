/**
 * End to end through the standalone host and its emulator: the Parlant block runs from a
 * serialized config, and a simulated LLM block reads the tool schemas, lists the agents and
 * chats — both get the emulator's guideline-driven reply.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ParlantBlock } from '@/blocks/blocks/parlant'
import { type ExecutionContext, executeBlock, serializeBlock } from '@/host/executor'
import { executeLLMToolCall, transformBlockTool } from '@/host/llm-tools'
import { type RunningHost, startHost } from '@/host/server'

const REFUND_REPLY = 'Refunds are processed within 5 business days.'

let host: RunningHost
let dataDir: string
let agentId: string
let context: ExecutionContext

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'parlant-e2e-'))
  host = await startHost({ env: { PARLANT_BRIDGE_DATA_DIR: dataDir, PORT: '0' } })
  const created = await fetch(`${host.url}/api/parlant/agents`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${host.identity.apiKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      workspaceId: host.identity.workspaceId,
      name: 'Refund desk',
      description: 'Answers refund questions',
      guidelines: [{ condition: 'the customer asks about "refund"', action: REFUND_REPLY }],
    }),
  })
  expect(created.status).toBe(201)
  agentId = ((await created.json()) as { agent: { id: string } }).agent.id
  context = {
    baseUrl: host.url,
    internalSecret: host.internalSecret,
    userId: host.identity.userId,
    workspaceId: host.identity.workspaceId,
    workflowId: 'wf-e2e',
    executionId: 'exec-e2e',
  }
}, 60_000)

afterAll(async () => {
  await host?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('Parlant block through the standalone host', () => {
  it('starts the agent, reads its status, then chats from a serialized block', async () => {
    const started = await executeBlock(
      ParlantBlock,
      serializeBlock(ParlantBlock, { operation: 'parlant_start_agent', agentSelector: agentId }),
      context
    )
    expect(started).toMatchObject({ agentId, name: 'Refund desk' })
    expect(['starting', 'active']).toContain(started.status)

    const status = await executeBlock(
      ParlantBlock,
      serializeBlock(ParlantBlock, { operation: 'parlant_get_status', manualAgentId: agentId }),
      context
    )
    expect(status).toMatchObject({ agentId, status: 'active', lastError: null })

    const chat = await executeBlock(
      ParlantBlock,
      serializeBlock(ParlantBlock, {
        agentSelector: agentId,
        message: 'Hi, can I get a refund for my order?',
        conversationKey: 'ticket-42',
        deadlineSeconds: '20',
      }),
      context
    )
    expect(chat).toMatchObject({
      content: REFUND_REPLY,
      outcome: 'replied',
      agentId,
      conversationKey: 'ticket-42',
      status: 'active',
    })
    expect(chat.sessionId).toEqual(expect.any(String))
    expect(chat.events).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'message', text: REFUND_REPLY })])
    )
  })

  it('fails the block with the route error for an agent of no workspace', async () => {
    await expect(
      executeBlock(
        ParlantBlock,
        serializeBlock(ParlantBlock, { operation: 'parlant_get_status', agentSelector: 'nope' }),
        context
      )
    ).rejects.toMatchObject({ statusCode: 404 })
  })

  it('serves a simulated LLM block: schemas, list the agents, then chat', async () => {
    const listTool = transformBlockTool(ParlantBlock, { operation: 'parlant_list_agents' })
    const chatTool = transformBlockTool(ParlantBlock, { operation: 'parlant_chat' })
    // What the model is shown.
    expect(listTool.parameters.required).toEqual([])
    expect(chatTool.parameters.required).toEqual(['agentId', 'message'])
    expect(Object.keys(chatTool.parameters.properties)).not.toContain('customerId')

    const listed = await executeLLMToolCall(listTool, {}, context)
    expect(listed.success).toBe(true)
    const agents = listed.output.agents as Array<{ id: string; name: string }>
    const refundDesk = agents.find((agent) => agent.name === 'Refund desk')
    expect(refundDesk?.id).toBe(agentId)

    const answered = await executeLLMToolCall(
      chatTool,
      { agentId: refundDesk?.id, message: 'I would like a refund please' },
      context
    )
    expect(answered.error).toBeUndefined()
    expect(answered.output.content).toBe(REFUND_REPLY)
    expect(answered.output.conversationKey).toBe('exec:exec-e2e')
  })
})
