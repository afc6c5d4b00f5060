/**
 * What every router shares: Parlant's error bodies and request validation in FastAPI's shape.
 *
 * Errors are thrown, as Parlant's handlers raise them, and turned into responses in one place
 * (`errorResponse`): `ItemNotFoundError` → 404 `{"detail": "Item '<id>' not found"}` (or
 * `"<message> (id='<id>')"`), an explicit `HTTPException` → its status and `{"detail"}`, anything
 * else → a bare 500 (`Internal Server Error`, text), which is what an uncaught `ValueError` in
 * Parlant becomes. Bodies and query parameters are checked with pydantic's error `type`s and
 * messages (`missing`, `string_too_short`, `greater_than_equal`, `enum`, …).
 */
import type { HttpBindings } from '@hono/node-server'
import type { Context } from 'hono'
import { z } from 'zod'

export type Env = { Bindings: HttpBindings }
export type Ctx = Context<Env>

/** An error with Parlant's status and `detail` (a string, or FastAPI's validation list). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string | ValidationItem[]
  ) {
    super(typeof detail === 'string' ? detail : 'validation failed')
  }
}

/** Parlant's `ItemNotFoundError`: `Item '<id>' not found`, or `<message> (id='<id>')`. */
export function itemNotFound(id: string, message?: string): ApiError {
  return new ApiError(404, message ? `${message} (id='${id}')` : `Item '${id}' not found`)
}

/** A handler-raised 422 with a string detail. */
export function unprocessable(detail: string): ApiError {
  return new ApiError(422, detail)
}

/** An uncaught server-side exception (duplicate ids and names, `ValueError`s): a bare 500. */
export function uncaught(reason: string): Error {
  return new Error(reason)
}

/** Turns anything a handler threw into Parlant's response. */
export function errorResponse(c: Ctx, error: unknown): Response {
  if (error instanceof ApiError) return c.json({ detail: error.detail }, error.status as 400)
  return c.text('Internal Server Error', 500)
}

/** One item of FastAPI's 422 `detail[]`. */
export interface ValidationItem {
  type: string
  loc: (string | number)[]
  msg: string
  input: unknown
  ctx?: Record<string, unknown>
}

const quoteList = (values: readonly unknown[]) => {
  const quoted = values.map((v) => `'${String(v)}'`)
  return quoted.length <= 1
    ? (quoted[0] ?? '')
    : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

function inputAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = root
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined
    at = (at as Record<PropertyKey, unknown>)[key]
  }
  return at
}

/** Maps a zod issue to pydantic's error item. */
function toPydantic(
  issue: z.core.$ZodIssue,
  where: 'body' | 'query',
  root: unknown
): ValidationItem {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))
  const loc = [where, ...path]
  const input = inputAt(root, issue.path)
  switch (issue.code) {
    case 'invalid_type': {
      if (input === undefined) {
        return {
          type: 'missing',
          loc,
          msg: 'Field required',
          input: inputAt(root, issue.path.slice(0, -1)) ?? null,
        }
      }
      switch (issue.expected) {
        case 'string':
          return { type: 'string_type', loc, msg: 'Input should be a valid string', input }
        case 'boolean':
          return typeof input === 'string'
            ? {
                type: 'bool_parsing',
                loc,
                msg: 'Input should be a valid boolean, unable to interpret input',
                input,
              }
            : { type: 'bool_type', loc, msg: 'Input should be a valid boolean', input }
        case 'number':
        case 'int':
          if (typeof input === 'number') {
            return {
              type: 'int_from_float',
              loc,
              msg: 'Input should be a valid integer, got a number with a fractional part',
              input,
            }
          }
          return typeof input === 'string'
            ? {
                type: 'int_parsing',
                loc,
                msg: 'Input should be a valid integer, unable to parse string as an integer',
                input,
              }
            : { type: 'int_type', loc, msg: 'Input should be a valid integer', input }
        case 'array':
          return { type: 'list_type', loc, msg: 'Input should be a valid list', input }
        case 'record':
          return { type: 'dict_type', loc, msg: 'Input should be a valid dictionary', input }
        default:
          return {
            type: 'model_attributes_type',
            loc,
            msg: 'Input should be a valid dictionary or object to extract fields from',
            input,
          }
      }
    }
    case 'too_small': {
      const min = Number(issue.minimum)
      if (issue.origin === 'string') {
        return {
          type: 'string_too_short',
          loc,
          msg: `String should have at least ${plural(min, 'character')}`,
          input,
          ctx: { min_length: min },
        }
      }
      return {
        type: 'greater_than_equal',
        loc,
        msg: `Input should be greater than or equal to ${min}`,
        input,
        ctx: { ge: min },
      }
    }
    case 'too_big': {
      const max = Number(issue.maximum)
      if (issue.origin === 'string') {
        return {
          type: 'string_too_long',
          loc,
          msg: `String should have at most ${plural(max, 'character')}`,
          input,
          ctx: { max_length: max },
        }
      }
      return {
        type: 'less_than_equal',
        loc,
        msg: `Input should be less than or equal to ${max}`,
        input,
        ctx: { le: max },
      }
    }
    case 'invalid_value': {
      const expected = quoteList(issue.values)
      return { type: 'enum', loc, msg: `Input should be ${expected}`, input, ctx: { expected } }
    }
    default:
      return { type: 'value_error', loc, msg: issue.message, input }
  }
}

