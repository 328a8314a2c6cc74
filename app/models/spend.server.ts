import { createHmac } from "node:crypto";
import { sql } from "drizzle-orm";
import { selectRows, type Database } from "../../db/client.server";
import { getConfig } from "../lib/config.server";
import {
  addApiCost,
  creditsToUsdOn,
  credits as parseCredits,
  emptyApiCostSummary,
  formatCredits,
  formatUsd,
  monthBounds,
  previousMonth,
  relativeChange,
  unpricedTokens,
  type ApiCostSummary,
  type Femto,
  type MicroCredits,
} from "../lib/cost-math";
import { loadPricingTables, type PricingTables } from "./prices.server";
import { costCentreOnDaySql, teamOnDaySql } from "./team-assignments.server";
import { assertViewerHasRole, type Viewer } from "./viewer";

/**
 * Spend by month from the COSTS feed (credits: authoritative), in USD at the contract rate of
 * each day, and at API list prices (what the same tokens would cost on the API). SQL sums
 * credits and tokens per (day, person, groups, product, client, surface, model, tier); the
 * money is done in app/lib/cost-math.ts with bigints, once, so every table adds up to the cent.
 */

export const SPEND_ROLES = ["finance", "admin"] as const;
export const NO_TEAM = "(no team)";
export const NO_COST_CENTRE = "(no cost centre)";

type BaseRow = {
  day: string;
  person_id: string | null;
  email: string;
  name: string | null;
  team: string | null;
  cost_centre: string | null;
  product: string;
  client: string;
  surface: string;
  model: string;
  tier: string;
  credits: string | null;
  input: string | number;
  cached: string | number;
  output: string | number;
};

/** One aggregated line of a month, with its money. */
export type SpendLine = {
  day: string;
  personId: string | null;
  email: string;
  name: string | null;
  team: string;
  costCentre: string;
  product: string;
  client: string;
  surface: string;
  model: string;
  tier: string;
  credits: MicroCredits;
  usd: Femto;
  input: bigint;
  cached: bigint;
  output: bigint;
};

const isCodex = (product: string) => product.toLowerCase() === "codex";

/** The month's COSTS lines, team and cost centre as in force on each day. */
export async function loadSpendLines(db: Database, from: string, next: string): Promise<Omit<SpendLine, "usd">[]> {
  const rows = await selectRows<BaseRow>(
    db,
    sql`with base as (
          select (c.hour at time zone 'UTC')::date as day, c.person_id, lower(coalesce(c.email, '')) as email, c.groups,
            coalesce(c.product, '') as product, coalesce(c.client, '') as client, coalesce(c.surface, '') as surface,
            coalesce(c.model, '') as model, coalesce(c.service_tier, '') as tier,
            sum(c.credits) as credits, coalesce(sum(c.input_tokens), 0) as input, coalesce(sum(c.cached_input_tokens), 0) as cached,
            coalesce(sum(c.output_tokens), 0) as output
          from costs_hourly c
          where c.hour >= ${from}::date and c.hour < ${next}::date
          group by 1, 2, 3, 4, 5, 6, 7, 8, 9
        )
        select b.day::text as day, b.person_id, b.email, p.name, b.product, b.client, b.surface, b.model, b.tier,
          b.credits::text as credits, b.input, b.cached, b.output,
          ${teamOnDaySql({ email: sql`b.email`, day: sql`b.day`, groups: sql`b.groups` })} as team,
          ${costCentreOnDaySql({ email: sql`b.email`, day: sql`b.day` })} as cost_centre
        from base b left join people p on p.id = b.person_id
        order by b.day, b.email, b.model`,
  );
  return rows.map((r) => ({
    day: r.day.slice(0, 10),
    personId: r.person_id,
    email: r.email,
    name: r.name,
    team: r.team ?? NO_TEAM,
    costCentre: r.cost_centre ?? NO_COST_CENTRE,
    product: r.product || "(unknown)",
    client: r.client || "(unknown)",
    surface: r.surface || "(unknown)",
    model: r.model,
    tier: r.tier,
    credits: r.credits ? parseCredits(r.credits) : 0n,
    input: BigInt(r.input),
    cached: BigInt(r.cached),
    output: BigInt(r.output),
  }));
}

/* ───────────────────────── aggregation ───────────────────────── */

