import { generateId } from '@sim/utils/id'
import {
  arr,
  baseBody,
  compact,
  jsonHeaders,
  parlantRouteUrl,
  readEnvelope,
  str,
} from '@/tools/parlant/shared'
import type {
  ParlantChatParams,
  ParlantChatResponse,
  ParlantTurnEvent,
} from '@/tools/parlant/types'
import type { ToolConfig } from '@/tools/types'

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

function offsetOf(value: Record<string, unknown>) {
  return typeof value.offset === 'number' ? value.offset : undefined
}

/**
 * One ordered list of what the agent did in the turn — preambles, tool calls, messages — so a
 * downstream block can read the turn without knowing Parlant's event kinds.
 */
function turnEvents(output: Record<string, unknown>): ParlantTurnEvent[] {
  const events: ParlantTurnEvent[] = []
  for (const preamble of arr(output.preambles).map(record)) {
    events.push({ kind: 'preamble', text: str(preamble.text), offset: offsetOf(preamble) })
  }
  for (const call of arr(output.toolCalls).map(record)) {
    events.push({ kind: 'tool', offset: offsetOf(call), data: call })
  }
  for (const message of arr(output.messages).map(record)) {
    events.push({ kind: 'message', text: str(message.text), offset: offsetOf(message) })
  }
  // Stable sort: events without an offset keep their kind order after the ordered ones.
  return events
    .map((event, index) => ({ event, index }))
    .sort(
      (a, b) =>
        (a.event.offset ?? Number.MAX_SAFE_INTEGER) - (b.event.offset ?? Number.MAX_SAFE_INTEGER) ||
        a.index - b.index
    )
    .map(({ event }) => event)
}

function chatOutput(output: Record<string, unknown>): ParlantChatResponse['output'] {
  return {
    content: str(output.content),
    outcome: str(output.outcome),
    messages: arr(output.messages),
    preambles: arr(output.preambles),
    toolCalls: arr(output.toolCalls),
    matchedGuidelines: arr(output.matchedGuidelines).filter(
      (item): item is string => typeof item === 'string'
    ),
    events: turnEvents(output),
    agentId: str(output.agentId),
    sessionId: str(output.sessionId),
    conversationKey: str(output.conversationKey),
    sessionRenewed: output.sessionRenewed === true,
    traceId: str(output.traceId),
    status: str(output.status),
    timing: record(output.timing),
  }
}

/** Sends one message to a workspace's Parlant agent and returns its reply. */
export const parlantChatTool: ToolConfig<ParlantChatParams, ParlantChatResponse> = {
  id: 'parlant_chat',
  name: 'Chat with a Parlant agent',
  description:
    "Send a message to one of this workspace's Parlant agents and get its reply. The agent follows its own guidelines, so ask it the customer's question in plain words rather than instructing it. Reuse the same conversationKey to continue a conversation; a new key starts a fresh one. Use parlant_list_agents first if you do not know the agent id.",
  version: '1.0.0',
  params: {
    agentId: {
      type: 'string',
      required: true,
      visibility: 'user-or-llm',
      description: 'Id of the Parlant agent to talk to, as returned by parlant_list_agents',
    },
    message: {
      type: 'string',
      required: true,
      visibility: 'user-or-llm',
      description: 'The customer message to send to the agent',
    },
    conversationKey: {
      type: 'string',
      required: false,
      visibility: 'user-or-llm',
      description:
        'Key of the conversation to continue; the same key resumes the same Parlant session. Leave empty to use the current workflow run.',
    },
    customerId: {
      type: 'string',
      required: false,
      visibility: 'user-only',
      description: 'Identifier of the customer the agent is talking to',
    },
    deadlineSeconds: {
      type: 'number',
      required: false,
      visibility: 'user-only',
      description: 'How long to wait for the reply before failing, in seconds',
    },
    autoStart: {
      type: 'boolean',
      required: false,
      visibility: 'user-only',
      default: true,
      description: 'Start the agent first when it is not running',
    },
  },
  request: {
    url: parlantRouteUrl('chat'),
    method: 'POST',
    headers: jsonHeaders,
    body: (params) =>
      compact({
        ...baseBody(params),
        agentId: params.agentId,
        message: params.message,
        conversationKey: params.conversationKey,
        customerId: params.customerId,
        deadlineMs:
          typeof params.deadlineSeconds === 'number'
            ? Math.round(params.deadlineSeconds * 1000)
            : undefined,
        autoStart: params.autoStart ?? true,
        executionId: params._context?.executionId,
        // One id per call: Sim's transport resends this very body on a retry (deduplicated by the
        // bridge), while every other call (another block, loop iteration or branch) is a new send.
        callId: generateId(),
      }),
  },
  transformResponse: (response) => readEnvelope(response, chatOutput),
  outputs: {
    content: { type: 'string', description: "The agent's reply (its messages joined)" },
    outcome: {
      type: 'string',
      description: 'How the turn ended: replied, no_reply, manual_mode or cancelled',
    },
    messages: {
      type: 'array',
      description: 'Every message the agent sent in this turn',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', description: 'Event id' },
          offset: { type: 'number', description: 'Position in the session' },
          text: { type: 'string', description: 'Message text' },
          createdAt: { type: 'string', description: 'When it was sent (ISO 8601)' },
        },
      },
    },
    preambles: {
      type: 'array',
      description: 'Short holding messages the agent sent while it worked',
    },
    toolCalls: { type: 'array', description: 'Tool calls the agent made during the turn' },
    matchedGuidelines: {
      type: 'array',
      description: 'Ids of the guidelines that applied to this turn',
      items: { type: 'string' },
    },
    events: {
      type: 'array',
      description: 'The turn in order: preambles, tool calls and messages ({ kind, text?, data? })',
    },
    agentId: { type: 'string', description: 'Id of the agent that replied' },
    sessionId: { type: 'string', description: 'Parlant session of the conversation' },
    conversationKey: { type: 'string', description: 'Key that continues this conversation' },
    sessionRenewed: {
      type: 'boolean',
      description:
        'True when the earlier Parlant session was gone and this turn continued the conversation in a new one (the agent does not remember the earlier messages)',
    },
    traceId: { type: 'string', description: 'Trace id of the turn, for debugging' },
    status: { type: 'string', description: 'Lifecycle state of the agent after the turn' },
    timing: {
      type: 'json',
      description: 'Turn timing: { startedAt, completedAt, durationMs }',
    },
  },
}
