import { defineConfig } from 'drizzle-kit'

/** The bridge's tables: the migration set that also goes into a Sim checkout. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './lib/parlant/db/schema.ts',
  out: './lib/parlant/db/migrations',
})
