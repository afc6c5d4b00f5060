import { ParlantIcon } from '@/components/icons'
import type { BlockConfig, BlockMeta, SubBlockConfig } from '@/blocks/types'
import { AuthMode, IntegrationType } from '@/blocks/types'

/** Operations of the block; each id is the id of the tool that runs it. */
const PARLANT_OPERATIONS = [
  'parlant_chat',
  'parlant_start_agent',
  'parlant_stop_agent',
  'parlant_get_status',
  'parlant_list_agents',
  'parlant_get_conversation',
] as const

type ParlantOperation = (typeof PARLANT_OPERATIONS)[number]

/** What a block saved without an `operation` value runs. */
const DEFAULT_OPERATION: ParlantOperation = 'parlant_chat'

const CHAT_ONLY = {
  field: 'operation',
  value: 'parlant_chat',
} satisfies SubBlockConfig['condition']

/** Chat and Get conversation name a conversation. */
const WITH_CONVERSATION = {
  field: 'operation',
  value: ['parlant_chat', 'parlant_get_conversation'],
} satisfies SubBlockConfig['condition']

const CONVERSATION_ONLY = {
  field: 'operation',
  value: 'parlant_get_conversation',
} satisfies SubBlockConfig['condition']

/** Every operation but List acts on one agent. */
const NEEDS_AGENT = {
  field: 'operation',
  value: 'parlant_list_agents',
  not: true,
} satisfies SubBlockConfig['condition']

function isParlantOperation(value: unknown): value is ParlantOperation {
  return typeof value === 'string' && (PARLANT_OPERATIONS as readonly string[]).includes(value)
}

/** A trimmed string, or undefined when empty or not a string. */
function trimmed(value: unknown) {
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  return text === '' ? undefined : text
}

/** Parses the turn deadline; empty means "use the route's default". */
function parseDeadlineSeconds(value: unknown) {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string' && value.trim() === '') return undefined
  const seconds = typeof value === 'number' ? value : Number(String(value).trim())
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new Error('Turn deadline must be a positive number of seconds')
  }
  return seconds
}

/** Parses the transcript's message count; empty means the route's default. */
function parseLimit(value: unknown) {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string' && value.trim() === '') return undefined
  const limit = typeof value === 'number' ? value : Number(String(value).trim())
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    throw new Error('Messages to read must be a whole number from 1 to 200')
  }
  return limit
}

/** Switches store booleans, but a reference or an advanced value can arrive as text. */
function parseBoolean(value: unknown) {
  if (typeof value === 'boolean') return value
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase()
    if (text === 'true') return true
    if (text === 'false') return false
  }
  return undefined
}

/**
 * Parlant Agent block.
 *
 * Talks to guideline-driven Parlant agents owned by the workflow's workspace. Chat is the
 * default: send one message, wait for the agent's reply, return it as `content`. The other
 * operations manage the agent's lifecycle or list the workspace's agents, which is what an
 * Agent block needs to pick one when it calls this block as a tool. Every call goes through the
 * internal `/api/tools/parlant/*` routes, which authorize the workspace forwarded in `_context`.
 */
