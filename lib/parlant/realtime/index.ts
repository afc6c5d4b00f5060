/** The bridge's realtime channel: rooms, events, socket handlers and the socket.io attachment. */
export * from '@/lib/parlant/realtime/events'
export * from '@/lib/parlant/realtime/handlers'
export * from '@/lib/parlant/realtime/presence'
export * from '@/lib/parlant/realtime/rooms'
export * from '@/lib/parlant/realtime/server'
