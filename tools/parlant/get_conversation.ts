import {
  arr,
  baseBody,
  compact,
  jsonHeaders,
  parlantRouteUrl,
  readEnvelope,
  str,
  strOrNull,
} from '@/tools/parlant/shared'
import type {
  ParlantConversationMessage,
  ParlantGetConversationParams,
  ParlantGetConversationResponse,
} from '@/tools/parlant/types'
import type { ToolConfig } from '@/tools/types'

function message(value: unknown): ParlantConversationMessage {
  const m = value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
  return {
    id: str(m.id),
    offset: typeof m.offset === 'number' ? m.offset : 0,
    source: str(m.source),
    text: str(m.text),
    at: str(m.at),
    traceId: str(m.traceId),
    preamble: m.preamble === true,
  }
}

function transcriptOutput(
  output: Record<string, unknown>
): ParlantGetConversationResponse['output'] {
  const messages = arr(output.messages).map(message)
  return {
    conversationKey: str(output.conversationKey),
    sessionId: strOrNull(output.sessionId),
    messages,
    count: messages.length,
    nextBefore: typeof output.nextBefore === 'number' ? output.nextBefore : null,
  }
}

/** Reads the transcript of a conversation with a workspace's Parlant agent. */
export const parlantGetConversationTool: ToolConfig<
  ParlantGetConversationParams,
  ParlantGetConversationResponse
> = {
  id: 'parlant_get_conversation',
  name: 'Get a Parlant conversation',
  description:
    "Read the transcript of a conversation with one of this workspace's Parlant agents: every message of the customer and the agent, oldest first, with times and trace ids. Use the conversationKey the chat used; leave it empty for this workflow run's own conversation.",
  version: '1.0.0',
  params: {
    agentId: {
      type: 'string',
      required: true,
      visibility: 'user-or-llm',
      description: 'Id of the Parlant agent, as returned by parlant_list_agents',
    },
    conversationKey: {
      type: 'string',
      required: false,
      visibility: 'user-or-llm',
      description:
        'Key of the conversation to read. Leave empty to read the conversation of the current workflow run.',
    },
    limit: {
      type: 'number',
      required: false,
      visibility: 'user-only',
      description: 'How many of the latest messages to return (1–200, default 50)',
    },
    before: {
      type: 'number',
      required: false,
      visibility: 'hidden',
      description: 'Only messages before this offset (the nextBefore of a previous call)',
    },
  },
  request: {
    url: parlantRouteUrl('conversation'),
    method: 'POST',
    headers: jsonHeaders,
    body: (params) =>
      compact({
        ...baseBody(params),
        agentId: params.agentId,
        conversationKey: params.conversationKey,
        limit: params.limit,
        before: params.before,
        executionId: params._context?.executionId,
      }),
  },
  transformResponse: (response) => readEnvelope(response, transcriptOutput),
  outputs: {
    conversationKey: { type: 'string', description: 'Key of the conversation read' },
    sessionId: {
      type: 'string',
      description: 'Parlant session the messages come from (null before the first message)',
      nullable: true,
    },
    messages: {
      type: 'array',
      description: 'The messages, oldest first',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', description: 'Event id' },
          offset: { type: 'number', description: 'Position in the session' },
          source: { type: 'string', description: 'customer, ai_agent or human_agent' },
          text: { type: 'string', description: 'Message text' },
          at: { type: 'string', description: 'When it was sent (ISO 8601)' },
          traceId: { type: 'string', description: 'Trace id of the turn it belongs to' },
          preamble: { type: 'boolean', description: 'A holding message sent before the reply' },
        },
      },
    },
    count: { type: 'number', description: 'Number of messages returned' },
    nextBefore: {
      type: 'number',
      description: 'Pass as before to read older messages; null when there are none',
      nullable: true,
    },
  },
}
