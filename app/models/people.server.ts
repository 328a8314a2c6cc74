import { sql, type SQL } from "drizzle-orm";
import { costsClientOf, NO_COSTS_CLIENT } from "../lib/clients";
import { addDays, isoDayParam, resolveDayRange } from "../lib/date-range";
import { z } from "zod";
import { selectRows, type Database } from "../../db/client.server";
import type { Role } from "../lib/roles";
import { listTeams, teamSql, teamsOfPeopleSql } from "./teams.server";
import { assertViewerHasRole, type Viewer } from "./viewer";

/**
 * The People page: one row per Codex user with their activity in a date range, read from
 * the rollups (person_days and person_months, kept from daily_rollups, codex_sessions and
 * costs_hourly — COSTS being the authoritative spend — by triggers; docs/decisions/0018),
 * never from raw events. Individuals are for auditors, finance and admins; viewers
 * get per-team aggregates only, with small teams merged so that nobody can be singled out.
 */

export const PEOPLE_SORTS = ["name", "team", "credits", "threads", "turns", "tokens", "activeDays", "currentStreak", "lastActive"] as const;
export type PeopleSort = (typeof PEOPLE_SORTS)[number];
export const PAGE_SIZES = [10, 25, 50, 100] as const;
/** Roles that may see individual people (names, emails, per-person numbers). */
export const INDIVIDUAL_ROLES: readonly Role[] = ["auditor", "finance", "admin"];
/** Roles that may open a person's audit trail from this page. */
export const TRAIL_ROLES: readonly Role[] = ["auditor", "admin"];
/** Teams smaller than this are merged in the aggregate view (k-anonymity for viewers). */
export const MIN_TEAM_SIZE = 3;
/** Streaks count back at most this many days before the end of the range. */
const STREAK_LOOKBACK_DAYS = 365;
const MAX_RANGE_DAYS = 366;

const peopleParamsSchema = z
  .object({
    from: isoDayParam("from").optional(),
    to: isoDayParam("to").optional(),
    q: z.string().trim().max(200, "q (search) must be at most 200 characters").optional(),
    team: z.string().trim().max(200, "team must be at most 200 characters").optional(),
    client: z.string().trim().max(200, "client must be at most 200 characters").optional(),
    model: z.string().trim().max(200, "model must be at most 200 characters").optional(),
    sort: z.enum(PEOPLE_SORTS, { error: `sort must be one of: ${PEOPLE_SORTS.join(", ")}` }).default("credits"),
    dir: z.enum(["asc", "desc"], { error: "dir must be asc or desc" }).optional(),
    page: z.coerce.number({ error: "page must be a number" }).int("page must be a whole number").min(1, "page must be 1 or more").max(100_000, "page is too large").default(1),
    pageSize: z.coerce
      .number({ error: "pageSize must be a number" })
      .refine((n) => (PAGE_SIZES as readonly number[]).includes(n), `pageSize must be one of: ${PAGE_SIZES.join(", ")}`)
      .default(25),
  })
  .strip();

export type PeopleQuery = {
  from: string;
  to: string;
  q: string | null;
  team: string | null;
  /** Count only activity with this CODEX_LOG client (credits: COSTS' name for it) and this model. */
  client?: string;
  model?: string;
  sort: PeopleSort;
  dir: "asc" | "desc";
  page: number;
  pageSize: number;
};

/** Default direction per column: numbers and dates biggest first, names A to Z. */
export function defaultDir(sort: PeopleSort): "asc" | "desc" {
  return sort === "name" || sort === "team" ? "asc" : "desc";
}

