'use client'

/**
 * The demo page: a canvas with the Parlant Agent block (its config sub-block opens the panel), the
 * dev workspace's agents, and a live chat with the selected agent — built only from the plugin's
 * components and store, against the host's API and socket. The host plays Sim's part: it puts the
 * page on the dev workspace's route and opens a workflow, so the components read the workspace
 * and the block's sub-block values exactly as they do inside Sim.
 */
import { StrictMode, useEffect, useState } from 'react'
import { Button, cn } from '@sim/emcn'
import { MessageSquareText } from '@sim/emcn/icons'
import { createRoot } from 'react-dom/client'
import { ParlantIcon } from '@/components/icons'
import { AgentPicker } from '@/components/parlant/agent-picker'
import { ChatView } from '@/components/parlant/chat-view'
import { compositionModeLabel } from '@/components/parlant/composition-modes'
import { ConfigPanel } from '@/components/parlant/config-panel'
import {
  PARLANT_AGENT_SUB_BLOCK_ID,
  ParlantConfigModal,
} from '@/components/parlant/parlant-config-modal'
import { StartStopControls } from '@/components/parlant/start-stop-controls'
import { useSubBlockValue } from '@/app/workspace/[workspaceId]/w/[workflowId]/components/panel/components/editor/components/sub-block/hooks/use-sub-block-value'
import { setRouteParams } from '@/sim/next/route'
import { createHttpParlantApi } from '@/stores/parlant/api'
import { useParlantAgent } from '@/stores/parlant/selectors'
import { configureParlantStore, useParlantStore } from '@/stores/parlant/store'
import { useWorkflowRegistry } from '@/stores/workflows/registry/store'

const BLOCK_ID = 'demo-parlant-block'
const WORKFLOW_ID = 'demo-workflow'

const CONNECTION_TEXT = {
  idle: '',
  connecting: 'Connecting…',
  connected: 'Live',
  disconnected: 'Reconnecting…',
} as const

const CONNECTION_DOT = {
  idle: 'bg-[var(--text-muted)]',
  connecting: 'bg-[var(--badge-amber-text)]',
  connected: 'bg-[var(--text-success)]',
  disconnected: 'bg-[var(--badge-amber-text)]',
} as const

const CARD = 'rounded-lg border border-[var(--border-1)] bg-[var(--surface-2)]'

/**
 * Where the chat sits: its own column beside canvas and list from 768 px (so it is on screen
 * without scrolling at 1024 px), the third column from 1280 px; as tall as the window allows.
 */
const CHAT_PLACE =
  'min-h-[420px] md:sticky md:top-4 md:col-start-2 md:row-span-2 md:row-start-1 md:h-[calc(100dvh-90px)] xl:col-start-3 xl:row-span-1'

function ConnectionState() {
  const connection = useParlantStore((state) => state.connection)
  // Before the first connection there is nothing to report.
  if (connection === 'idle') return null
  return (
    <span
      className='inline-flex items-center gap-1.5 rounded-[40px] border border-[var(--border)] bg-[var(--surface-4)] px-2.5 py-0.5 text-[var(--text-secondary)] text-caption'
      role='status'
    >
      <span className={cn('size-1.5 rounded-full', CONNECTION_DOT[connection])} aria-hidden />
      {CONNECTION_TEXT[connection]}
    </span>
  )
}

function BlockCard() {
  const [agentId] = useSubBlockValue<string>(BLOCK_ID, PARLANT_AGENT_SUB_BLOCK_ID)
  const agent = useParlantAgent(agentId || null)
  return (
    <article
      className={cn(CARD, 'relative w-[300px] shadow-sm')}
      aria-labelledby='demo-block-title'
    >
      <header className='flex items-center gap-2.5 border-[var(--border)] border-b px-3 py-2.5'>
        <span
          className='flex size-7 items-center justify-center rounded-md bg-[var(--brand-agent)] text-white'
          aria-hidden
        >
          <ParlantIcon width={16} height={16} />
        </span>
        <div className='min-w-0'>
          <h3 id='demo-block-title' className='font-medium text-[var(--text-primary)] text-small'>
            Parlant Agent
          </h3>
          <p className='truncate text-[var(--text-muted)] text-xs'>
            {agent ? `Chat with ${agent.name}` : 'Run a guideline-driven agent'}
          </p>
        </div>
      </header>
      <div className='p-3'>
        <ParlantConfigModal blockId={BLOCK_ID} />
      </div>
      <span
        className='-left-[5px] absolute top-[22px] size-2.5 rounded-full border border-[var(--border-1)] bg-[var(--surface-2)]'
        aria-hidden
      />
      <span
        className='-right-[5px] absolute top-[22px] size-2.5 rounded-full border border-[var(--border-1)] bg-[var(--surface-2)]'
        aria-hidden
      />
    </article>
  )
}

function AgentSummary({ agentId }: { agentId: string }) {
  const agent = useParlantAgent(agentId)
  if (!agent) return null
  const guidelines = agent.guidelines.length
  return (
    <div className='flex min-w-0 flex-col'>
      <span
        className='truncate font-medium text-[var(--text-primary)] text-small'
        title={agent.name}
      >
        {agent.name}
      </span>
      <span className='text-[var(--text-muted)] text-xs'>
        {`${compositionModeLabel(agent.compositionMode)} · ${guidelines} guideline${guidelines === 1 ? '' : 's'} · up to ${agent.maxEngineIterations} iterations`}
      </span>
    </div>
  )
}

