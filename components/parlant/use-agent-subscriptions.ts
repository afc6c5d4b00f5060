'use client'

import { useEffect } from 'react'
import { useParams } from 'next/navigation'
import { useParlantStore } from '@/stores/parlant/store'

/**
 * Keeps the shared socket joined to the rooms of `agentIds` while the caller is mounted, so
 * badges and transcripts stay live; joins are reference-counted across components.
 */
export function useAgentSubscriptions(agentIds: readonly string[]) {
  const subscribeAgent = useParlantStore((state) => state.subscribeAgent)
  const workspaceId = useParlantStore((state) => state.workspaceId)
  // A string key keeps the effect from re-running when the caller passes a fresh equal array.
  const key = agentIds.join('|')
  useEffect(() => {
    if (!workspaceId || key === '') return
    const leaves = key.split('|').map((agentId) => subscribeAgent(agentId))
    return () => {
      for (const leave of leaves) leave()
    }
  }, [key, workspaceId, subscribeAgent])
}

/**
 * Scopes the Parlant store to the workspace of the page (Sim's `[workspaceId]` route segment),
 * lists its agents once and keeps the list current through the workspace room; every Parlant
 * surface calls it, so none depends on another having been mounted first. Returns the workspace
 * id (empty outside a workspace).
 */
export function useParlantWorkspace(): string {
  const params = useParams<{ workspaceId: string }>()
  // Outside a workspace route (a page without the segment) there is nothing to scope to.
  const workspaceId = typeof params?.workspaceId === 'string' ? params.workspaceId : ''
  const ensureWorkspace = useParlantStore((state) => state.ensureWorkspace)
  const watchWorkspace = useParlantStore((state) => state.watchWorkspace)
  const scoped = useParlantStore((state) => state.workspaceId)
  useEffect(() => {
    ensureWorkspace(workspaceId)
  }, [workspaceId, ensureWorkspace])
  // Agents created, renamed or deleted elsewhere reach every open list through the workspace room.
  useEffect(() => {
    if (!workspaceId || scoped !== workspaceId) return
    return watchWorkspace()
  }, [workspaceId, scoped, watchWorkspace])
  return workspaceId
}