type Bucket = { credits: MicroCredits; usd: Femto; api: ApiCostSummary; input: bigint; cached: bigint; output: bigint; users: Set<string> };
const bucket = (): Bucket => ({ credits: 0n, usd: 0n, api: emptyApiCostSummary(), input: 0n, cached: 0n, output: 0n, users: new Set() });

export type Dimension = "team" | "costCentre" | "person" | "model" | "clientSurface" | "product";
export const DIMENSIONS: ReadonlyArray<{ key: Dimension; label: string }> = [
  { key: "team", label: "Team" },
  { key: "costCentre", label: "Cost centre" },
  { key: "person", label: "Person" },
  { key: "model", label: "Model" },
  { key: "clientSurface", label: "Client / surface" },
  { key: "product", label: "Product" },
];

const keyOf: Record<Dimension, (l: SpendLine) => string> = {
  team: (l) => l.team,
  costCentre: (l) => l.costCentre,
  person: (l) => l.email || "(no email)",
  model: (l) => l.model || "(no model)",
  clientSurface: (l) => `${l.client} / ${l.surface}`,
  product: (l) => l.product,
};

export type MonthSpend = {
  month: string;
  from: string;
  to: string;
  lines: SpendLine[];
  total: Bucket;
  codex: Bucket;
  byDimension: Record<Dimension, Map<string, Bucket>>;
  byDay: Map<string, Bucket>;
  /** Days of the month that have any COSTS record (for run rates). */
  daysWithData: number;
  lastDay: string | null;
};

/** Everything a month's reports need, in exact units. Internal (callers check the viewer). */
export async function computeMonthSpend(db: Database, month: string, pricing?: PricingTables): Promise<MonthSpend> {
  const { from, to, next } = monthBounds(month);
  const tables = pricing ?? (await loadPricingTables(db));
  const raw = await loadSpendLines(db, from, next);
  const byDimension = Object.fromEntries(DIMENSIONS.map((d) => [d.key, new Map<string, Bucket>()])) as Record<Dimension, Map<string, Bucket>>;
  const byDay = new Map<string, Bucket>();
  const total = bucket();
  const codex = bucket();
  const lines: SpendLine[] = [];
  for (const r of raw) {
    const line: SpendLine = { ...r, usd: creditsToUsdOn(r.credits, r.day, tables.rates) };
    lines.push(line);
    const tokens = line.input + line.cached + line.output;
    const targets = [total, ...(isCodex(line.product) ? [codex] : [])];
    for (const d of DIMENSIONS) {
      const map = byDimension[d.key];
      const k = keyOf[d.key](line);
      let b = map.get(k);
      if (!b) map.set(k, (b = bucket()));
      targets.push(b);
    }
    let day = byDay.get(line.day);
    if (!day) byDay.set(line.day, (day = bucket()));
    targets.push(day);
    for (const b of targets) {
      b.credits += line.credits;
      b.usd += line.usd;
      b.input += line.input;
      b.cached += line.cached;
      b.output += line.output;
      // Active = spent Codex credits or used Codex tokens this month.
      if (isCodex(line.product) && (line.credits > 0n || tokens > 0n)) b.users.add(line.email);
      if (tokens > 0n) addApiCost(b.api, { model: line.model || null, serviceTier: line.tier, inputTokens: line.input, cachedInputTokens: line.cached, outputTokens: line.output }, line.day, tables.prices);
    }
  }
  const days = [...byDay.keys()].sort();
  return { month, from, to, lines, total, codex, byDimension, byDay, daysWithData: days.length, lastDay: days.at(-1) ?? null };
}

/* ───────────────────────── serialisable report ───────────────────────── */

export type SpendRow = {
  key: string;
  credits: string;
  usd: string;
  apiUsd: string;
  unpricedTokens: string;
  unpricedModels: string[];
  cacheSavingsUsd: string;
  inputTokens: string;
  cachedInputTokens: string;
  outputTokens: string;
  activeUsers: number;
  creditsPerActiveUser: string | null;
  previousCredits: string;
  change: number | null;
  /** Numbers for charts only. */
  creditsValue: number;
  usdValue: number;
};

