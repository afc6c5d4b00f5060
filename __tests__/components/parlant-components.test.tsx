/** @vitest-environment jsdom */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  AgentPicker,
  ChatView,
  ConfigPanel,
  defaultConversationKey,
  Markdown,
  PARLANT_CONFIG_MODAL_ID,
  PARLANT_MODAL_REGISTRY,
  StartStopControls,
} from '@/components/parlant'
import { createAgentInputSchema, describeIssues } from '@/lib/parlant/schemas'
import { setRouteParams } from '@/sim/next/route'
import { configureParlantStore, ParlantApiError, useParlantStore } from '@/stores/parlant'
import { useWorkflowRegistry } from '@/stores/workflows/registry/store'
import { useSubBlockStore } from '@/stores/workflows/subblock/store'
import { createMemoryApi, type MemoryApi } from '../stores/memory-api'

const WS = 'ws-ui'
let api: MemoryApi

beforeEach(async () => {
  api = createMemoryApi()
  configureParlantStore({ api, realtime: false })
  useParlantStore.getState().reset()
  useParlantStore.getState().setWorkspace(WS)
  // The page is on the workspace's workflow, as Sim's editor is when it mounts a sub-block.
  setRouteParams({ workspaceId: WS, workflowId: 'wf-ui' })
  await useWorkflowRegistry.getState().setActiveWorkflow('wf-ui')
  useSubBlockStore.getState().clear()
})

afterEach(() => {
  cleanup()
  useParlantStore.getState().reset()
  setRouteParams({})
})

function Harness({ agentId }: { agentId?: string }) {
  return <ConfigPanel open onOpenChange={() => {}} agentId={agentId} />
}

describe('ConfigPanel', () => {
  it('shows the shared schemas’ messages next to the fields and focuses the first', async () => {
    const user = userEvent.setup()
    render(<Harness />)
    const dialog = await screen.findByRole('dialog', { name: 'New Parlant agent' })
    const name = within(dialog).getByLabelText('Name')
    expect(name).toHaveProperty('ownerDocument.activeElement', name)

    await user.click(within(dialog).getByRole('button', { name: 'Add guideline' }))
    await user.type(within(dialog).getByLabelText('Action 1'), 'Say hi')
    const iterations = within(dialog).getByLabelText('Max engine iterations')
    await user.clear(iterations)
    await user.type(iterations, '42')
    await user.click(within(dialog).getByRole('button', { name: 'Create agent' }))

    // The expected messages come from the same schema the API validates with.
    const expected = describeIssues(
      createAgentInputSchema.safeParse({
        name: '',
        maxEngineIterations: 42,
        guidelines: [{ condition: '', action: 'Say hi' }],
      }).error ??
        (() => {
          throw new Error('schema accepted a bad body')
        })()
    )
    const messageOf = (field: string) => expected.find((issue) => issue.field === field)?.message
    expect(messageOf('name')).toBe('must not be empty')
    const describedText = (element: HTMLElement) =>
      (element.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent)
    await waitFor(() => expect(name.getAttribute('aria-invalid')).toBe('true'))
    expect(describedText(name)).toEqual([messageOf('name')])
    const condition = within(dialog).getByLabelText('Condition 1')
    expect(condition.getAttribute('aria-invalid')).toBe('true')
    expect(describedText(condition)).toEqual([messageOf('guidelines.0.condition')])
    expect(within(dialog).getByLabelText('Action 1').getAttribute('aria-invalid')).toBeNull()
    expect(describedText(iterations)).toEqual(['1 to 10', messageOf('maxEngineIterations')])
    await waitFor(() => expect(document.activeElement).toBe(name))
    expect(api.calls.filter((c) => c.operation === 'createAgent')).toHaveLength(0)
  })

  it('keeps everything typed when a save fails, maps server details, then saves', async () => {
    const user = userEvent.setup()
    let open = true
    const { rerender } = render(
      <ConfigPanel
        open={open}
        onOpenChange={(next) => {
          open = next
        }}
      />
    )
    const dialog = await screen.findByRole('dialog')
    await user.type(within(dialog).getByLabelText('Name'), 'Support')
    await user.type(within(dialog).getByLabelText('Description'), 'Answers refund questions')
    await user.click(within(dialog).getByRole('button', { name: 'Add guideline' }))
    await user.type(
      within(dialog).getByLabelText('Condition 1'),
      'the customer asks about "refund"'
    )
    await user.type(within(dialog).getByLabelText('Action 1'), 'Refunds take 5 business days.')

    api.failNext(
      'createAgent',
      new ParlantApiError(409, 'conflict', 'An agent with this name already exists', [
        { field: 'name', message: 'is already used in this workspace' },
      ])
    )
    await user.click(within(dialog).getByRole('button', { name: 'Create agent' }))
    expect(await within(dialog).findByText('is already used in this workspace')).toBeTruthy()
    expect(within(dialog).getByRole('alert').textContent).toContain(
      'An agent with this name already exists'
    )
    expect(open).toBe(true)
    expect((within(dialog).getByLabelText('Name') as HTMLInputElement).value).toBe('Support')
    expect((within(dialog).getByLabelText('Action 1') as HTMLTextAreaElement).value).toBe(
      'Refunds take 5 business days.'
    )

    await user.clear(within(dialog).getByLabelText('Name'))
    await user.type(within(dialog).getByLabelText('Name'), 'Support desk')
    await user.click(within(dialog).getByRole('button', { name: 'Create agent' }))
    await waitFor(() => expect(open).toBe(false))
    rerender(<ConfigPanel open={open} onOpenChange={() => {}} />)
    const [created] = [...api.agents.values()]
    expect(created).toMatchObject({
      name: 'Support desk',
      description: 'Answers refund questions',
      guidelines: [
        { condition: 'the customer asks about "refund"', action: 'Refunds take 5 business days.' },
      ],
    })
    expect(useParlantStore.getState().agentOrder).toEqual([created?.id])
  })

  it('edits guidelines of an existing agent: edit one, remove another', async () => {
    const user = userEvent.setup()
    const agent = await useParlantStore.getState().createAgent({
      name: 'Bot',
      guidelines: [
        { condition: 'a', action: 'one' },
        { condition: 'b', action: 'two' },
      ],
    })
    render(<Harness agentId={agent.id} />)
    const dialog = await screen.findByRole('dialog', { name: 'Configure Bot' })
    await user.click(within(dialog).getByRole('button', { name: 'Remove guideline 1' }))
    const action = within(dialog).getByLabelText('Action 1')
    await user.clear(action)
    await user.type(action, 'deux')
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }))
    await waitFor(() =>
      expect(api.agents.get(agent.id)?.guidelines).toEqual([{ condition: 'b', action: 'deux' }])
    )
  })
})

