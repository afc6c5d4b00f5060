/** The bridge's HTTP API: Web `Request` → `Response` handlers behind one small router. */
export * from '@/lib/parlant/api/access'
export * from '@/lib/parlant/api/chat-port'
export * from '@/lib/parlant/api/http'
export * from '@/lib/parlant/api/router'
export * from '@/lib/parlant/api/routes'
export * from '@/lib/parlant/rate-limit'
