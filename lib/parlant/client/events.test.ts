/** The turn rules encoded by the event predicates, on events parsed through Parlant's schema. */
import { describe, expect, it } from 'vitest'
import {
  isAgentMessage,
  isMessageComplete,
  isMessageEvent,
  isPreamble,
  isStatusEvent,
  isTurnCompleted,
} from '@/lib/parlant/client/events'
import { eventSchema, type MessageEvent, PREAMBLE_TAG } from '@/lib/parlant/client/schemas'

const base = {
  id: 'e1',
  offset: 0,
  creation_utc: '2026-01-01T00:00:00Z',
  trace_id: 't1',
  correlation_id: 'c1',
  metadata: {},
  deleted: false,
}

const message = (data: Record<string, unknown>, source = 'ai_agent') =>
  eventSchema.parse({
    ...base,
    kind: 'message',
    source,
    data: { message: 'hi', participant: { display_name: 'Agent' }, ...data },
  })

const status = (state: string, data?: Record<string, unknown>) =>
  eventSchema.parse({
    ...base,
    kind: 'status',
    source: 'ai_agent',
    data: data ? { status: state, data } : { status: state },
  })

describe('Parlant event predicates', () => {
  it('ends a turn only at ready with stage completed, never at a bare ready', () => {
    expect(isTurnCompleted(status('ready', { stage: 'completed' }))).toBe(true)
    expect(isTurnCompleted(status('ready'))).toBe(false)
    expect(isTurnCompleted(status('ready', {}))).toBe(false)
    expect(isTurnCompleted(status('processing', { stage: 'completed' }))).toBe(false)
    expect(isTurnCompleted(message({}))).toBe(false)
  })

  it('tells preambles from replies by their tag', () => {
    expect(isPreamble(message({ tags: [PREAMBLE_TAG] }))).toBe(true)
    expect(isPreamble(message({ tags: ['other'] }))).toBe(false)
    expect(isPreamble(message({}))).toBe(false)
    expect(isPreamble(status('typing'))).toBe(false)
  })

  it.each([
    ['ai_agent', true],
    ['human_agent', true],
    ['human_agent_on_behalf_of_ai_agent', true],
    ['customer', false],
    ['system', false],
  ])('a message from %s is on the agent’s side: %s', (source, expected) => {
    expect(isAgentMessage(message({}, source))).toBe(expected)
  })

  it('treats a streamed message as complete once its last chunk is null', () => {
    const streamed = (chunks: Array<string | null>) => message({ chunks }) as MessageEvent
    expect(isMessageComplete(message({}) as MessageEvent)).toBe(true)
    expect(isMessageComplete(streamed([]))).toBe(false)
    expect(isMessageComplete(streamed(['Hel', 'lo']))).toBe(false)
    expect(isMessageComplete(streamed(['Hel', 'lo', null]))).toBe(true)
  })

  it('narrows by kind', () => {
    expect(isMessageEvent(message({}))).toBe(true)
    expect(isStatusEvent(message({}))).toBe(false)
    expect(isStatusEvent(status('ready'))).toBe(true)
  })
})
