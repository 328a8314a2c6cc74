import { createHmac } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { selectRows, type Database } from "../../db/client.server";
import { streamRows } from "../../db/stream-rows.server";
import { getConfig } from "../lib/config.server";
import {
  apiCost,
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
import { assignmentPeriodsSql, teamFromGroupsSql } from "./team-assignments.server";
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

/** One aggregated line of a month, with its money. */
export type SpendLine = {
  day: string;
  personId: string | null;
  email: string;
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

const inMonthSql = (from: string, next: string) => sql`c.hour >= ${from}::date and c.hour < ${next}::date`;

const daySql = sql`(c.hour at time zone 'UTC')::date`;

/**
 * `assigned`: periods of the month with the CSV or IdP team and cost centre of an email, joined
 * to a `costs_hourly c` record by `assignedJoinSql`. Where nothing is assigned, the team is the
 * team rule on the record's own groups (app/models/team-assignments.server.ts has both rules).
 */
const assignedCte = (from: string, next: string) => sql`assigned as materialized (${assignmentPeriodsSql(from, next)})`;
const assignedJoinSql = sql`left join assigned a on a.email = lower(coalesce(c.email, '')) and ${daySql} >= a.period_from and ${daySql} < a.period_to`;

/**
 * A month's lines: one row per (UTC day, person, email, groups, product, client, surface, model,
 * tier) with summed credits and tokens and its team and cost centre. The detailed CSV streams
 * these. The team rule runs once per distinct groups array of the month, not once per line.
 */
function linesCte(from: string, next: string): SQL {
  return sql`${assignedCte(from, next)}, group_teams as (
      select g.groups, ${teamFromGroupsSql(sql`g.groups`)} as team from (select distinct c.groups from costs_hourly c where ${inMonthSql(from, next)}) g
    ), lines as (
      select (c.hour at time zone 'UTC')::date as day, c.person_id, lower(coalesce(c.email, '')) as email,
        coalesce(c.product, '') as product, coalesce(c.client, '') as client, coalesce(c.surface, '') as surface,
        coalesce(c.model, '') as model, coalesce(c.service_tier, '') as tier, coalesce(a.team, gt.team) as team, a.cost_centre,
        sum(c.credits) as credits, coalesce(sum(c.input_tokens), 0) as input, coalesce(sum(c.cached_input_tokens), 0) as cached,
        coalesce(sum(c.output_tokens), 0) as output
      from costs_hourly c ${assignedJoinSql} join group_teams gt on gt.groups = c.groups
      where ${inMonthSql(from, next)}
      group by 1, 2, 3, c.groups, 4, 5, 6, 7, 8, 9, 10
    )`;
}

type LineRow = {
  day: string;
  person_id: string | null;
  email: string;
  team: string | null;
  cost_centre: string | null;
  product: string;
  client: string;
  surface: string;
  model: string;
  tier: string;
  credits: string | null;
  input: string;
  cached: string;
  output: string;
};

/**
 * The month's lines in a stable order (day, email, model, then the rest of the line's key),
 * streamed from the database in batches (db/stream-rows.server.ts), each with its USD at the
 * contract rate of its day.
 */
export async function* streamSpendLines(db: Database, month: string, pricing?: PricingTables): AsyncGenerator<SpendLine> {
  const { from, next } = monthBounds(month);
  const { rates } = pricing ?? (await loadPricingTables(db));
  const rows = streamRows<LineRow>(
    db,
    sql`with ${linesCte(from, next)}
        select l.day::text as day, l.person_id::text as person_id, l.email, l.team, l.cost_centre, l.product, l.client, l.surface, l.model, l.tier,
          l.credits::text as credits, l.input::text as input, l.cached::text as cached, l.output::text as output
        from lines l
        order by l.day, l.email, l.model, l.product, l.client, l.surface, l.tier, l.person_id`,
    5_000,
  );
  for await (const r of rows) {
    const day = r.day.slice(0, 10);
    const credits = r.credits ? parseCredits(r.credits) : 0n;
    yield {
      day,
      personId: r.person_id,
      email: r.email,
      team: r.team ?? NO_TEAM,
      costCentre: r.cost_centre ?? NO_COST_CENTRE,
      product: r.product || "(unknown)",
      client: r.client || "(unknown)",
      surface: r.surface || "(unknown)",
      model: r.model,
      tier: r.tier,
      credits,
      usd: creditsToUsdOn(credits, day, rates),
      input: BigInt(r.input),
      cached: BigInt(r.cached),
      output: BigInt(r.output),
    };
  }
}

/* ───────────────────────── aggregation ───────────────────────── */

type Bucket = { credits: MicroCredits; usd: Femto; api: ApiCostSummary; input: bigint; cached: bigint; output: bigint; users: number };
const bucket = (): Bucket => ({ credits: 0n, usd: 0n, api: emptyApiCostSummary(), input: 0n, cached: 0n, output: 0n, users: 0 });

export type Dimension = "team" | "costCentre" | "person" | "model" | "clientSurface" | "product";
export const DIMENSIONS: ReadonlyArray<{ key: Dimension; label: string }> = [
  { key: "team", label: "Team" },
  { key: "costCentre", label: "Cost centre" },
  { key: "person", label: "Person" },
  { key: "model", label: "Model" },
  { key: "clientSurface", label: "Client / surface" },
  { key: "product", label: "Product" },
];

export type MonthSpend = {
  month: string;
  from: string;
  to: string;
  total: Bucket;
  codex: Bucket;
  byDimension: Record<Dimension, Map<string, Bucket>>;
  byDay: Map<string, Bucket>;
  /** Lower-cased email → the person's name, when the person is known. */
  names: Map<string, string | null>;
  /** Per person, credits per team (a person may change team during the month); only when asked for. */
  personTeams: Map<string, Map<string, MicroCredits>>;
  /** Days of the month that have any COSTS record (for run rates). */
  daysWithData: number;
  lastDay: string | null;
};

/**
 * The days of [from, next) on which a price or the contract rate starts or ends: within each
 * segment between them every model's price and the rate are constant, so sums of credits and
 * tokens per segment priced once equal the sum of every line priced on its own day.
 */
export function priceSegments(from: string, next: string, pricing: PricingTables): string[] {
  const edges = new Set<string>();
  for (const row of [...pricing.prices, ...pricing.rates]) {
    for (const day of [row.validFrom, row.validTo]) if (day && day > from && day < next) edges.add(day);
  }
  return [from, ...[...edges].sort()];
}

function segmentSql(day: SQL, starts: readonly string[]): SQL {
  if (starts.length === 1) return sql`0`;
  const whens = starts.slice(1).map((start, i) => sql`when ${day} < ${start}::date then ${i}`);
  return sql`(case ${sql.join(whens, sql` `)} else ${starts.length - 1} end)`;
}

// Second-stage grouping sets of the month query, in the order of GROUPING()'s arguments below.
const KEY_COLUMNS = ["team_key", "centre_key", "person_key", "cs_key", "product_key", "model_key", "seg", "model", "tier"] as const;
type KeyColumn = (typeof KEY_COLUMNS)[number];
const MONEY_SETS: Record<string, KeyColumn[]> = {
  team: ["team_key", "seg", "model", "tier"],
  costCentre: ["centre_key", "seg", "model", "tier"],
  person: ["person_key", "seg", "model", "tier"],
  clientSurface: ["cs_key", "seg", "model", "tier"],
  product: ["product_key", "seg", "model", "tier"],
};
const USER_SETS: Record<string, KeyColumn[]> = {
  team: ["team_key", "person_key"],
  costCentre: ["centre_key", "person_key"],
  model: ["model_key", "person_key"],
  clientSurface: ["cs_key", "person_key"],
  product: ["product_key", "person_key"],
};
/** GROUPING(KEY_COLUMNS…) of a set: bit set = column aggregated away, first column = highest bit. */
const groupingCode = (set: readonly KeyColumn[]) => KEY_COLUMNS.reduce((code, column, i) => (set.includes(column) ? code : code | (1 << (KEY_COLUMNS.length - 1 - i))), 0);
const setOf = (sets: Record<string, KeyColumn[]>) => new Map(Object.entries(sets).map(([name, columns]) => [groupingCode(columns), name]));
const MONEY_CODES = setOf(MONEY_SETS);
const USER_CODES = setOf(USER_SETS);
const groupingSetsSql = (sets: Array<readonly KeyColumn[]>) => sql.raw(sets.map((s) => `(${s.join(", ")})`).join(", "));
const codesSql = (codes: Iterable<number>) => sql.join([...codes].map((c) => sql`${c}`), sql`, `);

type AggregateRow = {
  kind: "money" | "day" | "users" | "person_team";
  g: number | null;
  team_key: string | null;
  centre_key: string | null;
  person_key: string | null;
  cs_key: string | null;
  product_key: string | null;
  model_key: string | null;
  day: string | null;
  seg: number | null;
  model: string | null;
  tier: string | null;
  credits: string | null;
  input: string | null;
  cached: string | null;
  output: string | null;
  active: boolean | null;
  users: number | null;
  name: string | null;
};

/**
 * The month's sums, in two stages. First the COSTS records of the month, joined to their owner,
 * are summed per (person, team, cost centre, product, client, surface, price segment, model,
 * tier) — the month's days folded away — and per (day, segment, model, tier); then the first set,
 * a few rows per person, is summed per dimension, and the people active in each dimension value
 * are counted. Exported for EXPLAIN in the bench.
 */
export function monthAggregateSql(from: string, next: string, starts: readonly string[], personTeams: boolean): SQL {
  const personTeamCode = groupingCode(USER_SETS.team!);
  return sql`with ${assignedCte(from, next)}, records as (
          select c.person_id, lower(coalesce(c.email, '')) as email, (c.hour at time zone 'UTC')::date as day, c.groups,
            a.team as assigned_team, coalesce(a.cost_centre, ${NO_COST_CENTRE}) as centre_key,
            coalesce(c.product, '') as product, coalesce(c.client, '') as client, coalesce(c.surface, '') as surface,
            coalesce(c.model, '') as model, coalesce(c.service_tier, '') as tier,
            ${segmentSql(sql`(c.hour at time zone 'UTC')::date`, starts)} as seg,
            c.credits, coalesce(c.input_tokens, 0) as input, coalesce(c.cached_input_tokens, 0) as cached, coalesce(c.output_tokens, 0) as output,
            -- Active = spent Codex credits or used Codex tokens this month.
            (lower(coalesce(c.product, '')) = 'codex'
              and (coalesce(c.credits, 0) > 0 or coalesce(c.input_tokens, 0) + coalesce(c.cached_input_tokens, 0) + coalesce(c.output_tokens, 0) > 0)) as active
          from costs_hourly c ${assignedJoinSql}
          where ${inMonthSql(from, next)}
        ), fine as (
          select person_id, email, groups, assigned_team, centre_key, product, client, surface, seg, model, tier,
            sum(credits) as credits, sum(input) as input, sum(cached) as cached, sum(output) as output, bool_or(active) as active
          from records
          group by person_id, email, groups, assigned_team, centre_key, product, client, surface, seg, model, tier
        ), days as (
          select (c.hour at time zone 'UTC')::date as day, ${segmentSql(sql`(c.hour at time zone 'UTC')::date`, starts)} as seg,
            coalesce(c.model, '') as model, coalesce(c.service_tier, '') as tier,
            sum(c.credits) as credits, coalesce(sum(c.input_tokens), 0) as input, coalesce(sum(c.cached_input_tokens), 0) as cached, coalesce(sum(c.output_tokens), 0) as output
          from costs_hourly c where ${inMonthSql(from, next)}
          group by 1, 2, 3, 4
        ), tagged as (
          -- The team rule on the groups runs here, on a few rows per person, not on every record.
          select f.*, p.name, coalesce(f.assigned_team, ${teamFromGroupsSql(sql`f.groups`)}, ${NO_TEAM}) as team_key,
            case when f.email = '' then '(no email)' else f.email end as person_key,
            (case when f.client = '' then '(unknown)' else f.client end) || ' / ' || (case when f.surface = '' then '(unknown)' else f.surface end) as cs_key,
            case when f.product = '' then '(unknown)' else f.product end as product_key,
            case when f.model = '' then '(no model)' else f.model end as model_key
          from fine f left join people p on p.id = f.person_id
        ), agg as (
          select grouping(${sql.raw(KEY_COLUMNS.join(", "))}) as g, ${sql.raw(KEY_COLUMNS.join(", "))},
            sum(credits) as credits, sum(input) as input, sum(cached) as cached, sum(output) as output, bool_or(active) as active, max(name) as name
          from tagged
          group by grouping sets (${groupingSetsSql([...Object.values(MONEY_SETS), ...Object.values(USER_SETS)])})
        )
        select 'day' as kind, null::int as g, null as team_key, null as centre_key, null as person_key, null as cs_key, null as product_key, null as model_key,
          day::text as day, seg, model, tier, credits::text as credits, input::text as input, cached::text as cached, output::text as output,
          null::boolean as active, null::int as users, null as name
        from days
        union all
        select 'money', g, team_key, centre_key, person_key, cs_key, product_key, model_key, null, seg, model, tier,
          credits::text, input::text, cached::text, output::text, active, null, name
        from agg where g in (${codesSql(MONEY_CODES.keys())})
        union all
        select 'users', g, team_key, centre_key, null, cs_key, product_key, model_key, null, null, null, null, null, null, null, null, null,
          (count(*) filter (where active))::int, null
        from agg where g in (${codesSql(USER_CODES.keys())})
        group by g, team_key, centre_key, cs_key, product_key, model_key
        ${
          personTeams
            ? sql`union all
          select 'person_team', g, team_key, null, person_key, null, null, null, null, null, null, null, credits::text, null, null, null, null, null, null
          from agg where g = ${personTeamCode}`
            : sql``
        }`;
}

/**
 * Everything a month's reports need, in exact units. Internal (callers check the viewer).
 * One SQL statement sums the month's lines (linesCte) per dimension × price segment × model ×
 * tier, and counts active people per dimension; the money is then done here with the bigints of
 * app/lib/cost-math.ts, once per aggregated row (pricing is linear, and constant within a
 * segment), so a 10,000-person month is a few tens of thousands of rows, not a million lines.
 */
export async function computeMonthSpend(db: Database, month: string, pricing?: PricingTables, options: { personTeams?: boolean } = {}): Promise<MonthSpend> {
  const { from, to, next } = monthBounds(month);
  const tables = pricing ?? (await loadPricingTables(db));
  const starts = priceSegments(from, next, tables);
  const rows = await selectRows<AggregateRow>(db, monthAggregateSql(from, next, starts, options.personTeams ?? false));

  const byDimension = Object.fromEntries(DIMENSIONS.map((d) => [d.key, new Map<string, Bucket>()])) as Record<Dimension, Map<string, Bucket>>;
  const byDay = new Map<string, Bucket>();
  const total = bucket();
  const codex = bucket();
  const names = new Map<string, string | null>();
  const personTeams = new Map<string, Map<string, MicroCredits>>();
  const activePeople = new Set<string>();
  const get = (map: Map<string, Bucket>, key: string) => {
    let b = map.get(key);
    if (!b) map.set(key, (b = bucket()));
    return b;
  };
  const keyOf: Record<string, (r: AggregateRow) => string> = {
    team: (r) => r.team_key!,
    costCentre: (r) => r.centre_key!,
    person: (r) => r.person_key!,
    model: (r) => r.model_key!,
    clientSurface: (r) => r.cs_key!,
    product: (r) => r.product_key!,
  };
  for (const r of rows) {
    const g = Number(r.g);
    if (r.kind === "users") {
      const set = USER_CODES.get(g)!;
      get(byDimension[set as Dimension], keyOf[set]!(r)).users = Number(r.users ?? 0);
      continue;
    }
    if (r.kind === "person_team") {
      let teams = personTeams.get(r.person_key!);
      if (!teams) personTeams.set(r.person_key!, (teams = new Map()));
      teams.set(r.team_key!, r.credits ? parseCredits(r.credits) : 0n);
      continue;
    }
    const set = r.kind === "day" ? "day" : MONEY_CODES.get(g)!;
    const segmentStart = starts[Number(r.seg)]!;
    const credits = r.credits ? parseCredits(r.credits) : 0n;
    const input = BigInt(r.input ?? 0);
    const cached = BigInt(r.cached ?? 0);
    const output = BigInt(r.output ?? 0);
    const usd = creditsToUsdOn(credits, segmentStart, tables.rates);
    const targets: Bucket[] = [];
    if (set === "day") {
      targets.push(get(byDay, r.day!.slice(0, 10)));
    } else {
      targets.push(get(byDimension[set as Dimension], keyOf[set]!(r)));
      if (set === "person") {
        if (r.active) activePeople.add(r.person_key!);
        if (r.name !== null && !names.get(r.person_key!)) names.set(r.person_key!, r.name);
        else if (!names.has(r.person_key!)) names.set(r.person_key!, null);
      }
      // The product set covers every line once: it also makes the model buckets and the totals.
      if (set === "product") {
        targets.push(get(byDimension.model, r.model || "(no model)"), total);
        if (isCodex(r.product_key!)) targets.push(codex);
      }
    }
    const tokens = input + cached + output;
    const cost = tokens > 0n ? apiCost({ model: r.model || null, serviceTier: r.tier, inputTokens: input, cachedInputTokens: cached, outputTokens: output }, segmentStart, tables.prices) : null;
    for (const b of targets) {
      b.credits += credits;
      b.usd += usd;
      b.input += input;
      b.cached += cached;
      b.output += output;
      if (cost) addPricedLine(b.api, cost, tokens);
    }
  }
  for (const email of activePeople) byDimension.person.get(email)!.users = 1;
  total.users = codex.users = activePeople.size;
  const days = [...byDay.keys()].sort();
  return { month, from, to, total, codex, byDimension, byDay, names, personTeams, daysWithData: days.length, lastDay: days.at(-1) ?? null };
}

/** Adds an already priced (or unpriced) aggregate to a summary, as addApiCost would. */
function addPricedLine(summary: ApiCostSummary, cost: ReturnType<typeof apiCost>, tokens: bigint) {
  if (cost.priced) {
    summary.total += cost.total;
    summary.cacheSavings += cost.cacheSavings;
    summary.pricedTokens += tokens;
  } else {
    summary.unpriced.set(cost.model, (summary.unpriced.get(cost.model) ?? 0n) + cost.tokens);
  }
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
  const perUser = b.users > 0 ? b.credits / BigInt(b.users) : null;
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
    activeUsers: b.users,
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

export type SpendReport = Awaited<ReturnType<typeof buildSpendReport>>["report"];

/** A stable pseudonym for a person (keyed HMAC of the email), for reports that do not name people. */
export function pseudonym(email: string) {
  return `person-${createHmac("sha256", getConfig().redactionKey).update(`spend-report:${email}`).digest("hex").slice(0, 8)}`;
}

/** The report of a month, and the month's exact sums it was made from (for budgets and the PDF). */
async function buildSpendReport(db: Database, month: string, options: { personTeams?: boolean } = {}) {
  const pricing = await loadPricingTables(db);
  // Two independent statements: on PostgreSQL they run side by side on two pooled connections.
  const [current, before] = await Promise.all([computeMonthSpend(db, month, pricing, options), computeMonthSpend(db, previousMonth(month), pricing)]);
  const dimensions = Object.fromEntries(
    DIMENSIONS.map((d) => [
      d.key,
      [...current.byDimension[d.key].entries()].map(([k, b]) => rowOf(k, b, before.byDimension[d.key].get(k))).sort((a, b) => b.creditsValue - a.creditsValue || a.key.localeCompare(b.key)),
    ]),
  ) as Record<Dimension, SpendRow[]>;
  const days = [...current.byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, b]) => ({ day, credits: formatCredits(b.credits), usd: formatUsd(b.usd), apiUsd: formatUsd(b.api.total), creditsValue: Number(formatCredits(b.credits, 4)), usdValue: Number(formatUsd(b.usd, 4)) }));
  const unpriced = [...current.total.api.unpriced.entries()].map(([model, tokens]) => ({ model, tokens: tokens.toString() })).sort((a, b) => a.model.localeCompare(b.model));
  const currentRate = pricing.rates.find((r) => r.validFrom <= current.to && (r.validTo === null || current.to < r.validTo));
  const report = {
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
      codexActiveUsers: current.codex.users,
      previousUsd: formatUsd(before.total.usd),
      usdChange: relativeChange(current.total.usd, before.total.usd),
      pricedTokens: current.total.api.pricedTokens.toString(),
    },
    dimensions,
    names: Object.fromEntries(current.names) as Record<string, string | null>,
    days,
    movers: { team: movers("team", current.byDimension.team, before.byDimension.team, 5), person: movers("person", current.byDimension.person, before.byDimension.person, 10) },
    unpriced,
    cacheSavingsByModel: dimensions.model.filter((m) => m.cacheSavingsUsd !== "0.00").map((m) => ({ model: m.key, cachedInputTokens: m.cachedInputTokens, cacheSavingsUsd: m.cacheSavingsUsd })),
  };
  return { report, current };
}

