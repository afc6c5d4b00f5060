'use client'

/**
 * The demo page: a canvas with the Parlant Agent block (its config sub-block opens the panel), the
 * dev workspace's agents, and a live chat with the selected agent — built only from the plugin's
 * components and store, against the host's API and socket.
 */
import { MessageSquare } from 'lucide-react'
import { StrictMode, useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { ParlantIcon } from '@/components/icons'
import { AgentPicker } from '@/components/parlant/agent-picker'
import { ChatView } from '@/components/parlant/chat-view'
import { ConfigPanel } from '@/components/parlant/config-panel'
import { ParlantConfigModal } from '@/components/parlant/parlant-config-modal'
import { StartStopControls } from '@/components/parlant/start-stop-controls'
import { createHttpParlantApi } from '@/stores/parlant/api'
import { useParlantAgent } from '@/stores/parlant/selectors'
import { configureParlantStore, useParlantStore } from '@/stores/parlant/store'

const BLOCK_ID = 'demo-parlant-block'

const CONNECTION_TEXT = {
  idle: 'Live updates idle',
  connecting: 'Connecting…',
  connected: 'Live',
  disconnected: 'Reconnecting…',
} as const

function ConnectionState() {
  const connection = useParlantStore((state) => state.connection)
  return (
    <span className={`demo-connection demo-connection--${connection}`} role='status'>
      <span className='demo-connection__dot' aria-hidden />
      {CONNECTION_TEXT[connection]}
    </span>
  )
}

function BlockCard() {
  const boundId = useParlantStore((state) => state.blockAgents[BLOCK_ID] ?? null)
  const agent = useParlantAgent(boundId)
  return (
    <article className='demo-block' aria-labelledby='demo-block-title'>
      <header className='demo-block__header'>
        <span className='demo-block__icon' aria-hidden>
          <ParlantIcon width={18} height={18} />
        </span>
        <div>
          <h3 id='demo-block-title' className='demo-block__title'>
            Parlant Agent
          </h3>
          <p className='demo-block__subtitle'>
            {agent ? `Chat with ${agent.name}` : 'Run a guideline-driven agent'}
          </p>
        </div>
      </header>
      <ParlantConfigModal blockId={BLOCK_ID} />
      <span className='demo-block__handle demo-block__handle--in' aria-hidden />
      <span className='demo-block__handle demo-block__handle--out' aria-hidden />
    </article>
  )
}

function AgentSummary({ agentId }: { agentId: string }) {
  const agent = useParlantAgent(agentId)
  if (!agent) return null
  const guidelines = agent.guidelines.length
  return (
    <div className='demo-summary'>
      <span className='demo-summary__name'>{agent.name}</span>
      <span className='parlant-muted'>
        {`${agent.compositionMode} · ${guidelines} guideline${guidelines === 1 ? '' : 's'} · up to ${agent.maxEngineIterations} iterations`}
      </span>
    </div>
  )
}

function ChatPane() {
  const selectedAgentId = useParlantStore((state) => state.selectedAgentId)
  if (!selectedAgentId)
    return (
      <section className='parlant-chat parlant-chat--empty' aria-label='Chat'>
        <MessageSquare className='parlant-icon demo-empty__icon' aria-hidden />
        <p className='parlant-muted'>Create or pick an agent to chat with it.</p>
      </section>
    )
  return (
    <div className='demo-chat'>
      <div className='demo-chat__toolbar'>
        <AgentSummary agentId={selectedAgentId} />
        <StartStopControls agentId={selectedAgentId} />
      </div>
      <ChatView agentId={selectedAgentId} />
    </div>
  )
}

function DemoApp() {
  const selectedAgentId = useParlantStore((state) => state.selectedAgentId)
  const bindBlock = useParlantStore((state) => state.bindBlock)
  const [panel, setPanel] = useState<{ open: boolean; agentId: string | null }>({
    open: false,
    agentId: null,
  })

  // The canvas block follows the agent chosen in the list, as if the user picked it on the block.
  useEffect(() => {
    if (selectedAgentId) bindBlock(BLOCK_ID, selectedAgentId)
  }, [selectedAgentId, bindBlock])

  return (
    <div className='demo'>
      <header className='demo__header'>
        <div className='demo__brand'>
          <span className='demo__logo' aria-hidden>
            <ParlantIcon width={20} height={20} />
          </span>
          <div>
            <h1 className='demo__title'>Sim ⇄ Parlant bridge</h1>
            <p className='demo__subtitle'>Dev workspace · standalone host</p>
          </div>
        </div>
        <ConnectionState />
      </header>
      <main className='demo__main'>
        <section className='demo-canvas' aria-label='Workflow canvas'>
          <div className='demo-canvas__start' aria-hidden>
            Start
          </div>
          <span className='demo-canvas__edge' aria-hidden />
          <BlockCard />
        </section>
        <aside className='demo__side'>
          <AgentPicker onConfigure={(agentId) => setPanel({ open: true, agentId })} />
          <section className='demo-steps' aria-labelledby='demo-steps-title'>
            <h2 id='demo-steps-title' className='parlant-heading'>
              Try it
            </h2>
            <ol>
              <li>
                <button
                  type='button'
                  className='demo-link'
                  onClick={() => setPanel({ open: true, agentId: null })}
                >
                  Create an agent
                </button>{' '}
                with a guideline, e.g. condition <code>the customer asks about "refund"</code>.
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
  const store = useParlantStore.getState()
  store.setWorkspace(root.dataset.workspaceId ?? '')
  void store.loadAgents()
  createRoot(root).render(
    <StrictMode>
      <DemoApp />
    </StrictMode>
  )
}
