/**
 * The bridge's one error type. Every failure a caller can see is a `BridgeError` with a stable
 * `code`, the HTTP status it maps to, a message safe to show, and optional field details.
 */

export const BRIDGE_ERROR_STATUS = {
  validation_error: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  agent_not_active: 409,
  quota_exceeded: 409,
  turn_in_progress: 409,
  idempotency_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  parlant_error: 502,
  parlant_unavailable: 503,
  integration_disabled: 503,
  parlant_timeout: 504,
  turn_deadline_exceeded: 504,
  internal: 500,
} as const

export type BridgeErrorCode = keyof typeof BRIDGE_ERROR_STATUS

export interface FieldIssue {
  field: string
  message: string
}

/** A failure with a stable code; `message` never contains secrets or upstream bodies. */
export class BridgeError extends Error {
  override name = 'BridgeError'
  readonly status: number

  constructor(
    readonly code: BridgeErrorCode,
    message: string,
    readonly details?: FieldIssue[],
    options?: { cause?: unknown; retryAfterSeconds?: number }
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.status = BRIDGE_ERROR_STATUS[code]
    this.retryAfterSeconds = options?.retryAfterSeconds
  }

  readonly retryAfterSeconds?: number

  /** The JSON body every route returns for this error: `{ error, code, details? }`. */
  toBody() {
    return this.details && this.details.length > 0
      ? { error: this.message, code: this.code, details: this.details }
      : { error: this.message, code: this.code }
  }
}

/** Whether `error` is a `BridgeError` (also across module copies). */
export function isBridgeError(error: unknown): error is BridgeError {
  return error instanceof BridgeError
}
