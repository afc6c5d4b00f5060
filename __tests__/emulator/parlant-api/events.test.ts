/**
 * `/sessions/{id}/events`, restated from Parlant's `tests/api/test_sessions.py`, `api/sessions.py`
 * and `app_modules/sessions.py`: creating each kind and source, listing (long poll and SSE), reading
 * one (waiting for completion, SSE), deleting from an offset and updating metadata.
 */
import { emulatorPerFile, readSse, sleep } from './support'

const { call, ok, url } = emulatorPerFile({ waitUnitMs: 50 })

async function session(customer: { id: string; name?: string } | null = null, agent = {}) {
  await ok('POST', '/agents', { id: 'ag', name: 'Agent', ...agent }, 201)
  if (customer?.name) await ok('POST', '/customers', { id: customer.id, name: customer.name }, 201)
  return (await ok('POST', '/sessions', { agent_id: 'ag', customer_id: customer?.id }, 201))
    .id as string
}

const post = (sid: string, body: unknown) => call('POST', `/sessions/${sid}/events`, body)
const customerSays = (message: string) => ({ kind: 'message', source: 'customer', message })

/** The agent's messages of a turn, once its final ready has been emitted. */
async function replyTo(sid: string, traceId: string): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    const events = await ok('GET', `/sessions/${sid}/events?trace_id=${traceId}&wait_for_data=0`)
    const done = events.some(
      (e: { kind: string; data: { status?: string; data?: { stage?: string } } }) =>
        e.kind === 'status' && e.data.status === 'ready' && e.data.data?.stage === 'completed'
    )
    if (done) {
      return events
        .filter(
          (e: { kind: string; source: string }) => e.kind === 'message' && e.source === 'ai_agent'
        )
        .map((e: { data: { message: string } }) => e.data.message)
    }
    await sleep(20)
  }
  throw new Error('the turn did not complete')
}

