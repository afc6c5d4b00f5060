/** @vitest-environment jsdom */
/**
 * The block's config sub-block mounted the way Sim's editor mounts it — `MODAL_REGISTRY`'s
 * component with just a block id, on a page whose route names the workspace and whose workflow
 * is open — against the real standalone host over HTTP (a child process on PGlite with the in-process
 * emulator). Nothing
 * tells the store its workspace: the component reads it from the route, lists that workspace's
 * agents, creates one through the panel, and writes the chosen agent into the block's own
 * `agentSelector` sub-block value.
 */
import { cleanup, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { PARLANT_CONFIG_MODAL_ID, PARLANT_MODAL_REGISTRY } from '@/components/parlant'
import type { AgentView } from '@/lib/parlant/schemas'
import { setRouteParams } from '@/sim/next/route'
import {
  configureParlantStore,
  createHttpParlantApi,
  type ParlantApi,
  useParlantStore,
} from '@/stores/parlant'
import { useWorkflowRegistry } from '@/stores/workflows/registry/store'
import { useSubBlockStore } from '@/stores/workflows/subblock/store'
import { type HostProcess, spawnHost } from './support/spawn-host'

let host: HostProcess
let api: ParlantApi
let existing: AgentView

beforeAll(async () => {
  host = await spawnHost()
  // What the browser's session cookie does inside Sim: every call is the dev user's.
  api = createHttpParlantApi({
    baseUrl: host.url,
    headers: { authorization: `Bearer ${host.apiKey}` },
  })
  existing = await api.createAgent(host.workspaceId, { name: 'Existing helper' })
}, 120_000)

afterAll(async () => {
  await host?.stop()
})

afterEach(() => {
  cleanup()
  useParlantStore.getState().reset()
  useSubBlockStore.getState().clear()
  setRouteParams({})
})

describe('ParlantConfigModal inside a workflow editor', () => {
  it('lists the route workspace’s agents, creates one and binds it to the block', async () => {
    const user = userEvent.setup()
    configureParlantStore({ api, realtime: false })
    useParlantStore.getState().reset()
    expect(useParlantStore.getState().workspaceId).toBeNull()
    // Sim's editor: the page is /workspace/{id}/w/{workflowId} and that workflow is active.
    setRouteParams({ workspaceId: host.workspaceId, workflowId: 'wf-editor' })
    await useWorkflowRegistry.getState().setActiveWorkflow('wf-editor')

    const Modal = PARLANT_MODAL_REGISTRY[PARLANT_CONFIG_MODAL_ID]
    if (!Modal) throw new Error('parlant-config is not registered')
    render(<Modal blockId='block-7' isPreview={false} disabled={false} />)

    // The workspace came from the route; its agents were listed over HTTP.
    const select = screen.getByLabelText('Agent') as HTMLSelectElement
    expect(
      await within(select).findByRole('option', { name: 'Existing helper' }, { timeout: 10_000 })
    ).toBeTruthy()
    expect(useParlantStore.getState().workspaceId).toBe(host.workspaceId)
    expect(useSubBlockStore.getState().getValue('block-7', 'agentSelector')).toBeNull()

    // Create an agent through the panel.
    await user.click(screen.getByRole('button', { name: 'Create agent' }))
    const dialog = await screen.findByRole('dialog', { name: 'New Parlant agent' })
    await user.type(within(dialog).getByLabelText('Name'), 'Refund helper')
    await user.click(within(dialog).getByRole('button', { name: 'Add guideline' }))
    await user.type(within(dialog).getByLabelText('Condition 1'), 'the customer asks about refunds')
    await user.type(within(dialog).getByLabelText('Action 1'), 'Refunds take 5 business days.')
    await user.click(within(dialog).getByRole('button', { name: 'Create agent' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), { timeout: 10_000 })

    // It exists in the workspace on the server, and it is the block's agentSelector value.
    const { agents: listed } = await api.listAgents(host.workspaceId)
    const created = listed.find((agent) => agent.name === 'Refund helper')
    expect(created?.guidelines).toMatchObject([
      { condition: 'the customer asks about refunds', action: 'Refunds take 5 business days.' },
    ])
    const bound = useSubBlockStore.getState().getValue('block-7', 'agentSelector')
    expect(bound).toBe(created?.id)
    expect(
      useSubBlockStore.getState().workflowValues['wf-editor']?.['block-7']?.agentSelector
    ).toBe(created?.id)
    expect(select.value).toBe(created?.id)
    expect(screen.getByRole('button', { name: 'Configure agent' })).toBeTruthy()

    // Choosing the other listed agent rebinds the block.
    await user.selectOptions(select, existing.id)
    expect(useSubBlockStore.getState().getValue('block-7', 'agentSelector')).toBe(existing.id)
    expect(await screen.findByRole('button', { name: 'Start Existing helper' })).toBeTruthy()
  }, 60_000)
})