describe('StartStopControls and AgentPicker', () => {
  it('shows starting while the call runs and rolls back with the reason on failure', async () => {
    const user = userEvent.setup()
    const agent = await useParlantStore.getState().createAgent({ name: 'Support' })
    render(
      <>
        <AgentPicker />
        <StartStopControls agentId={agent.id} />
      </>
    )
    const picker = screen.getByRole('region', { name: 'Agents' })
    expect(within(picker).getByText('Inactive')).toBeTruthy()
    const gate = api.hold('startAgent')
    await user.click(screen.getByRole('button', { name: 'Start Support' }))
    expect(within(picker).getByText('Starting')).toBeTruthy()
    const startButton = screen.getByRole('button', { name: 'Start Support' })
    expect(startButton.textContent).toContain('Starting…')
    expect(startButton).toHaveProperty('disabled', true)

    await act(async () => {
      gate.fail(new ParlantApiError(503, 'parlant_unavailable', 'Parlant server is unreachable'))
    })
    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      'Parlant server is unreachable'
    )
    expect(within(picker).getByText('Inactive')).toBeTruthy()

    await user.click(screen.getByRole('button', { name: 'Start Support' }))
    expect(await within(picker).findByText('Active')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Stop Support' })).toBeTruthy()
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('shows the reason when an agent is in error', async () => {
    const agent = await useParlantStore.getState().createAgent({ name: 'Broken' })
    useParlantStore.getState().applyStatusEvent({
      workspaceId: WS,
      agentId: agent.id,
      status: 'error',
      previousStatus: 'starting',
      lastError: 'Parlant rejected the agent: 422',
      version: 9,
      at: new Date().toISOString(),
    })
    render(<StartStopControls agentId={agent.id} />)
    expect(screen.getByRole('alert').textContent).toBe('Parlant rejected the agent: 422')
    expect(screen.getByRole('button', { name: 'Retry starting Broken' })).toBeTruthy()
  })

  it('shows n / max, deletes only after confirmation, and names in full on hover', async () => {
    const user = userEvent.setup()
    const keep = await useParlantStore.getState().createAgent({ name: 'Support Bot for refunds' })
    const gone = await useParlantStore.getState().createAgent({ name: 'Old bot' })
    await useParlantStore.getState().loadAgents()
    render(<AgentPicker />)
    const picker = screen.getByRole('region', { name: 'Agents' })
    expect(picker.querySelector('[data-part="quota"]')?.textContent).toBe('2 / 10')
    expect(within(picker).getByText('Support Bot for refunds').getAttribute('title')).toBe(
      'Support Bot for refunds'
    )

    // Cancelling deletes nothing.
    await user.click(within(picker).getByRole('button', { name: 'Delete Old bot' }))
    const dialog = await screen.findByRole('dialog', { name: 'Delete Old bot?' })
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(api.calls.filter((c) => c.operation === 'deleteAgent')).toHaveLength(0)

    await user.click(within(picker).getByRole('button', { name: 'Delete Old bot' }))
    const confirm = await screen.findByRole('dialog', { name: 'Delete Old bot?' })
    await user.click(within(confirm).getByRole('button', { name: 'Delete agent' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(api.agents.has(gone.id)).toBe(false)
    expect(within(picker).queryByText('Old bot')).toBeNull()
    expect(picker.querySelector('[data-part="quota"]')?.textContent).toBe('1 / 10')
    expect(api.agents.has(keep.id)).toBe(true)
  })
})

describe('ChatView', () => {
  it('blocks sending during a turn, shows typing, then the reply', async () => {
    const user = userEvent.setup()
    const agent = await useParlantStore.getState().createAgent({ name: 'Support' })
    await useParlantStore.getState().startAgent(agent.id)
    api.reply = () => 'Refunds take 5 business days.'
    render(<ChatView agentId={agent.id} />)
    const input = screen.getByLabelText('Message to Support')
    await user.type(input, 'I want a refund')
    const gate = api.hold('chat')
    await user.click(screen.getByRole('button', { name: 'Send' }))
    expect(screen.getByText('I want a refund')).toBeTruthy()
    await user.type(input, 'second')
    expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', true)

    act(() => {
      useParlantStore.getState().applyChatEvent({
        workspaceId: WS,
        agentId: agent.id,
        conversationKey: defaultConversationKey(agent.id),
        sessionId: 's',
        traceId: 't',
        offset: 2,
        eventId: 'typing-1',
        kind: 'status',
        source: 'ai_agent',
        status: 'typing',
        at: new Date().toISOString(),
      })
    })
    const activity = screen.getByRole('status')
    expect(activity.textContent).toBe('Support is typing…')

    await act(async () => gate.release())
    expect(await screen.findByText('Refunds take 5 business days.')).toBeTruthy()
    expect(screen.getByRole('status').textContent).toBe('')
    expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', false)
  })

  it('shows a refused send once, with Retry, and keeps the input free', async () => {
    const user = userEvent.setup()
    const agent = await useParlantStore.getState().createAgent({ name: 'Support' })
    render(<ChatView agentId={agent.id} />)
    const input = screen.getByLabelText('Message to Support') as HTMLTextAreaElement
    await user.type(input, 'hello{Enter}')
    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      'Agent "Support" is not active'
    )
    const log = screen.getByRole('list', { name: 'Transcript' })
    const errors = log.querySelectorAll('[data-kind="error"]')
    expect(errors).toHaveLength(1)
    expect(errors[0]?.querySelector('[data-part="error-text"]')?.textContent).toBe(
      'Agent "Support" is not active'
    )
    expect(input.value).toBe('')
    // Retry sends the same message once the agent can take it.
    await useParlantStore.getState().startAgent(agent.id)
    await user.click(within(log).getByRole('button', { name: 'Retry' }))
    await waitFor(() => expect(log.querySelectorAll('[data-kind="error"]')).toHaveLength(0))
    await within(log).findByText('Echo: hello')
    expect(log.querySelectorAll('[data-kind="customer"]')).toHaveLength(1)
  })

  it('counts characters, refuses a message over 20,000, and grows with its text', async () => {
    const user = userEvent.setup()
    const agent = await useParlantStore.getState().createAgent({ name: 'Support' })
    render(<ChatView agentId={agent.id} />)
    const input = screen.getByLabelText('Message to Support') as HTMLTextAreaElement
    expect(screen.getByText('Enter sends · Shift+Enter adds a new line')).toBeDefined()
    await user.type(input, 'hi{Shift>}{Enter}{/Shift}there')
    expect(input.value).toBe('hi\nthere')
    expect(document.querySelector('[data-part="counter"]')?.textContent).toBe('8 / 20,000')
    fireEvent.change(input, { target: { value: 'x'.repeat(20_001) } })
    expect(document.querySelector('[data-part="counter"]')?.textContent).toBe(
      '20,001 / 20,000 — too long to send'
    )
    expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', true)
    expect(input.getAttribute('aria-invalid')).toBe('true')
  })
})

describe('Markdown', () => {
  it('renders GitHub Markdown and drops raw HTML and unsafe links', () => {
    const { container } = render(
      <Markdown
        text={[
          '**Refunds** take *5 days*:',
          '',
          '- one',
          '- two',
          '',
          '<script>alert(1)</script><img src=x onerror="alert(2)">',
          '[docs](https://example.com/refunds) [bad](javascript:alert(3))',
          '',
          '| a | b |',
          '|---|---|',
          '| 1 | 2 |',
        ].join('\n')}
      />
    )
    expect(container.querySelector('strong')?.textContent).toBe('Refunds')
    expect(container.querySelectorAll('li')).toHaveLength(2)
    expect(container.querySelector('table td')?.textContent).toBe('1')
    expect(container.querySelector('script, img, [onerror]')).toBeNull()
    const links = [...container.querySelectorAll('a')]
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/refunds', ''])
    expect(links[0]?.getAttribute('rel')).toBe('noopener noreferrer nofollow')
    expect(links[0]?.getAttribute('target')).toBe('_blank')
  })
})

describe('modal sub-block', () => {
  it('is registered under parlant-config and binds a newly created agent to its block', async () => {
    const user = userEvent.setup()
    const Modal = PARLANT_MODAL_REGISTRY[PARLANT_CONFIG_MODAL_ID]
    expect(Modal).toBeDefined()
    if (!Modal) return
    render(<Modal blockId='block-1' />)
    await user.click(screen.getByRole('button', { name: 'Create agent' }))
    const dialog = await screen.findByRole('dialog')
    await user.type(within(dialog).getByLabelText('Name'), 'Block agent')
    await user.click(within(dialog).getByRole('button', { name: 'Create agent' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    // The new agent is the block's own `agentSelector` value (what the block runs and saves).
    const bound = useSubBlockStore.getState().getValue('block-1', 'agentSelector')
    expect(typeof bound === 'string' && api.agents.get(bound)?.name).toBe('Block agent')
    // Closing the dialog returns focus to the control that opened it (now relabelled).
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Configure agent' }))
  })

  it('binds the block to an agent picked in its select, and shows a stored one', async () => {
    const user = userEvent.setup()
    const first = await useParlantStore.getState().createAgent({ name: 'First' })
    const second = await useParlantStore.getState().createAgent({ name: 'Second' })
    useSubBlockStore.getState().setValue('block-3', 'agentSelector', first.id)
    const Modal = PARLANT_MODAL_REGISTRY[PARLANT_CONFIG_MODAL_ID]
    if (!Modal) throw new Error('not registered')
    render(<Modal blockId='block-3' />)
    const select = screen.getByLabelText('Agent') as HTMLSelectElement
    await waitFor(() => expect(select.value).toBe(first.id))
    expect(screen.getByRole('button', { name: 'Start First' })).toBeTruthy()
    await user.selectOptions(select, second.id)
    expect(useSubBlockStore.getState().getValue('block-3', 'agentSelector')).toBe(second.id)
    expect(await screen.findByRole('button', { name: 'Start Second' })).toBeTruthy()
  })

  it('is read-only in previews', () => {
    const Modal = PARLANT_MODAL_REGISTRY[PARLANT_CONFIG_MODAL_ID]
    if (!Modal) throw new Error('not registered')
    render(<Modal blockId='block-2' isPreview />)
    expect(screen.getByRole('button', { name: 'Create agent' })).toHaveProperty('disabled', true)
    expect(screen.getByLabelText('Agent')).toHaveProperty('disabled', true)
  })
})
