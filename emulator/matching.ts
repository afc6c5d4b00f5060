/**
 * How the emulator picks a reply — deterministic, so tests and demo users can predict it.
 *
 * A guideline applies to an agent when it is enabled and either has no tags (global), carries the
 * tag `agent:{agent_id}`, or shares a tag with the agent. It matches a customer message when:
 * - its condition contains quoted phrases ("…", “…” or '…'): any one of them appears in the
 *   message, case-insensitively. `the customer asks about "refund"` matches "Can I get a REFUND?";
 * - otherwise: every content word of the condition appears among the message's words. Words are
 *   runs of letters and digits, lower-cased, with a plural `s` dropped (`hours` = `hour`); the
 *   content words are those not in `CONDITION_STOP_WORDS` (articles, pronouns, "customer", "asks",
 *   "about", …) and longer than one character. `the customer asks about opening hours` matches
 *   "What are your opening hours?"; `the customer asks about shipping` matches "How long does
 *   shipping take?". A condition with no content words matches nothing.
 *
 * The reply is the action of the highest-priority matching guideline that has one (ties: oldest
 * first). Blank lines in the action split it into several agent messages. With no match the reply
 * is `I received your message: "<message>"`. A greeting turn says `Hello, I'm <agent name>. How can
 * I help you?`.
 */

export interface MatchableGuideline {
  id: string
  condition: string
  action?: string | null
  enabled?: boolean
  tags: string[]
  priority?: number
}

/** Words that carry no topic in a condition; everything else must appear in the message. */
export const CONDITION_STOP_WORDS: ReadonlySet<string> = new Set(
  `a an the this that these those some any all
  customer user visitor client person someone somebody
  i me my we us our you your he him his she her it its they them their
  ask asks asked asking about say says said saying mention mentions mentioned
  want wants wanted wish wishes need needs would like likes know knows inquire inquires
  request requests tell tells talk talks regarding question questions
  is are was were be been being am has have had
  do does did can could should will shall may might must
  to for of on in at by with from into as
  and or if when whether what which who whom how why where there please something anything`
    .split(/\s+/)
    .filter(Boolean)
)

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

/** Lower-cased words of a text with a plural `s` dropped (`hours` → `hour`, not `address`). */
export function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map((word) =>
    word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word
  )
}

/** The stop words as `wordsOf` spells them (`does` → `doe`), so both forms are skipped. */
const STOP = new Set([...CONDITION_STOP_WORDS].flatMap((w) => [w, ...wordsOf(w)]))

/** The words of a condition that must all appear in a message for it to match. */
export function contentWords(condition: string): string[] {
  return [...new Set(wordsOf(condition).filter((w) => w.length > 1 && !STOP.has(w)))]
}

/** Whether a guideline's condition matches a customer message (rule above). */
export function conditionMatches(condition: string, message: string): boolean {
  const phrases = quotedPhrases(condition)
  if (phrases.length > 0) {
    const haystack = normalize(message)
    return phrases.some((p) => haystack.includes(normalize(p)))
  }
  const wanted = contentWords(condition)
  if (wanted.length === 0) return false
  const have = new Set(wordsOf(message))
  return wanted.every((w) => have.has(w))
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

/** What the agent says on a turn with no customer message (`allow_greeting=true`). */
export function greetingFor(agent: { name: string }): string {
  return `Hello, I'm ${agent.name}. How can I help you?`
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
