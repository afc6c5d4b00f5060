/**
 * The HTTP plumbing every bridge route shares: JSON responses, the one error shape, and reading a
 * JSON body with the size limit checked before anything is parsed.
 */
import { z } from 'zod'
import { BridgeError, isBridgeError } from '@/lib/parlant/errors'
import { loggableError } from '@/lib/parlant/log-error'
import type { BridgeLogger } from '@/lib/parlant/ports'

/** Default request body limit: 1 MiB (an agent with 100 long guidelines fits). */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  })
}

/** Converts any thrown value into a `BridgeError`; unexpected ones become a logged 500. */
export function toBridgeError(error: unknown, logger: BridgeLogger): BridgeError {
  if (isBridgeError(error)) return error
  if (error instanceof z.ZodError) return validationError(error)
  logger.error('Unexpected error in a bridge route', {
    error: loggableError(error),
  })
  return new BridgeError('internal', 'Internal server error')
}

/** Headers that go with an error (Retry-After for 429). */
export function errorHeaders(error: BridgeError): Record<string, string> {
  return error.retryAfterSeconds !== undefined
    ? { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterSeconds))) }
    : {}
}

/** The `{ error, code, details? }` response of an error. */
export function errorResponse(error: BridgeError) {
  return json(error.toBody(), error.status, errorHeaders(error))
}

/** A 400 naming every invalid field, in the message too (tool routes only return the message). */
export function validationError(error: z.ZodError, prefix?: string): BridgeError {
  const at = (path: readonly PropertyKey[]) => {
    const parts = [...(prefix ? [prefix] : []), ...path.map(String)]
    return parts.length > 0 ? parts.join('.') : 'body'
  }
  const details = error.issues.flatMap((issue) =>
    // An unknown key is named itself, not its parent object.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          field: at([...issue.path, key]),
          message: 'is not a known field',
        }))
      : [{ field: at(issue.path), message: issue.message }]
  )
  const summary = details.map((d) => `${d.field}: ${d.message}`).join('; ')
  return new BridgeError('validation_error', `Invalid request: ${summary}`, details)
}

/** Parses `value` with `schema`, or throws a 400 naming the fields. */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  value: unknown,
  prefix?: string
): z.infer<T> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw validationError(parsed.error, prefix)
  return parsed.data
}

/** A `Content-Length` the HTTP parser enforces: digits only (anything else is streamed). */
const DECLARED_LENGTH = /^\d+$/
const JSON_TYPE = /^application\/json\s*(;|$)/i
const utf8 = new TextDecoder('utf-8', { fatal: false })

/**
 * Reads a JSON body: 413 when it is (or declares to be) larger than `limitBytes` — checked before
 * parsing, while streaming — 415 when it is not JSON, 400 when it does not parse. An absent body
 * reads as `undefined`.
 */
export async function readJsonBody(request: Request, limitBytes: number): Promise<unknown> {
  const declared = request.headers.get('content-length')
  if (declared !== null && Number(declared) > limitBytes) throw payloadTooLargeError(limitBytes)
  // A declared length within the limit bounds what the server's HTTP parser delivers, so the body
  // is read in one go (the standalone host's request reads it straight off the socket, without
  // Web streams). Without one (chunked), the limit must hold while the body streams in.
  const bytes =
    declared !== null && DECLARED_LENGTH.test(declared)
      ? new Uint8Array(await request.arrayBuffer())
      : await readStreamed(request, limitBytes)
  if (bytes === undefined || bytes.byteLength === 0) return undefined
  // A request built in-process may declare any length: the limit holds for what was read.
  if (bytes.byteLength > limitBytes) throw payloadTooLargeError(limitBytes)
  const type = request.headers.get('content-type') ?? ''
  if (!JSON_TYPE.test(type.trim())) {
    throw new BridgeError(
      'unsupported_media_type',
      'Request bodies must be JSON (Content-Type: application/json)',
      [{ field: 'content-type', message: 'must be application/json' }]
    )
  }
  const text = utf8.decode(bytes)
  try {
    return JSON.parse(text)
  } catch {
    throw invalidJsonError()
  }
}

/** Reads a body of unknown length chunk by chunk, stopping (413) as soon as it passes the limit. */
async function readStreamed(request: Request, limitBytes: number) {
  if (request.body === null) return undefined
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = request.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limitBytes) {
      await reader.cancel()
      throw payloadTooLargeError(limitBytes)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

/** 400 for a body that does not parse as JSON. */
export function invalidJsonError() {
  return new BridgeError('validation_error', 'Invalid request: body: is not valid JSON', [
    { field: 'body', message: 'is not valid JSON' },
  ])
}

/** 413 for a body over `limitBytes`. */
export function payloadTooLargeError(limitBytes: number) {
  return new BridgeError(
    'payload_too_large',
    `Request body is larger than the limit of ${limitBytes} bytes`,
    [{ field: 'body', message: `must be at most ${limitBytes} bytes` }]
  )
}
