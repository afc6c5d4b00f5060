/** Agent tokens: issue, verify, revoke, expire; only hashes stored. */
export * from '@/lib/parlant/tokens/tokens'
