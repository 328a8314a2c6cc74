import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { selectRows, type DatabaseHandle } from "../../db/client.server";
import { syncAnalytics } from "../../jobs/analytics__sync";
import { syncComplianceStream } from "../../jobs/compliance_logs__sync";
import { startSimulator } from "../../scripts/simulator/index";
import { createTestDatabase } from "../../tests/setup/test-database";
import { generateAndKeepMonthlyPdf, loadMonthlyReportData } from "../lib/reports/monthly.server";
import { renderMonthlyPdf } from "../lib/reports/pdf.server";
import { assignmentsCsv, spendCsv, type SpendTable } from "../lib/reports/spend-csv.server";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../lib/openai/http.server";
import { SessionSecrets } from "../lib/openai/session-secrets";
import { createRedactor } from "../lib/redaction";
import { checkBudgets, getBudgetsReport, setBudget, signWebhook, type WebhookSender } from "./budgets.server";
import { getCodeReviewReport } from "./code-review.server";
import { listPricing, setContractRate, setModelPrice } from "./prices.server";
import { getReconciliation, getSpendReport, monthlyTrend } from "./spend.server";
import { importTeamCsv, previewTeamCsv, refreshCostsGroupAssignments } from "./team-assignments.server";
import { Forbidden, type Viewer } from "./viewer";

// getConfig() (team rule, pseudonyms) must not write demo secrets into the working tree.
vi.stubEnv("DATA_DIR", fs.mkdtempSync(path.join(os.tmpdir(), "ledger-spend-test-")));

const ADMIN_ID = "00000000-0000-4000-8000-0000000000a1";
const ALICE_ID = "00000000-0000-4000-8000-0000000000a2";
const admin: Viewer = { personId: ADMIN_ID, email: "admin@x.example", name: "Admin", roles: ["admin", "finance", "viewer", "auditor"] };
const finance: Viewer = { personId: ADMIN_ID, email: "admin@x.example", name: "Admin", roles: ["finance", "viewer"] };
const viewerOnly: Viewer = { personId: ADMIN_ID, email: "admin@x.example", name: "Admin", roles: ["viewer"] };

let handle: DatabaseHandle;

type Cost = { id: string; hour: string; email: string; personId?: string; groups: string[]; product?: string; model: string; tier?: string; input: number; cached: number; output: number; credits: string };
async function insertCost(c: Cost) {
  await handle.db.execute(sql`insert into costs_hourly (event_id, hour, openai_user_id, person_id, email, groups, product, client, surface, model, service_tier, input_tokens, cached_input_tokens, output_tokens, credits)
    values (${c.id}, ${c.hour}::timestamptz, ${`user-${c.email}`}, ${c.personId ?? null}::uuid, ${c.email}, ${JSON.stringify(c.groups.map((name) => ({ name })))}::jsonb,
      ${c.product ?? "codex"}, 'cli', 'cli', ${c.model}, ${c.tier ?? "default"}, ${c.input}, ${c.cached}, ${c.output}, ${c.credits}::numeric)`);
}

beforeAll(async () => {
  handle = await createTestDatabase();
  await handle.db.execute(sql`insert into people (id, email, name) values (${ADMIN_ID}::uuid, 'admin@x.example', 'Admin'), (${ALICE_ID}::uuid, 'alice@x.example', 'Alice Example')`);
  // The hand-computed invoice of March 2026 (gpt-5.3-codex list price 1.75 / 0.175 / 14 per 1M):
  // 1. Alice, 3 March, standard tier: 1M uncached + 2M cached + 0.5M output (of which 0.2M reasoning)
  //    = 43.75 + 8.75 + 175 = 227.5 credits; API 1.75 + 0.35 + 7.00 = $9.10.
  await insertCost({ id: "c1", hour: "2026-03-03T10:00:00Z", email: "Alice@X.example", personId: ALICE_ID, groups: ["codex-users", "Platform"], model: "gpt-5.3-codex", input: 1_000_000, cached: 2_000_000, output: 500_000, credits: "227.5" });
  // 2. Alice, 20 March, priority tier (2x): 455 credits. Her team changes on the 15th (CSV), the price on the 15th, the rate on the 16th.
  await insertCost({ id: "c2", hour: "2026-03-20T10:00:00Z", email: "alice@x.example", personId: ALICE_ID, groups: ["codex-users", "Platform"], model: "gpt-5.3-codex", tier: "priority", input: 1_000_000, cached: 2_000_000, output: 500_000, credits: "455" });
  // 3. Bob, a model nobody prices: 150 tokens, 0.06 credits.
  await insertCost({ id: "c3", hour: "2026-03-05T08:00:00Z", email: "bob@x.example", groups: ["Data"], model: "gpt-5.6-codex-preview", input: 100, cached: 0, output: 50, credits: "0.06" });
  // 4. Bob's ChatGPT messages: billed in counts, 0 credits, no tokens.
  await insertCost({ id: "c4", hour: "2026-03-05T09:00:00Z", email: "bob@x.example", groups: ["Data"], product: "ChatGPT", model: "gpt-5.5", input: 0, cached: 0, output: 0, credits: "0" });
  // 5. February: Alice 100 credits.
  await insertCost({ id: "c5", hour: "2026-02-10T10:00:00Z", email: "alice@x.example", personId: ALICE_ID, groups: ["Platform"], model: "gpt-5.3-codex", input: 0, cached: 0, output: 285_714, credits: "100" });

  await setModelPrice({ db: handle.db, viewer: admin, input: { model: "gpt-5.3-codex", validFrom: "2026-03-15", input: "3.5", cachedInput: "0.35", output: "28", priorityMultiplier: "2", source: "test: doubled" } });
  await setContractRate({ db: handle.db, viewer: admin, input: { validFrom: "2026-03-16", usdPerCredit: "0.05", source: "test contract" } });
  const csv = "email,team,cost_centre,valid_from\nalice@x.example,Infra,CC-42,2026-03-15\n";
  const result = await importTeamCsv({ db: handle.db, viewer: admin, text: csv, today: "2026-03-15" });
  expect(result.imported).toBe(1);
});
afterAll(async () => {
  await handle?.close();
});

