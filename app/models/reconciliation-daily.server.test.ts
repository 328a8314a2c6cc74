import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MIGRATIONS_FOLDER, selectRows, type DatabaseHandle } from "../../db/client.server";
import { createTestDatabase } from "../../tests/setup/test-database";
import { formatCredits } from "../lib/cost-math";
import { getReconciliation, iterateReconciliation } from "./spend.server";
import type { Viewer } from "./viewer";

// reconciliation_daily (docs/decisions/0016-monthly-cost-rollup.md, addendum): COSTS (product codex) and Analytics
// credits per UTC day and OpenAI user, kept by statement triggers on costs_hourly and analytics_usage_daily. It must
// always equal grouping both sources afresh, and the reconciliation read from it must equal the full CSV's rows.

vi.stubEnv("DATA_DIR", fs.mkdtempSync(path.join(os.tmpdir(), "ledger-reconciliation-daily-test-")));

const finance: Viewer = { personId: "00000000-0000-4000-8000-0000000000c1", email: "fin@z.example", name: "Fin", roles: ["finance", "viewer"] };

let handle: DatabaseHandle;
let next = 0;

type Cost = { hour: string; user: string | null; email?: string; product?: string | null; credits: string | null };
async function insertCosts(costs: Cost[]) {
  const rows = costs.map(
    (c) => sql`(${`r${next++}`}, ${c.hour}::timestamptz, ${c.user}, ${c.email ?? null}, '[]'::jsonb, ${c.product === undefined ? "codex" : c.product}, 'cli', 'cli', 'gpt-5.5', 'default', 1, 2, 3, ${c.credits}::numeric)`,
  );
  await handle.db.execute(sql`insert into costs_hourly (event_id, hour, openai_user_id, email, groups, product, client, surface, model, service_tier, input_tokens, cached_input_tokens, output_tokens, credits)
    values ${sql.join(rows, sql`, `)}`);
}

/** As the Analytics sync writes a page of days: insert, or update a stored row that differs. */
async function upsertAnalytics(rows: Array<{ workspace?: string; day: string; user: string; email?: string; credits: string }>) {
  const values = rows.map((r) => sql`(${r.workspace ?? "ws"}, ${r.day}::date, ${r.user}, ${r.email ?? null}, ${r.credits}::numeric)`);
  await handle.db.execute(sql`insert into analytics_usage_daily (workspace_id, day, openai_user_id, email, credits) values ${sql.join(values, sql`, `)}
    on conflict (workspace_id, day, openai_user_id) do update set credits = excluded.credits, email = excluded.email
    where analytics_usage_daily.credits is distinct from excluded.credits or analytics_usage_daily.email is distinct from excluded.email`);
}

const columns = "day::text as day, openai_user_id, costs_records, costs_credits::text as costs_credits, analytics_rows, analytics_credits::text as analytics_credits";
const rollup = () => selectRows(handle.db, sql.raw(`select ${columns} from reconciliation_daily order by day, openai_user_id`));
// Both sources grouped afresh (the hourly records, not costs_daily), credits as whole micro-credits.
const fromSources = () =>
  selectRows(
    handle.db,
    sql.raw(`select ${columns} from (
      select day, openai_user_id, sum(costs_records)::int as costs_records, sum(costs_credits)::bigint as costs_credits,
        sum(analytics_rows)::int as analytics_rows, sum(analytics_credits)::bigint as analytics_credits
      from (
        select (hour at time zone 'UTC')::date as day, openai_user_id, count(*) as costs_records, coalesce(sum(credits), 0) * 1000000 as costs_credits, 0 as analytics_rows, 0 as analytics_credits
        from costs_hourly where coalesce(openai_user_id, '') <> '' and lower(coalesce(product, '')) = 'codex' group by 1, 2
        union all
        select day, openai_user_id, 0, 0, count(*), sum(credits) * 1000000 from analytics_usage_daily where openai_user_id <> '' group by 1, 2
      ) s group by 1, 2) t order by day, openai_user_id`),
  );

/** The migration's back-fill statement (its last one), run again on an emptied rollup. */
function backfillStatement() {
  const file = fs.readdirSync(MIGRATIONS_FOLDER).find((f) => f.endsWith("_reconciliation_daily.sql"));
  if (!file) throw new Error("the reconciliation_daily migration is missing");
  const statements = fs.readFileSync(path.join(MIGRATIONS_FOLDER, file), "utf8").split("--> statement-breakpoint");
  const last = statements.at(-1)!.trim();
  expect(last).toMatch(/^INSERT INTO "reconciliation_daily"/);
  return last;
}

