/** Shim of `@sim/logger`: `createLogger(name)` with leveled methods and structured context. */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface Logger {
  debug(message: string, context?: Record<string, unknown>): void
  info(message: string, context?: Record<string, unknown>): void
  warn(message: string, context?: Record<string, unknown>): void
  error(message: string, context?: Record<string, unknown>): void
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

function threshold(): number {
  const configured = (process.env.LOG_LEVEL ?? (process.env.VITEST ? 'error' : 'info')) as LogLevel
  return RANK[configured] ?? RANK.info
}

/** Creates a logger that prefixes every line with `[name]`, as Sim's does. */
export function createLogger(name: string): Logger {
  const write = (level: LogLevel, message: string, context?: Record<string, unknown>) => {
    if (RANK[level] < threshold()) return
    const line = `${new Date().toISOString()} ${level.toUpperCase()} [${name}] ${message}`
    const sink = level === 'error' ? console.error : level === 'warn' ? console.warn : console.log
    if (context && Object.keys(context).length > 0) sink(line, JSON.stringify(context))
    else sink(line)
  }
  return {
    debug: (m, c) => write('debug', m, c),
    info: (m, c) => write('info', m, c),
    warn: (m, c) => write('warn', m, c),
    error: (m, c) => write('error', m, c),
  }
}