describe("CSV exports stream from the database", () => {
  // Written by the in-memory implementation before the exports streamed (every line held in one
  // array, commit 67b1ec8), on this file's hand-computed fixture: the streamed files must be the
  // same bytes, on PGlite and on PostgreSQL.
  const BEFORE_STREAMING: Record<string, string> = {
    "2026-03:team": [
      "month,team,credits,usd,api_equivalent_usd,unpriced_tokens,unpriced_models,cache_savings_usd,input_tokens_uncached,cached_input_tokens,output_tokens,active_users,credits_per_active_user,previous_month_credits,change_fraction",
      "2026-03,Infra,455.00,22.75,36.40,0,,12.60,1000000,2000000,500000,1,455.00,0.00,",
      "2026-03,Platform,227.50,9.10,9.10,0,,3.15,1000000,2000000,500000,1,227.50,100.00,1.275",
      "2026-03,Data,0.06,0.00,0.00,150,gpt-5.6-codex-preview,0.00,100,0,50,1,0.06,0.00,",
    ].join("\n") + "\n",
    "2026-03:costCentre": [
      "month,cost_centre,credits,usd,api_equivalent_usd,unpriced_tokens,unpriced_models,cache_savings_usd,input_tokens_uncached,cached_input_tokens,output_tokens,active_users,credits_per_active_user,previous_month_credits,change_fraction",
      "2026-03,CC-42,455.00,22.75,36.40,0,,12.60,1000000,2000000,500000,1,455.00,0.00,",
      "2026-03,(no cost centre),227.56,9.10,9.10,150,gpt-5.6-codex-preview,3.15,1000100,2000000,500050,2,113.78,100.00,1.2756",
    ].join("\n") + "\n",
    "2026-03:person": [
      "month,person,credits,usd,api_equivalent_usd,unpriced_tokens,unpriced_models,cache_savings_usd,input_tokens_uncached,cached_input_tokens,output_tokens,active_users,credits_per_active_user,previous_month_credits,change_fraction",
      "2026-03,alice@x.example,682.50,31.85,45.50,0,,15.75,2000000,4000000,1000000,1,682.50,100.00,5.825",
      "2026-03,bob@x.example,0.06,0.00,0.00,150,gpt-5.6-codex-preview,0.00,100,0,50,1,0.06,0.00,",
    ].join("\n") + "\n",
    "2026-03:model": [
      "month,model,credits,usd,api_equivalent_usd,unpriced_tokens,unpriced_models,cache_savings_usd,input_tokens_uncached,cached_input_tokens,output_tokens,active_users,credits_per_active_user,previous_month_credits,change_fraction",
      "2026-03,gpt-5.3-codex,682.50,31.85,45.50,0,,15.75,2000000,4000000,1000000,1,682.50,100.00,5.825",
      "2026-03,gpt-5.6-codex-preview,0.06,0.00,0.00,150,gpt-5.6-codex-preview,0.00,100,0,50,1,0.06,0.00,",
      "2026-03,gpt-5.5,0.00,0.00,0.00,0,,0.00,0,0,0,0,,0.00,",
    ].join("\n") + "\n",
    "2026-03:clientSurface": [
      "month,client_surface,credits,usd,api_equivalent_usd,unpriced_tokens,unpriced_models,cache_savings_usd,input_tokens_uncached,cached_input_tokens,output_tokens,active_users,credits_per_active_user,previous_month_credits,change_fraction",
      "2026-03,cli / cli,682.56,31.85,45.50,150,gpt-5.6-codex-preview,15.75,2000100,4000000,1000050,2,341.28,100.00,5.8256",
    ].join("\n") + "\n",
    "2026-03:product": [
      "month,product,credits,usd,api_equivalent_usd,unpriced_tokens,unpriced_models,cache_savings_usd,input_tokens_uncached,cached_input_tokens,output_tokens,active_users,credits_per_active_user,previous_month_credits,change_fraction",
      "2026-03,codex,682.56,31.85,45.50,150,gpt-5.6-codex-preview,15.75,2000100,4000000,1000050,2,341.28,100.00,5.8256",
      "2026-03,ChatGPT,0.00,0.00,0.00,0,,0.00,0,0,0,0,,0.00,",
    ].join("\n") + "\n",
    "2026-03:daily": [
      "day,credits,usd,api_equivalent_usd",
      "2026-03-03,227.50,9.10,9.10",
      "2026-03-05,0.06,0.00,0.00",
      "2026-03-20,455.00,22.75,36.40",
    ].join("\n") + "\n",
    "2026-03:movers": [
      "dimension,key,credits,previous_month_credits,delta_credits,change_fraction",
      "team,Infra,455.00,0.00,455.00,",
      "team,Platform,227.50,100.00,127.50,1.275",
      "team,Data,0.06,0.00,0.06,",
      "person,alice@x.example,682.50,100.00,582.50,5.825",
      "person,bob@x.example,0.06,0.00,0.06,",
    ].join("\n") + "\n",
    "2026-03:lines": [
      "day,email,team,cost_centre,product,client,surface,model,service_tier,input_tokens,cached_input_tokens,output_tokens,credits,usd",
      "2026-03-03,alice@x.example,Platform,(no cost centre),codex,cli,cli,gpt-5.3-codex,default,1000000,2000000,500000,227.500000,9.100000",
      "2026-03-05,bob@x.example,Data,(no cost centre),ChatGPT,cli,cli,gpt-5.5,default,0,0,0,0.000000,0.000000",
      "2026-03-05,bob@x.example,Data,(no cost centre),codex,cli,cli,gpt-5.6-codex-preview,default,100,0,50,0.060000,0.002400",
      "2026-03-20,alice@x.example,Infra,CC-42,codex,cli,cli,gpt-5.3-codex,priority,1000000,2000000,500000,455.000000,22.750000",
    ].join("\n") + "\n",
    "2026-03:reconciliation": [
      "day,openai_user_id,email,costs_credits,analytics_credits,difference",
      "2026-03-03,user-Alice@X.example,alice@x.example,227.5000,0.0000,227.5000",
      "2026-03-05,user-bob@x.example,bob@x.example,0.0600,0.0000,0.0600",
      "2026-03-20,user-alice@x.example,alice@x.example,455.0000,0.0000,455.0000",
    ].join("\n") + "\n",
    "2026-02:lines": [
      "day,email,team,cost_centre,product,client,surface,model,service_tier,input_tokens,cached_input_tokens,output_tokens,credits,usd",
      "2026-02-10,alice@x.example,Platform,(no cost centre),codex,cli,cli,gpt-5.3-codex,default,0,0,285714,100.000000,4.000000",
    ].join("\n") + "\n",
    "2026-02:team": [
      "month,team,credits,usd,api_equivalent_usd,unpriced_tokens,unpriced_models,cache_savings_usd,input_tokens_uncached,cached_input_tokens,output_tokens,active_users,credits_per_active_user,previous_month_credits,change_fraction",
      "2026-02,Platform,100.00,4.00,4.00,0,,0.00,0,0,285714,1,100.00,0.00,",
    ].join("\n") + "\n",
  };

  it.each(Object.keys(BEFORE_STREAMING))("%s is the same file as before", async (name) => {
    const [month, table] = name.split(":") as [string, SpendTable];
    const csv = await new Response(await spendCsv({ db: handle.db, viewer: finance, month, table, bom: false })).text();
    expect(csv).toBe(BEFORE_STREAMING[name]);
  });

  it("starts with a byte order mark on request", async () => {
    const bytes = Buffer.from(await new Response(await spendCsv({ db: handle.db, viewer: finance, month: "2026-03", table: "lines", bom: true })).arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString("utf8")).toBe(BEFORE_STREAMING["2026-03:lines"]);
  });

  it("lists every team assignment period, newest first", async () => {
    const csv = await new Response(await assignmentsCsv({ db: handle.db, viewer: finance, bom: false })).text();
    const [header, ...rows] = csv.trim().split("\n");
    expect(header).toBe("email,team,cost_centre,valid_from,valid_to,source,imported_at");
    expect(rows.map((r) => r.split(",").slice(0, 6).join(","))).toEqual(["alice@x.example,Infra,CC-42,2026-03-15,,csv_import"]);
  });

  it("stops reading the database when the download is cancelled", async () => {
    const stream = await spendCsv({ db: handle.db, viewer: finance, month: "2026-03", table: "lines", bom: false });
    const reader = stream.getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel();
    // The database is still usable: no cursor or transaction was left open.
    const r = await getSpendReport({ db: handle.db, viewer: finance, month: "2026-03" });
    expect(r.totals.credits).toBe("682.56");
  });
});

