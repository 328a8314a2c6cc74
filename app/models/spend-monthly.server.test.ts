import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { selectRows, type DatabaseHandle } from "../../db/client.server";
import { createTestDatabase } from "../../tests/setup/test-database";
import { apiCost, credits as parseCredits, creditsToUsdOn, formatCredits, formatUsd } from "../lib/cost-math";
import { loadPricingTables, setContractRate, setModelPrice } from "./prices.server";
import { computeMonthSpend, getReconciliation, getSpendReport, iterateReconciliation, monthlyTrend, priceSegments, streamSpendLines, type MonthSpend } from "./spend.server";
import { importTeamCsv } from "./team-assignments.server";
import type { Viewer } from "./viewer";

// The monthly rollup (costs_monthly, docs/decisions/0016-monthly-cost-rollup.md) is read for a month without a price or
// rate change inside it, and day by day otherwise; both must give the same cents.

vi.stubEnv("DATA_DIR", fs.mkdtempSync(path.join(os.tmpdir(), "ledger-spend-monthly-test-")));

const ADMIN_ID = "00000000-0000-4000-8000-0000000000b1";
const DANA_ID = "00000000-0000-4000-8000-0000000000b2";
const admin: Viewer = { personId: ADMIN_ID, email: "admin@y.example", name: "Admin", roles: ["admin", "finance", "viewer"] };

let handle: DatabaseHandle;
let next = 0;

type Cost = { hour: string; email: string; personId?: string | null; groups: string[]; product?: string; client?: string; model: string; tier?: string; input: number; cached: number; output: number; credits: string };
async function insertCosts(costs: Cost[]) {
  const rows = costs.map(
    (c) =>
      sql`(${`m${next++}`}, ${c.hour}::timestamptz, ${`user-${c.email.toLowerCase()}`}, ${c.personId ?? null}::uuid, ${c.email}, ${JSON.stringify(c.groups.map((name) => ({ name })))}::jsonb,
      ${c.product ?? "codex"}, ${c.client ?? "cli"}, ${c.client ?? "cli"}, ${c.model}, ${c.tier ?? "default"}, ${c.input}, ${c.cached}, ${c.output}, ${c.credits}::numeric)`,
  );
  await handle.db.execute(sql`insert into costs_hourly (event_id, hour, openai_user_id, person_id, email, groups, product, client, surface, model, service_tier, input_tokens, cached_input_tokens, output_tokens, credits)
    values ${sql.join(rows, sql`, `)}`);
}

/** A month of varied usage: several days and hours per person, two clients, tiers, an unpriced model, a non-Codex product, a person linked later. */
function monthOfUsage(month: string): Cost[] {
  const costs: Cost[] = [];
  for (const day of ["03", "09", "14", "15", "16", "22", "28"]) {
    for (const hour of ["08", "13", "23"]) {
      costs.push({ hour: `${month}-${day}T${hour}:00:00Z`, email: "Dana@Y.example", personId: day < "15" ? null : DANA_ID, groups: ["codex-users", "Platform"], model: "gpt-5.3-codex", input: 1_000_000 + Number(day), cached: 2_000_000, output: 500_000, credits: `227.${day}0001` });
      costs.push({ hour: `${month}-${day}T${hour}:00:00Z`, email: "dana@y.example", personId: DANA_ID, groups: ["codex-users", "Platform"], client: "ide", model: "gpt-5.3-codex", tier: "priority", input: 333_333, cached: 7, output: 12_345, credits: "19.123457" });
      costs.push({ hour: `${month}-${day}T${hour}:00:00Z`, email: "erin@y.example", groups: day < "15" ? ["Data"] : ["codex-users", "Research"], model: "gpt-5.5", input: 4_321, cached: 99_999, output: 777, credits: "1.000001" });
    }
    costs.push({ hour: `${month}-${day}T10:00:00Z`, email: "frank@y.example", groups: ["Data"], model: "gpt-5.6-codex-preview", input: 100, cached: 0, output: 50, credits: "0.06" });
    costs.push({ hour: `${month}-${day}T11:00:00Z`, email: "frank@y.example", groups: ["Data"], product: "ChatGPT", model: "gpt-5.5", input: 0, cached: 0, output: 0, credits: "0" });
  }
  return costs;
}

