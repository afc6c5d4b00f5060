/** The Parlant REST client: typed, validated, with timeouts, GET-only retries and a breaker. */
export * from '@/lib/parlant/client/breaker'
export * from '@/lib/parlant/client/client'
export * from '@/lib/parlant/client/errors'
export * from '@/lib/parlant/client/events'
export * from '@/lib/parlant/client/retry'
export * from '@/lib/parlant/client/schemas'
export * from '@/lib/parlant/client/transport'