describe("spend report (hand-computed invoice)", () => {
  it("totals credits, USD at the day's contract rate, and API-equivalent USD to the cent", async () => {
    const r = await getSpendReport({ db: handle.db, viewer: finance, month: "2026-03" });
    expect(r.totals.credits).toBe("682.56"); // 227.5 + 455 + 0.06
    // USD: 227.5 × 0.04 + 455 × 0.05 + 0.06 × 0.04 = 9.10 + 22.75 + 0.0024 = 31.8524
    expect(r.totals.usd).toBe("31.85");
    // API: $9.10 (old price) + (3.5 + 0.70 + 14.00) × 2 = $36.40 (new price, priority) = $45.50; Bob's model unpriced.
    expect(r.totals.apiUsd).toBe("45.50");
    expect(r.unpriced).toEqual([{ model: "gpt-5.6-codex-preview", tokens: "150" }]);
    // Cache savings: 2M × (1.75 − 0.175) = 3.15, plus 2M × (3.5 − 0.35) × 2 = 12.60.
    expect(r.totals.cacheSavingsUsd).toBe("15.75");
    expect(r.rateChanges).toEqual([{ validFrom: "2026-03-16", usdPerCredit: "0.05" }]);
  });

  it("keeps history when a team changes mid-month", async () => {
    const r = await getSpendReport({ db: handle.db, viewer: finance, month: "2026-03" });
    const teams = Object.fromEntries(r.dimensions.team.map((t) => [t.key, t.credits]));
    expect(teams).toEqual({ Infra: "455.00", Platform: "227.50", Data: "0.06" });
    const centres = Object.fromEntries(r.dimensions.costCentre.map((t) => [t.key, t.credits]));
    expect(centres).toEqual({ "CC-42": "455.00", "(no cost centre)": "227.56" });
    const product = Object.fromEntries(r.dimensions.product.map((t) => [t.key, t.credits]));
    expect(product).toEqual({ codex: "682.56", ChatGPT: "0.00" });
    const data = r.dimensions.team.find((t) => t.key === "Data")!;
    expect(data.apiUsd).toBe("0.00");
    expect(data.unpricedTokens).toBe("150");
    expect(data.unpricedModels).toEqual(["gpt-5.6-codex-preview"]);
    // Alice's differently-cased email is one person.
    expect(r.dimensions.person.map((p) => p.key).sort()).toEqual(["alice@x.example", "bob@x.example"]);
    expect(r.names["alice@x.example"]).toBe("Alice Example");
  });

  it("shows month-over-month change, movers and credits per active user", async () => {
    const r = await getSpendReport({ db: handle.db, viewer: finance, month: "2026-03" });
    const alice = r.dimensions.person.find((p) => p.key === "alice@x.example")!;
    expect(alice.previousCredits).toBe("100.00");
    expect(alice.change).toBeCloseTo(5.825, 6); // 682.5 / 100 − 1
    expect(r.movers.person[0]).toMatchObject({ key: "alice@x.example", delta: "582.50" });
    expect(r.totals.activeUsers).toBe(2);
    expect(r.totals.creditsPerActiveUser).toBe("341.28");
    const trend = await monthlyTrend({ db: handle.db, viewer: finance, month: "2026-03", months: 3 });
    expect(trend.map((t) => [t.month, t.credits, t.usd, t.daysWithData])).toEqual([
      ["2026-01", "0.00", "0.00", 0],
      ["2026-02", "100.00", "4.00", 1],
      ["2026-03", "682.56", "31.85", 3],
    ]);
  });

  it("is for finance and admin only", async () => {
    await expect(getSpendReport({ db: handle.db, viewer: viewerOnly, month: "2026-03" })).rejects.toBeInstanceOf(Forbidden);
    await expect(setModelPrice({ db: handle.db, viewer: finance, input: { model: "x", validFrom: "2026-01-01", input: "1", cachedInput: "0.1", output: "2", priorityMultiplier: "2", source: "s" } })).rejects.toBeInstanceOf(Forbidden);
  });
});