function rowOf(key: string, b: Bucket, previous: Bucket | undefined): SpendRow {
  const perUser = b.users.size > 0 ? b.credits / BigInt(b.users.size) : null;
  return {
    key,
    credits: formatCredits(b.credits),
    usd: formatUsd(b.usd),
    apiUsd: formatUsd(b.api.total),
    unpricedTokens: unpricedTokens(b.api).toString(),
    unpricedModels: [...b.api.unpriced.keys()].sort(),
    cacheSavingsUsd: formatUsd(b.api.cacheSavings),
    inputTokens: b.input.toString(),
    cachedInputTokens: b.cached.toString(),
    outputTokens: b.output.toString(),
    activeUsers: b.users.size,
    creditsPerActiveUser: perUser === null ? null : formatCredits(perUser),
    previousCredits: formatCredits(previous?.credits ?? 0n),
    change: relativeChange(b.credits, previous?.credits ?? 0n),
    creditsValue: Number(formatCredits(b.credits, 4)),
    usdValue: Number(formatUsd(b.usd, 4)),
  };
}

export type Mover = { dimension: "team" | "person"; key: string; credits: string; previousCredits: string; delta: string; change: number | null; deltaValue: number };

function movers(dimension: "team" | "person", current: Map<string, Bucket>, previous: Map<string, Bucket>, limit: number): Mover[] {
  const keys = new Set([...current.keys(), ...previous.keys()]);
  const all = [...keys].map((key) => {
    const now = current.get(key)?.credits ?? 0n;
    const before = previous.get(key)?.credits ?? 0n;
    return { key, now, before, delta: now - before };
  });
  all.sort((a, b) => (b.delta < 0n ? -b.delta : b.delta) > (a.delta < 0n ? -a.delta : a.delta) ? 1 : -1);
  return all
    .filter((m) => m.delta !== 0n)
    .slice(0, limit)
    .map((m) => ({ dimension, key: m.key, credits: formatCredits(m.now), previousCredits: formatCredits(m.before), delta: formatCredits(m.delta), change: relativeChange(m.now, m.before), deltaValue: Number(formatCredits(m.delta, 4)) }));
}

export type SpendReport = Awaited<ReturnType<typeof buildSpendReport>>;

/** A stable pseudonym for a person (keyed HMAC of the email), for reports that do not name people. */
export function pseudonym(email: string) {
  return `person-${createHmac("sha256", getConfig().redactionKey).update(`spend-report:${email}`).digest("hex").slice(0, 8)}`;
}

async function buildSpendReport(db: Database, month: string) {
  const pricing = await loadPricingTables(db);
  const current = await computeMonthSpend(db, month, pricing);
  const before = await computeMonthSpend(db, previousMonth(month), pricing);
  const dimensions = Object.fromEntries(
    DIMENSIONS.map((d) => [
      d.key,
      [...current.byDimension[d.key].entries()].map(([k, b]) => rowOf(k, b, before.byDimension[d.key].get(k))).sort((a, b) => b.creditsValue - a.creditsValue || a.key.localeCompare(b.key)),
    ]),
  ) as Record<Dimension, SpendRow[]>;
  const names = new Map(current.lines.map((l) => [l.email, l.name]));
  const days = [...current.byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, b]) => ({ day, credits: formatCredits(b.credits), usd: formatUsd(b.usd), apiUsd: formatUsd(b.api.total), creditsValue: Number(formatCredits(b.credits, 4)), usdValue: Number(formatUsd(b.usd, 4)) }));
  const unpriced = [...current.total.api.unpriced.entries()].map(([model, tokens]) => ({ model, tokens: tokens.toString() })).sort((a, b) => a.model.localeCompare(b.model));
  const currentRate = pricing.rates.find((r) => r.validFrom <= current.to && (r.validTo === null || current.to < r.validTo));
  return {
    month,
    from: current.from,
    to: current.to,
    previousMonth: before.month,
    lastDay: current.lastDay,
    daysWithData: current.daysWithData,
    usdPerCredit: currentRate?.usdPerCredit ?? "0.04",
    rateChanges: pricing.rates.filter((r) => r.validFrom > current.from && r.validFrom <= current.to).map((r) => ({ validFrom: r.validFrom, usdPerCredit: r.usdPerCredit })),
    totals: {
      ...rowOf("total", current.total, before.total),
      codexCredits: formatCredits(current.codex.credits),
      codexActiveUsers: current.codex.users.size,
      previousUsd: formatUsd(before.total.usd),
      usdChange: relativeChange(current.total.usd, before.total.usd),
      pricedTokens: current.total.api.pricedTokens.toString(),
    },
    dimensions,
    names: Object.fromEntries([...names.entries()].map(([email, name]) => [email, name ?? null])) as Record<string, string | null>,
    days,
    movers: { team: movers("team", current.byDimension.team, before.byDimension.team, 5), person: movers("person", current.byDimension.person, before.byDimension.person, 10) },
    unpriced,
    cacheSavingsByModel: dimensions.model.filter((m) => m.cacheSavingsUsd !== "0.00").map((m) => ({ model: m.key, cachedInputTokens: m.cachedInputTokens, cacheSavingsUsd: m.cacheSavingsUsd })),
  };
}