/** The spend report for a month (YYYY-MM): finance and admin. */
export async function getSpendReport({ db, viewer, month }: { db: Database; viewer: Viewer; month: string }) {
  assertViewerHasRole(viewer, SPEND_ROLES);
  return (await buildSpendReport(db, month)).report;
}

/** The same report for jobs and the CLI (no session: the caller is the system). */
export const getSpendReportForSystem = async ({ db, month }: { db: Database; month: string }) => (await buildSpendReport(db, month)).report;

/** For the monthly PDF: the report and the month's sums, with each person's credits per team. */
export const getMonthlySpendForSystem = ({ db, month }: { db: Database; month: string }) => buildSpendReport(db, month, { personTeams: true });

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

/** Every reconciliation row of the range (matching ones too), for the CSV: one ordered query, streamed. */
export async function* iterateReconciliation({ db, viewer, from, to }: { db: Database; viewer: Viewer; from: string; to: string }): AsyncGenerator<ReconciliationRow> {
  assertViewerHasRole(viewer, SPEND_ROLES);
  const rows = streamRows<{ day: string; openai_user_id: string; email: string | null; costs_credits: string; analytics_credits: string }>(
    db,
    sql`${reconciliationCte(from, to)}
        select day::text as day, openai_user_id, email, costs_credits::text as costs_credits, analytics_credits::text as analytics_credits
        from j order by day, openai_user_id`,
  );
  for await (const r of rows) yield toReconciliationRow(r);
}

/** The month's lines with their money, for the detailed CSV: streamed, never held whole. */
export async function* iterateSpendLines({ db, viewer, month }: { db: Database; viewer: Viewer; month: string }) {
  assertViewerHasRole(viewer, SPEND_ROLES);
  for await (const l of streamSpendLines(db, month)) {
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
