/**
 * The turn timeline, as Parlant's engine emits it (reference §2.6), all on the customer message's
 * trace id:
 *
 *   acknowledged → [typing → preamble message (`__preamble__`) → ready {}] →
 *   processing {stage: "Interpreting"} → typing → message… → ready {stage: "completed", …}
 *
 * Canned composition modes add a bare `ready {}` after each message. Streaming agents
 * (`canned_fluid` + `stream`) create each message with its first chunk and grow `chunks` in place
 * until a trailing null. Outcome `error` ends with ready{completed} followed by `error {exception}`;
 * `silence` emits nothing; a manual-mode session emits nothing. A newer customer message preempts
 * the running turn: `cancelled` then ready{completed} on the old trace. A turn with no customer
 * message to answer (a session created with `allow_greeting=true`) greets instead.
 */

import type { FaultState, TurnStage } from '@/emulator/faults'
import { greetingFor, replyFor } from '@/emulator/matching'
import type { EmulatorStore, SessionState, TurnHandle } from '@/emulator/store'
import { GUEST_ID, PREAMBLE_TAG } from '@/emulator/types'

export interface TurnEnvironment {
  store: EmulatorStore
  faults: FaultState
  /** Default delay of every stage, ms (0 = as fast as possible). */
  delayMs: number
}

const EXCEPTION =
  'Traceback (most recent call last):\n  File "parlant/core/engines/alpha/engine.py", in process\nEmulatedEngineError: fault injected by the Parlant emulator'

function sleep(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve()
  return new Promise((resolve) => {
    setTimeout(resolve, ms)
  })
}

/** Splits a reply into stream chunks of a few words each. */
function chunksOf(text: string): string[] {
  const words = text.split(/(?<=\s)/)
  const chunks: string[] = []
  for (let i = 0; i < words.length; i += 3) chunks.push(words.slice(i, i + 3).join(''))
  return chunks.length > 0 ? chunks : [text]
}

/**
 * Starts the turn a customer message triggers (preempting any running one) and returns at once;
 * the events follow asynchronously. Without a message (`undefined`) the agent greets.
 */
export function startTurn(
  env: TurnEnvironment,
  state: SessionState,
  traceId: string,
  customerMessage: string | undefined
): void {
  state.turn?.cancel(true)
  state.turn = undefined
  if (state.dto.mode === 'manual') return
  const agent = env.store.agents.get(state.dto.agent_id)
  // Parlant does not validate customer ids; an unknown one makes the agent silently never answer.
  const customerKnown =
    state.dto.customer_id === GUEST_ID || env.store.customers.has(state.dto.customer_id)
  if (!agent || !customerKnown) return

  const behavior = env.faults.turnFor(agent.id)
  if (behavior.outcome === 'silence') return

  let cancelled = false
  let done = false
  const { store } = env
  const status = (name: string, data: Record<string, unknown> = {}) =>
    store.append(state, {
      kind: 'status',
      source: 'ai_agent',
      traceId,
      data: { status: name, data },
    })
  const participant = { id: agent.id, display_name: agent.name }
  const handle: TurnHandle = {
    traceId,
    get done() {
      return done
    },
    cancel(announce: boolean) {
      if (done || cancelled) return
      cancelled = true
      done = true
      if (announce && store.sessions.get(state.dto.id) === state) {
        status('cancelled')
        status('ready', {
          stage: 'completed',
          matched_guidelines: [],
          matched_journeys: [],
          matched_journey_states: [],
        })
      }
    },
  }
  state.turn = handle

  const delay = (stage: TurnStage) => sleep(behavior.latencyMs?.[stage] ?? env.delayMs)
  const streaming =
    agent.composition_mode === 'canned_fluid' && agent.message_output_mode === 'stream'
  const canned = agent.composition_mode !== 'fluid'

  const run = async () => {
    await delay('acknowledged')
    if (cancelled) return
    status('acknowledged')

    if (behavior.preamble) {
      await delay('typing')
      if (cancelled) return
      status('typing')
      await delay('preamble')
      if (cancelled) return
      store.append(state, {
        kind: 'message',
        source: 'ai_agent',
        traceId,
        data: { message: behavior.preamble, participant, tags: [PREAMBLE_TAG] },
      })
      status('ready')
    }

    await delay('processing')
    if (cancelled) return
    status('processing', { stage: 'Interpreting' })

    const reply =
      customerMessage === undefined
        ? { messages: [greetingFor(agent)], matched: [] }
        : replyFor(customerMessage, agent, [...store.guidelines.values()])
    const completed = {
      stage: 'completed',
      matched_guidelines: reply.matched.map((id) => ({ id })),
      matched_journeys: [],
      matched_journey_states: [],
    }

    if (behavior.outcome === 'error') {
      await delay('ready')
      if (cancelled) return
      done = true
      status('ready', { ...completed, matched_guidelines: [] })
      status('error', { exception: EXCEPTION })
      return
    }

    await delay('typing')
    if (cancelled) return
    status('typing')

    for (const text of reply.messages) {
      await delay('message')
      if (cancelled) return
      if (streaming) {
        const parts = chunksOf(text)
        const chunks: (string | null)[] = [parts[0] ?? '']
        const data = { message: chunks.join(''), participant, chunks }
        store.append(state, { kind: 'message', source: 'ai_agent', traceId, data })
        for (const part of parts.slice(1)) {
          await delay('chunk')
          if (cancelled) break
          chunks.push(part)
          data.message = chunks.join('')
          store.notify(state, 'update')
        }
        // Even a cancelled stream is closed, so readers waiting for completion are released.
        chunks.push(null)
        store.notify(state, 'update')
        if (cancelled) return
      } else {
        store.append(state, {
          kind: 'message',
          source: 'ai_agent',
          traceId,
          data: { message: text, participant },
        })
      }
      if (canned) status('ready')
    }

    await delay('ready')
    if (cancelled) return
    done = true
    status('ready', completed)
  }

  run()
    .catch(() => {
      // The session may vanish mid-turn; nothing to report to anyone.
    })
    .finally(() => {
      done = true
      if (state.turn === handle) state.turn = undefined
    })
}