const spendOf = (month: string, options: Parameters<typeof computeMonthSpend>[3] = {}) => computeMonthSpend(handle.db, month, undefined, options);

/** Credits and USD per dimension value, the totals and the days with data: what a month without detail has. */
const moneyOf = (s: Awaited<ReturnType<typeof spendOf>>) => ({
  dimensions: Object.fromEntries(Object.entries(s.byDimension).map(([d, m]) => [d, Object.fromEntries([...m].map(([k, b]) => [k, [b.credits, b.usd]]))])),
  total: [s.total.credits, s.total.usd],
  codex: [s.codex.credits, s.codex.usd],
  days: [s.daysWithData, s.lastDay],
});

async function expectBothPathsAgree(month: string) {
  for (const detail of [true, false]) {
    const monthly = await spendOf(month, { detail });
    const daily = await spendOf(month, { detail, dayLevel: true });
    expect(monthly).toEqual(daily);
  }
  // Without detail (per dimension value in SQL) the money is the detailed month's.
  const money = moneyOf(await spendOf(month));
  expect(moneyOf(await spendOf(month, { detail: false }))).toEqual(money);
  // Budgets sum teams only: the same teams and totals, no person, cost centre, model or client.
  const teams = moneyOf(await spendOf(month, { detail: false, dimensions: ["team"] }));
  expect(teams).toEqual({ ...money, dimensions: { ...money.dimensions, costCentre: {}, person: {}, model: {}, clientSurface: {} } });
}

const key = "month, openai_user_id, email, groups::text, product, client, surface, model, service_tier";
const rollup = () =>
  selectRows(handle.db, sql.raw(`select ${key}, person_id, records, input_tokens::text, cached_input_tokens::text, output_tokens::text, credits::text from costs_monthly order by ${key}`));
// What summing the hourly records afresh gives.
const fromHourly = () =>
  selectRows(
    handle.db,
    sql.raw(`select ${key}, person_id, records, input_tokens::text, cached_input_tokens::text, output_tokens::text, credits::text from (
      select date_trunc('month', hour at time zone 'UTC')::date as month, coalesce(openai_user_id, '') as openai_user_id, lower(coalesce(email, '')) as email, groups,
        coalesce(product, '') as product, coalesce(client, '') as client, coalesce(surface, '') as surface, coalesce(model, '') as model,
        coalesce(service_tier, '') as service_tier, max(person_id::text)::uuid as person_id, count(*)::int as records,
        coalesce(sum(input_tokens), 0) as input_tokens, coalesce(sum(cached_input_tokens), 0) as cached_input_tokens,
        coalesce(sum(output_tokens), 0) as output_tokens, coalesce(sum(credits), 0)::numeric(20, 6) as credits
      from costs_hourly group by 1, 2, 3, 4, 5, 6, 7, 8, 9) h order by ${key}`),
  );

beforeAll(async () => {
  handle = await createTestDatabase();
  await handle.db.execute(sql`insert into people (id, email, name) values (${ADMIN_ID}::uuid, 'admin@y.example', 'Admin'), (${DANA_ID}::uuid, 'dana@y.example', 'Dana Example')`);
  // May: nothing changes inside the month. June: Dana's team and cost centre change on the 15th (CSV), Erin's groups change.
  // July: a price change on the 15th. September: a contract-rate change on the 16th.
  await insertCosts([...monthOfUsage("2026-05"), ...monthOfUsage("2026-06"), ...monthOfUsage("2026-07"), ...monthOfUsage("2026-08"), ...monthOfUsage("2026-09")]);
  await importTeamCsv({ db: handle.db, viewer: admin, text: "email,team,cost_centre,valid_from\ndana@y.example,Infra,CC-1,2026-01-01\ndana@y.example,Payments,CC-2,2026-06-15\n", today: "2026-06-15" });
  await setModelPrice({ db: handle.db, viewer: admin, input: { model: "gpt-5.3-codex", validFrom: "2026-07-15", input: "3.5", cachedInput: "0.35", output: "28", priorityMultiplier: "2", source: "test: doubled" } });
  await setContractRate({ db: handle.db, viewer: admin, input: { validFrom: "2026-09-16", usdPerCredit: "0.05", source: "test contract" } });
});
afterAll(async () => {
  await handle?.close();
});

