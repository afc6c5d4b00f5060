/**
 * Shim of Sim's request validation (`@/lib/api/server`, Sim's `apps/sim/lib/api/server/validation.ts`):
 * `parseRequest(contract, request, context, options)` reads the JSON body with a byte cap (413),
 * then validates params, query, headers and body against the contract, in that order, and rejects
 * a NUL character anywhere in them; a failure is `{ success: false, response }` rendered by the
 * caller's `options` when given (Sim's default: 400 `{ error: 'Validation error', details }`).
 * Sim takes a `NextRequest`; outside Sim a Web `Request` (its URL is what `nextUrl` would hold).
 */
import { ZodError, type z } from 'zod'
import type {
  AnyApiRouteContract,
  ApiSchema,
  ContractBody,
  ContractHeaders,
  ContractParams,
  ContractQuery,
} from '@/lib/api/contracts/types'

/** What the proxy in front of Sim forwards at most (10 MiB); every cap is clamped to it. */
const PROXY_CLIENT_MAX_BODY_BYTES = 10 * 1024 * 1024

/** Sim's default JSON body cap (`API_MAX_JSON_BODY_BYTES`, else 50 MB, clamped to the proxy's). */
export const DEFAULT_MAX_JSON_BODY_BYTES = Math.min(
  Number.parseInt(process.env.API_MAX_JSON_BODY_BYTES ?? '', 10) || 50 * 1024 * 1024,
  PROXY_CLIENT_MAX_BODY_BYTES
)

export interface ValidationErrorBody {
  error: string
  details: z.core.$ZodIssue[]
}

/** The validated slices of a request. */
export interface ParsedRequest<C extends AnyApiRouteContract> {
  params: ContractParams<C>
  query: ContractQuery<C>
  body: ContractBody<C>
  headers: ContractHeaders<C>
}

/** How `parseRequest` reads and answers (Sim's options; the blank/duplicate-query ones are not shimmed). */
export interface ParseRequestOptions {
  validationErrorResponse?: (error: z.ZodError) => Response
  invalidJsonResponse?: () => Response
  payloadTooLargeResponse?: () => Response
  invalidJson?: 'response' | 'throw'
  /** Body cap in bytes (default {@link DEFAULT_MAX_JSON_BODY_BYTES}, clamped to 10 MiB). */
  maxBodyBytes?: number
  /** An absent or blank body reads as `undefined` instead of failing as invalid JSON. */
  optionalJsonBody?: boolean
}

type BodyRead =
  | { success: true; data: unknown }
  | { success: false; reason: 'too_large' | 'invalid_json'; response: Response }

/** Thrown while reading a body past its cap (Sim's `PayloadSizeLimitError`). */
class PayloadTooLarge extends Error {}

export function isZodError(error: unknown): error is z.ZodError {
  return error instanceof ZodError
}

export function serializeZodIssues(error: z.ZodError): z.core.$ZodIssue[] {
  return error.issues
}

/** Sim's default validation answer: 400 `{ error, details: issues }`. */
export function validationErrorResponse(
  error: z.ZodError,
  message = 'Validation error',
  status = 400
) {
  const body: ValidationErrorBody = { error: message, details: serializeZodIssues(error) }
  return Response.json(body, { status })
}

export function getValidationErrorMessage(error: z.ZodError, fallback = 'Invalid request data') {
  return error.issues[0]?.message || fallback
}

/** The query as an object; a repeated key becomes an array. */
export function searchParamsToObject(searchParams: URLSearchParams) {
  const output: Record<string, string | string[]> = {}
  for (const key of new Set(searchParams.keys())) {
    const values = searchParams.getAll(key)
    output[key] = values.length > 1 ? values : (values[0] ?? '')
  }
  return output
}

export function headersToObject(headers: Headers) {
  const output: Record<string, string> = {}
  headers.forEach((value, key) => {
    output[key] = value
  })
  return output
}

async function readText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number.parseInt(request.headers.get('content-length') ?? '', 10)
  if (Number.isFinite(declared) && declared > maxBytes) throw new PayloadTooLarge()
  if (!request.body) return request.text()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => {})
      throw new PayloadTooLarge()
    }
    chunks.push(value)
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}

