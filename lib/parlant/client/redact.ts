/**
 * Removes secrets from text that came from Parlant (or anything that may echo a request): the
 * configured secret in any case, and in its common encodings — percent/form-encoded, JSON-string
 * escaped (`\uXXXX` included), HTML-escaped, and base64 (of the key and of `Bearer <key>`, any
 * alignment, standard or URL alphabet) — and any fragment of 8 or more of its characters; plus any
 * bearer token and `Authorization`/`Cookie`/`X-Api-Key` header value and Starlette's header dump.
 *
 * Escapes are decoded one unit at a time into a lower-cased view that remembers where each unit
 * came from, so a mix of escaped and plain characters is caught as well; a run of that view whose
 * every 8 characters occur in the key is redacted where it stood in the original.
 */

/** What replaces a secret. */
export const REDACTED = '[redacted]'

/** The shortest run of a secret's characters that counts as a leak. */
export const MIN_FRAGMENT = 8

const HTML_NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  sol: '/',
  colon: ':',
  equals: '=',
  plus: '+',
  lowbar: '_',
  hyphen: '-',
  period: '.',
  num: '#',
  percnt: '%',
}

/** The decoded, lower-cased view of a text and where each of its characters stood. */
interface Decoded {
  view: string
  /** Start and end in the text of the view's character `i`; identity when null. */
  starts: number[] | null
  ends: number[] | null
}

