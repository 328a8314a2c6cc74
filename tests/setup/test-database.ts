import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { openDatabase, type DatabaseHandle } from "../../db/client.server";

export const TEMPLATE_DATABASE = "ledger_test_template";

function databaseUrl(adminUrl: string, name: string) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.href;
}

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or, when
 * TEST_DATABASE_URL points at the throwaway cluster, a new PostgreSQL database cloned from
 * the template that the global setup migrated once. Dropped again by close().
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const handle = await openDatabase({ kind: "pglite", dataDir: null });
    await handle.migrate();
    return handle;
  }
  const name = `ledger_test_${randomUUID().replaceAll("-", "")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} template ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const handle = await openDatabase({ kind: "postgres", url: databaseUrl(adminUrl, name) });
  return {
    ...handle,
    async close() {
      await handle.close();
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/** Migrates the template database that every PostgreSQL test database is cloned from. */
export async function prepareTemplateDatabase(adminUrl: string) {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await admin.unsafe(`create database ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const handle = await openDatabase({ kind: "postgres", url: databaseUrl(adminUrl, TEMPLATE_DATABASE) });
  try {
    await handle.migrate();
  } finally {
    await handle.close();
  }
}
