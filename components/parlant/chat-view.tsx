'use client'

import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react'
import { Button, cn, Label, Textarea } from '@sim/emcn'
import { CircleAlert, CircleInfo, Send } from '@sim/emcn/icons'
import { AgentStatusBadge } from '@/components/parlant/agent-status-badge'
import {
  useAgentSubscriptions,
  useParlantWorkspace,
} from '@/components/parlant/use-agent-subscriptions'
import {
  useAgentStatus,
  useConversation,
  useParlantAgent,
  useTranscript,
} from '@/stores/parlant/selectors'
import { useParlantStore } from '@/stores/parlant/store'
import type { ConversationState, TranscriptEntry } from '@/stores/parlant/types'

/** The conversation key the chat view uses for an agent when none is given. */
export function defaultConversationKey(agentId: string) {
  return `ui-${agentId}`
}

function activityText(conversation: ConversationState | undefined, agentName: string) {
  if (!conversation) return ''
  switch (conversation.activity) {
    case 'acknowledged':
      return `${agentName} received the message…`
    case 'processing':
      return conversation.stage
        ? `${agentName} is thinking (${conversation.stage})…`
        : `${agentName} is thinking…`
    case 'typing':
      return `${agentName} is typing…`
    default:
      return conversation.turnRunning ? `Waiting for ${agentName}…` : ''
  }
}

function Entry({ entry, agentName }: { entry: TranscriptEntry; agentName: string }) {
  if (entry.kind === 'error' || entry.kind === 'notice') {
    const Icon = entry.kind === 'error' ? CircleAlert : CircleInfo
    return (
      <li
        className={cn(
          'flex items-start gap-1.5 self-center rounded-md px-2 py-1 text-xs',
          entry.kind === 'error'
            ? 'bg-[var(--badge-error-bg)] text-[var(--badge-error-text)]'
            : 'bg-[var(--surface-4)] text-[var(--text-secondary)]'
        )}
        data-kind={entry.kind}
      >
        <Icon className='mt-px size-[14px] shrink-0' />
        <span>{entry.text}</span>
      </li>
    )
  }
  const mine = entry.kind === 'customer'
  return (
    <li
      className={cn(
        'flex max-w-[80%] flex-col gap-0.5',
        mine ? 'items-end self-end' : 'self-start'
      )}
      data-kind={entry.kind}
      data-pending={entry.id.startsWith('local-') && !entry.failed ? 'true' : undefined}
      data-failed={entry.failed ? 'true' : undefined}
    >
      <span className='text-[var(--text-muted)] text-micro'>
        {entry.kind === 'preamble' ? `${agentName} · preamble` : mine ? 'You' : agentName}
      </span>
      <span
        className={cn(
          'whitespace-pre-wrap break-words rounded-lg px-2.5 py-1.5 text-small',
          mine
            ? 'bg-[var(--text-primary)] text-[var(--text-inverse)]'
            : entry.kind === 'preamble'
              ? 'border border-[var(--border-1)] border-dashed text-[var(--text-secondary)] italic'
              : 'bg-[var(--surface-5)] text-[var(--text-primary)]',
          entry.failed && 'opacity-60'
        )}
        data-part='bubble'
      >
        {entry.text}
        {entry.streaming ? (
          <span className='ml-0.5 inline-block h-3 w-1 animate-pulse bg-current align-middle' />
        ) : null}
      </span>
      {entry.failed ? <span className='text-[var(--text-error)] text-micro'>Not sent</span> : null}
    </li>
  )
}

export interface ChatViewProps {
  agentId: string
  /** Which conversation to show; defaults to one per agent. */
  conversationKey?: string
  disabled?: boolean
}

/**
 * A live conversation with an agent: the transcript in offset order, the agent's activity from
 * status events, streamed text as chunks arrive, preambles apart, failures in place. Sending is
 * blocked while a turn runs on this conversation, since a second message cancels Parlant's turn.
 */
