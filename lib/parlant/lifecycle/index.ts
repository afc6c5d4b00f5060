/** The agent lifecycle: service, state machine, Parlant provisioning, supervisor. */
export * from '@/lib/parlant/lifecycle/active-agent'
export * from '@/lib/parlant/lifecycle/provision'
export * from '@/lib/parlant/lifecycle/service'
export * from '@/lib/parlant/lifecycle/state-machine'
export * from '@/lib/parlant/lifecycle/supervisor'
export * from '@/lib/parlant/lifecycle/turn-signals'
export * from '@/lib/parlant/lifecycle/view'