export const ParlantBlock: BlockConfig = {
  type: 'parlant',
  name: 'Parlant Agent',
  description: 'Chat with a guideline-driven Parlant agent',
  authMode: AuthMode.ApiKey,
  longDescription:
    "Run a Parlant conversational agent from a workflow. Pick one of your workspace's agents, send it a customer message and get its reply, which follows the guidelines configured for the agent. A conversation key keeps a multi-turn conversation in one Parlant session across workflow runs. Start, stop or check an agent, or list the workspace's agents so another Agent block can choose one.",
  bestPractices: `
- Configure the agent (name, description, guidelines) in the block's Parlant configuration panel before chatting; guidelines decide how it answers.
- Reuse one Conversation key (for example a chat id or ticket id) to continue a conversation; leave it empty to keep each workflow run separate.
- Turn on Auto-start so the first message starts an inactive agent, or run a Start agent operation first.
- Read the reply from <parlant.content>; <parlant.messages> and <parlant.events> hold every message, preamble and tool call of the turn.
- When an Agent block uses this block as a tool, let it call List agents first so it can choose the agent id itself.
- Get conversation returns a conversation's transcript (<parlant.messages>, oldest first); with an empty key it reads this run's own conversation.
`,
  category: 'tools',
  integrationType: IntegrationType.AI,
  docsLink: 'https://docs.sim.ai/integrations/parlant',
  bgColor: '#0E1F3D',
  iconColor: '#3B82F6',
  icon: ParlantIcon,
  canvasPresentation: {
    defaultTitle: 'Parlant Agent',
    sentences: {
      byOperation: {
        parlant_chat: [
          { text: 'Send', field: 'message', core: true },
          { text: 'to', field: ['agentSelector', 'manualAgentId'], core: true },
          { text: 'in conversation', field: 'conversationKey' },
        ],
        parlant_start_agent: [
          { text: 'Start', field: ['agentSelector', 'manualAgentId'], core: true },
        ],
        parlant_stop_agent: [
          { text: 'Stop', field: ['agentSelector', 'manualAgentId'], core: true },
        ],
        parlant_get_status: [
          { text: 'Check whether', field: ['agentSelector', 'manualAgentId'], core: true },
          'is running',
        ],
        parlant_list_agents: ['List the Parlant agents of this workspace'],
        parlant_get_conversation: [
          'Read the conversation',
          { text: 'with', field: ['agentSelector', 'manualAgentId'], core: true },
          { text: 'under key', field: 'conversationKey' },
        ],
      },
    },
  },
  subBlocks: [
    {
      id: 'operation',
      title: 'Operation',
      type: 'dropdown',
      options: [
        { label: 'Chat with agent', id: 'parlant_chat' },
        { label: 'Start agent', id: 'parlant_start_agent' },
        { label: 'Stop agent', id: 'parlant_stop_agent' },
        { label: 'Get agent status', id: 'parlant_get_status' },
        { label: 'List agents', id: 'parlant_list_agents' },
        { label: 'Get conversation', id: 'parlant_get_conversation' },
      ],
      value: () => DEFAULT_OPERATION,
      description:
        'Chat sends a message and waits for the reply. Get conversation reads a conversation’s transcript. The other operations manage an agent or list the agents of this workspace.',
    },
    {
      id: 'agentSelector',
      title: 'Agent',
      type: 'combobox',
      selectorKey: 'parlant.agents',
      canonicalParamId: 'agentId',
      mode: 'basic',
      canvasNoun: 'an agent',
      placeholder: 'Select a Parlant agent',
      condition: NEEDS_AGENT,
      required: NEEDS_AGENT,
    },
    {
      id: 'manualAgentId',
      title: 'Agent ID',
      type: 'short-input',
      canonicalParamId: 'agentId',
      mode: 'advanced',
      canvasNoun: 'an agent',
      placeholder: 'Enter a Parlant agent id',
      condition: NEEDS_AGENT,
      required: NEEDS_AGENT,
    },
    {
      id: 'message',
      title: 'Message',
      type: 'long-input',
      canvasNoun: 'a message',
      placeholder: 'What the customer says to the agent',
      condition: CHAT_ONLY,
      required: CHAT_ONLY,
    },
    {
      id: 'conversationKey',
      title: 'Conversation key',
      type: 'short-input',
      placeholder: 'Optional: e.g. a chat or ticket id',
      description:
        'The same key continues the same conversation across runs. Empty keeps each run separate.',
      condition: WITH_CONVERSATION,
    },
    {
      id: 'limit',
      title: 'Messages to read',
      type: 'short-input',
      mode: 'advanced',
      placeholder: '50',
      description: 'How many of the latest messages Get conversation returns (1–200).',
      condition: CONVERSATION_ONLY,
    },
    {
      id: 'customerId',
      title: 'Customer ID',
      type: 'short-input',
      mode: 'advanced',
      placeholder: 'Optional: who the agent is talking to',
      condition: CHAT_ONLY,
    },
    {
      id: 'deadlineSeconds',
      title: 'Turn deadline (seconds)',
      type: 'short-input',
      mode: 'advanced',
      placeholder: '60',
      description: 'How long to wait for the reply before the block fails.',
      condition: CHAT_ONLY,
    },
    {
      id: 'autoStart',
      title: 'Start the agent if it is not running',
      type: 'switch',
      mode: 'advanced',
      defaultValue: true,
      condition: CHAT_ONLY,
    },
    {
      id: 'parlantConfig',
      title: 'Parlant configuration',
      type: 'modal',
      modalId: 'parlant-config',
      description: "Create and edit this workspace's agents and their guidelines.",
    },
  ],
  tools: {
    access: [
      'parlant_chat',
      'parlant_start_agent',
      'parlant_stop_agent',
      'parlant_get_status',
      'parlant_list_agents',
      'parlant_get_conversation',
    ],
    config: {
      // Runs at serialization, before references resolve: pick an id, never coerce.
      tool: (params) => {
        const operation = params?.operation
        return isParlantOperation(operation) ? operation : DEFAULT_OPERATION
      },
      params: (params) => ({
        agentId: trimmed(params.agentId),
        message: typeof params.message === 'string' ? params.message.trim() : params.message,
        conversationKey: trimmed(params.conversationKey),
        customerId: trimmed(params.customerId),
        deadlineSeconds: parseDeadlineSeconds(params.deadlineSeconds),
        autoStart: parseBoolean(params.autoStart),
        limit: parseLimit(params.limit),
      }),
    },
  },
  inputs: {
    operation: { type: 'string', description: 'Operation to perform (a Parlant tool id)' },
    agentId: { type: 'string', description: 'Id of the Parlant agent' },
    message: { type: 'string', description: 'Customer message to send' },
    conversationKey: { type: 'string', description: 'Key of the conversation to continue' },
    customerId: { type: 'string', description: 'Identifier of the customer' },
    deadlineSeconds: { type: 'number', description: 'Turn deadline in seconds' },
    autoStart: { type: 'boolean', description: 'Start the agent when it is not running' },
    limit: { type: 'number', description: 'Messages Get conversation returns' },
  },
  outputs: {
    content: { type: 'string', description: "The agent's reply" },
    outcome: {
      type: 'string',
      description: 'How the turn ended: replied, no_reply, manual_mode or cancelled',
    },
    messages: {
      type: 'array',
      description:
        'Chat: messages of the turn [{ id, offset, text, createdAt }]. Get conversation: the transcript, oldest first [{ id, offset, source, text, at, traceId, preamble }]',
    },
    preambles: { type: 'array', description: 'Holding messages sent while the agent worked' },
    toolCalls: { type: 'array', description: 'Tool calls the agent made during the turn' },
    matchedGuidelines: { type: 'array', description: 'Ids of the guidelines that applied' },
    events: {
      type: 'array',
      description: 'The turn in order: [{ kind: preamble | tool | message, text?, data? }]',
    },
    sessionId: { type: 'string', description: 'Parlant session of the conversation' },
    conversationKey: { type: 'string', description: 'Key that continues this conversation' },
    sessionRenewed: {
      type: 'boolean',
      description: 'Chat: true when the conversation continued in a new Parlant session',
    },
    traceId: { type: 'string', description: 'Trace id of the turn' },
    timing: { type: 'json', description: 'Turn timing: { startedAt, completedAt, durationMs }' },
    agentId: { type: 'string', description: 'Id of the agent' },
    name: { type: 'string', description: 'Name of the agent' },
    status: {
      type: 'string',
      description: 'Lifecycle state: inactive, starting, active, stopping or error',
    },
    lastError: { type: 'string', description: 'Why the agent last failed' },
    since: { type: 'string', description: 'When the agent entered its state (ISO 8601)' },
    agents: {
      type: 'array',
      description: 'Agents of the workspace: [{ id, name, description, status }]',
    },
    count: { type: 'number', description: 'Number of agents, or of transcript messages' },
    nextBefore: {
      type: 'number',
      description: 'Get conversation: offset to read older messages from; null when none',
    },
  },
}

