/**
 * How the emulator picks a reply — deterministic, so tests and demo users can rely on it.
 *
 * A guideline applies to an agent when it is enabled and either has no tags (global), carries the
 * tag `agent:{agent_id}`, or shares a tag with the agent. It matches a customer message when:
 * - its condition contains quoted phrases ("…", “…” or '…'): any one of them appears in the
 *   message, case-insensitively. `the customer asks about "refund"` matches "Can I get a REFUND?";
 * - otherwise: the whole condition text appears in the message, case-insensitively, with runs of
 *   whitespace collapsed and trailing punctuation ignored.
 *
 * The reply is the action of the highest-priority matching guideline that has one (ties: oldest
 * first). Blank lines in the action split it into several agent messages. With no match the reply
 * is `I received your message: "<message>"`.
 */

export interface MatchableGuideline {
  id: string
  condition: string
  action?: string | null
  enabled?: boolean
  tags: string[]
  priority?: number
}

const QUOTED = /"([^"]+)"|“([^”]+)”|(?<![\p{L}\p{N}])'([^']+)'(?![\p{L}\p{N}])/gu

/** The quoted phrases of a condition. */
export function quotedPhrases(condition: string): string[] {
  const phrases: string[] = []
  for (const match of condition.matchAll(QUOTED)) {
    const phrase = (match[1] ?? match[2] ?? match[3] ?? '').trim()
    if (phrase) phrases.push(phrase)
  }
  return phrases
}

const normalize = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim()

/** Whether a guideline's condition matches a customer message (rule above). */
export function conditionMatches(condition: string, message: string): boolean {
  const haystack = normalize(message)
  const phrases = quotedPhrases(condition)
  if (phrases.length > 0) return phrases.some((p) => haystack.includes(normalize(p)))
  const whole = normalize(condition).replace(/[.!?;:,]+$/, '')
  return whole.length > 0 && haystack.includes(whole)
}

/** Whether the guideline is in scope for the agent. */
export function appliesToAgent(
  guideline: MatchableGuideline,
  agent: { id: string; tags: string[] }
): boolean {
  if (guideline.enabled === false) return false
  if (guideline.tags.length === 0) return true
  return guideline.tags.some((tag) => tag === `agent:${agent.id}` || agent.tags.includes(tag))
}

/** The fallback reply when no guideline matches. */
export function fallbackReply(message: string): string {
  return `I received your message: "${message}"`
}

export interface Reply {
  /** One entry per agent message. */
  messages: string[]
  /** Ids of every matching guideline (reported in the final ready). */
  matched: string[]
}

/** Computes the reply to `message` from the guidelines (given in creation order). */
export function replyFor(
  message: string,
  agent: { id: string; tags: string[] },
  guidelines: readonly MatchableGuideline[]
): Reply {
  const matching = guidelines
    .map((g, index) => ({ g, index }))
    .filter(({ g }) => appliesToAgent(g, agent) && conditionMatches(g.condition, message))
    .sort((a, b) => (b.g.priority ?? 0) - (a.g.priority ?? 0) || a.index - b.index)
  const chosen = matching.find(({ g }) => g.action && g.action.trim().length > 0)
  const text = chosen?.g.action ?? fallbackReply(message)
  const messages = text
    .split(/\n\s*\n/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
  return {
    messages: messages.length > 0 ? messages : [text],
    matched: matching.map(({ g }) => g.id),
  }
}
