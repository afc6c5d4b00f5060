import { defineConfig } from 'drizzle-kit'

/** Sim's tables the bridge references (shims) plus the standalone host's own: standalone only. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './host/db/schema.ts',
  out: './host/db/migrations',
})