async function readBody(request: Request, maxBytes: number, optional: boolean): Promise<BodyRead> {
  const limit = Math.min(maxBytes, PROXY_CLIENT_MAX_BODY_BYTES)
  try {
    const text = await readText(request, limit)
    if (optional && !text.trim()) return { success: true, data: undefined }
    return { success: true, data: JSON.parse(text) }
  } catch (error) {
    if (error instanceof PayloadTooLarge) {
      const message = `Request body exceeds the maximum allowed size of ${limit} bytes`
      return {
        success: false,
        reason: 'too_large',
        response: Response.json({ error: message }, { status: 413 }),
      }
    }
    return {
      success: false,
      reason: 'invalid_json',
      response: Response.json({ error: 'Request body must be valid JSON' }, { status: 400 }),
    }
  }
}

/** Reads a required JSON body (Sim's `parseJsonBody`). */
export async function parseJsonBody(
  request: Request,
  invalidJson: ParseRequestOptions['invalidJson'] = 'response',
  maxBytes: number = DEFAULT_MAX_JSON_BODY_BYTES
): Promise<BodyRead> {
  if (invalidJson !== 'throw') return readBody(request, maxBytes, false)
  return { success: true, data: JSON.parse(await readText(request, maxBytes)) }
}

/** Reads a JSON body that may be absent (Sim's `parseOptionalJsonBody`). */
export function parseOptionalJsonBody(request: Request, maxBytes = DEFAULT_MAX_JSON_BODY_BYTES) {
  return readBody(request, maxBytes, true)
}

/** The first path (keys included) holding a NUL character, or undefined. */
function nulPath(value: unknown, path: PropertyKey[] = []): PropertyKey[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined
  if (Array.isArray(value)) {
    for (const [index, entry] of value.entries()) {
      const found = nulPath(entry, [...path, index])
      if (found) return found
    }
    return undefined
  }
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    for (const [key, entry] of Object.entries(value)) {
      if (key.includes('\u0000')) return [...path, key]
      const found = nulPath(entry, [...path, key])
      if (found) return found
    }
  }
  return undefined
}

function render(error: z.ZodError, options?: ParseRequestOptions) {
  return options?.validationErrorResponse
    ? options.validationErrorResponse(error)
    : validationErrorResponse(error)
}

type Slice = { success: true; data: unknown } | { success: false; response: Response }

function validate(schema: ApiSchema, data: unknown, options?: ParseRequestOptions): Slice {
  const result = schema.safeParse(data)
  if (result.success) return { success: true, data: result.data }
  return { success: false, response: render(result.error, options) }
}

/** Validates a request against `contract` (Sim's `parseRequest`). */
export async function parseRequest<C extends AnyApiRouteContract, TContext>(
  contract: C,
  request: Request,
  context: TContext,
  options?: ParseRequestOptions
): Promise<{ success: true; data: ParsedRequest<C> } | { success: false; response: Response }> {
  const candidate = context as { params?: unknown }
  const rawParams = candidate?.params ? await candidate.params : {}
  const rawQuery = searchParamsToObject(new URL(request.url).searchParams)

  let rawBody: unknown
  if (contract.body && contract.method !== 'GET') {
    const read = options?.optionalJsonBody
      ? await parseOptionalJsonBody(request, options.maxBodyBytes)
      : await parseJsonBody(request, options?.invalidJson, options?.maxBodyBytes)
    if (!read.success) {
      if (read.reason === 'invalid_json' && options?.invalidJsonResponse) {
        return { success: false, response: options.invalidJsonResponse() }
      }
      if (read.reason === 'too_large' && options?.payloadTooLargeResponse) {
        return { success: false, response: options.payloadTooLargeResponse() }
      }
      return { success: false, response: read.response }
    }
    rawBody = read.data
  }

  const slices: Partial<Record<'params' | 'query' | 'headers' | 'body', unknown>> = {}
  const inputs = {
    params: rawParams,
    query: rawQuery,
    headers: headersToObject(request.headers),
    body: rawBody,
  }
  for (const key of ['params', 'query', 'headers', 'body'] as const) {
    const schema = contract[key]
    if (!schema) continue
    const slice = validate(schema, inputs[key], options)
    if (!slice.success) return slice
    slices[key] = slice.data
  }

  for (const key of ['params', 'query', 'body'] as const) {
    const path = nulPath(slices[key])
    if (!path) continue
    const error = new ZodError([
      {
        code: 'custom',
        path,
        message: 'Value cannot contain a NUL character (U+0000)',
        input: undefined,
      },
    ])
    return { success: false, response: render(error, options) }
  }

  return {
    success: true,
    data: {
      params: slices.params as ContractParams<C>,
      query: slices.query as ContractQuery<C>,
      headers: slices.headers as ContractHeaders<C>,
      body: slices.body as ContractBody<C>,
    },
  }
}
