'use client'

import { CircleAlert, Info, Send } from 'lucide-react'
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react'
import { AgentStatusBadge } from '@/components/parlant/agent-status-badge'
import { useAgentSubscriptions } from '@/components/parlant/use-agent-subscriptions'
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
    const Icon = entry.kind === 'error' ? CircleAlert : Info
    return (
      <li
        className={`parlant-chat__entry parlant-chat__entry--${entry.kind}`}
        data-kind={entry.kind}
      >
        <Icon className='parlant-icon' aria-hidden />
        <span>{entry.text}</span>
      </li>
    )
  }
  const who = entry.kind === 'customer' ? 'You' : agentName
  return (
    <li
      className={`parlant-chat__entry parlant-chat__entry--${entry.kind}`}
      data-kind={entry.kind}
      data-pending={entry.id.startsWith('local-') && !entry.failed ? 'true' : undefined}
      data-failed={entry.failed ? 'true' : undefined}
    >
      <span className='parlant-chat__who'>
        {entry.kind === 'preamble' ? `${agentName} · preamble` : who}
      </span>
      <span className='parlant-chat__bubble'>
        {entry.text}
        {entry.streaming ? <span className='parlant-chat__caret' aria-hidden /> : null}
      </span>
      {entry.failed ? <span className='parlant-chat__failed'>Not sent</span> : null}
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
    <section className='parlant-chat' aria-labelledby={`${uid}-title`}>
      <header className='parlant-chat__header'>
        <h2 id={`${uid}-title`} className='parlant-heading'>
          {`Chat with ${agentName}`}
        </h2>
        <AgentStatusBadge status={status?.status ?? agent?.status} />
      </header>
      <ol ref={logRef} className='parlant-chat__log' aria-label='Transcript' aria-live='polite'>
        {entries.length === 0 ? (
          <li className='parlant-chat__empty parlant-muted'>
            No messages yet. Say hello to start the conversation.
          </li>
        ) : (
          entries.map((entry) => <Entry key={entry.id} entry={entry} agentName={agentName} />)
        )}
      </ol>
      <div
        className='parlant-chat__activity'
        role='status'
        aria-live='polite'
        data-activity={conversation?.activity ?? 'idle'}
        data-turn={running ? 'running' : 'idle'}
      >
        {activity ? (
          <>
            <span className='parlant-dots' aria-hidden>
              <span />
              <span />
              <span />
            </span>
            <span>{activity}</span>
          </>
        ) : null}
      </div>
      {conversation?.sendError ? (
        // Shown in the transcript already; this copy is for screen readers.
        <p className='parlant-sr-only' role='alert'>
          {conversation.sendError.message}
        </p>
      ) : null}
      <form className='parlant-chat__form' onSubmit={onSubmit}>
        <label htmlFor={`${uid}-message`} className='parlant-sr-only'>
          {`Message to ${agentName}`}
        </label>
        <textarea
          ref={inputRef}
          id={`${uid}-message`}
          className='parlant-input parlant-chat__input'
          rows={2}
          placeholder={`Message ${agentName}…`}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
          disabled={disabled}
        />
        <button
          type='submit'
          className='parlant-button parlant-button--primary'
          disabled={disabled || running || draft.trim() === ''}
          title={running ? 'Wait for the reply before sending again' : undefined}
        >
          <Send className='parlant-icon' aria-hidden />
          <span>Send</span>
        </button>
      </form>
    </section>
  )
}