/** The spend report for a month (YYYY-MM): finance and admin. */
export async function getSpendReport({ db, viewer, month }: { db: Database; viewer: Viewer; month: string }) {
  assertViewerHasRole(viewer, SPEND_ROLES);
  return buildSpendReport(db, month);
}

/** The same report for jobs and the CLI (no session: the caller is the system). */
export const getSpendReportForSystem = ({ db, month }: { db: Database; month: string }) => buildSpendReport(db, month);

/** Monthly totals for the trend (credits, USD at the day's rate), oldest first. */
export async function monthlyTrend({ db, viewer, month, months = 6 }: { db: Database; viewer: Viewer | null; month: string; months?: number }) {
  if (viewer) assertViewerHasRole(viewer, SPEND_ROLES);
  const list = [month];
  while (list.length < months) list.unshift(previousMonth(list[0]!));
  const { from } = monthBounds(list[0]!);
  const { next } = monthBounds(month);
  const { rates } = await loadPricingTables(db);
  const rows = await selectRows<{ day: string; credits: string | null }>(
    db,
    sql`select (hour at time zone 'UTC')::date::text as day, sum(credits)::text as credits from costs_hourly
        where hour >= ${from}::date and hour < ${next}::date group by 1 order by 1`,
  );
  const byMonth = new Map(list.map((m) => [m, { credits: 0n, usd: 0n }]));
  for (const r of rows) {
    const m = byMonth.get(r.day.slice(0, 7));
    if (!m || !r.credits) continue;
    const c = parseCredits(r.credits);
    m.credits += c;
    m.usd += creditsToUsdOn(c, r.day.slice(0, 10), rates);
  }
  return list.map((m) => {
    const v = byMonth.get(m)!;
    return { month: m, credits: formatCredits(v.credits), usd: formatUsd(v.usd), creditsValue: Number(formatCredits(v.credits, 4)), usdValue: Number(formatUsd(v.usd, 4)) };
  });
}

/* ───────────────────────── reconciliation ───────────────────────── */

export type ReconciliationRow = { day: string; openaiUserId: string; email: string | null; costsCredits: string; analyticsCredits: string; difference: string };

const reconciliationCte = (from: string, to: string) => sql`
  with c as (
    select (hour at time zone 'UTC')::date as day, openai_user_id, sum(coalesce(credits, 0)) as credits, max(lower(email)) as email
    from costs_hourly
    where hour >= ${from}::date and hour < ${to}::date + 1 and lower(coalesce(product, '')) = 'codex' and openai_user_id is not null
    group by 1, 2
  ), a as (
    select day, openai_user_id, sum(credits) as credits, max(lower(email)) as email
    from analytics_usage_daily
    where day >= ${from}::date and day <= ${to}::date and openai_user_id <> ''
    group by 1, 2
  ), j as (
    select coalesce(c.day, a.day) as day, coalesce(c.openai_user_id, a.openai_user_id) as openai_user_id, coalesce(c.email, a.email) as email,
      coalesce(c.credits, 0) as costs_credits, coalesce(a.credits, 0) as analytics_credits
    from c full join a on a.day = c.day and a.openai_user_id = c.openai_user_id
  )`;

/**
 * Per UTC day and person: COSTS credits (product codex) against the Analytics API's credits.
 * Totals for the range and every row that differs (limited; the CSV has all of them).
 */
