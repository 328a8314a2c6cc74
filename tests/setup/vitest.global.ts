/**
 * Runs once before the vitest suite. With TEST_DATABASE_URL (set by scripts/test.sh to a
 * throwaway PostgreSQL cluster) the suite runs against PostgreSQL; without it, on PGlite.
 */
export default async function setup() {
  const target = process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite";
  process.stdout.write(`vitest: database tests run on ${target}\n`);
}
