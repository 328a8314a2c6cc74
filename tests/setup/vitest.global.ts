import { preparePgliteTemplate, prepareTemplateDatabase } from "./test-database";

/**
 * Runs once before the vitest suite. With TEST_DATABASE_URL (set by scripts/test.sh to a
 * throwaway PostgreSQL cluster) database tests run on PostgreSQL, each file in its own
 * database cloned from a migrated template; without it, each file gets an in-memory PGlite.
 */
export default async function setup() {
  const adminUrl = process.env.TEST_DATABASE_URL;
  process.stdout.write(`vitest: database tests run on ${adminUrl ? "PostgreSQL" : "PGlite"}\n`);
  if (adminUrl) await prepareTemplateDatabase(adminUrl);
  else await preparePgliteTemplate();
}