export async function getReconciliation({ db, viewer, from, to, limit = 200 }: { db: Database; viewer: Viewer | null; from: string; to: string; limit?: number }) {
  if (viewer) assertViewerHasRole(viewer, SPEND_ROLES);
  const [totals] = await selectRows<{ rows: number; costs: string | null; analytics: string | null; differing: number; only_costs: number; only_analytics: number }>(
    db,
    sql`${reconciliationCte(from, to)}
        select count(*)::int as rows, sum(costs_credits)::text as costs, sum(analytics_credits)::text as analytics,
          count(*) filter (where costs_credits <> analytics_credits)::int as differing,
          count(*) filter (where analytics_credits = 0 and costs_credits <> 0)::int as only_costs,
          count(*) filter (where costs_credits = 0 and analytics_credits <> 0)::int as only_analytics
        from j`,
  );
  const differences = await selectRows<{ day: string; openai_user_id: string; email: string | null; costs_credits: string; analytics_credits: string }>(
    db,
    sql`${reconciliationCte(from, to)}
        select day::text as day, openai_user_id, email, costs_credits::text as costs_credits, analytics_credits::text as analytics_credits
        from j where costs_credits <> analytics_credits order by abs(costs_credits - analytics_credits) desc, day, openai_user_id limit ${limit}`,
  );
  const costs = parseCredits(totals?.costs ?? "0");
  const analytics = parseCredits(totals?.analytics ?? "0");
  return {
    from,
    to,
    rows: totals?.rows ?? 0,
    costsCredits: formatCredits(costs, 4),
    analyticsCredits: formatCredits(analytics, 4),
    difference: formatCredits(costs - analytics, 4),
    differing: totals?.differing ?? 0,
    onlyCosts: totals?.only_costs ?? 0,
    onlyAnalytics: totals?.only_analytics ?? 0,
    differences: differences.map((d) => toReconciliationRow(d)),
  };
}

function toReconciliationRow(d: { day: string; openai_user_id: string; email: string | null; costs_credits: string; analytics_credits: string }): ReconciliationRow {
  const c = parseCredits(d.costs_credits);
  const a = parseCredits(d.analytics_credits);
  return { day: d.day.slice(0, 10), openaiUserId: d.openai_user_id, email: d.email, costsCredits: formatCredits(c, 4), analyticsCredits: formatCredits(a, 4), difference: formatCredits(c - a, 4) };
}

/** Every reconciliation row of the range (matching ones too), in keyset pages, for the CSV. */
export async function* iterateReconciliation({ db, viewer, from, to }: { db: Database; viewer: Viewer; from: string; to: string }): AsyncGenerator<ReconciliationRow> {
  assertViewerHasRole(viewer, SPEND_ROLES);
  let afterDay = "0001-01-01"; // year 0 does not exist in PostgreSQL
  let afterUser = "";
  for (;;) {
    const rows = await selectRows<{ day: string; openai_user_id: string; email: string | null; costs_credits: string; analytics_credits: string }>(
      db,
      sql`${reconciliationCte(from, to)}
          select day::text as day, openai_user_id, email, costs_credits::text as costs_credits, analytics_credits::text as analytics_credits
          from j where (day, openai_user_id) > (${afterDay}::date, ${afterUser}) order by day, openai_user_id limit 2000`,
    );
    for (const r of rows) yield toReconciliationRow(r);
    if (rows.length < 2000) return;
    afterDay = rows.at(-1)!.day.slice(0, 10);
    afterUser = rows.at(-1)!.openai_user_id;
  }
}

/** The month's lines with their money, for the detailed CSV. */
export async function* iterateSpendLines({ db, viewer, month }: { db: Database; viewer: Viewer; month: string }) {
  assertViewerHasRole(viewer, SPEND_ROLES);
  const { lines } = await computeMonthSpend(db, month);
  for (const l of lines) {
    yield {
      day: l.day,
      email: l.email,
      team: l.team,
      costCentre: l.costCentre,
      product: l.product,
      client: l.client,
      surface: l.surface,
      model: l.model,
      serviceTier: l.tier,
      inputTokens: l.input.toString(),
      cachedInputTokens: l.cached.toString(),
      outputTokens: l.output.toString(),
      credits: formatCredits(l.credits, 6),
      usd: formatUsd(l.usd, 6),
    };
  }
}

