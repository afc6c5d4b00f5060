/**
 * Shim of `apps/sim/lib/api/client/request.ts`: the browser's typed call of a route contract.
 * `requestJson` validates the inputs with the contract's schemas, fills the path's `[param]`
 * segments, sends JSON, throws {@link ApiClientError} on a non-2xx answer (its message from the
 * body's `error`), and parses a 2xx answer with the contract's response schema.
 */
import type { z } from 'zod'
import type {
  AnyApiRouteContract,
  ContractBodyInput,
  ContractJsonResponse,
  ContractParamsInput,
  ContractQueryInput,
} from '@/lib/api/contracts/types'

/** What a contract call takes: its params, query and body inputs, and an abort signal. */
export interface ApiClientRequest<C extends AnyApiRouteContract> {
  params?: ContractParamsInput<C>
  query?: ContractQueryInput<C>
  body?: ContractBodyInput<C>
  signal?: AbortSignal
}

/** A contract call that the server answered with an error status. */
export class ApiClientError extends Error {
  readonly status: number
  readonly body: unknown
  readonly code?: string

  constructor(options: { status: number; message: string; body: unknown; code?: string }) {
    super(options.message)
    this.name = 'ApiClientError'
    this.status = options.status
    this.body = options.body
    this.code = options.code
  }
}

function parseOptional(schema: z.ZodType | undefined, value: unknown) {
  return schema && value !== undefined ? schema.parse(value) : value
}

function fillPath(path: string, params: unknown) {
  const values = (params ?? {}) as Record<string, unknown>
  return path.replace(/\[([^\]]+)\]/g, (_, name: string) =>
    encodeURIComponent(String(values[name]))
  )
}

function withQuery(path: string, query: unknown) {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value))
  }
  const text = search.toString()
  return text ? `${path}?${text}` : path
}

/** Calls a JSON route by its contract; resolves to the parsed response body. */
export async function requestJson<C extends AnyApiRouteContract>(
  contract: C,
  input: ApiClientRequest<C>
): Promise<ContractJsonResponse<C>> {
  if (contract.response.mode !== 'json') {
    throw new Error(`Contract ${contract.method} ${contract.path} does not declare a JSON response`)
  }
  const params = parseOptional(contract.params, input.params)
  const query = parseOptional(contract.query, input.query)
  const body = parseOptional(contract.body, input.body)
  const hasBody = body !== undefined && contract.method !== 'GET'
  const response = await fetch(withQuery(fillPath(contract.path, params), query), {
    method: contract.method,
    headers: hasBody ? { 'Content-Type': 'application/json' } : undefined,
    body: hasBody ? JSON.stringify(body) : undefined,
    signal: input.signal,
  })
  const text = await response.text()
  const parsed: unknown = text ? JSON.parse(text) : null
  if (!response.ok) {
    const error = (parsed ?? {}) as { error?: unknown; code?: unknown }
    throw new ApiClientError({
      status: response.status,
      message:
        typeof error.error === 'string' ? error.error : `Request failed with ${response.status}`,
      body: parsed,
      code: typeof error.code === 'string' ? error.code : undefined,
    })
  }
  return contract.response.schema.parse(parsed) as ContractJsonResponse<C>
}