function ChatPane() {
  const selectedAgentId = useParlantStore((state) => state.selectedAgentId)
  if (!selectedAgentId)
    return (
      <section
        className={cn(CARD, CHAT_PLACE, 'flex flex-col items-center justify-center gap-2 p-6')}
        aria-label='Chat'
      >
        <MessageSquareText className='size-6 text-[var(--text-muted)]' />
        <p className='text-[var(--text-muted)] text-small'>
          Create or pick an agent to chat with it.
        </p>
      </section>
    )
  return (
    <div className={cn(CHAT_PLACE, 'flex min-h-0 flex-col gap-2')} data-testid='demo-chat'>
      <div className={cn(CARD, 'flex items-center justify-between gap-3 px-3 py-2')}>
        <AgentSummary agentId={selectedAgentId} />
        <StartStopControls agentId={selectedAgentId} />
      </div>
      <ChatView agentId={selectedAgentId} />
    </div>
  )
}

function DemoApp() {
  const selectedAgentId = useParlantStore((state) => state.selectedAgentId)
  const [, setBlockAgent] = useSubBlockValue<string>(BLOCK_ID, PARLANT_AGENT_SUB_BLOCK_ID)
  const [panel, setPanel] = useState<{ open: boolean; agentId: string | null }>({
    open: false,
    agentId: null,
  })

  // The canvas block follows the agent chosen in the list, as if the user picked it on the block.
  useEffect(() => {
    if (selectedAgentId) setBlockAgent(selectedAgentId)
  }, [selectedAgentId, setBlockAgent])

  return (
    <div className='flex min-h-screen flex-col bg-[var(--bg)] text-[var(--text-primary)]'>
      <header className='flex items-center justify-between gap-3 border-[var(--border)] border-b bg-[var(--surface-1)] px-5 py-3'>
        <div className='flex items-center gap-2.5'>
          <span
            className='flex size-8 items-center justify-center rounded-lg bg-[var(--surface-inverted)] text-white'
            aria-hidden
          >
            <ParlantIcon width={18} height={18} />
          </span>
          <div>
            <h1 className='font-medium text-[var(--text-primary)] text-base'>
              Sim ⇄ Parlant bridge
            </h1>
            <p className='text-[var(--text-muted)] text-xs'>Dev workspace · standalone host</p>
          </div>
        </div>
        <ConnectionState />
      </header>
      <main className='grid flex-1 grid-cols-1 items-start gap-4 p-4 md:grid-cols-[minmax(0,1fr)_minmax(0,1.15fr)] xl:grid-cols-[minmax(0,1fr)_320px_minmax(0,1.3fr)]'>
        <section
          className='flex min-h-[240px] items-start gap-0 overflow-x-auto rounded-lg border border-[var(--border)] bg-[radial-gradient(var(--surface-7)_1px,transparent_1px)] bg-[length:16px_16px] p-6 md:col-start-1 md:row-start-1 xl:min-h-[360px]'
          aria-label='Workflow canvas'
        >
          <div
            className={cn(
              CARD,
              'mt-3 px-3 py-2 font-medium text-[var(--text-secondary)] text-small shadow-sm'
            )}
            aria-hidden
          >
            Start
          </div>
          <span className='mt-[30px] h-px w-10 shrink-0 bg-[var(--text-muted)]' aria-hidden />
          <BlockCard />
        </section>
        <aside className='flex flex-col gap-4 md:col-start-1 md:row-start-2 xl:col-start-2 xl:row-start-1'>
          <AgentPicker onConfigure={(agentId) => setPanel({ open: true, agentId })} />
          <section className={cn(CARD, 'p-3')} aria-labelledby='demo-steps-title'>
            <h2
              id='demo-steps-title'
              className='mb-2 font-medium text-[var(--text-primary)] text-small'
            >
              Try it
            </h2>
            <ol className='list-decimal space-y-1.5 pl-4 text-[var(--text-secondary)] text-small'>
              <li>
                <Button
                  type='button'
                  variant='ghost'
                  className='p-0 text-[length:13px] text-[var(--brand-secondary)] underline underline-offset-2'
                  onClick={() => setPanel({ open: true, agentId: null })}
                >
                  Create an agent
                </Button>{' '}
                with a guideline, e.g. condition{' '}
                <code className='rounded-xs bg-[var(--surface-5)] px-1 font-mono text-xs'>
                  the customer asks about refunds
                </code>
                . It matches a message containing every word of the condition except filler words
                (the, customer, asks, about…; plural s ignored); otherwise the agent echoes the
                message.
              </li>
              <li>Start it and wait for the Active badge.</li>
              <li>Ask “Can I get a refund?” and watch the agent reply.</li>
            </ol>
          </section>
        </aside>
        <ChatPane />
      </main>
      <ConfigPanel
        open={panel.open}
        agentId={panel.agentId}
        onOpenChange={(open) => setPanel((current) => ({ ...current, open }))}
      />
    </div>
  )
}

const root = document.getElementById('root')
if (root) {
  configureParlantStore({
    api: createHttpParlantApi(),
    realtime: { namespace: root.dataset.socketNamespace || '/parlant' },
  })
  // What Sim's router and workflow registry provide: the workspace route and an open workflow.
  setRouteParams({ workspaceId: root.dataset.workspaceId ?? '', workflowId: WORKFLOW_ID })
  void useWorkflowRegistry.getState().setActiveWorkflow(WORKFLOW_ID)
  createRoot(root).render(
    <StrictMode>
      <DemoApp />
    </StrictMode>
  )
}