describe("the monthly rollup path and the day path give the same cents", () => {
  it("in a month without any change inside it, read from costs_monthly", async () => {
    await expectBothPathsAgree("2026-05");
    const may = await getSpendReport({ db: handle.db, viewer: admin, month: "2026-05" });
    // Summed by hand over the 7 days of 3 hours: Dana 3 × (227.03 + 227.09 + 227.14 + 227.15 + 227.16 + 227.22 + 227.28) + 21 × 0.000001
    // = 4,770.210021 and 21 × 19.123457 = 401.592597; Erin 21 × 1.000001 = 21.000021; Frank 7 × 0.06 = 0.42 → 5,193.222639.
    expect(may.totals.credits).toBe("5193.22");
    expect(may.totals.usd).toBe("207.73"); // × $0.04 = 207.72890556
    expect(may.unpriced).toEqual([{ model: "gpt-5.6-codex-preview", tokens: "1050" }]);
    // Dana is Infra by the CSV; Erin's groups say Data before the 15th (9 × 1.000001) and Research from it (12 × 1.000001).
    expect(Object.fromEntries(may.dimensions.team.map((t) => [t.key, t.credits]))).toEqual({ Infra: "5171.80", Data: "9.42", Research: "12.00" });
    expect(may.totals.activeUsers).toBe(3);
  });

  it("proves the monthly path reads costs_monthly (a changed rollup row changes the month)", async () => {
    const before = await spendOf("2026-05");
    await handle.db.execute(sql`update costs_monthly set credits = credits + 1 where month = '2026-05-01' and email = 'frank@y.example' and product = 'codex'`);
    try {
      const changed = await spendOf("2026-05");
      expect(changed.total.credits - before.total.credits).toBe(1_000_000n);
      expect((await spendOf("2026-05", { dayLevel: true })).total.credits).toBe(before.total.credits);
    } finally {
      await handle.db.execute(sql`update costs_monthly set credits = credits - 1 where month = '2026-05-01' and email = 'frank@y.example' and product = 'codex'`);
    }
  });

  it("when a team and cost centre change mid-month (that person day by day, the others from the rollup)", async () => {
    await expectBothPathsAgree("2026-06");
    const june = await spendOf("2026-06");
    const dana = (team: string) => june.personTeams.get("dana@y.example")?.get(team);
    // Dana's days before the 15th (3rd, 9th, 14th) are Infra, the rest Payments.
    expect(dana("Infra")).toBe(3n * (227_030_001n + 227_090_001n + 227_140_001n) + 9n * 19_123_457n);
    expect(dana("Payments")).toBe(3n * (227_150_001n + 227_160_001n + 227_220_001n + 227_280_001n) + 12n * 19_123_457n);
    expect([...june.byDimension.costCentre.keys()].sort()).toEqual(["(no cost centre)", "CC-1", "CC-2"]);
  });

  it("when a price changes mid-month (day path) and for an unknown model", async () => {
    await expectBothPathsAgree("2026-07");
    const july = await spendOf("2026-07");
    expect([...july.total.api.unpriced.entries()]).toEqual([["gpt-5.6-codex-preview", 1050n]]);
    // July is half at the old price and half at the doubled one: between May (old) and August (doubled).
    expect((await spendOf("2026-05")).total.api.total).toBeLessThan(july.total.api.total);
    expect((await spendOf("2026-08")).total.api.total).toBeGreaterThan(july.total.api.total);
  });

  it("when the contract rate changes mid-month, also in the trend", async () => {
    await expectBothPathsAgree("2026-09");
    const september = await spendOf("2026-09");
    const august = await spendOf("2026-08");
    expect(september.total.credits).toBe(august.total.credits);
    const trend = await monthlyTrend({ db: handle.db, viewer: admin, month: "2026-09", months: 6 });
    const byMonth = Object.fromEntries(trend.map((t) => [t.month, [t.credits, t.usd, t.daysWithData]]));
    expect(byMonth["2026-04"]).toEqual(["0.00", "0.00", 0]);
    // The trend reads August from costs_monthly and September day by day; both agree with the month's own sums.
    for (const [month, spend] of [["2026-05", await spendOf("2026-05")], ["2026-08", august], ["2026-09", september]] as const) {
      expect(byMonth[month]).toEqual([formatCredits(spend.total.credits), formatUsd(spend.total.usd), 7]);
    }
    // September: the 3rd–15th (4 days) at $0.04, the 16th–28th (3 days) at $0.05.
    expect(byMonth["2026-08"]![0]).toBe(byMonth["2026-09"]![0]);
    expect(byMonth["2026-08"]![1]).toBe("207.73");
    expect(september.total.usd).toBeGreaterThan(august.total.usd);
  });

  it("uses one segment only where no price or rate edge falls inside the month", async () => {
    const pricing = await loadPricingTables(handle.db);
    expect(priceSegments("2026-05-01", "2026-06-01", pricing)).toEqual(["2026-05-01"]);
    expect(priceSegments("2026-07-01", "2026-08-01", pricing)).toEqual(["2026-07-01", "2026-07-15"]);
    expect(priceSegments("2026-09-01", "2026-10-01", pricing)).toEqual(["2026-09-01", "2026-09-16"]);
  });
});