const UNIT =
  /%([0-9a-f]{2})|\\u([0-9a-f]{4})|\\x([0-9a-f]{2})|\\([\\/"'])|&#x([0-9a-f]{1,6});|&#([0-9]{1,7});|&([a-z]+);/iy

/** Decodes `text` one escape (or character) at a time, lower-cased. */
function decode(text: string): Decoded {
  // Most text has no escape at all: its view is itself (the common case, on every event).
  if (!/[%\\&]/.test(text)) {
    const lower = text.toLowerCase()
    // Positions stay aligned unless lower-casing changed the length ('İ').
    if (lower.length === text.length) return { view: lower, starts: null, ends: null }
  }
  let view = ''
  const starts: number[] = []
  const ends: number[] = []
  let i = 0
  while (i < text.length) {
    UNIT.lastIndex = i
    const m = UNIT.exec(text)
    let char: string | undefined
    if (m) {
      const [whole, pct, uni, hex, esc, htmlHex, htmlDec, named] = m
      if (pct ?? uni ?? hex)
        char = String.fromCharCode(Number.parseInt(pct ?? uni ?? hex ?? '', 16))
      else if (esc) char = esc
      else if (htmlHex)
        char = String.fromCodePoint(Math.min(Number.parseInt(htmlHex, 16), 0x10ffff))
      else if (htmlDec)
        char = String.fromCodePoint(Math.min(Number.parseInt(htmlDec, 10), 0x10ffff))
      else if (named) char = HTML_NAMED[named.toLowerCase()]
      if (char !== undefined) {
        // One unit, one character of the view (a lower-cased character stays one code unit
        // for what keys are made of; anything longer is cut to keep positions aligned).
        view += char.toLowerCase().charAt(0) || char
        starts.push(i)
        ends.push(i + whole.length)
        i += whole.length
        continue
      }
    }
    view += (text[i] as string).toLowerCase().charAt(0) || (text[i] as string)
    starts.push(i)
    ends.push(i + 1)
    i += 1
  }
  return { view, starts, ends }
}

/** The text as written, lower-cased one character per position. */
function asWritten(text: string): Decoded {
  let view = ''
  for (const char of text.split('')) view += char.toLowerCase().charAt(0) || char
  return { view, starts: null, ends: null }
}

function grams(value: string, into: Set<string>) {
  for (let i = 0; i + MIN_FRAGMENT <= value.length; i++) into.add(value.slice(i, i + MIN_FRAGMENT))
}

/** The base64 characters of `bytes` that do not depend on what comes before or after them. */
function base64Cores(value: string): string[] {
  const cores: string[] = []
  for (const pad of [0, 1, 2]) {
    const bytes = Buffer.concat([Buffer.alloc(pad), Buffer.from(value, 'utf8')])
    const encoded = bytes.toString('base64').replace(/=+$/, '')
    // The first characters mix in the padding bytes, the last may mix in what follows.
    const skip = Math.ceil((pad * 8) / 6)
    const core = encoded.slice(skip, Math.max(skip, encoded.length - 2))
    cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'))
  }
  return cores
}

interface Matcher {
  /** 8-character windows of the secret, lower-cased (matched against the decoded view). */
  plain: Set<string>
  /** 8-character windows of its base64 forms (case matters). */
  base64: Set<string>
}

const matchers = new Map<string, Matcher>()

function matcherFor(secret: string): Matcher {
  let matcher = matchers.get(secret)
  if (matcher) return matcher
  const plain = new Set<string>()
  grams(secret.toLowerCase(), plain)
  // Form encoding writes a space as '+'.
  if (secret.includes(' ')) grams(secret.toLowerCase().replace(/ /g, '+'), plain)
  const base64 = new Set<string>()
  for (const value of [secret, `Bearer ${secret}`]) {
    for (const core of base64Cores(value)) grams(core, base64)
  }
  matcher = { plain, base64 }
  // A process has one or two secrets; keep the cache from growing on odd callers.
  if (matchers.size > 32) matchers.clear()
  matchers.set(secret, matcher)
  return matcher
}

/** Spans of `text` to redact for one secret. */
function secretSpans(text: string, secret: string, decoded: Decoded): Array<[number, number]> {
  const { view } = decoded
  const from = (i: number) => decoded.starts?.[i] ?? i
  const to = (i: number) => decoded.ends?.[i] ?? i + 1
  const spans: Array<[number, number]> = []
  if (secret.length < MIN_FRAGMENT) {
    // Too short for fragments: the secret itself, in any case, in the decoded view.
    const needle = secret.toLowerCase()
    for (let at = view.indexOf(needle); at >= 0; at = view.indexOf(needle, at + 1)) {
      spans.push([from(at), to(at + needle.length - 1)])
    }
    return spans
  }
  const { plain, base64 } = matcherFor(secret)
  for (let i = 0; i + MIN_FRAGMENT <= view.length; i++) {
    if (plain.has(view.slice(i, i + MIN_FRAGMENT))) spans.push([from(i), to(i + MIN_FRAGMENT - 1)])
  }
  for (let i = 0; i + MIN_FRAGMENT <= text.length; i++) {
    if (base64.has(text.slice(i, i + MIN_FRAGMENT))) spans.push([i, i + MIN_FRAGMENT])
  }
  return spans
}

/** Replaces the union of `spans` with one marker each. */
function cut(text: string, spans: Array<[number, number]>): string {
  if (spans.length === 0) return text
  spans.sort((a, b) => a[0] - b[0])
  let out = ''
  let at = 0
  let open: [number, number] | undefined
  for (const span of spans) {
    if (open && span[0] <= open[1]) {
      open[1] = Math.max(open[1], span[1])
      continue
    }
    if (open) {
      out += text.slice(at, open[0]) + REDACTED
      at = open[1]
    }
    open = [span[0], span[1]]
  }
  if (open) {
    out += text.slice(at, open[0]) + REDACTED
    at = open[1]
  }
  return out + text.slice(at)
}

/** Removes every secret (and its encodings and fragments) from `text`. */
function removeSecrets(text: string, secrets: readonly string[]): string {
  const given = secrets.filter((s) => s.length > 0)
  if (given.length === 0 || text.length === 0) return text
  const decoded = decode(text)
  // A secret that itself looks like an escape (`\\`, `%41`) is matched as written too.
  const views: Decoded[] = decoded.starts ? [decoded, asWritten(text)] : [decoded]
  const spans = given.flatMap((secret) => views.flatMap((v) => secretSpans(text, secret, v)))
  return cut(text, spans)
}

/**
 * The one scrubber of text that came from Parlant: secrets in any encoding or fragment (see the
 * module comment), bearer tokens, credential headers and header dumps. Idempotent.
 */
export function redact(text: string, secrets: readonly string[]): string {
  return (
    removeSecrets(text, secrets)
      // Starlette's dump sits at the end of the detail; drop everything from it on.
      .replace(/HEADERS=[\s\S]*$/i, 'HEADERS=[redacted]')
      .replace(/Headers\(\{[\s\S]*\}\)/g, 'Headers([redacted])')
      // Not an already redacted one: `Bearer [redacted]` stays as it is.
      .replace(/Bearer\s+(?!\s*\[redacted\])[^\s'",})\]]+/gi, 'Bearer [redacted]')
      .replace(
        /(['"]?(?:authorization|cookie|set-cookie|x-api-key|proxy-authorization)['"]?\s*[:=]\s*)(['"]?)(?!\s*\[redacted\])[^'",}\n]*\2/gi,
        '$1[redacted]'
      )
  )
}

/** `redact` applied to every string inside a JSON-like value (an event's data), keys included. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return redact(value, secrets) as T
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[redact(k, secrets)] = redactDeep(v, secrets)
    return out as T
  }
  return value
}

/**
 * `redactDeep` for one Parlant event. A streamed message's `chunks` are redacted as one text —
 * each chunk is shorter than a fragment, so chunk by chunk the key would pass in pieces: when the
 * joined text needs redacting, the chunks become that redacted text as one chunk (the trailing
 * null, the end of the stream, is kept).
 */
export function redactEvent<T>(event: T, secrets: readonly string[]): T {
  const out = redactDeep(event, secrets)
  const chunks = messageChunks(event)
  if (!chunks) return out
  const joined = chunks.filter((c): c is string => typeof c === 'string').join('')
  const redacted = redact(joined, secrets)
  if (redacted === joined) return out
  const ended = chunks[chunks.length - 1] === null
  const data = (out as { data: Record<string, unknown> }).data
  data.chunks = ended ? [redacted, null] : [redacted]
  return out
}

/** The chunks of a message event (as it came), or null. */
function messageChunks(event: unknown): unknown[] | null {
  if (!event || typeof event !== 'object') return null
  const { kind, data } = event as { kind?: unknown; data?: unknown }
  if (kind !== 'message' || !data || typeof data !== 'object') return null
  const chunks = (data as { chunks?: unknown }).chunks
  return Array.isArray(chunks) ? chunks : null
}