describe('Parlant /sessions/{id}/events: creating', () => {
  it('names the customer after the stored customer, the guest, or else the customer id', async () => {
    const named = await session({ id: 'c1', name: 'Ada' })
    const ev = (await post(named, customerSays('hi'))).json
    expect(ev).toMatchObject({
      kind: 'message',
      source: 'customer',
      offset: 0,
      deleted: false,
      metadata: {},
      data: {
        message: 'hi',
        participant: { id: 'c1', display_name: 'Ada' },
        flagged: false,
        tags: [],
      },
    })
    expect(ev.correlation_id).toBe(ev.trace_id)
    const guest = (await ok('POST', '/sessions', { agent_id: 'ag' }, 201)).id
    expect((await post(guest, customerSays('hi'))).json.data.participant).toEqual({
      id: 'guest',
      display_name: 'Guest',
    })
    const unknown = (await ok('POST', '/sessions', { agent_id: 'ag', customer_id: 'nobody' }, 201))
      .id
    expect((await post(unknown, customerSays('hi'))).json.data.participant).toEqual({
      id: 'nobody',
      display_name: 'nobody',
    })
  })

  it('uses a given participant override', async () => {
    const sid = await session()
    const ev = await post(sid, {
      ...customerSays('hi'),
      participant: { id: 'p', display_name: 'P' },
    })
    expect(ev.json.data.participant).toEqual({ id: 'p', display_name: 'P' })
  })

  it('keeps a human agent participant id, null when not given; requires a display name', async () => {
    const sid = await session()
    const withId = await post(sid, {
      kind: 'message',
      source: 'human_agent',
      message: "I'll take it from here.",
      participant: { id: 'agent_007', display_name: 'DorZo' },
    })
    expect(withId.status).toBe(201)
    expect(withId.json.data.participant).toEqual({ id: 'agent_007', display_name: 'DorZo' })
    const noId = await post(sid, {
      kind: 'message',
      source: 'human_agent',
      message: 'hello',
      participant: { display_name: 'Anon' },
    })
    expect(noId.json.data.participant).toEqual({ id: null, display_name: 'Anon' })
    const none = await post(sid, { kind: 'message', source: 'human_agent', message: 'hello' })
    expect(none.status).toBe(422)
    expect(none.json).toEqual({
      detail: "Missing 'participant' with 'display_name' for human agent message",
    })
  })

  it('speaks on behalf of the agent, and answers 404 once the agent is deleted', async () => {
    const sid = await session()
    const ev = await post(sid, {
      kind: 'message',
      source: 'human_agent_on_behalf_of_ai_agent',
      message: 'a human speaking',
    })
    expect(ev.status).toBe(201)
    expect(ev.json.data.participant).toEqual({ id: 'ag', display_name: 'Agent' })
    await ok('DELETE', '/agents/ag', undefined, 204)
    const after = await post(sid, {
      kind: 'message',
      source: 'human_agent_on_behalf_of_ai_agent',
      message: 'again',
    })
    expect(after.status).toBe(404)
    expect(after.json).toEqual({ detail: "Item 'ag' not found" })
  })

  it('creates custom and status events, with metadata', async () => {
    const sid = await session()
    const custom = await post(sid, {
      kind: 'custom',
      source: 'customer',
      data: { account_balance: '999' },
      metadata: { k: 'v' },
    })
    expect(custom.json).toMatchObject({
      kind: 'custom',
      data: { account_balance: '999' },
      metadata: { k: 'v' },
    })
    const status = await post(sid, { kind: 'status', source: 'human_agent', status: 'typing' })
    expect(status.json).toMatchObject({ kind: 'status', data: { status: 'typing', data: {} } })
  })

  it("answers rule violations with Parlant's 422 details", async () => {
    const sid = await session()
    const cases: [unknown, string][] = [
      [{ kind: 'message', source: 'customer' }, "Missing 'message' field for event"],
      [{ kind: 'message', source: 'customer', message: '' }, "Missing 'message' field for event"],
      [
        { kind: 'message', source: 'ai_agent', message: 'x' },
        'If you add an agent message, you cannot specify what the message will be, as it will be auto-generated by the agent.',
      ],
      [
        { kind: 'message', source: 'system', message: 'x' },
        'Only "customer", "human_agent", and "human_agent_on_behalf_of_ai_agent" sources are supported for direct posting.',
      ],
      [
        { kind: 'message', source: 'human_agent_on_behalf_of_ai_agent' },
        "Missing 'data' field for message",
      ],
      [{ kind: 'custom', source: 'system', data: {} }, "Missing 'data' field for custom event"],
      [{ kind: 'status', source: 'system' }, 'Missing "status" field for status event'],
      [
        { kind: 'status', source: 'system', status: 'ready', data: [1] },
        'Status event "data" must be a JSON object',
      ],
      [
        { kind: 'tool', source: 'ai_agent' },
        'Only message, custom and status events can currently be added manually',
      ],
    ]
    for (const [body, detail] of cases) {
      const answer = await post(sid, body)
      expect(answer.status).toBe(422)
      expect(answer.json).toEqual({ detail })
    }
    const badKind = await post(sid, { kind: 'note', source: 'customer' })
    expect(badKind.json.detail[0]).toMatchObject({ type: 'enum', loc: ['body', 'kind'] })
    const badModeration = await call(
      'POST',
      `/sessions/${sid}/events?moderation=strict`,
      customerSays('x')
    )
    expect(badModeration.json.detail[0]).toMatchObject({
      type: 'enum',
      loc: ['query', 'moderation'],
    })
    const noSession = await post('nope', customerSays('x'))
    expect(noSession.json).toEqual({ detail: "Session not found (id='nope')" })
  })

  it('utters a guideline action for an AI-agent event, and runs a turn without one', async () => {
    const sid = await session()
    const uttered = await post(sid, {
      kind: 'message',
      source: 'ai_agent',
      guidelines: [{ action: 'Welcome!' }],
    })
    expect(uttered.status).toBe(201)
    expect(uttered.json).toMatchObject({
      kind: 'message',
      source: 'ai_agent',
      data: { message: 'Welcome!' },
    })
    const processed = await post(sid, { kind: 'message', source: 'ai_agent' })
    expect(processed.status).toBe(201)
    expect(processed.json).toMatchObject({ kind: 'status', source: 'ai_agent' })
    expect(await replyTo(sid, processed.json.trace_id)).toEqual([
      "Hello, I'm Agent. How can I help you?",
    ])
  })
})

describe('Parlant /sessions/{id}/events: replies follow the content-word rule', () => {
  it.each([
    ['the customer asks about opening hours', 'What are your opening hours?', true],
    ['the customer asks about shipping', 'How long does shipping take?', true],
    ['the customer asks about shipping', 'How long does delivery take?', false],
    [
      'the customer wants a refund for a broken item',
      'my item arrived broken, refund please',
      true,
    ],
    ['the customer mentions "money back"', 'I want my MONEY BACK', true],
  ])('%s / %s → %s', async (condition, message, matches) => {
    const sid = await session()
    await ok('POST', '/guidelines', { condition, action: 'Matched.', tags: ['agent:ag'] }, 201)
    const ev = (await post(sid, customerSays(message))).json
    expect(await replyTo(sid, ev.trace_id)).toEqual([
      matches ? 'Matched.' : `I received your message: "${message}"`,
    ])
  })
})

