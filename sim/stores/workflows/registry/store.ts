/**
 * Shim of Sim's workflow registry store (`@/stores/workflows/registry/store`), outside Sim: only
 * the active workflow, which keys the sub-block values. The host (demo page, tests) activates a
 * workflow the way opening it in Sim does.
 */
import { create } from 'zustand'
import { devtools } from 'zustand/middleware'

interface WorkflowRegistryState {
  /** The workflow open in the editor. */
  activeWorkflowId: string | null
  /** Opens a workflow (in Sim this also loads its state). */
  setActiveWorkflow: (id: string) => Promise<void>
}

/** The workflow registry: which workflow is active. */
export const useWorkflowRegistry = create<WorkflowRegistryState>()(
  devtools(
    (set) => ({
      activeWorkflowId: null,
      setActiveWorkflow: async (id) => {
        set({ activeWorkflowId: id })
      },
    }),
    { name: 'workflow-registry' }
  )
)