describe("prices and rates are effective-dated", () => {
  it("closes the previous period and keeps it", async () => {
    const { prices, rates } = await listPricing({ db: handle.db, viewer: finance });
    const codex53 = prices.filter((p) => p.model === "gpt-5.3-codex").map((p) => [p.validFrom, p.validTo, p.input]);
    expect(codex53).toEqual([
      ["2025-01-01", "2026-03-15", "1.75"],
      ["2026-03-15", null, "3.5"],
    ]);
    expect(rates.map((r) => [r.validFrom, r.validTo, r.usdPerCredit])).toEqual([
      ["2025-01-01", "2026-03-16", "0.04"],
      ["2026-03-16", null, "0.05"],
    ]);
  });
});

describe("team assignments", () => {
  it("previews a CSV with an error per line", () => {
    const p = previewTeamCsv("email,team,cost_centre,valid_from\nnot-an-email,Ops,,\ncarol@x.example,,,2026-02-30\ncarol@x.example,Ops,CC-1,\ncarol@x.example,Ops,CC-2,\n", "2026-03-01");
    expect(p.lines.map((l) => [l.line, l.errors])).toEqual([
      [2, ["email is not an email address"]],
      [3, ["give a team, a cost centre or both", "valid_from must be a date like 2026-11-01"]],
      [4, []],
      [5, ["same email and valid_from as line 4"]],
    ]);
    expect(previewTeamCsv("who,what\n", "2026-03-01").headerError).toMatch(/email, team, cost_centre/);
  });

  it("materialises COSTS group periods", async () => {
    const n = await refreshCostsGroupAssignments({ db: handle.db });
    expect(n).toBe(2); // alice: Platform from 10 Feb (open); bob: Data from 5 March
    expect(await refreshCostsGroupAssignments({ db: handle.db })).toBe(2);
  });
});

