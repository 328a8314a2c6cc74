import { randomBytes } from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type postgres from "postgres";
import type { Database } from "./client.server";

const dialect = new PgDialect();

/**
 * The rows of one query, `batchSize` at a time, without ever holding the whole result: for
 * exports of millions of rows. The next batch is fetched only when the consumer asks for it, so
 * a slow download slows the query down instead of filling memory.
 *
 * - PostgreSQL (postgres.js): a server-side portal read with the driver's `cursor()`, on one
 *   pooled connection for the length of the export.
 * - PGlite: `DECLARE … CURSOR WITH HOLD` then `FETCH n`: the result is kept by the database (on
 *   its disk past work_mem), not in JavaScript, and no transaction stays open, so the console's
 *   other queries are not queued behind a long download on PGlite's single connection.
 *
 * Stopping early (`break`, a closed download) closes the portal or cursor.
 */
export async function* streamRows<T extends Record<string, unknown>>(db: Database, query: SQL, batchSize = 2_000): AsyncGenerator<T> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  const client = (db as unknown as { $client: unknown }).$client;
  if (isPglite(client)) {
    yield* pgliteCursor<T>(client, text, params, batchSize);
    return;
  }
  const pg = client as postgres.Sql;
  for await (const rows of pg.unsafe(text, params as postgres.ParameterOrJSON<never>[]).cursor(batchSize)) {
    for (const row of rows) yield row as unknown as T;
  }
}

function isPglite(client: unknown): client is PGlite {
  return typeof client === "object" && client !== null && "dumpDataDir" in client && "waitReady" in client;
}

async function* pgliteCursor<T>(client: PGlite, text: string, params: unknown[], batchSize: number): AsyncGenerator<T> {
  const name = `export_${randomBytes(8).toString("hex")}`;
  await client.query(`declare ${name} no scroll cursor with hold for ${text}`, params);
  try {
    for (;;) {
      const { rows } = await client.query<T>(`fetch forward ${Math.max(1, Math.trunc(batchSize))} from ${name}`);
      for (const row of rows) yield row;
      if (rows.length < batchSize) return;
    }
  } finally {
    await client.query(`close ${name}`).catch(() => {});
  }
}
