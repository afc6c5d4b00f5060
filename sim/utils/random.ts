/** Shim of `@sim/utils/random` (Sim's `packages/utils/src/random.ts`): Web Crypto randomness. */

const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** `length` cryptographically random bytes. */
export function generateRandomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length))
}

/** `length` random hex characters (default 16). */
export function generateRandomHex(length = 16): string {
  return Array.from(generateRandomBytes(Math.ceil(length / 2)), (b) =>
    b.toString(16).padStart(2, '0')
  )
    .join('')
    .slice(0, length)
}

/** `length` random alphanumeric characters (default 16). */
export function generateRandomString(length = 16): string {
  return Array.from(generateRandomBytes(length), (b) => CHARS[b % CHARS.length]).join('')
}

/** A uniform float in [0, 1), the drop-in for `Math.random()`. */
export function randomFloat(): number {
  const [value = 0] = crypto.getRandomValues(new Uint32Array(1))
  return value / 0x100000000
}

/** A uniform integer in [min, max); throws `RangeError` when `max <= min`. */
export function randomInt(min: number, max: number): number {
  const range = max - min
  if (range <= 0) throw new RangeError(`randomInt: max (${max}) must be greater than min (${min})`)
  const threshold = (0x100000000 - (0x100000000 % range)) >>> 0
  let value = 0
  do {
    ;[value = 0] = crypto.getRandomValues(new Uint32Array(1))
  } while (value >= threshold)
  return min + (value % range)
}