describe('Parlant /sessions/{id}/events: listing and reading', () => {
  it('long-polls: answers at once when events exist, 504 when none come in time', async () => {
    const sid = await session()
    const none = await call('GET', `/sessions/${sid}/events?min_offset=0&wait_for_data=1`)
    expect(none.status).toBe(504)
    expect(none.json).toEqual({ detail: 'Request timed out' })
    const pending = call(
      'GET',
      `/sessions/${sid}/events?min_offset=0&wait_for_data=20&kinds=custom`
    )
    await sleep(30)
    await post(sid, { kind: 'custom', source: 'system', data: { n: 1 } })
    const answer = await pending
    expect(answer.status).toBe(200)
    expect(answer.json.map((e: { kind: string }) => e.kind)).toEqual(['custom'])
  })

  it('filters by kinds, source and trace id; an unknown kind is a bare 500', async () => {
    const sid = await session()
    await post(sid, { kind: 'custom', source: 'system', data: { n: 1 } })
    const st = (await post(sid, { kind: 'status', source: 'human_agent', status: 'typing' })).json
    expect(await ok('GET', `/sessions/${sid}/events?kinds=status&wait_for_data=0`)).toEqual([st])
    expect(await ok('GET', `/sessions/${sid}/events?source=human_agent&wait_for_data=0`)).toEqual([
      st,
    ])
    expect(
      await ok('GET', `/sessions/${sid}/events?trace_id=${st.trace_id}&wait_for_data=0`)
    ).toEqual([st])
    expect(await ok('GET', `/sessions/${sid}/events?min_offset=1&wait_for_data=0`)).toEqual([st])
    const badKind = await call('GET', `/sessions/${sid}/events?kinds=note&wait_for_data=0`)
    expect(badKind.status).toBe(500)
    const badSource = await call('GET', `/sessions/${sid}/events?source=robot`)
    expect(badSource.status).toBe(422)
    expect(badSource.json.detail[0]).toMatchObject({ type: 'enum', loc: ['query', 'source'] })
    const badOffset = await call('GET', `/sessions/${sid}/events?min_offset=abc`)
    expect(badOffset.json.detail[0]).toMatchObject({
      type: 'int_parsing',
      loc: ['query', 'min_offset'],
    })
  })

  it('streams the list as text/event-stream with sse=true, ending after wait_for_data', async () => {
    const sid = await session()
    await post(sid, { kind: 'custom', source: 'system', data: { n: 0 } })
    await post(sid, { kind: 'custom', source: 'system', data: { n: 1 } })
    const later = setTimeout(() => {
      void post(sid, { kind: 'custom', source: 'system', data: { n: 2 } })
    }, 20)
    const stream = await readSse(`${url()}/sessions/${sid}/events?sse=true&wait_for_data=2`)
    clearTimeout(later)
    expect(stream.status).toBe(200)
    expect(stream.contentType).toBe('text/event-stream; charset=utf-8')
    expect(stream.raw.startsWith('data: {"id":')).toBe(true)
    expect(stream.frames.map((e) => (e as { offset: number }).offset)).toEqual([0, 1, 2])
    const missing = await readSse(`${url()}/sessions/nope/events?sse=true&wait_for_data=1`)
    expect(missing.status).toBe(200)
    expect(missing.frames).toEqual([])
  })

  it('reads one event; waiting for completion answers the event as it stands when time runs out', async () => {
    const sid = await session(null, {
      composition_mode: 'canned_fluid',
      message_output_mode: 'stream',
    })
    await ok(
      'POST',
      '/guidelines',
      {
        condition: 'the customer says "story"',
        action: 'one two three four five six seven eight nine ten',
        tags: ['agent:ag'],
      },
      201
    )
    // Slow chunks, so the message is still streaming while we read it.
    await call('PUT', '/__emulator/faults', { turn: { latencyMs: { chunk: 400 } } })
    const ev = (await post(sid, customerSays('tell me a story'))).json
    let message: { id: string } | undefined
    for (let i = 0; i < 100 && !message; i++) {
      ;[message] = await ok(
        'GET',
        `/sessions/${sid}/events?kinds=message&source=ai_agent&trace_id=${ev.trace_id}&wait_for_data=0`
      )
      if (!message) await sleep(10)
    }
    const id = (message as { id: string }).id
    const partial = await call(
      'GET',
      `/sessions/${sid}/events/${id}?wait_for_completion=true&wait_for_data=1`
    )
    expect(partial.status).toBe(200)
    expect(partial.json.data.chunks.at(-1)).not.toBeNull()
    const stream = await readSse(
      `${url()}/sessions/${sid}/events/${id}?sse=true&wait_for_data=20`,
      8000
    )
    expect(stream.contentType).toBe('text/event-stream; charset=utf-8')
    const frames = stream.frames as { data: { chunks: (string | null)[]; message: string } }[]
    expect(frames.length).toBeGreaterThan(1)
    expect(frames.at(-1)?.data.chunks.at(-1)).toBeNull()
    expect(frames.at(-1)?.data.message).toBe('one two three four five six seven eight nine ten')
    const done = await ok(
      'GET',
      `/sessions/${sid}/events/${id}?wait_for_completion=true&wait_for_data=1`
    )
    expect(done.data.chunks.at(-1)).toBeNull()
    const once = await readSse(`${url()}/sessions/${sid}/events/${ev.id}?sse=true`)
    expect(once.frames).toHaveLength(1)
    const unknown = await call('GET', `/sessions/${sid}/events/nope`)
    expect(unknown.status).toBe(404)
    expect(unknown.json).toEqual({ detail: "Event not found (id='nope')" })
  })
})

