/**
 * Shim of Sim's sub-block value store (`@/stores/workflows/subblock/store`), outside Sim: values
 * per workflow, block and sub-block id, read and written for the active workflow. In Sim the
 * editor persists them through the collaborative workflow; here they live in memory.
 */
import { create } from 'zustand'
import { devtools } from 'zustand/middleware'
import { useWorkflowRegistry } from '@/stores/workflows/registry/store'

/** A sub-block's value: any JSON-like value the sub-block stores. */
export type SubBlockValue = unknown

interface SubBlockStore {
  /** Values by workflow id, then block id, then sub-block id. */
  workflowValues: Record<string, Record<string, Record<string, SubBlockValue>>>
  /** Sets a value in the active workflow (ignored when no workflow is active). */
  setValue: (blockId: string, subBlockId: string, value: SubBlockValue) => void
  /** A value in the active workflow; `null` when none was recorded. */
  getValue: (blockId: string, subBlockId: string) => SubBlockValue | undefined
  clear: () => void
}

/** Stable empty fallback, so selectors never return a fresh object. */
export const EMPTY_BLOCK_SUBBLOCK_VALUES: Record<string, SubBlockValue> = {}

/** The sub-block value store. */
export const useSubBlockStore = create<SubBlockStore>()(
  devtools(
    (set, get) => ({
      workflowValues: {},
      setValue: (blockId, subBlockId, value) => {
        const workflowId = useWorkflowRegistry.getState().activeWorkflowId
        if (!workflowId) return
        set((state) => {
          const workflow = state.workflowValues[workflowId] ?? {}
          const block = workflow[blockId] ?? EMPTY_BLOCK_SUBBLOCK_VALUES
          return {
            workflowValues: {
              ...state.workflowValues,
              [workflowId]: { ...workflow, [blockId]: { ...block, [subBlockId]: value } },
            },
          }
        })
      },
      getValue: (blockId, subBlockId) => {
        const workflowId = useWorkflowRegistry.getState().activeWorkflowId
        if (!workflowId) return null
        return get().workflowValues[workflowId]?.[blockId]?.[subBlockId] ?? null
      },
      clear: () => set({ workflowValues: {} }),
    }),
    { name: 'subblock-store' }
  )
)
