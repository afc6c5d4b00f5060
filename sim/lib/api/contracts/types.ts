/**
 * Shim of Sim's route-contract types (`@/lib/api/contracts/types`, Sim's
 * `apps/sim/lib/api/contracts/types.ts`): a contract names a route's method and path, the zod
 * schemas of its params, query, body and headers, and its response. Same names and signatures as
 * Sim's; inside Sim the real module is used.
 */
import type { z } from 'zod'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export type ApiSchema = z.ZodType

export type EmptySchemaOutput<S extends ApiSchema | undefined> = S extends ApiSchema
  ? z.output<S>
  : undefined

export type EmptySchemaInput<S extends ApiSchema | undefined> = S extends ApiSchema
  ? z.input<S>
  : undefined

/** A JSON answer validated by `schema` (per status when `statusSchemas` differ). */
export type JsonResponseMode<S extends ApiSchema = ApiSchema> = {
  mode: 'json'
  schema: S
  status?: number | readonly number[]
  statusSchemas?: Readonly<Record<number, ApiSchema>>
}

export type EmptyResponseMode = { mode: 'empty'; status?: number | readonly number[] }
export type TextResponseMode = { mode: 'text'; status?: number | readonly number[] }
export type BinaryResponseMode = { mode: 'binary'; status?: number | readonly number[] }
export type StreamResponseMode = { mode: 'stream'; status?: number | readonly number[] }
export type RedirectResponseMode = { mode: 'redirect'; status?: number | readonly number[] }

export type ResponseMode<S extends ApiSchema = ApiSchema> =
  | JsonResponseMode<S>
  | EmptyResponseMode
  | TextResponseMode
  | BinaryResponseMode
  | StreamResponseMode
  | RedirectResponseMode

/** One route's declared inputs and answer. */
export interface ApiRouteContract<
  TParams extends ApiSchema | undefined = undefined,
  TQuery extends ApiSchema | undefined = undefined,
  TBody extends ApiSchema | undefined = undefined,
  THeaders extends ApiSchema | undefined = undefined,
  TResponse extends ResponseMode = ResponseMode,
  TError extends ApiSchema | undefined = undefined,
> {
  method: HttpMethod
  path: string
  params?: TParams
  query?: TQuery
  body?: TBody
  headers?: THeaders
  response: TResponse
  error?: TError
}

export type AnyApiRouteContract = ApiRouteContract<
  ApiSchema | undefined,
  ApiSchema | undefined,
  ApiSchema | undefined,
  ApiSchema | undefined,
  ResponseMode,
  ApiSchema | undefined
>

/** Declares a contract; the identity at runtime, it exists to infer the schema generics. */
export function defineRouteContract<
  TParams extends ApiSchema | undefined = undefined,
  TQuery extends ApiSchema | undefined = undefined,
  TBody extends ApiSchema | undefined = undefined,
  THeaders extends ApiSchema | undefined = undefined,
  TResponse extends ResponseMode = ResponseMode,
  TError extends ApiSchema | undefined = undefined,
>(
  contract: ApiRouteContract<TParams, TQuery, TBody, THeaders, TResponse, TError>
): ApiRouteContract<TParams, TQuery, TBody, THeaders, TResponse, TError> {
  return contract
}

/** The schema a contract declares in slot `K` (inferred from its generics, as Sim does). */
type Slot<C extends AnyApiRouteContract, K extends 0 | 1 | 2 | 3> =
  C extends ApiRouteContract<
    infer TParams,
    infer TQuery,
    infer TBody,
    infer THeaders,
    ResponseMode,
    ApiSchema | undefined
  >
    ? [TParams, TQuery, TBody, THeaders][K]
    : undefined

/** The parsed path params of a contract (`undefined` when it declares none). */
export type ContractParams<C extends AnyApiRouteContract> = EmptySchemaOutput<Slot<C, 0>>
/** The parsed query of a contract. */
export type ContractQuery<C extends AnyApiRouteContract> = EmptySchemaOutput<Slot<C, 1>>
/** The parsed body of a contract. */
export type ContractBody<C extends AnyApiRouteContract> = EmptySchemaOutput<Slot<C, 2>>
/** The parsed headers of a contract. */
export type ContractHeaders<C extends AnyApiRouteContract> = EmptySchemaOutput<Slot<C, 3>>

export type ContractParamsInput<C extends AnyApiRouteContract> = EmptySchemaInput<Slot<C, 0>>
export type ContractQueryInput<C extends AnyApiRouteContract> = EmptySchemaInput<Slot<C, 1>>
export type ContractBodyInput<C extends AnyApiRouteContract> = EmptySchemaInput<Slot<C, 2>>
export type ContractHeadersInput<C extends AnyApiRouteContract> = EmptySchemaInput<Slot<C, 3>>

/** The JSON answer of a contract. */
export type ContractJsonResponse<C extends AnyApiRouteContract> =
  C['response'] extends JsonResponseMode<infer S> ? z.output<S> : never