/**
 * The month's buckets the slow, obvious way: every line of every day (the detailed CSV's lines) priced on its own day
 * with creditsToUsdOn and apiCost, and added to its bucket in every dimension.
 */
async function spendLineByLine(month: string) {
  const pricing = await loadPricingTables(handle.db);
  type Sums = { credits: bigint; usd: bigint; api: bigint; savings: bigint; priced: bigint; unpriced: Record<string, bigint>; input: bigint; cached: bigint; output: bigint; users: Set<string> };
  const buckets = new Map<string, Sums>();
  const add = (key: string, line: { email: string; credits: bigint; usd: bigint; input: bigint; cached: bigint; output: bigint; cost: ReturnType<typeof apiCost> | null; active: boolean }) => {
    let b = buckets.get(key);
    if (!b) buckets.set(key, (b = { credits: 0n, usd: 0n, api: 0n, savings: 0n, priced: 0n, unpriced: {}, input: 0n, cached: 0n, output: 0n, users: new Set() }));
    b.credits += line.credits;
    b.usd += line.usd;
    b.input += line.input;
    b.cached += line.cached;
    b.output += line.output;
    if (line.cost?.priced) {
      b.api += line.cost.total;
      b.savings += line.cost.cacheSavings;
      b.priced += line.input + line.cached + line.output;
    } else if (line.cost) b.unpriced[line.cost.model] = (b.unpriced[line.cost.model] ?? 0n) + line.cost.tokens;
    if (line.active) b.users.add(line.email);
  };
  // A person is active in a bucket when any of their Codex lines there has credits or tokens (the month's sums of a line are positive exactly then).
  for await (const l of streamSpendLines(handle.db, month, pricing)) {
    const amounts = { credits: parseCredits(l.credits), input: BigInt(l.inputTokens), cached: BigInt(l.cachedInputTokens), output: BigInt(l.outputTokens) };
    const tokens = amounts.input + amounts.cached + amounts.output;
    const cost = tokens > 0n ? apiCost({ model: l.model || null, serviceTier: l.serviceTier, inputTokens: amounts.input, cachedInputTokens: amounts.cached, outputTokens: amounts.output }, l.day, pricing.prices) : null;
    const codex = l.product.toLowerCase() === "codex";
    const line = { ...amounts, email: l.email || "(no email)", usd: creditsToUsdOn(amounts.credits, l.day, pricing.rates), cost, active: codex && (amounts.credits > 0n || tokens > 0n) };
    for (const key of [`person ${line.email}`, `team ${l.team}`, `costCentre ${l.costCentre}`, `model ${l.model || "(no model)"}`, `clientSurface ${l.client} / ${l.surface}`, `product ${l.product}`, "total", ...(codex ? ["codex"] : [])]) {
      add(key, line);
    }
  }
  return Object.fromEntries([...buckets].map(([k, b]) => [k, { ...b, users: b.users.size }]));
}