describe('Parlant /sessions/{id}/events: deleting and updating', () => {
  it('deletes from min_offset (from the first event of a trace only); offsets keep growing', async () => {
    const sid = await session()
    for (let n = 0; n < 3; n++) await post(sid, { kind: 'custom', source: 'system', data: { n } })
    expect((await call('DELETE', `/sessions/${sid}/events?min_offset=1`)).status).toBe(204)
    const left = await ok('GET', `/sessions/${sid}/events?wait_for_data=0`)
    expect(left.map((e: { offset: number }) => e.offset)).toEqual([0])
    const next = (await post(sid, { kind: 'custom', source: 'system', data: { n: 3 } })).json
    expect(next.offset).toBe(3)
    expect((await call('DELETE', `/sessions/${sid}/events?min_offset=10`)).status).toBe(204)
    const missing = await call('DELETE', `/sessions/${sid}/events`)
    expect(missing.status).toBe(422)
    expect(missing.json.detail[0]).toMatchObject({ type: 'missing', loc: ['query', 'min_offset'] })
  })

  it('refuses to delete from the middle of a trace', async () => {
    const sid = await session()
    const ev = (await post(sid, customerSays('hello'))).json
    await replyTo(sid, ev.trace_id)
    const refused = await call('DELETE', `/sessions/${sid}/events?min_offset=1`)
    expect(refused.status).toBe(422)
    expect(refused.json).toEqual({
      detail:
        'Cannot delete events with offset < min_offset unless they are the first event of their trace ID',
    })
    expect((await call('DELETE', `/sessions/${sid}/events?min_offset=0`)).status).toBe(204)
    expect(await ok('GET', `/sessions/${sid}/events?wait_for_data=0`)).toEqual([])
  })

  it('sets and unsets event metadata with PATCH; deleted events are not found', async () => {
    const sid = await session()
    const ev = (
      await post(sid, { kind: 'custom', source: 'system', data: { n: 1 }, metadata: { a: 1 } })
    ).json
    const set = await ok('PATCH', `/sessions/${sid}/events/${ev.id}`, {
      metadata: { set: { b: 2 } },
    })
    expect(set.metadata).toEqual({ a: 1, b: 2 })
    const unset = await ok('PATCH', `/sessions/${sid}/events/${ev.id}`, {
      metadata: { unset: ['a'] },
    })
    expect(unset.metadata).toEqual({ b: 2 })
    expect((await ok('GET', `/sessions/${sid}/events?wait_for_data=0`))[0].metadata).toEqual({
      b: 2,
    })
    await ok('DELETE', `/sessions/${sid}/events?min_offset=0`, undefined, 204)
    const gone = await call('PATCH', `/sessions/${sid}/events/${ev.id}`, {
      metadata: { set: { c: 3 } },
    })
    expect(gone.status).toBe(404)
    expect(gone.json).toEqual({ detail: `Event not found (id='${ev.id}')` })
  })
})
