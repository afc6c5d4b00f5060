/** Shim of `@sim/utils/id`: Sim's id generators (never `crypto.randomUUID` directly in plugin code). */
import { randomBytes, randomUUID } from 'node:crypto'

/** A new unique id (UUID v4 text), as Sim's `generateId()`. */
export function generateId(): string {
  return randomUUID()
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'

/** A short url-safe id (default 21 chars), as Sim's `generateShortId()`. */
export function generateShortId(size = 21): string {
  const bytes = randomBytes(size)
  let id = ''
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length]
  return id
}
