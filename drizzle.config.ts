import { defineConfig } from "drizzle-kit";

// Only for `npm run db:generate`, which writes SQL from db/schema.ts; no database is needed.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema.ts",
  out: "./db/migrations",
});