describe("budgets", () => {
  it("forecasts, fires each threshold once and signs the webhook", async () => {
    await setBudget({ db: handle.db, viewer: finance, input: { scope: "org", team: "", month: "2026-03", unit: "credits", amount: "1000" } });
    await setBudget({ db: handle.db, viewer: finance, input: { scope: "team", team: "Infra", month: "2026-03", unit: "usd", amount: "20" } });
    const now = new Date("2026-03-21T00:00:00Z");
    const page = await getBudgetsReport({ db: handle.db, viewer: finance, month: "2026-03", now });
    const org = page.budgets.find((b) => b.scope === "org")!;
    expect(org).toMatchObject({ spent: "682.56", percent: 68.3, reached: [50] });
    // Run rate over the 20 days up to the last day with data: 682.56 / 20 × 31 = 1057.968
    expect(org.forecast).toBe("1057.97");
    const infra = page.budgets.find((b) => b.team === "Infra")!;
    expect(infra).toMatchObject({ unit: "usd", spent: "22.75", reached: [50, 75, 90, 100] });

    const calls: Array<{ body: string; headers: Record<string, string> }> = [];
    const send: WebhookSender = async (_url, init) => {
      calls.push(init);
      return { ok: true, status: 200 };
    };
    const secret = "s".repeat(32);
    const first = await checkBudgets({ db: handle.db, month: "2026-03", now, webhook: { url: "https://hooks.example/x", secret }, send });
    expect(first).toMatchObject({ fired: 5, delivered: 5, failed: 0 });
    const call = calls[0]!;
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(call.headers["X-Ledger-Signature"]!)!;
    expect(createHmac("sha256", secret).update(`${t}.${call.body}`).digest("hex")).toBe(v1);
    expect(signWebhook(call.body, secret, Number(t))).toBe(call.headers["X-Ledger-Signature"]);
    expect(JSON.parse(call.body)).toMatchObject({ type: "budget.threshold_reached", month: "2026-03" });
    const again = await checkBudgets({ db: handle.db, month: "2026-03", now, webhook: { url: "https://hooks.example/x", secret }, send });
    expect(again).toMatchObject({ fired: 0, delivered: 0 });
    const after = await getBudgetsReport({ db: handle.db, viewer: finance, month: "2026-03", now });
    expect(after.budgets.find((b) => b.team === "Infra")!.alerts.map((a) => a.threshold)).toEqual([50, 75, 90, 100]);
  });

  it("records a failed delivery and retries it", async () => {
    await setBudget({ db: handle.db, viewer: finance, input: { scope: "team", team: "Platform", month: "2026-03", unit: "credits", amount: "100" } });
    const down: WebhookSender = async () => ({ ok: false, status: 503 });
    const r = await checkBudgets({ db: handle.db, month: "2026-03", webhook: { url: "https://hooks.example/x", secret: "s".repeat(32) }, send: down, now: new Date("2026-03-21T00:00:00Z") });
    expect(r).toMatchObject({ fired: 4, delivered: 0, failed: 4 });
    const page = await getBudgetsReport({ db: handle.db, viewer: finance, month: "2026-03" });
    expect(page.budgets.find((b) => b.team === "Platform")!.alerts[0]!.deliveryError).toBe("the webhook answered HTTP 503");
  });
});

