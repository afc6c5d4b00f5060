/** The standalone host's own settings (the bridge's are in `lib/parlant/config.ts`). */
import { resolve } from 'node:path'
import { z } from 'zod'
import { parseEnv } from '@/lib/parlant/config'

const hostEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PARLANT_BRIDGE_DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: z.string().min(1).optional(),
  REDIS_URL: z.string().min(1).optional(),
  INTERNAL_API_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  NODE_ID: z.string().min(1).optional(),
  ALLOWED_HOSTS: z.string().optional(),
  PARLANT_SOCKETS_PER_CALLER: z.coerce.number().int().min(1).default(20),
  PARLANT_JOIN_BURST_PER_CALLER: z.coerce.number().int().min(1).default(30),
})

export interface HostConfig {
  port: number
  hostname: string
  dataDir: string
  databaseUrl?: string
  redisUrl?: string
  internalApiSecret?: string
  nodeId?: string
  /**
   * Names the host answers for besides the loopback names and `HOST` (`ALLOWED_HOSTS`, comma
   * separated): any other `Host` gets 421, so a rebinding DNS name reaches nothing.
   */
  allowedHosts: string[]
  /**
   * Realtime limits per caller (`PARLANT_SOCKETS_PER_CALLER`, default 20;
   * `PARLANT_JOIN_BURST_PER_CALLER`, default 30 joins at once, refilled 10 a second).
   */
  realtimeLimits: { maxSocketsPerCaller: number; joinBurst: number }
}

/** Reads and validates the host's environment variables. */
export function loadHostConfig(env: NodeJS.ProcessEnv = process.env): HostConfig {
  const value = parseEnv(hostEnvSchema, env)
  return {
    port: value.PORT,
    hostname: value.HOST,
    dataDir: resolve(value.PARLANT_BRIDGE_DATA_DIR),
    databaseUrl: value.DATABASE_URL,
    redisUrl: value.REDIS_URL,
    internalApiSecret: value.INTERNAL_API_SECRET,
    nodeId: value.NODE_ID,
    allowedHosts: (value.ALLOWED_HOSTS ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name.length > 0),
    realtimeLimits: {
      maxSocketsPerCaller: value.PARLANT_SOCKETS_PER_CALLER,
      joinBurst: value.PARLANT_JOIN_BURST_PER_CALLER,
    },
  }
}
