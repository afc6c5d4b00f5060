'use client'

import {
  type FormEvent,
  type KeyboardEvent,
  type RefObject,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from 'react'
import { Button, cn, Label, Textarea } from '@sim/emcn'
import { CircleAlert, CircleInfo, Plus, Send } from '@sim/emcn/icons'
import { AgentStatusBadge } from '@/components/parlant/agent-status-badge'
import { Markdown } from '@/components/parlant/markdown'
import {
  useAgentSubscriptions,
  useParlantWorkspace,
} from '@/components/parlant/use-agent-subscriptions'
import { type AgentView, CHAT_MESSAGE_MAX_LENGTH } from '@/lib/parlant/schemas'
import { describeError } from '@/stores/parlant/api'
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

const TIME_FORMAT: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' }

/** When an entry was written, as the reader's local time (the full instant on hover). */
function EntryTime({ at }: { at: string }) {
  const date = new Date(at)
  if (Number.isNaN(date.getTime())) return null
  return (
    <time dateTime={at} title={date.toLocaleString()} className='tabular-nums'>
      {date.toLocaleTimeString([], TIME_FORMAT)}
    </time>
  )
}

/** The agent's own guidelines that matched, by their number and condition. */
function MatchedGuidelines({ ids, agent }: { ids: string[]; agent: AgentView | undefined }) {
  const guidelines = agent?.guidelines ?? []
  const matched = ids.flatMap((id) => {
    const index = guidelines.findIndex((g) => g.id === id)
    const guideline = guidelines[index]
    return guideline
      ? [{ id, label: `Guideline ${index + 1}`, condition: guideline.condition }]
      : []
  })
  if (matched.length === 0) return null
  return (
    <ul className='flex flex-wrap gap-1' aria-label='Matched guidelines' data-part='matched'>
      {matched.map((g) => (
        <li
          key={g.id}
          className='max-w-full truncate rounded-[40px] border border-[var(--border-1)] px-1.5 text-[var(--text-secondary)] text-micro'
          title={`${g.label}: when ${g.condition}`}
        >
          {`${g.label}: ${g.condition}`}
        </li>
      ))}
    </ul>
  )
}

function ErrorEntry({ entry, onRetry }: { entry: TranscriptEntry; onRetry?: () => void }) {
  return (
    <li
      className='flex items-center gap-2 self-center rounded-md bg-[var(--badge-error-bg)] px-2 py-1 text-[var(--badge-error-text)] text-xs'
      data-kind='error'
    >
      <CircleAlert className='size-[14px] shrink-0' />
      <span data-part='error-text'>{entry.text}</span>
      {entry.retry && onRetry ? (
        <Button
          type='button'
          variant='ghost'
          className='h-auto px-1.5 py-0.5 text-xs underline underline-offset-2'
          onClick={onRetry}
        >
          Retry
        </Button>
      ) : null}
    </li>
  )
}

function Entry({
  entry,
  agent,
  agentName,
  onRetry,
}: {
  entry: TranscriptEntry
  agent: AgentView | undefined
  agentName: string
  onRetry: (entryId: string) => void
}) {
  if (entry.kind === 'error') return <ErrorEntry entry={entry} onRetry={() => onRetry(entry.id)} />
  if (entry.kind === 'notice') {
    return (
      <li
        className='flex items-start gap-1.5 self-center rounded-md bg-[var(--surface-4)] px-2 py-1 text-[var(--text-secondary)] text-xs'
        data-kind='notice'
      >
        <CircleInfo className='mt-px size-[14px] shrink-0' />
        <span>{entry.text}</span>
      </li>
    )
  }
  const mine = entry.kind === 'customer'
  return (
    <li
      className={cn(
        'flex max-w-[85%] flex-col gap-0.5',
        mine ? 'items-end self-end' : 'self-start'
      )}
      data-kind={entry.kind}
      data-pending={entry.id.startsWith('local-') && !entry.failed ? 'true' : undefined}
      data-failed={entry.failed ? 'true' : undefined}
    >
      <span className='flex gap-1.5 text-[var(--text-muted)] text-micro'>
        <span>
          {entry.kind === 'preamble' ? `${agentName} · preamble` : mine ? 'You' : agentName}
        </span>
        <EntryTime at={entry.at} />
      </span>
      <div
        className={cn(
          'break-words rounded-lg px-2.5 py-1.5 text-small',
          mine
            ? 'whitespace-pre-wrap bg-[var(--text-primary)] text-[var(--text-inverse)]'
            : entry.kind === 'preamble'
              ? 'border border-[var(--border-1)] border-dashed text-[var(--text-secondary)] italic'
              : 'bg-[var(--surface-5)] text-[var(--text-primary)]',
          entry.failed && 'opacity-60'
        )}
        data-part='bubble'
        title={entry.failed ? 'Not delivered' : undefined}
      >
        {mine ? entry.text : <Markdown text={entry.text} />}
        {entry.streaming ? (
          <span className='ml-0.5 inline-block h-3 w-1 animate-pulse bg-current align-middle' />
        ) : null}
      </div>
      {entry.matchedGuidelines ? (
        <MatchedGuidelines ids={entry.matchedGuidelines} agent={agent} />
      ) : null}
    </li>
  )
}

/** Grows a textarea with its text, up to `max` pixels (then it scrolls). */
function useAutoGrow(ref: RefObject<HTMLTextAreaElement | null>, value: string, max = 200) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-measure when the text changes
  useLayoutEffect(() => {
    const element = ref.current
    if (!element) return
    element.style.height = 'auto'
    element.style.height = `${Math.min(element.scrollHeight + 2, max)}px`
  }, [value, max, ref])
}