describe("code review", () => {
  it("sums per day and week with the engagement rate, for viewers", async () => {
    await handle.db.execute(sql`insert into analytics_code_reviews_daily (workspace_id, day, pull_request_reviews, comments, p0, p1, p2) values
      ('ws', '2026-03-02', 4, 10, 1, 4, 5), ('ws', '2026-03-09', 2, 6, 0, 2, 4)`);
    await handle.db.execute(sql`insert into analytics_code_review_responses_daily (workspace_id, day, replies, upvotes, downvotes, other_reactions, engaged) values
      ('ws', '2026-03-02', 3, 2, 1, 0, 5), ('ws', '2026-03-09', 1, 1, 0, 1, 3)`);
    const r = await getCodeReviewReport({ db: handle.db, viewer: viewerOnly, from: "2026-03-01", to: "2026-03-10" });
    expect(r.daily).toHaveLength(10);
    expect(r.totals).toMatchObject({ pullRequests: 6, comments: 16, p0: 1, p1: 6, p2: 9, replies: 4, engaged: 8, engagementRate: 0.5 });
    expect(r.weekly.map((w) => [w.day, w.comments, w.engagementRate])).toEqual([
      ["2026-02-23", 0, null],
      ["2026-03-02", 10, 0.5],
      ["2026-03-09", 6, 0.5],
    ]);
    expect(r.sourceNote).toMatch(/no person and no repository/);
  });
});

describe("reconciliation", () => {
  it("lists the days where COSTS and Analytics disagree", async () => {
    await handle.db.execute(sql`insert into analytics_usage_daily (workspace_id, day, openai_user_id, email, credits) values
      ('ws', '2026-03-03', 'user-Alice@X.example', 'alice@x.example', 227.5), ('ws', '2026-03-20', 'user-alice@x.example', 'alice@x.example', 450)`);
    const r = await getReconciliation({ db: handle.db, viewer: finance, from: "2026-03-01", to: "2026-03-31" });
    expect(r).toMatchObject({ costsCredits: "682.5600", analyticsCredits: "677.5000", difference: "5.0600", differing: 2, onlyCosts: 1, onlyAnalytics: 0 });
    expect(r.differences.map((d) => [d.day, d.difference])).toEqual([
      ["2026-03-20", "5.0000"],
      ["2026-03-05", "0.0600"],
    ]);
  });
});

describe("exports", () => {
  it("neutralises spreadsheet formulas in CSV cells, streams exact money, with an optional BOM", async () => {
    await importTeamCsv({ db: handle.db, viewer: admin, text: "email,team,cost_centre,valid_from\nbob@x.example,=HYPERLINK(\"http://evil.example\"),@SUM(A1),2026-03-01\n", today: "2026-03-01" });
    const bytes = Buffer.from(await new Response(await spendCsv({ db: handle.db, viewer: finance, month: "2026-03", table: "team", bom: true })).arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString("utf8").trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^month,team,credits,usd,api_equivalent_usd,unpriced_tokens/);
    const evil = lines.find((l) => l.includes("HYPERLINK"))!;
    expect(evil).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(lines.some((l) => /(^|,)[=+@-]/.test(l.replace(/^2026-03,/, "")) && !l.includes("'"))).toBe(false);
    const centres = await new Response(await spendCsv({ db: handle.db, viewer: finance, month: "2026-03", table: "costCentre", bom: false })).text();
    expect(centres).toContain("'@SUM(A1)");
    const infra = lines.find((l) => l.startsWith("2026-03,Infra,"))!;
    expect(infra.split(",").slice(2, 4)).toEqual(["455.00", "22.75"]);
    // Undo, so the other tests see the original teams.
    await handle.db.execute(sql`delete from team_assignments where email = 'bob@x.example' and source = 'csv_import'`);
  });

  it("writes the leadership PDF whose text holds the database's numbers and a footer on every page", async () => {
    const now = new Date("2026-04-01T06:00:00Z");
    const data = await loadMonthlyReportData({ db: handle.db, month: "2026-03", now });
    expect(data.spend.totals).toMatchObject({ credits: "682.56", usd: "31.85", apiUsd: "45.50" });
    expect(data.topUsers.map((u) => u.label).every((l) => /^person-[0-9a-f]{8}$/.test(l))).toBe(true);
    const pdf = await renderMonthlyPdf(data);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.includes(Buffer.from("/FontFile2"))).toBe(true); // TrueType fonts embedded
    // npm test installs poppler-utils; without it this fails rather than skipping the text checks.
    const pdfDir = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-pdf-"));
    fs.writeFileSync(path.join(pdfDir, "r.pdf"), pdf);
    const text = execFileSync("pdftotext", ["-layout", path.join(pdfDir, "r.pdf"), "-"], { encoding: "utf8" });
    {
      expect(text).toContain("Codex spend — March 2026");
      expect(text).toContain("682.56");
      expect(text).toContain("$31.85");
      expect(text).toContain("$45.50");
      const flat = text.replace(/\s+/g, " ");
      expect(flat).toContain("gpt-5.6-codex-preview 150 tokens");
      expect(text).not.toContain("alice@x.example");
      // The hand-computed invoice, table by table (see beforeAll): teams as in force on each day,
      // models, the top user under their pseudonym, budgets (set by the budgets tests), code review.
      expect(flat).toContain("Infra 455.00 $22.75 1 455.00");
      expect(flat).toContain("Platform 227.50 $9.10 1 227.50 +127.5 %");
      expect(flat).toContain("gpt-5.3-codex 682.50 $31.85 $45.50");
      expect(data.topUsers[0]).toMatchObject({ credits: "682.50", usd: "31.85", team: "Infra" });
      expect(flat).toContain(`${data.topUsers[0]!.label} Infra 682.50 $31.85 +582.5 %`);
      expect(flat).toContain("Organisation 1,000.00 cr 682.56 cr 68.3 % 682.56 cr 50 %");
      expect(flat).toContain("Infra $20.00 $22.75 113.8 % $22.75 100 %");
      expect(flat).toContain("Platform 100.00 cr 227.50 cr 227.5 % 227.50 cr 100 %");
      expect(flat).toContain("6 pull requests reviewed by Codex; 16 comments (P0 1, P1 6, P2 9); 4 replies; reactions 3 up, 1 down, 1 other.");
      expect(flat).toContain("(comments that got a reply or reaction): 50.0 %");
      expect(flat).toContain("2026-01 no data");
      const pages = text.split("\f").filter((p) => p.trim());
      expect(pages.length).toBeGreaterThanOrEqual(3);
      pages.forEach((page, i) => {
        expect(page).toContain(`Page ${i + 1} of ${pages.length}`);
        expect(page).toContain("Data period 2026-03-01 to 2026-03-31 · Generated 2026-04-01 06:00 UTC");
      });
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-kept-"));
    const kept = await generateAndKeepMonthlyPdf({ db: handle.db, month: "2026-03", dir, by: "job", now });
    expect(createHash("sha256").update(fs.readFileSync(kept.path)).digest("hex")).toBe(kept.sha256);
  });
});

