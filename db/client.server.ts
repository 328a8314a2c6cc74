import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DatabaseTarget =
  | { kind: "pglite"; dataDir: string | null; /** Start from a dumped data folder (tests: a migrated template). */ loadDataDir?: Blob }
  | { kind: "postgres"; url: string };

export type DatabaseHandle = {
  db: Database;
  kind: DatabaseTarget["kind"];
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** PGlite only: the whole data folder as a tarball. */
  dumpDataDir?: () => Promise<Blob>;
};

export { schema };

/**
 * The migrations folder, found from this file so that scripts, tests and the start script
 * agree wherever they are launched from.
 */
export const MIGRATIONS_FOLDER = findMigrationsFolder();

function findMigrationsFolder() {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    for (const candidate of [path.join(dir, "migrations"), path.join(dir, "db", "migrations")]) {
      if (fs.existsSync(path.join(candidate, "meta", "_journal.json"))) return candidate;
    }
    dir = path.dirname(dir);
  }
  return path.resolve("db/migrations");
}

export class DatabaseBusyError extends Error {
  override name = "DatabaseBusyError";
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt
 * it. A lock file next to the folder names the holder; a lock left by a dead process is taken over.
 */
function lockPgliteFolder(dataDir: string) {
  const lockFile = `${path.resolve(dataDir)}.lock`;
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      const release = () => {
        process.off("exit", release);
        try {
          if (fs.readFileSync(lockFile, "utf8") === String(process.pid)) fs.unlinkSync(lockFile);
        } catch {
          // Already gone.
        }
      };
      process.on("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(fs.readFileSync(lockFile, "utf8"));
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new DatabaseBusyError(
          `The demo database in ${dataDir} is open in another process (pid ${holder}, probably \`npm start\`). ` +
            "PGlite allows one process at a time: stop that process first, or set DATABASE_URL to use PostgreSQL.",
        );
      }
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new DatabaseBusyError(`Could not lock the demo database in ${dataDir}.`);
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  // A killed process whose parent died can linger as a zombie where nothing reaps it: dead all the same.
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

// Several workers starting at once migrate one at a time.
const MIGRATION_LOCK_ID = 7_441_021;

/** Opens PGlite (a data folder, or memory when dataDir is null) or PostgreSQL through postgres.js. */
export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === "pglite") {
    const release = target.dataDir ? lockPgliteFolder(target.dataDir) : () => {};
    let client: PGlite;
    try {
      if (target.dataDir) fs.mkdirSync(target.dataDir, { recursive: true });
      client = target.dataDir ? new PGlite(target.dataDir) : new PGlite(target.loadDataDir ? { loadDataDir: target.loadDataDir } : undefined);
      await client.waitReady;
      await client.exec("set time zone 'UTC'");
    } catch (error) {
      release();
      throw error;
    }
    const db = drizzlePglite({ client, schema });
    return {
      db: db as unknown as Database,
      kind: "pglite",
      migrate: () => migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER }),
      close: async () => {
        await client.close();
        release();
      },
      dumpDataDir: () => client.dumpDataDir("none"),
    };
  }
  const client = postgres(target.url, {
    max: 10,
    onnotice: () => {},
    // Day buckets are UTC everywhere; a server configured for another zone must not move them.
    connection: { application_name: "codex-ledger", TimeZone: "UTC" },
  });
  const db = drizzlePostgres({ client, schema });
  return {
    db: db as unknown as Database,
    kind: "postgres",
    async migrate() {
      // A session-level lock on a reserved connection, held while the migrator runs on the pool.
      const lockHolder = await client.reserve();
      try {
        await lockHolder`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        await migratePostgres(db, { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await lockHolder`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.catch(() => {});
        lockHolder.release();
      }
    },
    close: () => client.end({ timeout: 5 }),
  };
}

export async function isDatabaseReachable(db: Database) {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs raw SQL and returns its rows. drizzle's execute() answers an array on postgres.js
 * and `{ rows }` on PGlite; callers should not have to care which.
 */
export async function selectRows<T extends Record<string, unknown>>(db: Pick<Database, "execute">, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