/** Parses `value` or throws FastAPI's 422 for `where` (`body`/`query`). */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query'
): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  throw new ApiError(
    422,
    parsed.error.issues.map((issue) => toPydantic(issue, where, value))
  )
}

/** Reads the JSON body and validates it against a DTO schema (422 as FastAPI words it). */
export async function readBody<S extends z.ZodType>(c: Ctx, schema: S): Promise<z.output<S>> {
  const text = await c.req.text()
  if (text.trim().length === 0) {
    throw new ApiError(422, [
      { type: 'missing', loc: ['body'], msg: 'Field required', input: null },
    ])
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new ApiError(422, [
      {
        type: 'json_invalid',
        loc: ['body', 0],
        msg: 'JSON decode error',
        input: {},
        ctx: { error: error instanceof Error ? error.message : 'Expecting value' },
      },
    ])
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ApiError(422, [
      {
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: json,
      },
    ])
  }
  return validate(schema, json, 'body')
}

/** The query string as pydantic sees it: single values, plus repeated keys for list params. */
export function readQuery<S extends z.ZodType>(
  c: Ctx,
  schema: S,
  lists: readonly string[] = []
): z.output<S> {
  const raw: Record<string, unknown> = { ...c.req.query() }
  for (const name of lists) raw[name] = c.req.queries(name) ?? []
  return validate(schema, raw, 'query')
}

// ------------------------------------------------------------------------------ field builders

const INT = /^\s*[+-]?\d+\s*$/
const TRUE = new Set(['1', 'on', 't', 'true', 'y', 'yes'])
const FALSE = new Set(['0', 'off', 'f', 'false', 'n', 'no'])

/** A pydantic `int` (lax: integral floats and numeric strings are accepted). */
export function pyInt() {
  return z.preprocess((v) => {
    if (typeof v === 'string' && INT.test(v)) return Number(v)
    return v
  }, z.number().int())
}

/** A pydantic `bool` (lax: `"true"`, `"no"`, `1`, `0`… are accepted). */
export function pyBool() {
  return z.preprocess((v) => {
    if (typeof v === 'string') {
      const s = v.trim().toLowerCase()
      if (TRUE.has(s)) return true
      if (FALSE.has(s)) return false
    }
    if (v === 1) return true
    if (v === 0) return false
    return v
  }, z.boolean())
}

/** `Mapping[str, JSONSerializable]`. */
export const jsonMapping = () => z.record(z.string(), z.unknown())

/** Python truthiness, for Parlant's `if not params.x` checks. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '')
    return false
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'object') return Object.keys(value).length > 0
  return true
}

/** Order-keeping de-duplication (Parlant's `list(set(tags))`). */
export const unique = <T>(items: readonly T[]): T[] => [...new Set(items)]

/** Parlant's cursor: base64 of `<creation_utc>|<id>`; undefined when it does not decode. */
export function decodeCursor(cursor: string | undefined) {
  if (!cursor) return undefined
  try {
    const text = Buffer.from(cursor, 'base64').toString('utf8')
    const bar = text.indexOf('|')
    if (bar < 0) return undefined
    return { creation_utc: text.slice(0, bar), id: text.slice(bar + 1) }
  } catch {
    return undefined
  }
}

export const encodeCursor = (item: { creation_utc: string; id: string }) =>
  Buffer.from(`${item.creation_utc}|${item.id}`, 'utf8').toString('base64')

/** One page of Parlant's document-collection `find`, sorted by (creation_utc, id). */
export function paginate<T extends { creation_utc: string; id: string }>(
  all: readonly T[],
  options: { limit?: number; cursor?: { creation_utc: string; id: string }; sort?: 'asc' | 'desc' }
) {
  const desc = options.sort === 'desc'
  const key = (t: { creation_utc: string; id: string }) => [t.creation_utc, t.id] as const
  const compare = (a: T, b: T) => {
    const [ac, ai] = key(a)
    const [bc, bi] = key(b)
    const order = ac < bc ? -1 : ac > bc ? 1 : ai < bi ? -1 : ai > bi ? 1 : 0
    return desc ? -order : order
  }
  let docs = [...all].sort(compare)
  const cursor = options.cursor
  if (cursor) {
    docs = docs.filter((d) =>
      desc
        ? d.creation_utc < cursor.creation_utc ||
          (d.creation_utc === cursor.creation_utc && d.id < cursor.id)
        : d.creation_utc > cursor.creation_utc ||
          (d.creation_utc === cursor.creation_utc && d.id > cursor.id)
    )
  }
  const total_count = docs.length
  const limit = options.limit
  if (limit !== undefined && docs.length > limit) {
    const items = docs.slice(0, limit)
    const last = items[items.length - 1]
    return { items, total_count, has_more: true, next_cursor: last ? encodeCursor(last) : null }
  }
  return { items: docs, total_count, has_more: false, next_cursor: null as string | null }
}

/** An AbortSignal that fires when the client disconnects. */
export function clientGone(c: Ctx): AbortSignal {
  const controller = new AbortController()
  const outgoing = c.env?.outgoing
  if (outgoing) {
    // 'close' also follows every answered request: only a close before the answer is a client gone
    // (aborting on every close cost an AbortError per request).
    const onClose = () => {
      if (!outgoing.writableFinished) controller.abort()
    }
    outgoing.once('close', onClose)
  }
  return controller.signal
}
