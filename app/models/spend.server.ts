import { createHmac } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { selectRows, type Database } from "../../db/client.server";
import { streamRows } from "../../db/stream-rows.server";
import { getConfig } from "../lib/config.server";
import {
  apiCost,
  CREDIT_SCALE,
  creditsToUsdOn,
  DEFAULT_USD_PER_CREDIT,
  findEffective,
  formatScaled,
  parseDecimal,
  PRIORITY_TIERS,
  RATE_SCALE,
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
 * each day, and at API list prices (what the same tokens would cost on the API). Every report
 * reads costs_daily, the COSTS records summed per UTC day and line key by triggers on
 * costs_hourly (migration 0011, docs/decisions/0014-daily-cost-rollup.md): the day is kept, so
 * effective-dated prices, rates and teams apply exactly as on the hourly records. The money is
 * done in app/lib/cost-math.ts with bigints, once, so every table adds up to the cent.
 */

export const SPEND_ROLES = ["finance", "admin"] as const;
export const NO_TEAM = "(no team)";
export const NO_COST_CENTRE = "(no cost centre)";

/** One line of a month as the detailed CSV writes it: exact decimal strings, credits and USD with 6 decimals. */
export type SpendLine = {
  day: string;
  email: string;
  team: string;
  costCentre: string;
  product: string;
  client: string;
  surface: string;
  model: string;
  serviceTier: string;
  inputTokens: string;
  cachedInputTokens: string;
  outputTokens: string;
  credits: string;
  usd: string;
};

const isCodex = (product: string) => product.toLowerCase() === "codex";

/** `c` is a costs_daily row: its day is the UTC day of its hourly records, its email lower-cased. */
const inMonthSql = (from: string, next: string) => sql`c.day >= ${from}::date and c.day < ${next}::date`;

const daySql = sql`c.day`;

/**
 * `assigned`: periods of the month with the CSV or IdP team and cost centre of an email, joined
 * to a `costs_daily c` row by `assignedJoinSql`. Where nothing is assigned, the team is the
 * team rule on the record's own groups (app/models/team-assignments.server.ts has both rules).
 */
const assignedCte = (from: string, next: string) => sql`assigned as materialized (${assignmentPeriodsSql(from, next)})`;
const assignedJoinSql = sql`left join assigned a on a.email = c.email and ${daySql} >= a.period_from and ${daySql} < a.period_to`;

/**
 * A month's lines: one row per (UTC day, person, email, groups, product, client, surface, model,
 * tier) with summed credits and tokens and its team and cost centre. The detailed CSV streams
 * these. The team rule runs once per distinct groups array of the month, not once per line.
 */
function linesCte(from: string, next: string): SQL {
  return sql`${assignedCte(from, next)}, group_teams as (
      select g.groups, ${teamFromGroupsSql(sql`g.groups`)} as team from (select distinct c.groups from costs_daily c where ${inMonthSql(from, next)}) g
    ), lines as (
      select c.day, c.person_id, c.email, c.product, c.client, c.surface, c.model, c.service_tier as tier, coalesce(a.team, gt.team) as team, a.cost_centre,
        sum(c.credits) as credits, sum(c.input_tokens) as input, sum(c.cached_input_tokens) as cached, sum(c.output_tokens) as output
      from costs_daily c ${assignedJoinSql} join group_teams gt on gt.groups = c.groups
      where ${inMonthSql(from, next)}
      group by 1, 2, 3, c.groups, 4, 5, 6, 7, 8, 9, 10
    )`;
}

type LineRow = {
  day: string;
  email: string;
  team: string | null;
  cost_centre: string | null;
  product: string;
  client: string;
  surface: string;
  model: string;
  tier: string;
  credits: string;
  input: string;
  cached: string;
  output: string;
};

/**
 * The month's lines in a stable order (day, email, model, then the rest of the line's key),
 * streamed from the database in batches (db/stream-rows.server.ts), a day at a time, each with its USD at the
 * contract rate of its day: credits (micro) × rate (micro-USD per credit), rounded once to 6
 * decimals — what formatUsd(creditsToUsdOn(…), 6) gives, without building the femto amount.
 */
export async function* streamSpendLines(db: Database, month: string, pricing?: PricingTables): AsyncGenerator<SpendLine> {
  const { startMs, days } = monthBounds(month);
  const { rates } = pricing ?? (await loadPricingTables(db));
  const rateOfDay = new Map<string, bigint>();
  // One query per UTC day: the first line leaves at once, and the database sorts a day, not a month.
  for (let d = 0; d < days; d++) {
    const from = new Date(startMs + d * 86_400_000).toISOString().slice(0, 10);
    const next = new Date(startMs + (d + 1) * 86_400_000).toISOString().slice(0, 10);
    yield* streamDayLines(db, from, next, rates, rateOfDay);
  }
}

async function* streamDayLines(db: Database, from: string, next: string, rates: PricingTables["rates"], rateOfDay: Map<string, bigint>): AsyncGenerator<SpendLine> {
  const rows = streamRows<LineRow>(
    db,
    sql`with ${linesCte(from, next)}
        select l.day::text as day, l.email, l.team, l.cost_centre, l.product, l.client, l.surface, l.model, l.tier,
          coalesce(l.credits, 0)::numeric(38, 6)::text as credits, l.input::text as input, l.cached::text as cached, l.output::text as output
        from lines l
        order by l.day, l.email, l.model, l.product, l.client, l.surface, l.tier, l.person_id`,
    5_000,
  );
  for await (const r of rows) {
    const day = r.day.slice(0, 10);
    let rate = rateOfDay.get(day);
    if (rate === undefined) rateOfDay.set(day, (rate = parseDecimal(findEffective(rates, day)?.usdPerCredit ?? DEFAULT_USD_PER_CREDIT, RATE_SCALE)));
    yield {
      day,
      email: r.email,
      team: r.team ?? NO_TEAM,
      costCentre: r.cost_centre ?? NO_COST_CENTRE,
      product: r.product || "(unknown)",
      client: r.client || "(unknown)",
      surface: r.surface || "(unknown)",
      model: r.model,
      serviceTier: r.tier,
      inputTokens: r.input,
      cachedInputTokens: r.cached,
      outputTokens: r.output,
      credits: r.credits,
      usd: formatScaled(parseCredits(r.credits) * rate, CREDIT_SCALE + RATE_SCALE, 6),
    };
  }
}

/* ───────────────────────── aggregation ───────────────────────── */

type Bucket = { credits: MicroCredits; usd: Femto; api: ApiCostSummary; input: bigint; cached: bigint; output: bigint; /** People active in it (Codex credits or tokens). */ users: number };
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
  /** Per person, credits per team (a person may change team during the month). */
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

/**
 * Runs a query over a whole month of COSTS records with planner settings for it, in a
 * transaction of its own (SET LOCAL). Measured on a 10,000-person month (docs/benchmarks.md,
 * exports): the planner cannot estimate groups of expressions such as lower(email) or of the
 * records × team-periods join (it guesses 17 times too many), so with the default 4 MB work_mem
 * it sorts a quarter of a million wide rows on disk, twice, where hashing them in memory takes
 * half the CPU. The hash tables of a 10,000-person month stay well under 64 MB.
 */
async function monthQuery<T>(db: Database, query: (tx: Pick<Database, "execute">) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local work_mem = '64MB'`);
    await tx.execute(sql`set local enable_sort = off`);
    return query(tx);
  });
}

/** Credits (numeric, 6 decimals) as whole micro-credits, exact. */
const microCredits = (credits: SQL) => sql`(coalesce(${credits}, 0) * 1000000)::numeric(38, 0)::text`;

type MonthRow = {
  email: string | null;
  name: string | null;
  team: string | null;
  cost_centre: string | null;
  product: string | null;
  client: string | null;
  surface: string | null;
  day: string | null;
  seg: number;
  model: string;
  tier: string;
  /** Micro-credits. */
  credits: string;
  input: string;
  cached: string;
  output: string;
  active: boolean | null;
};

/**
 * The people (lower-cased emails) whose CSV or IdP team or cost centre changes inside [from, next):
 * an assignment period of the month that starts after its first day or ends before its end. Everyone
 * else has one assignment (or none) for the whole month.
 */
const splitEmailsCte = (from: string, next: string) =>
  sql`split as materialized (select distinct a.email from assigned a where a.period_from > ${from}::date or a.period_to < ${next}::date)`;

/**
 * The month's sums, small enough to finish in JavaScript: the COSTS records joined to their
 * team and cost centre and summed per (person, team, cost centre, product, client, surface,
 * price segment, model, tier) — the days folded away, a few rows per person — with the team rule
 * on the groups applied to those rows, not to every record (monthDaysSql has the per-day sums
 * for the daily chart). Exported for EXPLAIN.
 *
 * `monthly` (only when no price or contract rate changes inside the month: one segment) reads the
 * month's lines from costs_monthly, whose rows are already those sums (days folded), for every
 * person whose team assignment does not change inside the month; the people whose assignment does
 * are summed from costs_daily day by day, as the day-level path does for everyone
 * (docs/decisions/0016-monthly-cost-rollup.md). Both give the same rows up to how they are split.
 */
export function monthAggregateSql(
  from: string,
  next: string,
  starts: readonly string[],
  detail = true,
  monthly = false,
  money?: MoneyUnits,
  dimensions: readonly Dimension[] = ALL_DIMENSIONS,
): SQL {
  if (monthly && starts.length !== 1) throw new Error("the monthly rollup can be read only for a month without a price or rate change inside it");
  const seg = segmentSql(daySql, starts);
  // Without `detail` (the month before, for comparisons; budgets): credits and USD per dimension only — no tiers,
  // tokens, names or days.
  const tier = detail ? sql`c.service_tier` : sql`''`;
  const tokens = (column: string) => (detail ? sql`sum(${sql.raw(`c.${column}`)})` : sql`0`);
  const dayLines = (where: SQL) => sql`
          select c.person_id, c.email, c.groups::text as groups, a.team as assigned_team, a.cost_centre, c.product, c.client, c.surface,
            ${seg} as seg, c.model, ${tier} as tier,
            sum(c.credits) as credits, ${tokens("input_tokens")} as input, ${tokens("cached_input_tokens")} as cached, ${tokens("output_tokens")} as output
          from costs_daily c ${assignedJoinSql}
          where ${inMonthSql(from, next)} ${where}
          group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`;
  // A costs_monthly row is one line already (no grouping): the person's one assignment of the month, if any, is joined by email.
  const monthLines = sql`
          select c.person_id, c.email, c.groups_text as groups, a.team as assigned_team, a.cost_centre, c.product, c.client, c.surface,
            0 as seg, c.model, ${detail ? sql`c.service_tier` : sql`''`} as tier,
            c.credits, ${detail ? sql`c.input_tokens` : sql`0`} as input, ${detail ? sql`c.cached_input_tokens` : sql`0`} as cached, ${detail ? sql`c.output_tokens` : sql`0`} as output
          from costs_monthly c left join assigned a on a.email = c.email
          where c.month = ${from}::date and not exists (select 1 from split s where s.email = c.email)`;
  const fine = monthly
    ? sql`${splitEmailsCte(from, next)}, fine as (${monthLines}
          union all ${dayLines(sql`and c.email in (select s.email from split s)`)}
        )`
    : sql`fine as (${dayLines(sql``)})`;
  // The groups array travels as its text (jsonb's canonical form, so equal arrays have equal texts): hashing text to find
  // the distinct arrays and join their team back costs a fraction of hashing jsonb. Materialized: the team rule runs
  // once per distinct array (a few dozen), not once per line.
  const cte = sql`with ${assignedCte(from, next)}, ${fine}, group_teams as materialized (
          select g.groups, ${teamFromGroupsSql(sql`g.groups::jsonb`)} as team from (select distinct f.groups from fine f) g
        )`;
  // Without detail only each dimension value's credits per price segment are needed: summed here in one pass (grouping
  // sets), a few rows per team, model or product and one or two per person instead of every line.
  if (!detail) {
    // Only the dimensions asked for (budgets need teams), and products always: the totals are their sums.
    const wanted = DIMENSIONS.map((d) => d.key).filter((d) => d === "product" || dimensions.includes(d));
    const column = (d: Dimension) => sql.raw(`k.${TOTALS_COLUMN[d]}`);
    return sql`${cte}
        select case ${sql.join(
          wanted.map((d) => sql`when grouping(${column(d)}) = 0 then ${sql.raw(`'${d}'`)}`),
          sql` `,
        )} end as kind, coalesce(${sql.join(
          wanted.map((d) => column(d)),
          sql`, `,
        )}) as key, k.seg, ${microCredits(sql`sum(k.credits)`)} as credits
        from (
          select ${DIMENSION_KEY_SQL.person} as person, ${DIMENSION_KEY_SQL.team} as team, ${DIMENSION_KEY_SQL.costCentre} as cost_centre,
            ${DIMENSION_KEY_SQL.model} as model, ${DIMENSION_KEY_SQL.clientSurface} as client_surface, ${DIMENSION_KEY_SQL.product} as product, f.seg, f.credits
          from fine f join group_teams gt on gt.groups = f.groups cross join lateral (select coalesce(f.assigned_team, gt.team) as team) t
        ) k
        group by grouping sets (${sql.join(
          wanted.map((d) => sql`(${column(d)}, k.seg)`),
          sql`, `,
        )})`;
  }
  if (!money) throw new Error("the month's detailed sums need its token prices and rates");
  // Each line's API-list money, exactly (numeric): tokens × the femto-USD of one token of each class for the line's
  // segment, model and tier (no row: unpriced). USD is credits × the segment's rate, done on the sums: credits are
  // summed per segment (bigint micro-credits) and multiplied once per output row.
  const unitRows = money.units.map(
    (u) =>
      sql`(${sql.raw(String(u.seg))}, ${u.model}::text, ${sql.raw(u.priority ? "true" : "false")}, ${sql.raw(u.input.toString())}::numeric, ${sql.raw(u.cached.toString())}::numeric, ${sql.raw(u.output.toString())}::numeric, ${sql.raw(u.savings.toString())}::numeric)`,
  );
  const units = unitRows.length > 0 ? sql`values ${sql.join(unitRows, sql`, `)}` : sql`select 0, ''::text, false, 0::numeric, 0::numeric, 0::numeric, 0::numeric where false`;
  const priorityTiers = sql.join([...PRIORITY_TIERS].map((t) => sql`${t}`), sql`, `);
  const segs = money.usdPerMicroCredit.map((_, seg) => seg);
  const usdOf = (creditsOfSeg: (seg: number) => SQL) =>
    sql.join(
      segs.map((seg) => sql`coalesce(${creditsOfSeg(seg)}, 0) * ${sql.raw(money.usdPerMicroCredit[seg]!.toString())}::numeric`),
      sql` + `,
    );
  // Every sum coalesced: the organisation's row (the empty grouping set) exists for a month without any line too.
  const sums = (from: string) =>
    sql.join(
      ["api", "savings", "priced_tokens", "input", "cached", "output"].map((column) => sql`coalesce(sum(${sql.raw(`${from}.${column}`)}), 0) as ${sql.raw(column)}`),
      sql`, `,
    );
  const dimensionKind = sql`case when grouping(c.team) = 0 then 'team' when grouping(c.cost_centre) = 0 then 'costCentre' when grouping(c.model) = 0 then 'model'
            when grouping(c.client_surface) = 0 then 'clientSurface' when grouping(c.product) = 0 then 'product' when grouping(c.codex) = 0 then 'codex' else 'total' end`;
  const unpricedKind = sql`case when grouping(l.person) = 0 then 'person' when grouping(l.team) = 0 then 'team' when grouping(l.cost_centre) = 0 then 'costCentre'
            when grouping(l.model) = 0 then 'model' when grouping(l.client_surface) = 0 then 'clientSurface' when grouping(l.product) = 0 then 'product'
            when grouping(l.codex) = 0 then 'codex' else 'total' end`;
  return sql`${cte}, units (seg, model, priority, input, cached, output, savings) as (${units}),
        lines as materialized (
          select ${DIMENSION_KEY_SQL.person} as person, ${DIMENSION_KEY_SQL.team} as team, ${DIMENSION_KEY_SQL.costCentre} as cost_centre,
            ${DIMENSION_KEY_SQL.model} as model, ${DIMENSION_KEY_SQL.clientSurface} as client_surface, ${DIMENSION_KEY_SQL.product} as product,
            lower(f.product) = 'codex' as codex, f.person_id, f.seg::int as seg,
            (coalesce(f.credits, 0) * 1000000)::bigint as credits, f.input::bigint as input, f.cached::bigint as cached, f.output::bigint as output,
            case when u.seg is not null then (f.input + f.cached + f.output)::bigint else 0 end as priced_tokens,
            f.input * u.input + f.cached * u.cached + f.output * u.output as api, f.cached * u.savings as savings,
            case when u.seg is null and f.input + f.cached + f.output > 0 then ${DIMENSION_KEY_SQL.model} end as unpriced_model,
            -- Active = spent Codex credits or used Codex tokens this month.
            (lower(f.product) = 'codex' and (coalesce(f.credits, 0) > 0 or f.input + f.cached + f.output > 0)) as active
          from fine f join group_teams gt on gt.groups = f.groups cross join lateral (select coalesce(f.assigned_team, gt.team) as team) t
            left join units u on u.seg = f.seg::int and u.model = f.model and u.priority = (lower(f.tier) in (${priorityTiers}))
        ),
        -- Every other dimension's buckets are sums of a few hundred combinations of their values, summed once.
        combinations as materialized (
          select l.team, l.cost_centre, l.model, l.client_surface, l.product, l.codex,
            ${sql.join(segs.map((seg) => sql`sum(l.credits) filter (where l.seg = ${sql.raw(String(seg))}) as ${sql.raw(`credits_${seg}`)}`), sql`, `)}, ${sums("l")}
          from lines l group by 1, 2, 3, 4, 5, 6
        ),
        -- Each person's sums per team and cost centre (one row for most people).
        persons as materialized (
          select l.person, l.team, l.cost_centre, max(p.name) as name, sum(l.credits) as credits,
            ${usdOf((seg) => sql`sum(l.credits) filter (where l.seg = ${sql.raw(String(seg))})`)} as usd, ${sums("l")}, bool_or(l.active) as active
          from lines l left join people p on p.id = l.person_id
          group by l.person, l.team, l.cost_centre
        ),
        -- People active in each bucket. Active lines are Codex lines, so the organisation's and Codex's active people are
        -- the same; teams and cost centres come from the people's rows, the rest from distinct (value, person) pairs.
        active as (
          select 'team' as kind, team as key, count(distinct person)::int as users from persons where active group by team
          union all select 'costCentre', cost_centre, count(distinct person)::int from persons where active group by cost_centre
          union all select v.kind, '', count(distinct person)::int from persons cross join (values ('total'), ('codex')) v(kind) where active group by v.kind
          union all select 'model', model, count(*)::int from (select distinct l.model, l.person from lines l where l.active) m group by model
          union all select 'clientSurface', client_surface, count(*)::int from (select distinct l.client_surface, l.person from lines l where l.active) m group by client_surface
          union all select 'product', product, count(*)::int from (select distinct l.product, l.person from lines l where l.active) m group by product
        )
        select 'person' as kind, r.person as key, r.team as person_team, null::boolean as codex, r.name, null as unpriced_model,
          r.credits::text, r.usd::text, r.api::text, r.savings::text, r.priced_tokens::text, r.input::text, r.cached::text, r.output::text, r.active::int as users
        from persons r
        union all
        select d.kind, d.key, null, d.codex, null, null, d.credits::text, d.usd::text, d.api::text, d.savings::text, d.priced_tokens::text,
          d.input::text, d.cached::text, d.output::text, coalesce(a.users, 0)
        from (
          select ${dimensionKind} as kind, case when grouping(c.codex) = 0 then (case when c.codex then '' end) else coalesce(c.team, c.cost_centre, c.model, c.client_surface, c.product, '') end as key,
            c.codex, ${sql.join(
              segs.map((seg) => sql`coalesce(sum(${sql.raw(`c.credits_${seg}`)}), 0)`),
              sql` + `,
            )} as credits, ${usdOf((seg) => sql`sum(${sql.raw(`c.credits_${seg}`)})`)} as usd, ${sums("c")}
          from combinations c group by grouping sets ((c.team), (c.cost_centre), (c.model), (c.client_surface), (c.product), (c.codex), ())
        ) d left join active a on a.kind = d.kind and a.key = d.key
        union all
        -- Unpriced tokens per model, for every bucket that has any.
        select ${unpricedKind}, case when grouping(l.codex) = 0 then (case when l.codex then '' end) else coalesce(l.person, l.team, l.cost_centre, l.model, l.client_surface, l.product, '') end,
          l.team, l.codex, null, l.unpriced_model, null, null, null, null, sum(l.input + l.cached + l.output)::text, null, null, null, 0
        from lines l where l.unpriced_model is not null
        group by grouping sets ((l.person, l.team, l.unpriced_model), (l.team, l.unpriced_model), (l.cost_centre, l.unpriced_model), (l.model, l.unpriced_model),
          (l.client_surface, l.unpriced_model), (l.product, l.unpriced_model), (l.codex, l.unpriced_model), (l.unpriced_model))`;
}

const ALL_DIMENSIONS: readonly Dimension[] = ["team", "costCentre", "person", "model", "clientSurface", "product"];
const TOTALS_COLUMN: Record<Dimension, string> = { person: "person", team: "team", costCentre: "cost_centre", model: "model", clientSurface: "client_surface", product: "product" };

/** How a line's value names its bucket in each dimension (missing values shown as such), on a `fine f` line and its team `t`. */
const DIMENSION_KEY_SQL: Record<Dimension, SQL> = {
  person: sql`coalesce(nullif(f.email, ''), '(no email)')`,
  team: sql`coalesce(t.team, ${NO_TEAM})`,
  costCentre: sql`coalesce(f.cost_centre, ${NO_COST_CENTRE})`,
  model: sql`coalesce(nullif(f.model, ''), '(no model)')`,
  clientSurface: sql`coalesce(nullif(f.client, ''), '(unknown)') || ' / ' || coalesce(nullif(f.surface, ''), '(unknown)')`,
  product: sql`coalesce(nullif(f.product, ''), '(unknown)')`,
};

/** The month's sums per (day, price segment, model, tier), for the daily chart and CSV: a statement of its own, run beside monthAggregateSql. */
export function monthDaysSql(from: string, next: string, starts: readonly string[]): SQL {
  return sql`select 'day' as kind, null as email, null as name, null as team, null as cost_centre, null as product, null as client, null as surface,
          ${daySql}::text as day, ${segmentSql(daySql, starts)} as seg, c.model, c.service_tier as tier,
          ${microCredits(sql`sum(c.credits)`)} as credits, sum(c.input_tokens)::text as input, sum(c.cached_input_tokens)::text as cached, sum(c.output_tokens)::text as output, null as active
        from costs_daily c where ${inMonthSql(from, next)}
        group by ${daySql}, 10, 11, 12`;
}

/** What the month's money is in SQL: femto-USD per micro-credit per price segment, and per token of each class per segment, model and tier. */
type MoneyUnits = {
  usdPerMicroCredit: Femto[];
  units: Array<{ seg: number; model: string; priority: boolean; input: Femto; cached: Femto; output: Femto; savings: Femto }>;
};

/**
 * Money is linear in credits and tokens, and prices and rates are constant within a segment: the femto-USD of one
 * micro-credit and of one token of each class, from creditsToUsdOn and apiCost, times a line's amounts is exactly
 * what those functions give for the line. A model without a price in force at the segment's start has no units (unpriced).
 */
export function moneyUnits(starts: readonly string[], tables: PricingTables): MoneyUnits {
  const models = [...new Set(tables.prices.map((p) => p.model))].sort();
  const units: MoneyUnits["units"] = [];
  starts.forEach((start, seg) => {
    for (const model of models) {
      for (const priority of [false, true]) {
        const u = tokenUnits(model, priority ? "priority" : "default", start, tables.prices);
        if (u.priced) units.push({ seg, model, priority, input: u.input, cached: u.cached, output: u.output, savings: u.savings });
      }
    }
  });
  return { usdPerMicroCredit: starts.map((start) => creditsToUsdOn(1n, start, tables.rates)), units };
}

type SumRow = {
  kind: Dimension | "codex" | "total";
  key: string | null;
  person_team: string | null;
  codex: boolean | null;
  name: string | null;
  /** Set on the rows of unpriced tokens (their count in priced_tokens); null on the money rows. */
  unpriced_model: string | null;
  /** Micro-credits, femto-USD, tokens: exact integers as text. */
  credits: string | null;
  usd: string | null;
  api: string | null;
  savings: string | null;
  priced_tokens: string;
  input: string | null;
  cached: string | null;
  output: string | null;
  users: number;
};

/**
 * Everything a month's reports need, in exact units. Internal (callers check the viewer).
 * One SQL statement (monthAggregateSql) sums the month per dimension value with its money (exact numerics:
 * credits × the segment's rate, tokens × the model's price per token), so JavaScript reads a row per person and a
 * few hundred others instead of summing every line; the daily chart's few hundred rows are priced here
 * (pricing is linear in the tokens and constant within a price segment).
 */
export async function computeMonthSpend(
  db: Database,
  month: string,
  pricing?: PricingTables,
  {
    detail = true,
    dayLevel = false,
    dimensions = ALL_DIMENSIONS,
  }: {
    detail?: boolean;
    /** Sum every person day by day (tests compare it with the monthly rollup's path). */
    dayLevel?: boolean;
    /** Without detail: the dimensions to sum (the others stay empty; the totals are always there). */
    dimensions?: readonly Dimension[];
  } = {},
): Promise<MonthSpend> {
  const { from, to, next } = monthBounds(month);
  const tables = pricing ?? (await loadPricingTables(db));
  const starts = priceSegments(from, next, tables);
  const monthly = !dayLevel && starts.length === 1;
  // Without `detail` there are no day rows: the days with data are read from the daily rollup's primary key (day first).
  if (!detail) return monthTotals(db, month, from, to, next, starts, monthly, tables, dimensions);
  const money = moneyUnits(starts, tables);
  // Independent statements: on PostgreSQL they run side by side on pooled connections.
  const [sumRows, dayRows] = await Promise.all([
    monthQuery(db, (tx) => selectRows<SumRow>(tx, monthAggregateSql(from, next, starts, true, monthly, money))),
    monthQuery(db, (tx) => selectRows<MonthRow>(tx, monthDaysSql(from, next, starts))),
  ]);

  const byDimension = Object.fromEntries(DIMENSIONS.map((d) => [d.key, new Map<string, Bucket>()])) as Record<Dimension, Map<string, Bucket>>;
  const byDay = new Map<string, Bucket>();
  const total = bucket();
  const codex = bucket();
  const names = new Map<string, string | null>();
  const personTeams = new Map<string, Map<string, MicroCredits>>();
  const get = (map: Map<string, Bucket>, key: string) => {
    let b = map.get(key);
    if (!b) map.set(key, (b = bucket()));
    return b;
  };
  for (const r of sumRows) {
    const b = r.kind === "total" ? total : r.kind === "codex" ? (r.codex ? codex : null) : get(byDimension[r.kind], r.key!);
    if (!b) continue;
    if (r.unpriced_model !== null) {
      b.api.unpriced.set(r.unpriced_model, (b.api.unpriced.get(r.unpriced_model) ?? 0n) + BigInt(r.priced_tokens));
      continue;
    }
    const credits = BigInt(r.credits!);
    b.credits += credits;
    b.usd += BigInt(r.usd!);
    b.api.total += BigInt(r.api!);
    b.api.cacheSavings += BigInt(r.savings!);
    b.api.pricedTokens += BigInt(r.priced_tokens);
    b.input += BigInt(r.input!);
    b.cached += BigInt(r.cached!);
    b.output += BigInt(r.output!);
    // A person's rows are split by team: active in any of them is one active person.
    b.users = Math.max(b.users, r.users);
    if (r.kind !== "person") continue;
    const email = r.key!;
    if (r.name !== null && !names.get(email)) names.set(email, r.name);
    else if (!names.has(email)) names.set(email, null);
    let teams = personTeams.get(email);
    if (!teams) personTeams.set(email, (teams = new Map()));
    teams.set(r.person_team!, (teams.get(r.person_team!) ?? 0n) + credits);
  }

  const units = new Map<string, TokenUnits>();
  const unitsOf = (model: string, tier: string, seg: number): TokenUnits => {
    const key = `${seg}\u0000${tier}\u0000${model}`;
    let u = units.get(key);
    if (!u) units.set(key, (u = tokenUnits(model, tier, starts[seg]!, tables.prices)));
    return u;
  };
  for (const r of dayRows) {
    const seg = Number(r.seg);
    const b = get(byDay, r.day!.slice(0, 10));
    const credits = BigInt(r.credits);
    const input = BigInt(r.input);
    const cached = BigInt(r.cached);
    const output = BigInt(r.output);
    const tokens = input + cached + output;
    b.credits += credits;
    b.usd += credits * money.usdPerMicroCredit[seg]!;
    b.input += input;
    b.cached += cached;
    b.output += output;
    if (tokens === 0n) continue;
    const unit = unitsOf(r.model, r.tier, seg);
    if (unit.priced) {
      b.api.total += input * unit.input + cached * unit.cached + output * unit.output;
      b.api.cacheSavings += cached * unit.savings;
      b.api.pricedTokens += tokens;
    } else {
      b.api.unpriced.set(unit.model, (b.api.unpriced.get(unit.model) ?? 0n) + tokens);
    }
  }
  const days = [...byDay.keys()].sort();
  return { month, from, to, total, codex, byDimension, byDay, names, personTeams, daysWithData: days.length, lastDay: days.at(-1) ?? null };
}

/** `key` is the bucket's name in its dimension (DIMENSION_KEY_SQL). */
type TotalsRow = { kind: Dimension; key: string; seg: number; credits: string };

/**
 * A month's credits and USD per dimension value, without tokens, tiers, names, days or active people (the month
 * before on the spend page, budgets): one row per dimension value and price segment. The organisation's and Codex's
 * totals are the sums of the product rows (every line has one product).
 */
async function monthTotals(
  db: Database,
  month: string,
  from: string,
  to: string,
  next: string,
  starts: readonly string[],
  monthly: boolean,
  tables: PricingTables,
  dimensions: readonly Dimension[],
): Promise<MonthSpend> {
  const [rows, dataDays] = await Promise.all([
    monthQuery(db, (tx) => selectRows<TotalsRow>(tx, monthAggregateSql(from, next, starts, false, monthly, undefined, dimensions))),
    daysWithCosts(db, from, next),
  ]);
  const byDimension = Object.fromEntries(DIMENSIONS.map((d) => [d.key, new Map<string, Bucket>()])) as Record<Dimension, Map<string, Bucket>>;
  const total = bucket();
  const codex = bucket();
  const usdPerMicroCredit = starts.map((start) => creditsToUsdOn(1n, start, tables.rates));
  for (const r of rows) {
    const credits = BigInt(r.credits);
    const usd = credits * usdPerMicroCredit[Number(r.seg)]!;
    const key = r.key;
    const map = byDimension[r.kind];
    let b = map.get(key);
    if (!b) map.set(key, (b = bucket()));
    b.credits += credits;
    b.usd += usd;
    if (r.kind !== "product") continue;
    for (const t of isCodex(key) ? [total, codex] : [total]) {
      t.credits += credits;
      t.usd += usd;
    }
  }
  return { month, from, to, total, codex, byDimension, byDay: new Map(), names: new Map(), personTeams: new Map(), daysWithData: dataDays.length, lastDay: dataDays.at(-1) ?? null };
}

/**
 * The UTC days of [from, next) that have COSTS records, oldest first: one probe of costs_daily's
 * primary key (day first) per day with data, instead of reading every row of the range.
 */
async function daysWithCosts(db: Pick<Database, "execute">, from: string, next: string): Promise<string[]> {
  const rows = await selectRows<{ day: string }>(
    db,
    sql`with recursive d(day) as (
          (select c.day from costs_daily c where c.day >= ${from}::date and c.day < ${next}::date order by c.day limit 1)
          union all
          select (select c.day from costs_daily c where c.day > d.day and c.day < ${next}::date order by c.day limit 1) from d where d.day is not null
        )
        select day::text as day from d where day is not null order by day`,
  );
  return rows.map((r) => r.day.slice(0, 10));
}

type TokenUnits = { priced: true; input: Femto; cached: Femto; output: Femto; savings: Femto } | { priced: false; model: string };

/** The API-equivalent femto-USD of one token of each class (and the saving of one cached token), by apiCost. */
function tokenUnits(model: string, tier: string, day: string, prices: PricingTables["prices"]): TokenUnits {
  const price = (inputTokens: number, cachedInputTokens: number, outputTokens: number) =>
    apiCost({ model: model || null, serviceTier: tier, inputTokens, cachedInputTokens, outputTokens }, day, prices);
  const input = price(1, 0, 0);
  if (!input.priced) return { priced: false, model: input.model };
  const cached = price(0, 1, 0);
  const output = price(0, 0, 1);
  if (!cached.priced || !output.priced) throw new Error("a model is priced for one token class and not another");
  return { priced: true, input: input.total, cached: cached.total, output: output.total, savings: cached.cacheSavings };
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
async function buildSpendReport(db: Database, month: string) {
  const pricing = await loadPricingTables(db);
  // Two independent statements: on PostgreSQL they run side by side on two pooled connections.
  // The month before is needed for its credits and USD per dimension value only.
  const [current, before] = await Promise.all([computeMonthSpend(db, month, pricing), computeMonthSpend(db, previousMonth(month), pricing, { detail: false })]);
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
export const getMonthlySpendForSystem = ({ db, month }: { db: Database; month: string }) => buildSpendReport(db, month);

/**
 * Monthly totals for the trend (credits, USD at the day's rate), oldest first. A month whose
 * contract rate is one rate throughout is summed from costs_monthly (credits × that rate is exact);
 * a month with a rate change inside it is summed day by day from costs_daily.
 */
export async function monthlyTrend({ db, viewer, month, months = 6 }: { db: Database; viewer: Viewer | null; month: string; months?: number }) {
  if (viewer) assertViewerHasRole(viewer, SPEND_ROLES);
  const list = [month];
  while (list.length < months) list.unshift(previousMonth(list[0]!));
  const { from } = monthBounds(list[0]!);
  const { next } = monthBounds(month);
  const { rates } = await loadPricingTables(db);
  const rateChangesInside = (m: string) => {
    const b = monthBounds(m);
    return rates.some((r) => (r.validFrom > b.from && r.validFrom < b.next) || (r.validTo !== null && r.validTo > b.from && r.validTo < b.next));
  };
  const dayMonths = list.filter(rateChangesInside).map((m) => monthBounds(m).from);
  const [monthRows, dayRows, dataDays] = await Promise.all([
    selectRows<{ month: string; credits: string | null }>(
      db,
      sql`select month::text as month, sum(credits)::text as credits from costs_monthly
          where month >= ${from}::date and month < ${next}::date group by 1`,
    ),
    dayMonths.length === 0
      ? []
      : selectRows<{ day: string; credits: string | null }>(
          db,
          sql`select day::text as day, sum(credits)::text as credits from costs_daily
              where day >= ${from}::date and day < ${next}::date and date_trunc('month', day)::date = any(${`{${dayMonths.join(",")}}`}::date[]) group by 1`,
        ),
    daysWithCosts(db, from, next),
  ]);
  const byMonth = new Map(list.map((m) => [m, { credits: 0n, usd: 0n, days: 0 }]));
  for (const day of dataDays) {
    const m = byMonth.get(day.slice(0, 7));
    if (m) m.days++;
  }
  const add = (m: string, day: string, credits: string | null) => {
    const v = byMonth.get(m);
    if (!v || !credits) return;
    const c = parseCredits(credits);
    v.credits += c;
    v.usd += creditsToUsdOn(c, day, rates);
  };
  for (const r of monthRows) if (!dayMonths.includes(r.month.slice(0, 10))) add(r.month.slice(0, 7), r.month.slice(0, 10), r.credits);
  for (const r of dayRows) add(r.day.slice(0, 7), r.day.slice(0, 10), r.credits);
  return list.map((m) => {
    const v = byMonth.get(m)!;
    // A month without any COSTS record (before the first sync's backfill) is "no data", not a spend of 0.
    return { month: m, daysWithData: v.days, credits: formatCredits(v.credits), usd: formatUsd(v.usd), creditsValue: Number(formatCredits(v.credits, 4)), usdValue: Number(formatUsd(v.usd, 4)) };
  });
}

/* ───────────────────────── reconciliation ───────────────────────── */

export type ReconciliationRow = { day: string; openaiUserId: string; email: string | null; costsCredits: string; analyticsCredits: string; difference: string };

/**
 * COSTS (codex) and Analytics credits per UTC day and person of the range with each row's email
 * (COSTS' first), as `j`: one grouping of both sources' rows. Only the full CSV reads it, because
 * it names every person-day; the totals and the differences shown read reconciliation_daily, and
 * the tests prove both agree. Credits are whole micro-credits (bigint, exact: numeric(20, 6) × 10⁶).
 */
const reconciliationCte = (from: string, to: string) => sql`
  with j as (
    select day, openai_user_id,
      coalesce(max(email) filter (where is_costs), max(email) filter (where not is_costs)) as email,
      coalesce(sum(credits) filter (where is_costs), 0) as costs_credits, coalesce(sum(credits) filter (where not is_costs), 0) as analytics_credits
    from (
      select true as is_costs, day, openai_user_id, (credits * 1000000)::bigint as credits, nullif(email, '') as email
      from costs_daily
      where day >= ${from}::date and day <= ${to}::date and lower(product) = 'codex' and openai_user_id <> ''
      union all
      select false, day, openai_user_id, (credits * 1000000)::bigint, lower(email)
      from analytics_usage_daily
      where day >= ${from}::date and day <= ${to}::date and openai_user_id <> ''
    ) rows
    group by day, openai_user_id
  )`;

/**
 * Per UTC day and person: COSTS credits (product codex) against the Analytics API's credits.
 * Totals for the range and every row that differs (limited; the CSV has all of them). Both sides come
 * already grouped per person-day from reconciliation_daily, kept by triggers on costs_hourly and
 * analytics_usage_daily (migration 0016): a scan of the range's person-days, not a grouping of every
 * COSTS line of the month. Only the differences shown need an email, looked up for those few
 * person-days the way the CSV names them (COSTS' first, else Analytics').
 */
export async function getReconciliation({ db, viewer, from, to, limit = 200 }: { db: Database; viewer: Viewer | null; from: string; to: string; limit?: number }) {
  if (viewer) assertViewerHasRole(viewer, SPEND_ROLES);
  type Row = { kind: "totals" | "difference"; rows: number; costs: string | null; analytics: string | null; differing: number; only_costs: number; only_analytics: number; day: string; openai_user_id: string; email: string | null };
  const inRange = sql`r.day >= ${from}::date and r.day <= ${to}::date`;
  const rows = await selectRows<Row>(
    db,
    sql`with shown as materialized (
          select r.day, r.openai_user_id, r.costs_credits, r.analytics_credits from reconciliation_daily r where ${inRange} and r.costs_credits <> r.analytics_credits
          order by abs(r.costs_credits - r.analytics_credits) desc, r.day, r.openai_user_id limit ${Math.max(0, limit)}
        ), costs_emails as (
          select c.day, c.openai_user_id, max(nullif(c.email, '')) as email from costs_daily c join shown s on s.day = c.day and s.openai_user_id = c.openai_user_id
          where c.day >= ${from}::date and c.day <= ${to}::date and lower(c.product) = 'codex' group by 1, 2
        ), analytics_emails as (
          select a.day, a.openai_user_id, max(lower(a.email)) as email from analytics_usage_daily a join shown s on s.day = a.day and s.openai_user_id = a.openai_user_id
          where a.day >= ${from}::date and a.day <= ${to}::date group by 1, 2
        )
        select 'totals' as kind, count(*)::int as rows, sum(r.costs_credits)::text as costs, sum(r.analytics_credits)::text as analytics,
          count(*) filter (where r.costs_credits <> r.analytics_credits)::int as differing,
          count(*) filter (where r.analytics_credits = 0 and r.costs_credits <> 0)::int as only_costs,
          count(*) filter (where r.costs_credits = 0 and r.analytics_credits <> 0)::int as only_analytics,
          null::text as day, null::text as openai_user_id, null::text as email
        from reconciliation_daily r where ${inRange}
        union all
        (select 'difference', 0, s.costs_credits::text, s.analytics_credits::text, 0, 0, 0, s.day::text, s.openai_user_id, coalesce(ce.email, ae.email)
         from shown s left join costs_emails ce on ce.day = s.day and ce.openai_user_id = s.openai_user_id
           left join analytics_emails ae on ae.day = s.day and ae.openai_user_id = s.openai_user_id
         order by abs(s.costs_credits - s.analytics_credits) desc, s.day, s.openai_user_id)`,
  );
  const totals = rows.find((r) => r.kind === "totals");
  const differences = rows.filter((r) => r.kind === "difference").map((r) => ({ day: r.day, openai_user_id: r.openai_user_id, email: r.email, costs_credits: r.costs ?? "0", analytics_credits: r.analytics ?? "0" }));
  const costs = BigInt(totals?.costs ?? "0");
  const analytics = BigInt(totals?.analytics ?? "0");
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

/** `d`'s credits are whole micro-credits. */
function toReconciliationRow(d: { day: string; openai_user_id: string; email: string | null; costs_credits: string; analytics_credits: string }): ReconciliationRow {
  const c = BigInt(d.costs_credits);
  const a = BigInt(d.analytics_credits);
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
export async function* iterateSpendLines({ db, viewer, month }: { db: Database; viewer: Viewer; month: string }): AsyncGenerator<SpendLine> {
  assertViewerHasRole(viewer, SPEND_ROLES);
  yield* streamSpendLines(db, month);
}
