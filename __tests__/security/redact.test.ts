/**
 * The scrubber of text from Parlant (`redact`), as fast-check properties over random keys: the key
 * is gone whatever its case or encoding (percent/form, JSON string escapes incl. `\uXXXX`, HTML
 * entities, base64 of the key and of `Bearer <key>` at any alignment and in either alphabet, hex in
 * either case, whitespace or zero-width/format characters between its characters, fullwidth), and
 * so is every fragment of 8 or more of its characters; text around it stays; redacting is
 * idempotent and never leaves a stray `]`.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  MIN_FRAGMENT,
  REDACTED,
  redact,
  redactDeep,
  redactEvent,
} from '@/lib/parlant/client/redact'
import { mapJsonStrings } from '@/lib/parlant/json-strings'
import { toStorableText } from '@/lib/parlant/schemas'

const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~+/='
const key = fc
  .array(fc.constantFrom(...KEY_CHARS), { minLength: 16, maxLength: 64 })
  .map((chars) => chars.join(''))
  // A key is random: it has at least a few letters and digits.
  .filter((k) => /[a-z].*[0-9]|[0-9].*[a-z]/i.test(k))
/** Text around the secret: words and punctuation that are not key material. */
const around = fc
  .array(fc.constantFrom(' ', '\n', ':', '(', ')', '"', "'", ',', 'ü', '€', '!', '?', '#'), {
    maxLength: 12,
  })
  .map((chars) => chars.join(''))

const hex = (c: string, upper: boolean) => {
  const h = c.charCodeAt(0).toString(16).padStart(2, '0')
  return upper ? h.toUpperCase() : h
}
const each = (f: (c: string, i: number) => string) => (s: string) => [...s].map(f).join('')

