import { getConfig } from "../app/lib/config.server";
import { openDatabase, type DatabaseHandle } from "./client.server";

const HANDLE_KEY = Symbol.for("codex-ledger.database");
type GlobalWithDatabase = typeof globalThis & { [HANDLE_KEY]?: Promise<DatabaseHandle> };

/**
 * One database per process. Kept on globalThis because the start script and the Remix
 * server build are two module graphs in one process, and PGlite allows only one open
 * instance per data folder.
 */
export function getDatabaseHandle(): Promise<DatabaseHandle> {
  const holder = globalThis as GlobalWithDatabase;
  holder[HANDLE_KEY] ??= openDatabase(getConfig().database);
  return holder[HANDLE_KEY];
}

export async function getDb() {
  return (await getDatabaseHandle()).db;
}

/** For tests and scripts that bring their own database. */
export function setDatabaseHandle(handle: DatabaseHandle) {
  (globalThis as GlobalWithDatabase)[HANDLE_KEY] = Promise.resolve(handle);
}

export async function closeDatabase() {
  const holder = globalThis as GlobalWithDatabase;
  const handle = holder[HANDLE_KEY];
  delete holder[HANDLE_KEY];
  if (handle) await (await handle).close();
}