/** URL search parameters to a query, or a problem naming the parameter (for a 400). */
export function parsePeopleParams(params: URLSearchParams, now = new Date()): { ok: true; query: PeopleQuery } | { ok: false; problem: string } {
  const raw: Record<string, string> = {};
  for (const key of ["from", "to", "q", "team", "client", "model", "sort", "dir", "page", "pageSize"]) {
    const value = params.get(key);
    if (value !== null && value !== "") raw[key] = value;
  }
  const parsed = peopleParamsSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problem: parsed.error.issues.map((i) => i.message).join("; ") };
  const range = resolveDayRange(parsed.data, { now, maxDays: MAX_RANGE_DAYS });
  if (!range.ok) return range;
  const { from, to } = range;
  return {
    ok: true,
    query: {
      from,
      to,
      q: parsed.data.q || null,
      team: parsed.data.team || null,
      ...(parsed.data.client ? { client: parsed.data.client } : {}),
      ...(parsed.data.model ? { model: parsed.data.model } : {}),
      sort: parsed.data.sort,
      dir: parsed.data.dir ?? defaultDir(parsed.data.sort),
      page: parsed.data.page,
      pageSize: parsed.data.pageSize,
    },
  };
}

export type PersonRow = {
  id: string;
  name: string | null;
  email: string;
  active: boolean;
  team: string | null;
  credits: number;
  threads: number;
  turns: number;
  tokens: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  activeDays: number;
  currentStreak: number;
  lastActive: string | null;
};

export type TeamAggregate = {
  team: string;
  /** "team": one identity group; "other": people without a team and teams under MIN_TEAM_SIZE, merged. */
  kind: "team" | "other";
  /** True when even the merged row is under MIN_TEAM_SIZE: its numbers are zero and must not be shown. */
  withheld: boolean;
  people: number;
  activePeople: number;
  credits: number;
  threads: number;
  turns: number;
  tokens: number;
  activeDays: number;
};

export type PeopleView =
  | { kind: "individuals"; query: PeopleQuery; rows: PersonRow[]; total: number; teams: string[]; canOpenTrail: boolean }
  | { kind: "aggregates"; query: PeopleQuery; teams: TeamAggregate[]; teamNames: string[]; totals: Omit<TeamAggregate, "team" | "kind"> };

const SORT_SQL: Record<PeopleSort, SQL> = {
  name: sql`lower(coalesce(name, email))`,
  team: sql`lower(team)`,
  credits: sql`credits_exact`,
  threads: sql`threads`,
  turns: sql`turns`,
  tokens: sql`tokens`,
  activeDays: sql`active_days`,
  currentStreak: sql`current_streak`,
  lastActive: sql`last_active`,
};