function bucketsOf(s: MonthSpend) {
  const out: Record<string, unknown> = {};
  const put = (key: string, b: MonthSpend["total"]) => {
    out[key] = { credits: b.credits, usd: b.usd, api: b.api.total, savings: b.api.cacheSavings, priced: b.api.pricedTokens, unpriced: Object.fromEntries(b.api.unpriced), input: b.input, cached: b.cached, output: b.output, users: b.users };
  };
  for (const [dimension, map] of Object.entries(s.byDimension)) for (const [key, b] of map) put(`${dimension} ${key}`, b);
  put("total", s.total);
  put("codex", s.codex);
  return out;
}

describe("the month's sums done in SQL", () => {
  it("equal every line of the month priced on its own day in JavaScript, in every bucket (money, tokens, unpriced, active people)", async () => {
    // May: nothing changes; June: a team change mid-month; July: a price change; September: a rate change.
    for (const month of ["2026-05", "2026-06", "2026-07", "2026-09"]) {
      const expected = await spendLineByLine(month);
      expect(Object.keys(expected).length).toBeGreaterThan(10);
      expect(bucketsOf(await spendOf(month))).toEqual(expected);
      expect(bucketsOf(await spendOf(month, { dayLevel: true }))).toEqual(expected);
    }
    // A month without any COSTS record (the monthly PDF job may run before the first sync): zeros, no buckets.
    for (const options of [{}, { dayLevel: true }, { detail: false }]) {
      const april = await spendOf("2026-04", options);
      expect(Object.values(april.byDimension).map((m) => m.size)).toEqual([0, 0, 0, 0, 0, 0]);
      expect([april.total.credits, april.total.usd, april.total.api.total, april.total.users, april.codex.credits, april.daysWithData]).toEqual([0n, 0n, 0n, 0, 0n, 0]);
    }
  });
});

describe("reconciliation", () => {
  it("names each difference shown with the email the full CSV gives it (COSTS' first, else Analytics')", async () => {
    // Dana's 3 May as COSTS says it (her user id is the lower-cased email's); Erin 1 credit less; someone COSTS never saw.
    await handle.db.execute(sql`insert into analytics_usage_daily (workspace_id, day, openai_user_id, email, credits) values
      ('ws', '2026-05-03', 'user-dana@y.example', 'Dana.Other@Y.example', 3 * (227.030001 + 19.123457)),
      ('ws', '2026-05-03', 'user-erin@y.example', 'erin@y.example', 2.000003),
      ('ws', '2026-05-04', 'user-ghost@y.example', 'Ghost@Y.example', 7.5)`);
    const shown = await getReconciliation({ db: handle.db, viewer: admin, from: "2026-05-01", to: "2026-05-31", limit: 50 });
    const all = [];
    for await (const row of iterateReconciliation({ db: handle.db, viewer: admin, from: "2026-05-01", to: "2026-05-31" })) all.push(row);
    const differing = all.filter((r) => r.costsCredits !== r.analyticsCredits);
    expect(shown.differing).toBe(differing.length);
    expect(shown.rows).toBe(all.length);
    expect(shown.differences.length).toBe(Math.min(50, differing.length));
    const full = new Map(all.map((r) => [`${r.day} ${r.openaiUserId}`, r]));
    for (const d of shown.differences) expect(d).toEqual(full.get(`${d.day} ${d.openaiUserId}`));
    expect(shown.differences.find((d) => d.openaiUserId === "user-ghost@y.example")).toMatchObject({ email: "ghost@y.example", costsCredits: "0.0000", analyticsCredits: "7.5000" });
    expect(shown.differences.find((d) => d.openaiUserId === "user-erin@y.example" && d.day === "2026-05-03")).toMatchObject({ email: "erin@y.example", difference: "1.0000" });
    expect(shown.differences.some((d) => d.openaiUserId === "user-dana@y.example" && d.day === "2026-05-03")).toBe(false);
    expect(full.get("2026-05-03 user-dana@y.example")?.email).toBe("dana@y.example");
    expect((await getReconciliation({ db: handle.db, viewer: admin, from: "2026-05-01", to: "2026-05-31", limit: 0 })).differences).toEqual([]);
  });
});