/** Catalog metadata of the Parlant Agent block. */
export const ParlantBlockMeta = {
  tags: ['agentic', 'llm', 'customer-support', 'messaging'],
  url: 'https://www.parlant.io',
  templates: [
    {
      icon: ParlantIcon,
      title: 'Support chat answered by a Parlant agent',
      prompt:
        'Build a workflow that takes a chat message, sends it to my Parlant support agent with the chat id as the conversation key, and returns the agent reply.',
      modules: ['agent', 'workflows'],
      category: 'support',
      tags: ['support', 'chat'],
      featured: true,
    },
    {
      icon: ParlantIcon,
      title: 'Agent that delegates customer questions to Parlant',
      prompt:
        'Create an Agent block that uses the Parlant Agent block as a tool: it lists the workspace Parlant agents, picks the one that fits the question, and relays the answer.',
      modules: ['agent', 'workflows'],
      category: 'support',
      tags: ['agentic', 'routing'],
    },
    {
      icon: ParlantIcon,
      title: 'Start Parlant agents every morning',
      prompt:
        'Schedule a workflow at 8am that starts my Parlant agents and reports any agent whose status is error.',
      modules: ['scheduled', 'workflows'],
      category: 'operations',
      tags: ['operations', 'monitoring'],
    },
    {
      icon: ParlantIcon,
      title: 'Stop Parlant agents after hours',
      prompt: 'Schedule a workflow at 7pm that stops every active Parlant agent in this workspace.',
      modules: ['scheduled', 'workflows'],
      category: 'operations',
      tags: ['operations', 'cost'],
    },
    {
      icon: ParlantIcon,
      title: 'Parlant agent health report',
      prompt:
        'Each hour, list my Parlant agents, check the status of each, and write the ones in error with their last error to a table.',
      modules: ['scheduled', 'tables', 'workflows'],
      category: 'operations',
      tags: ['monitoring'],
    },
    {
      icon: ParlantIcon,
      title: 'Log every Parlant conversation turn',
      prompt:
        'After each Parlant chat turn, save the message, the agent reply, the matched guidelines and the timing to a table.',
      modules: ['tables', 'workflows'],
      category: 'support',
      tags: ['analytics', 'support'],
    },
    {
      icon: ParlantIcon,
      title: 'Guideline regression check',
      prompt:
        'Send a fixed list of test questions to my Parlant agent and flag any reply that matched no guideline.',
      modules: ['tables', 'workflows'],
      category: 'engineering',
      tags: ['testing', 'quality'],
    },
  ],
  skills: [
    {
      name: 'parlant-multi-turn-chat',
      description: 'Keep one Parlant conversation across several workflow runs',
      content:
        'Use the Parlant Agent block with operation Chat. Set Conversation key to a stable id from the trigger (for example the chat id); every run with the same key continues the same Parlant session. Read the reply from `content`.',
    },
    {
      name: 'parlant-agent-as-tool',
      description: 'Let an Agent block choose and talk to a Parlant agent',
      content:
        'Add the Parlant Agent block to an Agent block as a tool and leave Agent empty. The model calls List agents (`parlant_list_agents`) to find an `agentId`, then Chat (`parlant_chat`) with the customer message.',
    },
  ],
} as const satisfies BlockMeta