function likePattern(text: string) {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const utcStart = (day: string) => sql`((${day}::date)::timestamp at time zone 'UTC')`;

/**
 * The current streak as of `to` (days in a row with Codex activity, ending on `to` or the day
 * before, counting back at most STREAK_LOOKBACK_DAYS), as CTEs ending in `streak` (person_id,
 * current_streak) for the people `m.person_id` passes `people`. Read from the month masks of
 * person_months (migration 0014): a month's run of active days is found in its bits, so a
 * streak costs one row per month it spans instead of one probe per day.
 */
function streakCtesSql(to: string, people: SQL): SQL {
  const day = sql`${to}::date`;
  const earliest = sql`(${day} - ${STREAK_LOOKBACK_DAYS - 1}::int)`;
  const active = (d: SQL) => sql`(m.month = date_trunc('month', ${d})::date and (m.days >> (extract(day from ${d})::int - 1)) & 1 = 1)`;
  const monthStart = sql`date_trunc('month', w.at)::date`;
  const dayOfMonth = sql`extract(day from w.at)::int`;
  return sql`streak_start as (
      select m.person_id, max(case when ${active(day)} then ${day} when ${active(sql`(${day} - 1)`)} then ${day} - 1 end) as anchor
      from person_months m
      where m.month in (date_trunc('month', ${day})::date, date_trunc('month', ${day} - 1)::date) and ${people}
      group by m.person_id
    ),
    streak_walk(person_id, anchor, at, length, more) as (
      select person_id, anchor, anchor, 0, true from streak_start where anchor is not null
      union all
      -- The run of set bits from the day 'at' down to the 1st of its month; a full run goes on into the month before.
      select w.person_id, w.anchor, ${monthStart} - 1, w.length + x.run, x.run = ${dayOfMonth} and ${monthStart} - 1 >= ${earliest}
      from streak_walk w
      left join person_months m on m.month = ${monthStart} and m.person_id = w.person_id
      cross join lateral (
        select position('0' in reverse(substr(reverse(coalesce(m.days, 0)::bit(32)::text), 1, ${dayOfMonth})) || '0') - 1 as run
      ) x
      where w.more
    ),
    streak as (
      select person_id, least(max(length), max(anchor) - ${earliest} + 1)::int as current_streak from streak_walk group by person_id
    )`;
}

/** The current streak of one person as of `to` (see streakCtesSql): an int, 0 without one. */
export function streakSql(personId: SQL, to: string): SQL {
  return sql`(with recursive ${streakCtesSql(to, sql`m.person_id = ${personId}`)} select coalesce((select current_streak from streak), 0))`;
}

/** Days in the query's range, both ends included. */
const rangeDays = (query: PeopleQuery) => Math.round((Date.parse(`${query.to}T00:00:00Z`) - Date.parse(`${query.from}T00:00:00Z`)) / 86_400_000) + 1;

/** The last day with Codex activity up to `to` (text, or null), one backward index probe. */
export function lastActiveSql(personId: SQL, to: string): SQL {
  return sql`(select max(d.day) from daily_rollups d where d.person_id = ${personId} and d.day <= ${to}::date)::text`;
}

/** The people listed (CTEs `base` and `scoped`): Codex users matching the search and the team filter. */
function scopedPeopleSql(query: PeopleQuery, { search, withTeam }: { search: boolean; withTeam: boolean }): SQL {
  const conditions: SQL[] = [sql`p.openai_user_id is not null`];
  if (search && query.q) {
    const pattern = likePattern(query.q);
    conditions.push(sql`(p.email ilike ${pattern} or coalesce(p.name, '') ilike ${pattern})`);
  }
  const teamCondition = query.team ? sql`team = ${query.team}` : sql`true`;
  return sql`base as (
      select p.id, p.name, p.email, p.active, ${withTeam ? sql`pt.team` : sql`null::text`} as team
      from people p ${withTeam ? sql`left join ${teamsOfPeopleSql()} pt on pt.person_id = p.id` : sql``}
      where ${sql.join(conditions, sql` and `)}
    ),
    scoped as (select * from base where ${teamCondition})`;
}

/**
 * The per-person rows of the range, as a SQL query (CTEs ending in `people_rows`). Without a
 * client or model filter everything comes from person_days (one narrow row per person and day,
 * migration 0014); with one, from the sources themselves (daily_rollups, costs_hourly,
 * codex_sessions), which person_days does not split by client and model. Read by date range in
 * one pass (hash aggregates) unless a search or team filter narrows the people, when they are
 * read per person on the (person, day/time) indexes. The team costs a lookup per person, so it is computed for everyone only when the
 * view filters, sorts or groups by it (`withTeam`); the current streak and the last active day
 * likewise only when the view sorts by them (`withStreak`, `withLastActive`) — otherwise the caller computes
 * them for the rows of the page (streakSql, lastActiveSql).
 */
export function peopleRowsSql(
  query: PeopleQuery,
  {
    search,
    withTeam,
    withStreak = false,
    withLastActive = false,
  }: { search: boolean; withTeam: boolean; withStreak?: boolean; withLastActive?: boolean },
) {
  // Narrowed to some people: read each one's rows on the (person, time) indexes; everyone: one range pass.
  const narrowed = (column: SQL) => ((search && query.q) || query.team ? sql`and ${column} in (select id from scoped)` : sql``);
  const from = sql`${query.from}::date`;
  const to = sql`${query.to}::date`;
  // Client and model narrow the activity counted, not the people listed.
  const only = (client: SQL | null, model: SQL, clientValue = query.client) =>
    sql`${query.client && client ? sql`and ${client} = ${clientValue}` : sql``} ${query.model ? sql`and ${model} = ${query.model}` : sql``}`;
  const costsClient = query.client ? (costsClientOf(query.client) ?? NO_COSTS_CLIENT) : undefined;
  return sql`
    with recursive ${scopedPeopleSql(query, { search, withTeam })},
    ${
      !query.client && !query.model
        ? // Everything a person did per day, kept by triggers in step with the sources (migration 0014): one narrow table read once.
          sql`roll as (
      -- Summed as float8 (exact below 2^53): sum() of a bigint accumulates in numeric, a fifth of this pass.
      select d.person_id, sum(d.turns::float8) as turns, sum(d.input_tokens::float8) as input_tokens,
        sum(d.cached_input_tokens::float8) as cached_input_tokens, sum(d.output_tokens::float8) as output_tokens,
        count(*) filter (where d.rollups > 0)::int as active_days, sum(d.credits) as credits, sum(d.sessions)::int as threads
      from person_days d
      where d.day between ${from} and ${to} ${narrowed(sql`d.person_id`)}
      group by d.person_id
    ),
    credit as (select person_id, credits from roll),
    thread as (select person_id, threads from roll),`
        : sql`${
            rangeDays(query) <= 63
              ? // Active days as a bigint mask of the range's days: one hash aggregate per person, no (person, day) step.
                sql`roll as (
      select r.person_id, sum(r.prompts)::float8 as turns, sum(r.input_tokens::float8) as input_tokens,
        sum(r.cached_input_tokens::float8) as cached_input_tokens, sum(r.output_tokens::float8) as output_tokens,
        bit_count(bit_or(1::bigint << (r.day - ${from}))::bit(64))::int as active_days
      from daily_rollups r
      where r.day between ${from} and ${to} and r.person_id is not null ${narrowed(sql`r.person_id`)} ${only(sql`r.client_id`, sql`r.model`)}
      group by r.person_id
    ),`
              : sql`roll_day as (
      select r.person_id, r.day, sum(r.prompts)::float8 as turns, sum(r.input_tokens::float8) as input_tokens,
        sum(r.cached_input_tokens::float8) as cached_input_tokens, sum(r.output_tokens::float8) as output_tokens
      from daily_rollups r
      where r.day between ${from} and ${to} and r.person_id is not null ${narrowed(sql`r.person_id`)} ${only(sql`r.client_id`, sql`r.model`)}
      group by r.person_id, r.day
    ),
    roll as (
      select person_id, sum(turns) as turns, sum(input_tokens) as input_tokens,
        sum(cached_input_tokens) as cached_input_tokens, sum(output_tokens) as output_tokens, count(*)::int as active_days
      from roll_day group by person_id
    ),`
          }
    credit as (
      -- COSTS is the authoritative spend (the Analytics API's credits are reconciled against it in the spend reports).
      select c.person_id, sum(c.credits) as credits
      from costs_hourly c
      where c.hour >= ${utcStart(query.from)} and c.hour < ${utcStart(addDays(query.to, 1))} and c.product = 'codex'
        and c.person_id is not null ${narrowed(sql`c.person_id`)} ${only(sql`c.client`, sql`c.model`, costsClient)}
      group by c.person_id
    ),
    thread as (
      select s.person_id, count(*)::int as threads
      from codex_sessions s
      where s.first_at >= ${utcStart(query.from)} and s.first_at < ${utcStart(addDays(query.to, 1))}
        and s.person_id is not null ${narrowed(sql`s.person_id`)} ${only(sql`s.client_id`, sql`s.model`)}
      group by s.person_id
    ),`
    }
    ${withStreak ? sql`${streakCtesSql(query.to, (search && query.q) || query.team ? sql`m.person_id in (select id from scoped)` : sql`true`)},` : sql`streak as (select null::uuid as person_id, null::int as current_streak where false),`}
    people_rows as (
      select s.id, s.name, s.email, s.active, s.team,
        coalesce(c.credits, 0)::float8 as credits,
        -- Exact: sorting and team sums must not depend on the order floats are added in.
        coalesce(c.credits, 0) as credits_exact,
        coalesce(t.threads, 0) as threads,
        coalesce(r.turns, 0) as turns,
        coalesce(r.input_tokens + r.cached_input_tokens + r.output_tokens, 0) as tokens,
        coalesce(r.input_tokens, 0) as input_tokens,
        coalesce(r.cached_input_tokens, 0) as cached_input_tokens,
        coalesce(r.output_tokens, 0) as output_tokens,
        coalesce(r.active_days, 0) as active_days,
        ${withStreak ? sql`coalesce(k.current_streak, 0)` : sql`null::int`} as current_streak,
        ${withLastActive ? lastActiveSql(sql`s.id`, query.to) : sql`null::text`} as last_active
      from scoped s
      left join roll r on r.person_id = s.id
      left join credit c on c.person_id = s.id
      left join thread t on t.person_id = s.id
      left join streak k on k.person_id = s.id
    )`;
}

type RawPersonRow = {
  id: string;
  name: string | null;
  email: string;
  active: boolean;
  team: string | null;
  credits: number | string;
  threads: number | string;
  turns: number | string;
  tokens: number | string;
  input_tokens: number | string;
  cached_input_tokens: number | string;
  output_tokens: number | string;
  active_days: number | string;
  current_streak: number | string;
  last_active: string | null;
  total?: number | string;
};

function toPersonRow(r: RawPersonRow): PersonRow {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    active: r.active,
    team: r.team,
    credits: Number(r.credits),
    threads: Number(r.threads),
    turns: Number(r.turns),
    tokens: Number(r.tokens),
    inputTokens: Number(r.input_tokens),
    cachedInputTokens: Number(r.cached_input_tokens),
    outputTokens: Number(r.output_tokens),
    activeDays: Number(r.active_days),
    currentStreak: Number(r.current_streak),
    lastActive: r.last_active,
  };
}

function orderBy(query: PeopleQuery) {
  const direction = query.dir === "asc" ? sql`asc` : sql`desc`;
  return sql`${SORT_SQL[query.sort]} ${direction} nulls last, lower(email) asc, id asc`;
}

const needsTeam = (query: PeopleQuery) => query.team !== null || query.sort === "team";

/**
 * One page of individuals from person_days (no client or model filter): only the sort column is
 * computed for every person listed (one sum, or none for name and team, or the streak from the
 * month masks); the other numbers are added up for the page's rows alone, on the (person, day) index.
 */
function pageFromPersonDaysSql(query: PeopleQuery, { withTeam }: { withTeam: boolean }): SQL {
  const from = sql`${query.from}::date`;
  const to = sql`${query.to}::date`;
  const narrowed = query.q || query.team ? sql`and d.person_id in (select id from scoped)` : sql``;
  const sum = (column: string, expression: SQL) => sql`sort_key as (
      select d.person_id, ${expression} as key from person_days d where d.day between ${from} and ${to} ${narrowed} group by d.person_id
    ),
    keyed as (select s.*, coalesce(k.key, 0) as ${sql.raw(column)} from scoped s left join sort_key k on k.person_id = s.id)`;
  const keyed: Record<PeopleSort, SQL> = {
    name: sql`keyed as (select * from scoped)`,
    team: sql`keyed as (select * from scoped)`,
    credits: sum("credits_exact", sql`sum(d.credits)`),
    threads: sum("threads", sql`sum(d.sessions)`),
    turns: sum("turns", sql`sum(d.turns)`),
    tokens: sum("tokens", sql`sum(d.input_tokens + d.cached_input_tokens + d.output_tokens)`),
    activeDays: sum("active_days", sql`count(*) filter (where d.rollups > 0)`),
    currentStreak: sql`${streakCtesSql(query.to, query.q || query.team ? sql`m.person_id in (select id from scoped)` : sql`true`)},
    keyed as (select s.*, coalesce(k.current_streak, 0) as current_streak from scoped s left join streak k on k.person_id = s.id)`,
    lastActive: sql`keyed as (select s.*, ${lastActiveSql(sql`s.id`, query.to)} as last_active from scoped s)`,
  };
  return sql`with recursive ${scopedPeopleSql(query, { search: true, withTeam })},
    ${keyed[query.sort]},
    page as (
      select *, count(*) over () as total from keyed
      order by ${orderBy(query)}
      limit ${query.pageSize} offset ${(query.page - 1) * query.pageSize}
    )
    select page.id, page.name, page.email, page.active, page.total,
      coalesce(n.credits, 0)::float8 as credits, coalesce(n.threads, 0) as threads, coalesce(n.turns, 0) as turns,
      coalesce(n.input_tokens + n.cached_input_tokens + n.output_tokens, 0) as tokens, coalesce(n.input_tokens, 0) as input_tokens,
      coalesce(n.cached_input_tokens, 0) as cached_input_tokens, coalesce(n.output_tokens, 0) as output_tokens, coalesce(n.active_days, 0) as active_days,
      ${query.sort === "currentStreak" ? sql`page.current_streak` : streakSql(sql`page.id`, query.to)} as current_streak,
      ${query.sort === "lastActive" ? sql`page.last_active` : lastActiveSql(sql`page.id`, query.to)} as last_active,
      ${withTeam ? sql`page.team` : teamSql(sql`page.id`)} as team
    from page
    left join lateral (
      select sum(d.credits) as credits, sum(d.sessions)::int as threads, sum(d.turns)::float8 as turns, sum(d.input_tokens)::float8 as input_tokens,
        sum(d.cached_input_tokens)::float8 as cached_input_tokens, sum(d.output_tokens)::float8 as output_tokens,
        count(*) filter (where d.rollups > 0)::int as active_days
      from person_days d where d.person_id = page.id and d.day between ${from} and ${to}
    ) n on true
    order by ${orderBy(query)}`;
}

/**
 * The viewer's per-team sums without a client or model filter: each person's sums from
 * person_days, added straight into their team (the people listed are the Codex users, as on the
 * individuals' page). The same numbers as grouping peopleRowsSql's rows by team, without building
 * those rows: at 10,000 people that took a third of the query.
 */
function teamSumsFromPersonDaysSql(query: PeopleQuery): SQL {
  return sql`with person as (
      select d.person_id, count(*) filter (where d.rollups > 0) as active_days, sum(d.credits) as credits, sum(d.sessions) as threads,
        sum(d.turns::float8) as turns, sum((d.input_tokens + d.cached_input_tokens + d.output_tokens)::float8) as tokens
      from person_days d
      where d.day between ${query.from}::date and ${query.to}::date
      group by d.person_id
    )
    select t.team, count(*)::int as people, count(*) filter (where r.active_days > 0)::int as active_people,
      coalesce(sum(r.credits), 0)::float8 as credits, coalesce(sum(r.threads), 0)::float8 as threads, coalesce(sum(r.turns), 0) as turns,
      coalesce(sum(r.tokens), 0) as tokens, coalesce(sum(r.active_days), 0)::float8 as active_days
    from ${teamsOfPeopleSql()} t
    left join person r on r.person_id = t.person_id
    ${query.team ? sql`where t.team = ${query.team}` : sql``}
    group by t.team`;
}

/** One page of individuals, sorted and filtered on the server, with the total count. */
export async function listPeople({ db, viewer, query }: { db: Database; viewer: Viewer; query: PeopleQuery }) {
  assertViewerHasRole(viewer, INDIVIDUAL_ROLES);
  const withTeam = needsTeam(query);
  const withStreak = query.sort === "currentStreak";
  const withLastActive = query.sort === "lastActive";
  const rows = await selectRows<RawPersonRow>(db, !query.client && !query.model ? pageFromPersonDaysSql(query, { withTeam }) : sql`${peopleRowsSql(query, { search: true, withTeam, withStreak, withLastActive })}
        select page.id, page.name, page.email, page.active, page.credits, page.threads, page.turns, page.tokens, page.input_tokens,
          page.cached_input_tokens, page.output_tokens, page.active_days, page.total,
          ${withStreak ? sql`page.current_streak` : streakSql(sql`page.id`, query.to)} as current_streak,
          ${withLastActive ? sql`page.last_active` : lastActiveSql(sql`page.id`, query.to)} as last_active,
          ${withTeam ? sql`page.team` : teamSql(sql`page.id`)} as team
        from (
          select *, count(*) over () as total from people_rows
          order by ${orderBy(query)}
          limit ${query.pageSize} offset ${(query.page - 1) * query.pageSize}
        ) page
        order by ${orderBy(query)}`);
  let total = rows[0] ? Number(rows[0].total) : 0;
  if (rows.length === 0 && query.page > 1) {
    // Past the last page: the window count is not there to read, so count separately.
    const counted = await selectRows<{ total: number }>(db, sql`${peopleRowsSql(query, { search: true, withTeam: query.team !== null })} select count(*)::int as total from people_rows`);
    total = Number(counted[0]?.total ?? 0);
  }
  return { rows: rows.map(toPersonRow), total };
}

/** Every individual of the current view (filters and order, no paging), for the CSV download. */
export async function listPeopleForExport({ db, viewer, query }: { db: Database; viewer: Viewer; query: PeopleQuery }) {
  assertViewerHasRole(viewer, INDIVIDUAL_ROLES);
  const rows = await selectRows<RawPersonRow>(
    db,
    sql`${peopleRowsSql(query, { search: true, withTeam: true, withStreak: true, withLastActive: true })} select * from people_rows order by ${orderBy(query)}`,
  );
  return rows.map(toPersonRow);
}

const OTHER = `No team, or a team under ${MIN_TEAM_SIZE} people`;

/**
 * Per-team sums for viewers. People without a team and teams under MIN_TEAM_SIZE people
 * are merged into one row, which is withheld when it is itself under the limit; totals are
 * the sum of the rows shown, so nothing withheld can be recovered by subtraction. Search by
 * name is not offered at this level.
 */
export async function listTeamAggregates({ db, viewer, query }: { db: Database; viewer: Viewer; query: PeopleQuery }) {
  assertViewerHasRole(viewer, ["viewer", ...INDIVIDUAL_ROLES]);
  const rows = await selectRows<{
    team: string | null;
    people: number | string;
    active_people: number | string;
    credits: number | string;
    threads: number | string;
    turns: number | string;
    tokens: number | string;
    active_days: number | string;
  }>(
    db,
    !query.client && !query.model
      ? teamSumsFromPersonDaysSql(query)
      : sql`${peopleRowsSql(query, { search: false, withTeam: true })}
        select team, count(*)::int as people, count(*) filter (where active_days > 0)::int as active_people,
          sum(credits_exact)::float8 as credits, sum(threads)::float8 as threads, sum(turns)::float8 as turns,
          sum(tokens)::float8 as tokens, sum(active_days)::float8 as active_days
        from people_rows group by team`,
  );
  const empty = (team: string, kind: TeamAggregate["kind"]): TeamAggregate => ({
    team,
    kind,
    withheld: false,
    people: 0,
    activePeople: 0,
    credits: 0,
    threads: 0,
    turns: 0,
    tokens: 0,
    activeDays: 0,
  });
  const add = (into: TeamAggregate, r: Omit<TeamAggregate, "team" | "kind" | "withheld">) => {
    into.people += r.people;
    into.activePeople += r.activePeople;
    into.credits += r.credits;
    into.threads += r.threads;
    into.turns += r.turns;
    into.tokens += r.tokens;
    into.activeDays += r.activeDays;
  };
  const teams: TeamAggregate[] = [];
  const other = empty(OTHER, "other");
  for (const r of rows) {
    const sums = {
      people: Number(r.people),
      activePeople: Number(r.active_people),
      credits: Number(r.credits),
      threads: Number(r.threads),
      turns: Number(r.turns),
      tokens: Number(r.tokens),
      activeDays: Number(r.active_days),
    };
    if (r.team === null || sums.people < MIN_TEAM_SIZE) add(other, sums);
    else {
      const t = empty(r.team, "team");
      add(t, sums);
      teams.push(t);
    }
  }
  teams.sort((a, b) => b.people - a.people || a.team.localeCompare(b.team));
  if (other.people > 0 && other.people < MIN_TEAM_SIZE) {
    // Too few to show any number without pointing at someone.
    teams.push({ ...empty(OTHER, "other"), withheld: true });
  } else if (other.people > 0) teams.push(other);
  const totals = empty("All shown", "team");
  for (const t of teams) if (!t.withheld) add(totals, t);
  const { team: _t, kind: _k, ...sums } = totals;
  // Without a team filter the rows cover every team in use: the same names listTeams would read again.
  const names = query.team === null ? rows.flatMap((r) => (r.team === null ? [] : [r.team])).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : null;
  return { teams, totals: sums, names };
}

/** The People page in one call: individuals for those who may see them, team sums otherwise. */
export async function getPeopleView({
  db,
  viewer,
  query,
}: {
  db: Database;
  viewer: Viewer;
  query: PeopleQuery;
}): Promise<PeopleView> {
  assertViewerHasRole(viewer, ["viewer", ...INDIVIDUAL_ROLES]);
  if (INDIVIDUAL_ROLES.some((r) => viewer.roles.includes(r))) {
    const [{ rows, total }, teams] = await Promise.all([listPeople({ db, viewer, query }), listTeams({ db, viewer })]);
    return { kind: "individuals", query, rows, total, teams, canOpenTrail: TRAIL_ROLES.some((r) => viewer.roles.includes(r)) };
  }
  // A team filter cannot single anyone out: a small team's row is merged and withheld as above.
  const { teams, totals, names: namesInRows } = await listTeamAggregates({ db, viewer, query });
  const names = namesInRows ?? (await listTeams({ db, viewer }));
  return { kind: "aggregates", query, teams, totals, teamNames: names };
}

export type PeopleCsvRow = {
  person_id: string;
  name: string | null;
  email: string;
  active: boolean;
  team: string | null;
  credits: number;
  threads: number;
  turns: number;
  tokens: number;
  input_tokens_uncached: number;
  cached_input_tokens: number;
  output_tokens: number;
  active_days: number;
  current_streak: number;
  last_active: string | null;
  from: string;
  to: string;
};

const columnsOf = <Row>(keys: ReadonlyArray<keyof Row & string>) => keys.map((key) => ({ key, header: key }));

/**
 * The CSV of the current view: every individual matching the filters, in the page's order
 * (paging ignored). Individuals only: viewers, who see team sums, get no CSV.
 */
export async function getPeopleExport({ db, viewer, query }: { db: Database; viewer: Viewer; query: PeopleQuery }) {
  assertViewerHasRole(viewer, INDIVIDUAL_ROLES);
  const rows = await listPeopleForExport({ db, viewer, query });
  return {
    fileName: `people-${query.from}-to-${query.to}.csv`,
    columns: columnsOf<PeopleCsvRow>([
      "person_id",
      "name",
      "email",
      "active",
      "team",
      "credits",
      "threads",
      "turns",
      "tokens",
      "input_tokens_uncached",
      "cached_input_tokens",
      "output_tokens",
      "active_days",
      "current_streak",
      "last_active",
      "from",
      "to",
    ]),
    rows: rows.map(
      (r): PeopleCsvRow => ({
        person_id: r.id,
        name: r.name,
        email: r.email,
        active: r.active,
        team: r.team,
        credits: r.credits,
        threads: r.threads,
        turns: r.turns,
        tokens: r.tokens,
        input_tokens_uncached: r.inputTokens,
        cached_input_tokens: r.cachedInputTokens,
        output_tokens: r.outputTokens,
        active_days: r.activeDays,
        current_streak: r.currentStreak,
        last_active: r.lastActive,
        from: query.from,
        to: query.to,
      }),
    ),
  };
}
