/**
 * Shim of Sim's `@/lib/api/contracts` barrel: outside Sim only the contract types are here (Sim's
 * barrel also re-exports Sim's own contracts, which the plugin never imports).
 */
export * from './types'
