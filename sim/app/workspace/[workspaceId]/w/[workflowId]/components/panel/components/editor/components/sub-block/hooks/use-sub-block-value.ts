/**
 * Shim of Sim's `useSubBlockValue` hook, outside Sim: the value of one sub-block of one block in
 * the active workflow, and a setter. In Sim the setter also sends the value to collaborators and
 * persists it; here it writes the sub-block store shim.
 */
import { useCallback } from 'react'
import { useWorkflowRegistry } from '@/stores/workflows/registry/store'
import { useSubBlockStore } from '@/stores/workflows/subblock/store'

interface UseSubBlockValueOptions {
  isStreaming?: boolean
  onStreamingEnd?: () => void
}

/**
 * `[value, setValue]` of sub-block `subBlockId` of block `blockId`. `value` is `null` until one
 * is set.
 */
export function useSubBlockValue<T = unknown>(
  blockId: string,
  subBlockId: string,
  _triggerWorkflowUpdate = false,
  _options?: UseSubBlockValueOptions
): readonly [T | null, (value: T) => void] {
  const activeWorkflowId = useWorkflowRegistry((state) => state.activeWorkflowId)
  const value = useSubBlockStore((state) =>
    activeWorkflowId
      ? (state.workflowValues[activeWorkflowId]?.[blockId]?.[subBlockId] ?? null)
      : null
  ) as T | null
  const setValue = useCallback(
    (next: T) => useSubBlockStore.getState().setValue(blockId, subBlockId, next),
    [blockId, subBlockId]
  )
  return [value, setValue] as const
}