describe("costs_daily, the daily rollup every report reads", () => {
  const key = "day, openai_user_id, email, groups::text, product, client, surface, model, service_tier";
  const rollup = () =>
    selectRows(handle.db, sql.raw(`select ${key}, person_id, records, input_tokens::text, cached_input_tokens::text, output_tokens::text, credits::text from costs_daily order by ${key}`));
  // What summing the hourly records afresh gives, the way migration 0011 back-fills it.
  const fromHourly = () =>
    selectRows(
      handle.db,
      sql.raw(`select ${key}, person_id, records, input_tokens::text, cached_input_tokens::text, output_tokens::text, credits::text from (
        select (hour at time zone 'UTC')::date as day, coalesce(openai_user_id, '') as openai_user_id, lower(coalesce(email, '')) as email, groups,
          coalesce(product, '') as product, coalesce(client, '') as client, coalesce(surface, '') as surface, coalesce(model, '') as model,
          coalesce(service_tier, '') as service_tier, max(person_id::text)::uuid as person_id, count(*)::int as records,
          coalesce(sum(input_tokens), 0) as input_tokens, coalesce(sum(cached_input_tokens), 0) as cached_input_tokens,
          coalesce(sum(output_tokens), 0) as output_tokens, coalesce(sum(credits), 0)::numeric(20, 6) as credits
        from costs_hourly group by 1, 2, 3, 4, 5, 6, 7, 8, 9) h order by ${key}`),
    );

  it("follows every insert, update, delete and truncate of hourly records, in the same statement", async () => {
    expect((await rollup()).length).toBeGreaterThan(0);
    expect(await rollup()).toEqual(await fromHourly());
    // Two hours of one day and key fold into one row; a record without email, client or tier keeps its own row; 23:00 UTC stays on its UTC day.
    await insertCost({ id: "r1", hour: "2025-01-07T09:00:00Z", email: "Carol@X.example", groups: ["Data"], model: "gpt-5.5", input: 10, cached: 20, output: 30, credits: "1.000001" });
    await insertCost({ id: "r2", hour: "2025-01-07T23:00:00Z", email: "Carol@X.example", groups: ["Data"], model: "gpt-5.5", input: 1, cached: 2, output: 3, credits: "2.5" });
    await handle.db.execute(sql`insert into costs_hourly (event_id, hour, credits) values ('r3', '2025-01-08T00:00:00Z', '0.25'), ('r4', '2025-01-08T01:00:00Z', null)`);
    const folded = (await rollup()).filter((r) => String(r.day).startsWith("2025-01-07"));
    expect(folded).toMatchObject([{ email: "carol@x.example", records: 2, input_tokens: "11", cached_input_tokens: "22", output_tokens: "33", credits: "3.500001" }]);
    expect(await rollup()).toEqual(await fromHourly());

    await handle.db.execute(sql`update costs_hourly set credits = credits + 1, output_tokens = 0 where event_id = 'r1'`);
    expect(await rollup()).toEqual(await fromHourly());
    await handle.db.execute(sql`update costs_hourly set model = 'gpt-5.4-mini' where event_id = 'r2'`);
    expect(await rollup()).toEqual(await fromHourly());
    await handle.db.execute(sql`delete from costs_hourly where event_id in ('r1', 'r3')`);
    expect(await rollup()).toEqual(await fromHourly());
    await handle.db.execute(sql`delete from costs_hourly where event_id in ('r2', 'r4')`);
    expect((await rollup()).filter((r) => String(r.day).startsWith("2025-01"))).toEqual([]);
    expect(await rollup()).toEqual(await fromHourly());

    const rolledBack = new Error("roll back");
    await expect(
      handle.db.transaction(async (tx) => {
        await tx.execute(sql`truncate costs_hourly`);
        expect(await selectRows(tx, sql`select count(*)::int as n from costs_daily`)).toEqual([{ n: 0 }]);
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    expect(await rollup()).toEqual(await fromHourly());
  });
});

describe("reconciliation over the simulator", () => {
  it("equals the generator's totals for COSTS and Analytics, with no differences", async () => {
    const NOW = new Date("2026-11-20T12:30:00Z");
    const DAY_MS = 86_400_000;
    const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, timeoutMs: 2_000, sleep: async () => {} };
    await handle.db.execute(sql`truncate costs_hourly, analytics_usage_daily, sync_cursors, log_files`);
    const sim = await startSimulator({ seed: 7, users: 6, days: 3, now: NOW });
    try {
      const connection = { apiBase: sim.baseUrl.replace(/\/+$/, ""), complianceApiKey: sim.complianceApiKey, analyticsApiKey: sim.analyticsApiKey, workspaceId: sim.workspaceId, orgId: sim.orgId };
      const costs = await syncComplianceStream({
        db: handle.db,
        connection,
        scope: { kind: "organization", id: sim.orgId },
        eventType: "COSTS",
        redactor: createRedactor({ key: randomBytes(32) }),
        textPolicy: "hash-only",
        backfillDays: 30,
        now: NOW,
        policy,
        sessionSecrets: new SessionSecrets(),
      });
      expect(costs.errors).toEqual([]);
      await syncAnalytics({ db: handle.db, connection, streams: ["usage"], now: NOW, backfillDays: 5, policy });
      const from = "2026-11-17";
      const to = "2026-11-19";
      const expectedCosts = sim.generator.expected(Date.parse(`${from}T00:00:00Z`), Date.parse(`${to}T00:00:00Z`) + DAY_MS, ["COSTS"]).costs.creditUnits;
      let expectedAnalytics = 0;
      for (let day = Date.parse(`${from}T00:00:00Z`) / DAY_MS; day <= Date.parse(`${to}T00:00:00Z`) / DAY_MS; day++) {
        for (const row of sim.generator.usageRows(day)) expectedAnalytics += row.metrics.creditUnits;
      }
      expect(expectedCosts).toBeGreaterThan(0);
      const r = await getReconciliation({ db: handle.db, viewer: finance, from, to });
      const units = (v: string) => Math.round(Number(v) * 1e4);
      expect(units(r.costsCredits)).toBe(expectedCosts);
      expect(units(r.analyticsCredits)).toBe(expectedAnalytics);
      expect(r).toMatchObject({ difference: "0.0000", differing: 0, onlyCosts: 0, onlyAnalytics: 0, differences: [] });
      // A re-run of both syncs (the Analytics upsert re-fetching its days, COSTS finding nothing new) leaves the
      // person-day sums reconciliation_daily keeps equal to grouping both sources afresh.
      await syncAnalytics({ db: handle.db, connection, streams: ["usage"], now: new Date(NOW.getTime() + DAY_MS / 2), backfillDays: 5, policy });
      const kept = sql`select day::text as day, openai_user_id, costs_credits::text as costs, analytics_credits::text as analytics from reconciliation_daily order by 1, 2`;
      const afresh = sql`select day::text as day, openai_user_id, (coalesce(sum(credits) filter (where is_costs), 0) * 1000000)::bigint::text as costs,
          (coalesce(sum(credits) filter (where not is_costs), 0) * 1000000)::bigint::text as analytics
        from (select true as is_costs, (hour at time zone 'UTC')::date as day, openai_user_id, credits from costs_hourly where lower(product) = 'codex' and openai_user_id <> ''
              union all select false, day, openai_user_id, credits from analytics_usage_daily where openai_user_id <> '') s
        group by 1, 2 order by 1, 2`;
      expect((await selectRows(handle.db, kept)).length).toBeGreaterThan(0);
      expect(await selectRows(handle.db, kept)).toEqual(await selectRows(handle.db, afresh));
      expect(await getReconciliation({ db: handle.db, viewer: finance, from, to })).toEqual(r);
    } finally {
      await sim.close();
    }
  });
});
