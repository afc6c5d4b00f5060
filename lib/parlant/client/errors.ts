/**
 * Typed errors of the Parlant client. Every string an error carries — message, path, each rejected
 * field's location, message and type, contract issues — is scrubbed once, here, as the error is
 * built: Parlant's 403/429 bodies echo all request headers (including `Authorization: Bearer
 * <key>`), and a server or proxy may echo the key anywhere in a 422 item, so no secret reaches a
 * message, `lastError`, a realtime event, a log line or a caller.
 */
import { redact } from '@/lib/parlant/client/redact'
import type { ValidationErrorItem } from '@/lib/parlant/client/schemas'

/** Where a request went, for error messages: method and path (ids only, never headers or keys). */
export interface RequestTarget {
  method: string
  path: string
  /** The configured secrets (API key…) to redact from every string of the error; not kept. */
  secrets?: readonly string[]
}

/** Base class of every error the client throws. */
export class ParlantError extends Error {
  /** HTTP status when the server answered, otherwise undefined. */
  readonly status: number | undefined
  readonly method: string
  readonly path: string

  constructor(message: string, target: RequestTarget, status?: number, options?: ErrorOptions) {
    super(redact(message, target.secrets ?? []), options)
    this.name = new.target.name
    this.status = status
    this.method = target.method
    this.path = redact(target.path, target.secrets ?? [])
  }
}

/** Why Parlant is unavailable. */
export type UnavailableReason = 'network' | 'server_error' | 'breaker_open'

/** Parlant could not be reached, answered 5xx, or the breaker is open and the call failed fast. */
export class ParlantUnavailable extends ParlantError {
  readonly reason: UnavailableReason
  constructor(message: string, target: RequestTarget, reason: UnavailableReason, status?: number) {
    super(message, target, status)
    this.reason = reason
  }
}

/** The call exceeded its client-side timeout, or a non-long-poll call got a 504. */
export class ParlantTimeout extends ParlantError {
  readonly timeoutMs: number | undefined
  constructor(message: string, target: RequestTarget, timeoutMs?: number, status?: number) {
    super(message, target, status)
    this.timeoutMs = timeoutMs
  }
}

/** 404: the agent, customer, session, event, guideline or tag does not exist. */
export class ParlantNotFound extends ParlantError {}

/** One invalid field of a rejected request, from FastAPI's `detail[]`. */
export interface RejectedField {
  /** Dotted location, e.g. `body.source` or `query.min_offset`. */
  field: string
  message: string
  type: string
}

/** 4xx other than 403/404/429: the request was rejected; 422 carries the field list. */
export class ParlantRejected extends ParlantError {
  readonly fields: RejectedField[]
  constructor(message: string, target: RequestTarget, status: number, fields: RejectedField[]) {
    super(message, target, status)
    const secrets = target.secrets ?? []
    this.fields = fields.map((f) => ({
      field: scrub(f.field, secrets),
      message: scrub(f.message, secrets),
      type: scrub(f.type, secrets),
    }))
  }
}

/** 401/403: the server refused our credentials (the echoed headers are never kept). */
export class ParlantForbidden extends ParlantError {}

/** 429: rate limited. */
export class ParlantRateLimited extends ParlantError {
  readonly retryAfterMs: number | undefined
  constructor(message: string, target: RequestTarget, retryAfterMs?: number) {
    super(message, target, 429)
    this.retryAfterMs = retryAfterMs
  }
}

/** The server answered 2xx with a body that does not follow Parlant's contract. */
export class ParlantContractError extends ParlantError {
  /** Zod's issue summary (paths and messages only, never values). */
  readonly issues: string[]
  constructor(message: string, target: RequestTarget, status: number, issues: string[]) {
    super(message, target, status)
    this.issues = issues.map((issue) => scrub(issue, target.secrets ?? []))
  }
}

/** Converts FastAPI `detail[]` items to our field list, every string scrubbed of `secrets`. */
export function rejectedFields(
  items: ValidationErrorItem[],
  secrets: readonly string[]
): RejectedField[] {
  return items.map((item) => ({
    field: scrub(item.loc.join('.'), secrets),
    message: scrub(item.msg, secrets),
    type: scrub(item.type, secrets),
  }))
}

const MAX_DETAIL = 300

/**
 * Removes secrets from text that came from the server (`redact`: every given secret in any case,
 * encoding or fragment of 8+ characters, any bearer token, credential headers and Starlette's
 * header dump), then truncates. Used on everything that ends up in a message or a log.
 */
export function scrub(text: string, secrets: readonly string[]): string {
  const out = redact(text, secrets)
  return out.length > MAX_DETAIL ? `${out.slice(0, MAX_DETAIL)}…` : out
}

/** `scrub` without the truncation: for whole messages, which embed already-truncated details. */
export { redact }
