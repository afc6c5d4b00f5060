/**
 * Removes secrets from text that came from Parlant (or anything that may echo a request): the
 * configured secret in any case, and in its common encodings — percent/form-encoded, JSON-string
 * escaped (`\uXXXX` included), HTML-escaped, and base64 (of the key and of `Bearer <key>`, any
 * alignment, standard or URL alphabet), hex (either case) — and any fragment of 8 or more of its
 * characters, also with whitespace or invisible format characters (`\p{Cf}`, zero-width ones)
 * between them or in a compatibility form NFKC folds back (fullwidth); plus any bearer token and
 * `Authorization`/`Cookie`/`X-Api-Key` header value and Starlette's header dump. Reversed, rot13
 * or base32 forms are not looked for.
 *
 * Escapes are decoded one unit at a time into a lower-cased view that remembers where each unit
 * came from, so a mix of escaped and plain characters is caught as well; a run of that view whose
 * every 8 characters occur in the key is redacted where it stood in the original.
 */

import { mapJsonStrings } from '@/lib/parlant/json-strings'

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

/** Whitespace and invisible format characters (zero-width space/joiners, BOM, bidi marks). */
const INVISIBLE = /^[\s\p{Cf}]+$/u

/**
 * The decoded view folded further: NFKC (fullwidth → ASCII), lower case, and without whitespace
 * or format characters, each character still pointing at where it stood. Null when there is
 * nothing to fold (printable ASCII only).
 */
function folded(decoded: Decoded): Decoded | null {
  const { view } = decoded
  if (!/[^\x21-\x7e]/.test(view)) return null
  if (/[\u0080-\uffff]/.test(view)) return foldAll(decoded)
  // ASCII with whitespace (most text): the view by one native replace; where each character
  // stood is worked out only if something matched.
  let full: Decoded | undefined
  const positions = () => {
    full ??= foldAll(decoded)
    return full
  }
  return {
    view: view.replace(/\s+/g, ''),
    get starts() {
      return positions().starts
    },
    get ends() {
      return positions().ends
    },
  }
}

/** `folded`, character by character. */
function foldAll(decoded: Decoded): Decoded {
  const { view } = decoded
  let out = ''
  const starts: number[] = []
  const ends: number[] = []
  for (let i = 0; i < view.length; i++) {
    const code = view.charCodeAt(i)
    const from = decoded.starts?.[i] ?? i
    if (code < 0x80) {
      // ASCII whitespace: space, tab, line feed, vertical tab, form feed, carriage return.
      if (code !== 0x20 && (code < 0x09 || code > 0x0d)) {
        out += view[i]
        starts.push(from)
        ends.push(decoded.ends?.[i] ?? i + 1)
      }
      continue
    }
    const char = String.fromCodePoint(view.codePointAt(i) as number)
    const last = i + char.length - 1
    i = last
    if (INVISIBLE.test(char)) continue
    const end = decoded.ends?.[last] ?? last + 1
    for (const piece of char.normalize('NFKC').toLowerCase()) {
      if (INVISIBLE.test(piece)) continue
      out += piece
      // A piece longer than one code unit keeps its units on the same span.
      for (let u = 0; u < piece.length; u++) {
        starts.push(from)
        ends.push(end)
      }
    }
  }
  return { view: out, starts, ends }
}

/** The text as written, lower-cased one character per position. */
function asWritten(text: string): Decoded {
  let view = ''
  for (const char of text.split('')) view += char.toLowerCase().charAt(0) || char
  return { view, starts: null, ends: null }
}

/**
 * The windows of one size of a secret's forms, and the first two code units of each: most
 * positions of a text fail that pair check, which is cheaper than cutting out the window.
 */
interface Windows {
  size: number
  grams: Set<string>
  firsts: Set<number>
}

function windowsOf(size: number, values: readonly string[]): Windows {
  const windows: Windows = { size, grams: new Set(), firsts: new Set() }
  for (const value of values) {
    for (let i = 0; i + size <= value.length; i++) {
      windows.grams.add(value.slice(i, i + size))
      windows.firsts.add(value.charCodeAt(i) * 0x10000 + value.charCodeAt(i + 1))
    }
  }
  return windows
}

/** Calls `hit` with each position of `view` where one of the windows starts. */
function eachHit(windows: Windows, view: string, hit: (at: number) => void) {
  const { size, grams, firsts } = windows
  for (let i = 0; i + size <= view.length; i++) {
    if (!firsts.has(view.charCodeAt(i) * 0x10000 + view.charCodeAt(i + 1))) continue
    if (grams.has(view.slice(i, i + size))) hit(i)
  }
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
  /** 8-character windows of the secret, lower-cased (matched against the decoded views). */
  plain: Windows
  /** Windows of its lower-case hex, two digits per character of a fragment. */
  hex: Windows
  /** 8-character windows of its base64 forms (case matters). */
  base64: Windows
}