describe("costs_monthly follows costs_hourly", () => {
  it("after inserts, a re-sync's update, deletes and a truncate, in the same statement", async () => {
    expect((await rollup()).length).toBeGreaterThan(0);
    expect(await rollup()).toEqual(await fromHourly());
    await insertCosts([
      { hour: "2025-01-31T23:00:00Z", email: "Gus@Y.example", groups: ["Data"], model: "gpt-5.5", input: 10, cached: 20, output: 30, credits: "1.000001" },
      { hour: "2025-01-07T09:00:00Z", email: "gus@y.example", groups: ["Data"], model: "gpt-5.5", input: 1, cached: 2, output: 3, credits: "2.5" },
      { hour: "2025-02-01T00:00:00Z", email: "gus@y.example", groups: ["Data"], model: "gpt-5.5", input: 1, cached: 2, output: 3, credits: "0.25" },
    ]);
    await handle.db.execute(sql`insert into costs_hourly (event_id, hour, credits) values ('n1', '2025-01-08T00:00:00Z', '0.25'), ('n2', '2025-01-08T01:00:00Z', null)`);
    const january = (await rollup()).filter((r) => String(r.month).startsWith("2025-01") && r.email === "gus@y.example");
    expect(january).toMatchObject([{ records: 2, input_tokens: "11", cached_input_tokens: "22", output_tokens: "33", credits: "3.500001" }]);
    expect(await rollup()).toEqual(await fromHourly());

    // A re-sync that revises records: credits, tokens, a model, the month of a record.
    await handle.db.execute(sql`update costs_hourly set credits = credits + 1, output_tokens = 0 where email = 'Gus@Y.example'`);
    expect(await rollup()).toEqual(await fromHourly());
    await handle.db.execute(sql`update costs_hourly set model = 'gpt-5.4-mini', hour = hour + interval '1 month' where email = 'gus@y.example' and hour < '2025-02-01'`);
    expect(await rollup()).toEqual(await fromHourly());
    await expectBothPathsAgree("2025-02");
    await handle.db.execute(sql`delete from costs_hourly where event_id in ('n1') or email ilike 'gus@%'`);
    expect(await rollup()).toEqual(await fromHourly());
    await handle.db.execute(sql`delete from costs_hourly where event_id = 'n2'`);
    expect((await rollup()).filter((r) => String(r.month).startsWith("2025-"))).toEqual([]);
    expect(await rollup()).toEqual(await fromHourly());
    await expectBothPathsAgree("2026-06");

    const rolledBack = new Error("roll back");
    await expect(
      handle.db.transaction(async (tx) => {
        await tx.execute(sql`truncate costs_hourly`);
        expect(await selectRows(tx, sql`select count(*)::int as n from costs_monthly`)).toEqual([{ n: 0 }]);
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    expect(await rollup()).toEqual(await fromHourly());
  });
});