async function reconciliationCsv(from: string, to: string) {
  const rows = [];
  for await (const row of iterateReconciliation({ db: handle.db, viewer: finance, from, to })) rows.push(row);
  return rows;
}

beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

describe("reconciliation_daily follows costs_hourly and analytics_usage_daily", () => {
  it("after inserts, upserts, updates, deletes, truncates and the migration's back-fill", async () => {
    await insertCosts([
      // Two hours of one UTC day fold into one person-day; 23:00 UTC stays on its day.
      { hour: "2026-03-02T09:00:00Z", user: "u-ana", email: "Ana@Z.example", credits: "1.000001" },
      { hour: "2026-03-02T23:00:00Z", user: "u-ana", email: "ana@z.example", credits: "2.5" },
      // Product case does not matter; another product, an empty user and a record without credits are kept apart as COSTS' own CTE does.
      { hour: "2026-03-03T10:00:00Z", user: "u-ana", product: "Codex", credits: "0.25" },
      { hour: "2026-03-03T11:00:00Z", user: "u-ana", product: "ChatGPT", credits: "9" },
      { hour: "2026-03-03T12:00:00Z", user: "", credits: "4" },
      { hour: "2026-03-03T12:00:00Z", user: null, credits: "4" },
      { hour: "2026-03-03T13:00:00Z", user: "u-bo", credits: null },
      { hour: "2026-03-03T14:00:00Z", user: "u-bo", product: null, credits: "3" },
    ]);
    await upsertAnalytics([
      { day: "2026-03-02", user: "u-ana", email: "ana@z.example", credits: "3.500001" },
      { day: "2026-03-03", user: "u-ana", credits: "0.2" },
      { day: "2026-03-03", user: "u-cy", credits: "7.5" },
      { day: "2026-03-03", user: "", credits: "11" },
      // A second workspace reporting the same person-day adds to it.
      { workspace: "ws-2", day: "2026-03-02", user: "u-ana", credits: "0.000001" },
    ]);
    expect(await rollup()).toEqual([
      { day: "2026-03-02", openai_user_id: "u-ana", costs_records: 2, costs_credits: "3500001", analytics_rows: 2, analytics_credits: "3500002" },
      { day: "2026-03-03", openai_user_id: "u-ana", costs_records: 1, costs_credits: "250000", analytics_rows: 1, analytics_credits: "200000" },
      { day: "2026-03-03", openai_user_id: "u-bo", costs_records: 1, costs_credits: "0", analytics_rows: 0, analytics_credits: "0" },
      { day: "2026-03-03", openai_user_id: "u-cy", costs_records: 0, costs_credits: "0", analytics_rows: 1, analytics_credits: "7500000" },
    ]);
    expect(await rollup()).toEqual(await fromSources());

    // Analytics revises a day (the upsert's update), a re-fetch of unchanged days writes nothing.
    await upsertAnalytics([
      { day: "2026-03-03", user: "u-ana", credits: "0.25" },
      { day: "2026-03-03", user: "u-cy", credits: "7.5" },
    ]);
    expect(await rollup()).toEqual(await fromSources());
    // A re-sync of COSTS revising credits, the product and the day of records.
    await handle.db.execute(sql`update costs_hourly set credits = credits + 1 where openai_user_id = 'u-ana' and product = 'codex'`);
    expect(await rollup()).toEqual(await fromSources());
    await handle.db.execute(sql`update costs_hourly set product = 'codex', hour = hour + interval '1 day' where openai_user_id = 'u-ana' and product = 'ChatGPT'`);
    await handle.db.execute(sql`update costs_hourly set openai_user_id = 'u-bo' where openai_user_id = ''`);
    expect(await rollup()).toEqual(await fromSources());
    // Deletes: a person-day only COSTS had goes; one Analytics still has stays with COSTS at 0.
    await handle.db.execute(sql`delete from costs_hourly where openai_user_id = 'u-bo'`);
    expect((await rollup()).some((r) => r.openai_user_id === "u-bo")).toBe(false);
    await handle.db.execute(sql`delete from costs_hourly where openai_user_id = 'u-ana' and hour < '2026-03-03'`);
    expect((await rollup()).find((r) => r.day === "2026-03-02")).toMatchObject({ costs_records: 0, costs_credits: "0", analytics_rows: 2 });
    expect(await rollup()).toEqual(await fromSources());
    await handle.db.execute(sql`delete from analytics_usage_daily where openai_user_id = 'u-cy'`);
    expect(await rollup()).toEqual(await fromSources());

    // A truncate of either source leaves the other's side (rolled back afterwards).
    for (const source of ["costs_hourly", "analytics_usage_daily"]) {
      const rolledBack = new Error("roll back");
      await expect(
        handle.db.transaction(async (tx) => {
          await tx.execute(sql.raw(`truncate ${source}`));
          expect(await selectRows(tx, sql.raw(`select ${columns} from reconciliation_daily order by day, openai_user_id`))).toEqual(
            await selectRows(tx, sql.raw(`select ${columns} from reconciliation_daily where ${source === "costs_hourly" ? "analytics_rows" : "costs_records"} > 0 order by day, openai_user_id`)),
          );
          const left = await selectRows<{ costs: number; analytics: number }>(tx, sql`select coalesce(sum(costs_records), 0)::int as costs, coalesce(sum(analytics_rows), 0)::int as analytics from reconciliation_daily`);
          expect(source === "costs_hourly" ? left[0]!.costs : left[0]!.analytics).toBe(0);
          throw rolledBack;
        }),
      ).rejects.toBe(rolledBack);
    }
    expect(await rollup()).toEqual(await fromSources());

    // The migration's back-fill gives what the triggers kept.
    const kept = await rollup();
    expect(kept.length).toBeGreaterThan(1);
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`delete from reconciliation_daily`);
      await tx.execute(sql.raw(backfillStatement()));
    });
    expect(await rollup()).toEqual(kept);
  });

  it("the reconciliation read from it equals the full CSV's rows (totals, differences, emails)", async () => {
    await handle.db.execute(sql`truncate costs_hourly, analytics_usage_daily`);
    expect(await rollup()).toEqual([]);
    const costs: Cost[] = [];
    const analytics: Array<{ day: string; user: string; email?: string; credits: string }> = [];
    for (let person = 0; person < 12; person++) {
      for (const day of ["05", "06", "07"]) {
        const credits = `${person}.${day}0001`;
        costs.push({ hour: `2026-04-${day}T08:00:00Z`, user: `u-${person}`, email: `P${person}@Z.example`, credits });
        // Every fifth person-day differs; person 11 is unknown to COSTS on the 7th, person 10 to Analytics on the 5th.
        if (person === 10 && day === "05") continue;
        analytics.push({ day: `2026-04-${day}`, user: `u-${person}`, email: `p${person}@z.example`, credits: (person * 3 + Number(day)) % 5 === 0 ? `${person * 2 + 1}.5` : credits });
      }
    }
    analytics.push({ day: "2026-04-07", user: "u-ghost", email: "Ghost@Z.example", credits: "2" });
    await insertCosts(costs);
    await upsertAnalytics(analytics);
    expect(await rollup()).toEqual(await fromSources());

    const all = await reconciliationCsv("2026-04-01", "2026-04-30");
    const shown = await getReconciliation({ db: handle.db, viewer: finance, from: "2026-04-01", to: "2026-04-30", limit: 5 });
    const differing = all.filter((r) => r.costsCredits !== r.analyticsCredits);
    expect(differing.length).toBeGreaterThan(5);
    expect(shown).toMatchObject({ rows: all.length, differing: differing.length, onlyCosts: 1, onlyAnalytics: 1 });
    const sources = await fromSources();
    expect(shown.costsCredits).toBe(formatCredits(sources.reduce((s, r) => s + BigInt(r.costs_credits as string), 0n), 4));
    expect(shown.analyticsCredits).toBe(formatCredits(sources.reduce((s, r) => s + BigInt(r.analytics_credits as string), 0n), 4));
    // The five largest differences, each exactly the CSV's row for that person-day.
    const full = new Map(all.map((r) => [`${r.day} ${r.openaiUserId}`, r]));
    const largest = [...differing].sort((a, b) => {
      const d = (r: (typeof all)[number]) => (BigInt(r.difference.replace(".", "")) < 0n ? -BigInt(r.difference.replace(".", "")) : BigInt(r.difference.replace(".", "")));
      return d(a) === d(b) ? (a.day + a.openaiUserId).localeCompare(b.day + b.openaiUserId) : d(b) > d(a) ? 1 : -1;
    });
    expect(shown.differences).toEqual(largest.slice(0, 5).map((r) => full.get(`${r.day} ${r.openaiUserId}`)));
    // A range outside the data: nothing.
    expect(await getReconciliation({ db: handle.db, viewer: finance, from: "2026-05-01", to: "2026-05-31" })).toMatchObject({ rows: 0, costsCredits: "0.0000", differing: 0, differences: [] });
  });
});
