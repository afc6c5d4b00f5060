'use client'

import { useState } from 'react'
import {
  Button,
  Modal,
  ModalBody,
  ModalClose,
  ModalContent,
  ModalDescription,
  ModalFooter,
  ModalHeader,
} from '@sim/emcn'
import { describeError } from '@/stores/parlant/api'
import { useParlantAgent } from '@/stores/parlant/selectors'
import { useParlantStore } from '@/stores/parlant/store'

export interface DeleteAgentDialogProps {
  /** The agent to delete; null keeps the dialog closed. */
  agentId: string | null
  onOpenChange: (open: boolean) => void
}

/**
 * Asks before deleting an agent (it stops, its conversations and tokens go with it), then deletes
 * it; a refusal (e.g. only admins may delete) stays in the dialog.
 */
export function DeleteAgentDialog({ agentId, onOpenChange }: DeleteAgentDialogProps) {
  return (
    <Modal open={agentId !== null} onOpenChange={onOpenChange}>
      {agentId ? <DeleteAgentContent agentId={agentId} onOpenChange={onOpenChange} /> : null}
    </Modal>
  )
}

function DeleteAgentContent({
  agentId,
  onOpenChange,
}: {
  agentId: string
  onOpenChange: (open: boolean) => void
}) {
  const agent = useParlantAgent(agentId)
  const deleteAgent = useParlantStore((state) => state.deleteAgent)
  const [deleting, setDeleting] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // Remembered, so the text stays right while the agent leaves the list.
  const [name] = useState(() => agent?.name ?? 'this agent')

  const confirm = async () => {
    setDeleting(true)
    setError(null)
    try {
      await deleteAgent(agentId)
      onOpenChange(false)
    } catch (failure) {
      setError(describeError(failure).message)
      setDeleting(false)
    }
  }

  return (
    <ModalContent size='sm' dismissDisabled={deleting}>
      <ModalHeader>{`Delete ${name}?`}</ModalHeader>
      <ModalBody className='flex flex-col gap-2'>
        <ModalDescription className='text-[var(--text-secondary)] text-small'>
          The agent is stopped and removed from the workspace with its conversations and tokens.
          Workflow blocks that use it stop working. This cannot be undone.
        </ModalDescription>
        {error ? (
          <p className='text-[var(--text-error)] text-small' role='alert'>
            {error}
          </p>
        ) : null}
      </ModalBody>
      <ModalFooter>
        <ModalClose asChild>
          <Button type='button' variant='default' disabled={deleting}>
            Cancel
          </Button>
        </ModalClose>
        <Button
          type='button'
          variant='destructive'
          onClick={() => void confirm()}
          disabled={deleting}
          aria-busy={deleting}
        >
          {deleting ? 'Deleting…' : 'Delete agent'}
        </Button>
      </ModalFooter>
    </ModalContent>
  )
}
