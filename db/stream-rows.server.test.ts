import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../tests/setup/test-database";
import { selectRows, type DatabaseHandle } from "./client.server";
import { streamRows } from "./stream-rows.server";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

const numbers = (n: number) => sql`select g as n, ${"row "}::text || g as label from generate_series(1, ${n}::int) g order by g`;

describe("streamRows", () => {
  it("yields every row in order, in batches, with parameters", async () => {
    let count = 0;
    let previous = 0;
    for await (const row of streamRows<{ n: number; label: string }>(handle.db, numbers(25_003), 1_000)) {
      expect(Number(row.n)).toBe(previous + 1);
      expect(row.label).toBe(`row ${row.n}`);
      previous = Number(row.n);
      count++;
    }
    expect(count).toBe(25_003);
  });

  it("releases the cursor when the consumer stops early, every time", async () => {
    // More early stops than the pool has connections: a leaked portal or cursor would hang or pile up.
    for (let i = 0; i < 15; i++) {
      for await (const row of streamRows<{ n: number }>(handle.db, numbers(50_000), 100)) {
        if (Number(row.n) === 250) break;
      }
    }
    const [open] = await selectRows<{ n: number }>(handle.db, sql`select count(*)::int as n from pg_cursors where name like 'export\_%'`);
    expect(open!.n).toBe(0);
    const [{ ok }] = (await selectRows<{ ok: number }>(handle.db, sql`select 1 as ok`)) as [{ ok: number }];
    expect(ok).toBe(1);
  });

  it("lets other queries run between batches", async () => {
    const stream = streamRows<{ n: number }>(handle.db, numbers(10_000), 500);
    let seen = 0;
    for await (const row of stream) {
      seen = Number(row.n);
      if (seen % 2_500 === 0) {
        const [r] = await selectRows<{ n: number }>(handle.db, sql`select count(*)::int as n from generate_series(1, 10)`);
        expect(r!.n).toBe(10);
      }
    }
    expect(seen).toBe(10_000);
  });

  it("reports a query error to the consumer", async () => {
    const broken = async () => {
      for await (const _row of streamRows(handle.db, sql`select 1 / (g - 3) from generate_series(1, 5) g`, 1)) {
        // consume
      }
    };
    await expect(broken()).rejects.toThrow(/division by zero/);
    const [r] = await selectRows<{ n: number }>(handle.db, sql`select count(*)::int as n from pg_cursors where name like 'export\_%'`);
    expect(r!.n).toBe(0);
  });
});