export function ChatView({ agentId, conversationKey, disabled }: ChatViewProps) {
  const key = conversationKey ?? defaultConversationKey(agentId)
  const agent = useParlantAgent(agentId)
  const status = useAgentStatus(agentId)
  const conversation = useConversation(agentId, key)
  const entries = useTranscript(agentId, key)
  const sendMessage = useParlantStore((state) => state.sendMessage)
  const [draft, setDraft] = useState('')
  const logRef = useRef<HTMLOListElement>(null)
  const inputRef = useRef<HTMLTextAreaElement>(null)
  const uid = useId()
  useParlantWorkspace()
  useAgentSubscriptions([agentId])

  const agentName = agent?.name ?? 'Agent'
  const running = conversation?.turnRunning ?? false
  const activity = activityText(conversation, agentName)
  const lastEntry = entries[entries.length - 1]

  // Follow the conversation as it grows (new entries and streamed text).
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run when the last entry changes
  useEffect(() => {
    const log = logRef.current
    if (log) log.scrollTop = log.scrollHeight
  }, [entries.length, lastEntry?.text, activity])

  const send = async () => {
    const message = draft.trim()
    if (!message || running || disabled) return
    setDraft('')
    const result = await sendMessage(agentId, message, { conversationKey: key })
    // A refused message is not lost: it comes back to the input unless something new was typed.
    if (!result) setDraft((current) => (current === '' ? message : current))
    inputRef.current?.focus()
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    void send()
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      void send()
    }
  }

  return (
    <section
      className='flex min-h-0 flex-1 flex-col rounded-lg border border-[var(--border-1)] bg-[var(--surface-2)]'
      aria-labelledby={`${uid}-title`}
    >
      <header className='flex items-center justify-between gap-2 border-[var(--border)] border-b px-3 py-2'>
        <h2 id={`${uid}-title`} className='font-medium text-[var(--text-primary)] text-small'>
          {`Chat with ${agentName}`}
        </h2>
        <AgentStatusBadge status={status?.status ?? agent?.status} />
      </header>
      <ol
        ref={logRef}
        className='flex min-h-[200px] flex-1 flex-col gap-2 overflow-y-auto px-3 py-3'
        aria-label='Transcript'
        aria-live='polite'
      >
        {entries.length === 0 ? (
          <li className='self-center text-[var(--text-muted)] text-small'>
            No messages yet. Say hello to start the conversation.
          </li>
        ) : (
          entries.map((entry) => <Entry key={entry.id} entry={entry} agentName={agentName} />)
        )}
      </ol>
      <div
        className='flex min-h-[22px] items-center gap-1.5 px-3 text-[var(--text-muted)] text-xs'
        role='status'
        aria-live='polite'
        data-activity={conversation?.activity ?? 'idle'}
        data-turn={running ? 'running' : 'idle'}
      >
        {activity ? (
          <>
            <span className='flex gap-0.5' aria-hidden>
              <span className='size-1 animate-bounce rounded-full bg-current' />
              <span className='size-1 animate-bounce rounded-full bg-current [animation-delay:150ms]' />
              <span className='size-1 animate-bounce rounded-full bg-current [animation-delay:300ms]' />
            </span>
            <span>{activity}</span>
          </>
        ) : null}
      </div>
      {conversation?.sendError ? (
        // Shown in the transcript already; this copy is for screen readers.
        <p className='sr-only' role='alert'>
          {conversation.sendError.message}
        </p>
      ) : null}
      <form
        className='flex items-end gap-2 border-[var(--border)] border-t px-3 py-2'
        onSubmit={onSubmit}
      >
        <Label htmlFor={`${uid}-message`} className='sr-only'>
          {`Message to ${agentName}`}
        </Label>
        <Textarea
          ref={inputRef}
          id={`${uid}-message`}
          className='min-h-[52px] flex-1'
          rows={2}
          placeholder={`Message ${agentName}…`}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
          disabled={disabled}
        />
        <Button
          type='submit'
          variant='primary'
          className='gap-1.5'
          disabled={disabled || running || draft.trim() === ''}
          title={running ? 'Wait for the reply before sending again' : undefined}
        >
          <Send className='size-[14px]' />
          <span>Send</span>
        </Button>
      </form>
    </section>
  )
}
