/**
 * What of a caught error may go into a log line. A failed database query's message carries its
 * SQL parameters — chat text and replies, agent configuration, a token's hash and prefix — and a
 * driver's message may quote an offending value, so for those only the error class, the driver's
 * code and the statement's name (verb and table) are logged.
 */
import { getErrorMessage } from '@sim/utils/errors'

interface QueryFailure {
  query: string
  params: unknown
  cause?: unknown
}

function isQueryFailure(error: unknown): error is Error & QueryFailure {
  return error instanceof Error && typeof (error as Partial<QueryFailure>).query === 'string'
}

/** A driver error (node-postgres, PGlite): it has a SQLSTATE `code` and a `severity`. */
function isDriverError(error: unknown): error is Error & { code?: unknown } {
  return error instanceof Error && 'severity' in error && 'code' in error
}

/**
 * `insert agent_auth_tokens`, `update agent_chat_turns`, `select workspace_agents`…: the statement's
 * write (even inside a `with`), else its read, and the first table it names.
 */
export function statementName(query: string): string {
  const write = /\b(insert\s+into|update|delete\s+from)\s+"?([A-Za-z_]\w*)"?/i.exec(query)
  if (write?.[1] && write[2]) return `${write[1].split(/\s+/)[0]?.toLowerCase()} ${write[2]}`
  const read = /\bfrom\s+"?([A-Za-z_]\w*)"?/i.exec(query)
  const verb = /^\s*(\w+)/.exec(query)?.[1]?.toLowerCase() ?? 'query'
  return read?.[1] ? `${verb} ${read[1]}` : verb
}

function driverSummary(error: Error & { code?: unknown }) {
  const code = typeof error.code === 'string' ? ` ${error.code}` : ''
  return `${error.constructor.name}${code}`
}

/** A log-safe description of a caught value (see the module comment). */
export function loggableError(error: unknown): string {
  if (isQueryFailure(error)) {
    const cause = isDriverError(error.cause)
      ? driverSummary(error.cause)
      : error.cause instanceof Error
        ? error.cause.constructor.name
        : 'unknown cause'
    return `query failed (${cause}) in ${statementName(error.query)}`
  }
  if (isDriverError(error)) return `database error (${driverSummary(error)})`
  return getErrorMessage(error)
}
