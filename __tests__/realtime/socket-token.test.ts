/** One-time socket tokens: signed, expiring, single use — in one process and through Redis. */
import { randomBytes } from 'node:crypto'
import { createClient } from 'redis'
import { createSocketTokenStore, type NonceStore } from '@/host/socket-token'

describe('socket tokens', () => {
  it('accepts a fresh token once, and never a forged, foreign or expired one', async () => {
    let clock = 1_000_000
    const store = createSocketTokenStore({
      secret: 's'.repeat(32),
      ttlMs: 60_000,
      now: () => clock,
    })
    const { token } = store.mint('user-1')
    expect(await store.consume(token)).toBe('user-1')
    expect(await store.consume(token)).toBeNull()

    const other = createSocketTokenStore({ secret: 'x'.repeat(32), now: () => clock })
    expect(await other.consume(store.mint('user-1').token)).toBeNull()
    const [prefix, payload] = store.mint('user-1').token.split('.')
    const forgedPayload = Buffer.from(
      JSON.stringify({ sub: 'admin', exp: clock + 1000, nonce: 'n'.repeat(20) })
    ).toString('base64url')
    expect(await store.consume(`${prefix}.${forgedPayload}.${payload}`)).toBeNull()
    expect(await store.consume('garbage')).toBeNull()

    const late = store.mint('user-2').token
    clock += 60_001
    expect(await store.consume(late)).toBeNull()
  })

  it('shares used nonces between nodes through Redis', async () => {
    const client = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' })
    await client.connect()
    const prefix = `bridge-test-${randomBytes(6).toString('hex')}`
    const nonces: NonceStore = {
      async claim(nonce, ttlMs) {
        const result = await client.set(`${prefix}:${nonce}`, '1', {
          condition: 'NX',
          expiration: { type: 'PX', value: ttlMs },
        })
        return result === 'OK'
      },
    }
    try {
      const nodeA = createSocketTokenStore({ secret: 'shared-secret-123456', nonces })
      const nodeB = createSocketTokenStore({ secret: 'shared-secret-123456', nonces })
      const { token } = nodeA.mint('user-1')
      expect(await nodeB.consume(token)).toBe('user-1')
      expect(await nodeA.consume(token)).toBeNull()
    } finally {
      await client.close()
    }
  })
})
