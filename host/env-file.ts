/**
 * `.env` for the host's commands (`npm start`, `npm run host:admin`): read from the working
 * directory when it exists, with Node's own parser (`process.loadEnvFile`, Node ≥ 20.12).
 * Variables already set in the environment win over the file.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

/** Loads `./.env` into `process.env` if there is one; returns its path, or null. */
export function loadDotEnv(path = resolve(process.cwd(), '.env')): string | null {
  if (!existsSync(path)) return null
  process.loadEnvFile(path)
  return path
}
