import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { MIGRATIONS_FOLDER, openDatabase, type DatabaseHandle } from "../../db/client.server";

export const TEMPLATE_DATABASE = "ledger_test_template";

/**
 * A migrated PGlite data folder as a tarball, named by a hash of the migrations: loading it
 * skips initdb and every migration, which otherwise cost each test file several seconds.
 */
const PGLITE_TEMPLATE = path.join(os.tmpdir(), `codex-ledger-pglite-${migrationsDigest()}.tar`);

function migrationsDigest() {
  const hash = createHash("sha256");
  for (const file of fs.readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith(".sql")).sort()) {
    hash.update(file).update(fs.readFileSync(path.join(MIGRATIONS_FOLDER, file)));
  }
  return hash.digest("hex").slice(0, 16);
}

export async function preparePgliteTemplate() {
  if (fs.existsSync(PGLITE_TEMPLATE)) return;
  const handle = await openDatabase({ kind: "pglite", dataDir: null });
  try {
    await handle.migrate();
    const dump = await handle.dumpDataDir!();
    const partial = `${PGLITE_TEMPLATE}.${process.pid}`;
    fs.writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(partial, PGLITE_TEMPLATE);
  } finally {
    await handle.close();
  }
}

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
    const template = fs.existsSync(PGLITE_TEMPLATE) ? new Blob([fs.readFileSync(PGLITE_TEMPLATE)]) : undefined;
    const handle = await openDatabase({ kind: "pglite", dataDir: null, loadDataDir: template });
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