/** Every encoding the scrubber must see through, by name. */
const ENCODINGS: Record<string, (s: string) => string> = {
  literal: (s) => s,
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  mixedCase: each((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())),
  uriComponent: (s) => encodeURIComponent(s),
  percentEvery: each((c, i) => `%${hex(c, i % 2 === 0)}`),
  form: (s) => new URLSearchParams({ k: s }).toString().slice(2),
  json: (s) => JSON.stringify(s).slice(1, -1),
  jsonUnicode: each((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  jsonUnicodeHalf: each((c, i) =>
    i % 2 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}` : c
  ),
  htmlDecimal: each((c) => `&#${c.charCodeAt(0)};`),
  htmlHex: each((c) => `&#x${hex(c, false)};`),
  htmlNamed: (s) =>
    s.replace(
      /[&<>"'/=+]/g,
      (c) =>
        `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos', '/': 'sol', '=': 'equals', '+': 'plus' }[c]};`
    ),
  base64: (s) => Buffer.from(s).toString('base64'),
  base64url: (s) => Buffer.from(s).toString('base64url'),
  base64Bearer: (s) => Buffer.from(`Bearer ${s}`).toString('base64'),
  base64Header: (s) => Buffer.from(`{"authorization": "Bearer ${s}"}`).toString('base64'),
  base64Shifted: (s) => Buffer.from(`x${s}`).toString('base64'),
  base64Shifted2: (s) => Buffer.from(`xy${s}`).toString('base64url'),
  hexLower: (s) => Buffer.from(s).toString('hex'),
  hexUpper: (s) => Buffer.from(s).toString('hex').toUpperCase(),
  hexInJson: (s) => JSON.stringify({ key: Buffer.from(s).toString('hex') }),
  spaced: (s) => [...s].join(' '),
  whitespaceMix: each((c, i) => `${c}${['\n', '\t', '  ', '\u00a0'][i % 4]}`),
  zeroWidth: each((c, i) => `${c}${['\u200b', '\u200c', '\u200d', '\ufeff', '\u2060'][i % 5]}`),
  softHyphen: (s) => [...s].join('\u00ad'),
  fullwidth: each((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
  fullwidthSpaced: (s) =>
    [...s].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('\u3000'),
}
/** Encodings read back by folding (NFKC, no whitespace or format characters). */
const FOLDED = new Set([
  'spaced',
  'whitespaceMix',
  'zeroWidth',
  'softHyphen',
  'fullwidth',
  'fullwidthSpaced',
])
const fold = (text: string) => text.normalize('NFKC').replace(/[\s\p{Cf}]/gu, '')
const BASE64 = new Set([
  'base64',
  'base64url',
  'base64Bearer',
  'base64Header',
  'base64Shifted',
  'base64Shifted2',
])

/** Fragments of `secret` of `MIN_FRAGMENT` characters, each as `encode` writes it. */
function windows(secret: string, encode: (s: string) => string) {
  const out: string[] = []
  for (let i = 0; i + MIN_FRAGMENT <= secret.length; i++)
    out.push(encode(secret.slice(i, i + MIN_FRAGMENT)))
  return out
}

/** Whether `text` still carries any 8-character fragment of `secret`, in the given encoding. */
function leaks(text: string, secret: string, name: string) {
  const lower = text.toLowerCase()
  if (BASE64.has(name)) {
    // What remains must not decode to any fragment of the key, at any alignment.
    const decoded = [0, 1, 2, 3].flatMap((skip) =>
      [text.slice(skip), text.slice(skip).replace(/-/g, '+').replace(/_/g, '/')].map((t) =>
        Buffer.from(t.replace(/[^A-Za-z0-9+/]/g, '~'), 'base64').toString('latin1')
      )
    )
    // A fragment of 8 decoded bytes needs ~11 base64 characters; allow partial blocks at the edges.
    return windows(secret, (s) => s).some((w) => decoded.some((d) => d.includes(w.slice(1, 7))))
  }
  if (FOLDED.has(name)) {
    const flat = fold(text).toLowerCase()
    return windows(secret, (s) => s).some((w) => flat.includes(w.toLowerCase()))
  }
  const encode = ENCODINGS[name] as (s: string) => string
  return windows(secret, encode).some((w) => lower.includes(w.toLowerCase()))
}

describe('redact', () => {
  it('removes the key in every encoding, keeping the text around it', () => {
    fc.assert(
      fc.property(
        key,
        fc.constantFrom(...Object.keys(ENCODINGS)),
        around,
        around,
        (k, name, before, after) => {
          const encode = ENCODINGS[name] as (s: string) => string
          const text = `${before}${encode(k)}${after}`
          const out = redact(text, [k])
          expect(out, `${name}: ${text}`).toContain(REDACTED)
          expect(leaks(out, k, name), `${name}: ${out}`).toBe(false)
          expect(out.startsWith(before), out).toBe(true)
          expect(out.endsWith(after), out).toBe(true)
        }
      ),
      { numRuns: 400 }
    )
  })

  it('removes every fragment of 8 or more characters, in any case', () => {
    fc.assert(
      fc.property(
        key,
        fc.nat(),
        fc.integer({ min: MIN_FRAGMENT, max: 64 }),
        fc.boolean(),
        around,
        (k, from, length, upper, before) => {
          const start = from % (k.length - MIN_FRAGMENT + 1)
          const fragment = k.slice(start, start + length)
          const text = `${before}prefix ${upper ? fragment.toUpperCase() : fragment} …`
          const out = redact(text, [k])
          expect(leaks(out, k, 'literal'), out).toBe(false)
          expect(out.startsWith(before)).toBe(true)
        }
      ),
      { numRuns: 300 }
    )
  })

  it('is idempotent and never leaves a stray bracket after a bearer token', () => {
    fc.assert(
      fc.property(key, around, (k, before) => {
        const text = `${before}(Bearer ${k}) Authorization: Bearer ${k}\n[Bearer ${k}]`
        const once = redact(text, [k])
        expect(redact(once, [k])).toBe(once)
        expect(once).toBe(
          `${before}(Bearer [redacted]) Authorization: [redacted]\n[Bearer [redacted]]`
        )
      }),
      { numRuns: 200 }
    )
  })

  it('leaves text without the key as it is', () => {
    fc.assert(
      fc.property(key, fc.string({ maxLength: 200 }), (k, text) => {
        fc.pre(!/bearer|headers|authorization|cookie|api-key/i.test(text))
        fc.pre(!leaks(text, k, 'literal'))
        expect(redact(text, [k])).toBe(text)
      })
    )
    expect(redact('I received your message: "hello"', ['pk-live-SECRET-7f3a9c21e4b8d6'])).toBe(
      'I received your message: "hello"'
    )
  })
})

describe('redactDeep', () => {
  /** What `redactDeep` must equal: every string and key redacted, in a full copy. */
  const copyRedacted = (value: unknown, k: string): unknown => {
    if (typeof value === 'string') return redact(value, [k])
    if (Array.isArray(value)) return value.map((v) => copyRedacted(v, k))
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([name, v]) => [redact(name, [k]), copyRedacted(v, k)])
      )
    }
    return value
  }
  /** JSON values whose strings and keys sometimes hold the key (`@KEY@` stands for it). */
  const withKey = (k: string) =>
    fc
      .jsonValue({
        maxDepth: 4,
        // Strings are either plain words or hold the key.
        stringUnit: fc.constantFrom('a', 'b', ' ', 'ü', '@KEY@'),
      })
      .map((value) => JSON.parse(JSON.stringify(value).replaceAll('@KEY@', k)) as unknown)

  it('redacts like a full copy, shares what holds no secret and never modifies its input', () => {
    fc.assert(
      fc.property(
        key.chain((k) => fc.tuple(fc.constant(k), withKey(k))),
        ([k, value]) => {
          const before = structuredClone(value)
          const out = redactDeep(value, [k])
          expect(out).toEqual(copyRedacted(value, k))
          expect(value).toEqual(before)
          expect(JSON.stringify(out).includes(k)).toBe(false)
          // Nothing to redact: the very same value back, no copy.
          if (JSON.stringify(value) === JSON.stringify(out)) expect(out).toBe(value)
        }
      ),
      { numRuns: 300 }
    )
  })
})

describe('mapJsonStrings', () => {
  it('keeps a `__proto__` key of parsed JSON as a key when it copies around it', () => {
    const parsed = JSON.parse('{"q":{"__proto__":{"x":"y"},"s":"a\\u0000b"},"t":"ok"}')
    const out = mapJsonStrings(parsed, toStorableText)
    expect(JSON.stringify(out)).toBe('{"q":{"__proto__":{"x":"y"},"s":"a\uFFFDb"},"t":"ok"}')
    expect(Object.getPrototypeOf(out.q)).toBe(Object.prototype)
    expect(out.q.x).toBeUndefined()
    // The same when the changed entry comes first and the key is copied after it.
    const later = mapJsonStrings(
      JSON.parse('{"s":"a\\u0000b","__proto__":{"x":"y"}}'),
      toStorableText
    )
    expect(JSON.stringify(later)).toBe('{"s":"a\uFFFDb","__proto__":{"x":"y"}}')
  })
})

describe('redactEvent', () => {
  /** `text` cut into pieces of 1 to MIN_FRAGMENT - 1 characters, as a stream sends it. */
  const chunked = (text: string, sizes: number[]) => {
    const out: string[] = []
    for (let at = 0, i = 0; at < text.length; i++) {
      const size = sizes[i % sizes.length] as number
      out.push(text.slice(at, at + size))
      at += size
    }
    return out
  }
  const sizes = fc.array(fc.integer({ min: 1, max: MIN_FRAGMENT - 1 }), {
    minLength: 1,
    maxLength: 8,
  })

  it("redacts a message's chunks as one text, keeping the end of the stream", () => {
    fc.assert(
      fc.property(key, around, around, sizes, fc.boolean(), (k, before, after, cut, ended) => {
        const text = `${before}${k}${after}`
        const chunks: Array<string | null> = chunked(text, cut)
        if (ended) chunks.push(null)
        const event = { kind: 'message', data: { message: text, chunks } }
        const out = redactEvent(event, [k])
        const expected = redact(text, [k])
        expect(out.data.chunks).toEqual(ended ? [expected, null] : [expected])
        expect(out.data.message).toBe(expected)
        expect(leaks(out.data.chunks.join(''), k, 'literal')).toBe(false)
        // The event as it came is left alone.
        expect(event.data.chunks).toEqual(chunks)
      }),
      { numRuns: 200 }
    )
  })

  it('keeps chunks without the key as they are', () => {
    fc.assert(
      fc.property(key, sizes, (k, cut) => {
        const chunks = [...chunked('Your order ships on Monday, thanks!', cut), null]
        const event = { kind: 'message', data: { message: 'x', chunks } }
        expect(redactEvent(event, [k]).data.chunks).toEqual(chunks)
      }),
      { numRuns: 50 }
    )
  })
})