export interface ChatViewProps {
  agentId: string
  /** Which conversation to show; defaults to one per agent. */
  conversationKey?: string
  disabled?: boolean
}

const NUMBER = new Intl.NumberFormat('en-US')

/**
 * A live conversation with an agent: the transcript in offset order (Markdown replies, times, the
 * guidelines that matched), the agent's activity from status events, streamed text as chunks
 * arrive, preambles apart, one error with Retry for a failed send. Sending is blocked while a turn
 * runs on this conversation, since a second message cancels Parlant's turn; the turn counts as
 * done once its reply is on screen.
 */
export function ChatView({ agentId, conversationKey, disabled }: ChatViewProps) {
  const key = conversationKey ?? defaultConversationKey(agentId)
  const agent = useParlantAgent(agentId)
  const status = useAgentStatus(agentId)
  const conversation = useConversation(agentId, key)
  const entries = useTranscript(agentId, key)
  const sendMessage = useParlantStore((state) => state.sendMessage)
  const retrySend = useParlantStore((state) => state.retrySend)
  const loadTranscript = useParlantStore((state) => state.loadTranscript)
  const newConversation = useParlantStore((state) => state.newConversation)
  const workspaceId = useParlantStore((state) => state.workspaceId)
  const [draft, setDraft] = useState('')
  const [restartError, setRestartError] = useState<string | null>(null)
  const [restarting, setRestarting] = useState(false)
  const logRef = useRef<HTMLOListElement>(null)
  const inputRef = useRef<HTMLTextAreaElement>(null)
  const uid = useId()
  useParlantWorkspace()
  useAgentSubscriptions([agentId])
  useAutoGrow(inputRef, draft)

  const agentName = agent?.name ?? 'Agent'
  const running = conversation?.turnRunning ?? false
  const activity = activityText(conversation, agentName)
  const lastEntry = entries[entries.length - 1]
  const length = draft.length
  const tooLong = length > CHAT_MESSAGE_MAX_LENGTH
  const history = conversation?.history

  // The transcript so far comes back from the server on open and on every reload.
  useEffect(() => {
    if (workspaceId && !history) void loadTranscript(agentId, key)
  }, [workspaceId, agentId, key, history, loadTranscript])

  // Follow the conversation as it grows (new entries and streamed text).
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run when the last entry changes
  useEffect(() => {
    const log = logRef.current
    if (log) log.scrollTop = log.scrollHeight
  }, [entries.length, lastEntry?.text, activity])

  const send = async () => {
    const message = draft.trim()
    if (!message || running || disabled || tooLong) return
    // The message moves to the transcript; a failure shows there once, with Retry.
    setDraft('')
    await sendMessage(agentId, message, { conversationKey: key })
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

  const startOver = async () => {
    setRestarting(true)
    setRestartError(null)
    try {
      await newConversation(agentId, key)
      inputRef.current?.focus()
    } catch (error) {
      setRestartError(describeError(error).message)
    } finally {
      setRestarting(false)
    }
  }

  const onRetry = (entryId: string) => {
    if (running || disabled) return
    void retrySend(agentId, key, entryId)
  }

  return (
    <section
      className='flex min-h-0 flex-1 flex-col rounded-lg border border-[var(--border-1)] bg-[var(--surface-2)]'
      aria-labelledby={`${uid}-title`}
    >
      <header className='flex items-center justify-between gap-2 border-[var(--border)] border-b px-3 py-2'>
        <h2
          id={`${uid}-title`}
          className='min-w-0 truncate font-medium text-[var(--text-primary)] text-small'
          title={`Chat with ${agentName}`}
        >
          {`Chat with ${agentName}`}
        </h2>
        <div className='flex shrink-0 items-center gap-2'>
          <Button
            type='button'
            variant='ghost'
            className='gap-1'
            onClick={() => void startOver()}
            disabled={disabled || running || restarting || entries.length === 0}
            title='End this conversation and start a new one with the agent'
          >
            <Plus className='size-[14px]' />
            <span>New conversation</span>
          </Button>
          <AgentStatusBadge status={status?.status ?? agent?.status} />
        </div>
      </header>
      {restartError ? (
        <p className='px-3 pt-2 text-[var(--text-error)] text-xs' role='alert'>
          {restartError}
        </p>
      ) : null}
      <ol
        ref={logRef}
        className='flex min-h-[160px] flex-1 flex-col gap-2 overflow-y-auto px-3 py-3'
        aria-label='Transcript'
        aria-live='polite'
      >
        {conversation?.historyError ? (
          <li className='self-center text-[var(--text-muted)] text-xs' data-kind='history-error'>
            {`Earlier messages could not be loaded: ${conversation.historyError}`}
          </li>
        ) : null}
        {entries.length === 0 ? (
          <li className='self-center text-[var(--text-muted)] text-small'>
            {history === 'loading'
              ? 'Loading the conversation…'
              : 'No messages yet. Say hello to start the conversation.'}
          </li>
        ) : (
          entries.map((entry) => (
            <Entry
              key={entry.id}
              entry={entry}
              agent={agent}
              agentName={agentName}
              onRetry={onRetry}
            />
          ))
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
        className='flex flex-col gap-1 border-[var(--border)] border-t px-3 py-2'
        onSubmit={onSubmit}
      >
        <div className='flex items-end gap-2'>
          <Label htmlFor={`${uid}-message`} className='sr-only'>
            {`Message to ${agentName}`}
          </Label>
          <Textarea
            ref={inputRef}
            id={`${uid}-message`}
            className='max-h-[200px] min-h-[36px] flex-1'
            rows={1}
            placeholder={`Message ${agentName}…`}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onKeyDown}
            disabled={disabled}
            aria-invalid={tooLong ? true : undefined}
            aria-describedby={`${uid}-hint`}
          />
          <Button
            type='submit'
            variant='primary'
            className='gap-1.5'
            disabled={disabled || running || tooLong || draft.trim() === ''}
            title={running ? 'Wait for the reply before sending again' : undefined}
          >
            <Send className='size-[14px]' />
            <span>Send</span>
          </Button>
        </div>
        <p
          id={`${uid}-hint`}
          className='flex justify-between gap-2 text-[var(--text-muted)] text-micro'
        >
          <span>Enter sends · Shift+Enter adds a new line</span>
          <span
            className={cn('tabular-nums', tooLong && 'text-[var(--text-error)]')}
            data-part='counter'
          >
            {tooLong
              ? `${NUMBER.format(length)} / ${NUMBER.format(CHAT_MESSAGE_MAX_LENGTH)} — too long to send`
              : `${NUMBER.format(length)} / ${NUMBER.format(CHAT_MESSAGE_MAX_LENGTH)}`}
          </span>
        </p>
      </form>
    </section>
  )
}