/** A window of hex digits: 8 bytes, as long as a fragment of an ASCII key. */
const HEX_WINDOW = 2 * MIN_FRAGMENT
const HEX_RUN = new RegExp(`[0-9a-f]{${HEX_WINDOW}}`)

const matchers = new Map<string, Matcher>()

function matcherFor(secret: string): Matcher {
  let matcher = matchers.get(secret)
  if (matcher) return matcher
  const lower = secret.toLowerCase()
  const plainForms = [lower]
  // Form encoding writes a space as '+'.
  if (secret.includes(' ')) plainForms.push(lower.replace(/ /g, '+'))
  // The folded view drops whitespace and format characters and applies NFKC; so does the key.
  const foldedKey = folded({ view: lower, starts: null, ends: null })
  if (foldedKey) plainForms.push(foldedKey.view)
  const base64Forms = [secret, `Bearer ${secret}`].flatMap(base64Cores)
  matcher = {
    plain: windowsOf(MIN_FRAGMENT, plainForms),
    hex: windowsOf(HEX_WINDOW, [Buffer.from(secret, 'utf8').toString('hex')]),
    base64: windowsOf(MIN_FRAGMENT, base64Forms),
  }
  // A process has one or two secrets; keep the cache from growing on odd callers.
  if (matchers.size > 32) matchers.clear()
  matchers.set(secret, matcher)
  return matcher
}

/** Spans of `text` to redact for one secret. */
function secretSpans(secret: string, decoded: Decoded): Array<[number, number]> {
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
  const { plain, hex } = matcherFor(secret)
  eachHit(plain, view, (i) => spans.push([from(i), to(i + MIN_FRAGMENT - 1)]))
  // Hex digits are ASCII: the view is lower case, so either case of the hex is found here.
  if (HEX_RUN.test(view)) {
    eachHit(hex, view, (i) => spans.push([from(i), to(i + HEX_WINDOW - 1)]))
  }
  return spans
}

/** Spans of `text` holding base64 of one secret (matched on the text itself: case matters). */
function base64Spans(text: string, secret: string): Array<[number, number]> {
  const spans: Array<[number, number]> = []
  if (secret.length < MIN_FRAGMENT) return spans
  const { base64 } = matcherFor(secret)
  eachHit(base64, text, (i) => spans.push([i, i + MIN_FRAGMENT]))
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
  if (secrets.length === 0 || text.length === 0) return text
  const given = secrets.filter((s) => s.length > 0)
  if (given.length === 0 || text.length === 0) return text
  const decoded = decode(text)
  // A secret that itself looks like an escape (`\\`, `%41`) is matched as written too.
  const views: Decoded[] = decoded.starts ? [decoded, asWritten(text)] : [decoded]
  const fold = folded(decoded)
  if (fold) views.push(fold)
  const spans = given.flatMap((secret) => [
    ...views.flatMap((v) => secretSpans(secret, v)),
    ...base64Spans(text, secret),
  ])
  return cut(text, spans)
}

/** A word without which none of `redact`'s header and bearer patterns can match (same case rule). */
const CREDENTIAL_WORD = /headers|bearer|authorization|cookie|x-api-key/i

/**
 * The one scrubber of text that came from Parlant: secrets in any encoding or fragment (see the
 * module comment), bearer tokens, credential headers and header dumps. Idempotent.
 */
export function redact(text: string, secrets: readonly string[]): string {
  const kept = removeSecrets(text, secrets)
  // Each pattern below needs one of these words; most text (every event's) has none, and one test
  // costs less than four replaces.
  if (!CREDENTIAL_WORD.test(kept)) return kept
  return (
    kept
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

/**
 * `redact` applied to every string inside a JSON-like value (an event's data), keys included;
 * what holds no secret is returned as it was (`mapJsonStrings`), the input is never modified.
 */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  return mapJsonStrings(value, (text) => redact(text, secrets))
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
  // `out` may be `event` itself, or share its `data`: the chunks go into copies.
  const { data } = out as { data: Record<string, unknown> }
  return { ...out, data: { ...data, chunks: ended ? [redacted, null] : [redacted] } } as T
}

/** The chunks of a message event (as it came), or null. */
function messageChunks(event: unknown): unknown[] | null {
  if (!event || typeof event !== 'object') return null
  const { kind, data } = event as { kind?: unknown; data?: unknown }
  if (kind !== 'message' || !data || typeof data !== 'object') return null
  const chunks = (data as { chunks?: unknown }).chunks
  return Array.isArray(chunks) ? chunks : null
}
