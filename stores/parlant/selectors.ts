'use client'

/**
 * Selector hooks over the Parlant store. Each returns either a value already held in the store
 * (stable by reference) or, when it builds a fresh array, goes through `useShallow` so zustand 5
 * does not re-render in a loop.
 */
import { useShallow } from 'zustand/react/shallow'
import type { AgentView } from '@/lib/parlant/schemas'
import { useParlantStore } from '@/stores/parlant/store'
import { conversationId } from '@/stores/parlant/transcript'
import type {
  AgentStatusState,
  ConversationState,
  PendingOperation,
  TranscriptEntry,
} from '@/stores/parlant/types'

/** Agents of the current workspace, in list order. */
export function useParlantAgents(): AgentView[] {
  return useParlantStore(
    useShallow((state) =>
      state.agentOrder.flatMap((id) => {
        const agent = state.agents[id]
        return agent ? [agent] : []
      })
    )
  )
}

/** One agent, or undefined. */
export function useParlantAgent(agentId: string | null | undefined): AgentView | undefined {
  return useParlantStore((state) => (agentId ? state.agents[agentId] : undefined))
}

/** The live status of an agent. */
export function useAgentStatus(agentId: string | null | undefined): AgentStatusState | undefined {
  return useParlantStore((state) => (agentId ? state.statuses[agentId] : undefined))
}

/** The operation in flight for an agent (or `NEW_AGENT_KEY`). */
export function usePendingOperation(key: string | null | undefined): PendingOperation | undefined {
  return useParlantStore((state) => (key ? state.pending[key] : undefined))
}

/** The last failed operation for an agent (or `NEW_AGENT_KEY`). */
export function useOperationError(key: string | null | undefined) {
  return useParlantStore((state) => (key ? (state.errors[key] ?? null) : null))
}

/** A conversation's state, or undefined before anything happened in it. */
export function useConversation(
  agentId: string | null | undefined,
  conversationKey: string
): ConversationState | undefined {
  return useParlantStore((state) =>
    agentId ? state.conversations[conversationId(agentId, conversationKey)] : undefined
  )
}

/** A conversation's entries in offset order. */
export function useTranscript(
  agentId: string | null | undefined,
  conversationKey: string
): TranscriptEntry[] {
  return useParlantStore(
    useShallow((state) => {
      const conversation = agentId
        ? state.conversations[conversationId(agentId, conversationKey)]
        : undefined
      if (!conversation) return []
      return conversation.order.flatMap((id) => {
        const entry = conversation.entries[id]
        return entry ? [entry] : []
      })
    })
  )
}
