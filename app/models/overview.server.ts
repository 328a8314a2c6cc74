import { sql, type SQL } from "drizzle-orm";
import { selectRows, type Database } from "../../db/client.server";
import { costsClientOf, NO_COSTS_CLIENT } from "../lib/clients";
import { addDays } from "../lib/date-range";
import { assignedTeamOnDaySql, assignmentPeriodsSql, teamFromGroupsSql } from "./team-assignments.server";
import { assertViewerHasRole, type Viewer } from "./viewer";

export { costsClientOf };

/**
 * The organisation overview: everything here reads rollups, never raw events. Without a team, the
 * organisation's (no person row read): sums per day × client × model (daily_org_rollups,
 * daily_org_tool_rollups, migration 0012), people masks and threads per day (daily_org_people,
 * daily_org_tool_people, daily_org_costs, daily_org_sessions, migration 0015; ADR 0017). With a
 * team, the person rollups (daily_rollups, daily_tool_rollups), codex_sessions and costs_daily.
 *
 * The team filter is effective-dated: a day of someone's activity counts for the team they were
 * in on that day (team-assignments.server.ts: a CSV import or IdP assignment in force that day,
 * else the team rule on the groups of their COSTS record of that day, or the last one before it).
 * COSTS rows themselves count for the team of their own day and groups, as in the spend report.
 */

export type OverviewFilters = { from: string; to: string; team?: string; client?: string; model?: string };

const utcStart = (day: string) => sql`((${day}::date)::timestamp at time zone 'UTC')`;

/**
 * CTEs ending in `team_days (person_id, day)`: the days in the range on which each active person
 * was in `team`. Computed as sets: each person's COSTS groups carried forward from day to day,
 * the team rule applied once per distinct groups array, the assignments as periods. The CTEs are
 * materialised so that the planner cannot re-run one per joined row.
 */
function teamDaysCtes(f: OverviewFilters & TeamDaysKnown, team: string): SQL {
  if (f.teamDays !== undefined) {
    return sql`team_days as materialized (
      select (e->>0)::uuid as person_id, (e->>1)::date as day from jsonb_array_elements(${f.teamDays}::jsonb) e
    )`;
  }
  return sql`
    team_pd as materialized (
      select distinct person_id, day from daily_rollups where day between ${f.from}::date and ${f.to}::date and person_id is not null
    ),
    team_cost_day as materialized (
      select c.person_id, (c.hour at time zone 'UTC')::date as day, (array_agg(c.groups order by c.hour desc))[1] as groups
      from costs_hourly c
      where c.hour >= ${utcStart(f.from)} and c.hour < ${utcStart(addDays(f.to, 1))} and c.person_id in (select person_id from team_pd)
      group by 1, 2
    ),
    team_first as materialized (
      select distinct on (person_id) person_id, groups from team_cost_day order by person_id, day
    ),
    team_prior as materialized (
      -- Before a person's first COSTS record of the range: their last one before it (an index probe
      -- per person), else that first one (joined once: a lookup into the CTE per person would scan it).
      select pp.person_id, coalesce(
        (select c.groups from costs_hourly c where c.person_id = pp.person_id and c.hour < ${utcStart(f.from)} order by c.hour desc limit 1),
        tf.groups) as groups
      from (select distinct person_id from team_pd) pp left join team_first tf on tf.person_id = pp.person_id
    ),
    team_carried as (
      select person_id, day, kind, groups, count(groups) over (partition by person_id order by day, kind) as run
      from (select person_id, day, 0 as kind, groups from team_cost_day union all select person_id, day, 1, null::jsonb from team_pd) t
    ),
    team_filled as materialized (
      select c.person_id, c.day, coalesce(first_value(c.groups) over (partition by c.person_id, c.run order by c.day, c.kind), p.groups) as groups, c.kind
      from team_carried c left join team_prior p on p.person_id = c.person_id
    ),
    team_rule as materialized (
      select g.groups, ${teamFromGroupsSql(sql`g.groups`)} as team from (select distinct groups from team_filled where kind = 1 and groups is not null) g
    ),
    team_periods as materialized (${assignmentPeriodsSql(f.from, addDays(f.to, 1))}),
    team_days as materialized (
      select f.person_id, f.day
      from team_filled f
      join people p on p.id = f.person_id
      left join team_periods ap on ap.email = lower(p.email) and f.day >= ap.period_from and f.day < ap.period_to
      left join team_rule r on r.groups = f.groups
      where f.kind = 1 and coalesce(ap.team, r.team) = ${team}
    )`;
}

/**
 * The team's (person, day) pairs as JSON, computed once per request: the CTEs above cost seconds at
 * 10,000 people, and each of the Overview's reads would otherwise compute them again.
 */
type TeamDaysKnown = { teamDays?: string };

async function teamDaysJson(db: Database, f: OverviewFilters, team: string): Promise<string> {
  const [row] = await selectRows<{ pairs: string }>(
    db,
    sql`with ${teamDaysCtes(f, team)}
        select coalesce(jsonb_agg(jsonb_build_array(person_id, to_char(day, 'YYYY-MM-DD'))), '[]'::jsonb)::text as pairs from team_days`,
  );
  return row?.pairs ?? "[]";
}

const withTeamDays = (f: OverviewFilters & TeamDaysKnown) => (f.team ? sql`with ${teamDaysCtes(f, f.team)}` : sql``);
const inTeam = (f: OverviewFilters, personId: SQL, day: SQL) => (f.team ? sql`(${personId}, ${day}) in (select person_id, day from team_days)` : sql`true`);

function rollupFilter(f: OverviewFilters): SQL {
  const parts = [sql`r.day >= ${f.from}::date`, sql`r.day <= ${f.to}::date`, inTeam(f, sql`r.person_id`, sql`r.day`)];
  if (f.client) parts.push(sql`r.client_id = ${f.client}`);
  if (f.model) parts.push(sql`r.model = ${f.model}`);
  return sql.join(parts, sql` and `);
}

/** Rows of the organisation's rollups (alias r: no person) in the range, with the client and model filters. */
function orgRollupFilter(f: OverviewFilters): SQL {
  const parts = [sql`r.day >= ${f.from}::date`, sql`r.day <= ${f.to}::date`];
  if (f.client) parts.push(sql`r.client_id = ${f.client}`);
  if (f.model) parts.push(sql`r.model = ${f.model}`);
  return sql.join(parts, sql` and `);
}

function sessionFilter(f: OverviewFilters): SQL {
  const parts = [sql`s.first_at >= ${utcStart(f.from)}`, sql`s.first_at < ${utcStart(addDays(f.to, 1))}`, inTeam(f, sql`s.person_id`, sql`(s.first_at at time zone 'UTC')::date`)];
  if (f.client) parts.push(sql`s.client_id = ${f.client}`);
  if (f.model) parts.push(sql`s.model = ${f.model}`);
  return sql.join(parts, sql` and `);
}

/**
 * COSTS per day (costs_daily) of the filters and of the team: each row counts for the team of its
 * own day and groups, as in the spend report ('' in costs_daily is a missing value).
 */
function teamCostsSql(f: OverviewFilters, team: string): SQL {
  return sql`
    with c as materialized (
      select nullif(d.openai_user_id, '') as openai_user_id, nullif(d.surface, '') as surface, d.credits, d.email, d.groups, d.day
      from costs_daily d where ${costsDailyFilter(f)}
    ),
    rule as materialized (select g.groups, ${teamFromGroupsSql(sql`g.groups`)} as team from (select distinct groups from c) g),
    periods as materialized (${assignmentPeriodsSql(f.from, addDays(f.to, 1))})
    select c.* from c
    left join periods ap on ap.email = c.email and c.day >= ap.period_from and c.day < ap.period_to
    left join rule r on r.groups = c.groups
    where coalesce(ap.team, r.team) = ${team}`;
}

/** costs_daily rows (alias d) of the filters (an unknown client matches none). */
function costsDailyFilter(f: OverviewFilters): SQL {
  const parts = [sql`d.day >= ${f.from}::date`, sql`d.day <= ${f.to}::date`, sql`d.product = 'codex'`];
  if (f.model) parts.push(sql`d.model = ${f.model}`);
  if (f.client) parts.push(sql`d.client = ${costsClientOf(f.client) ?? NO_COSTS_CLIENT}`);
  return sql.join(parts, sql` and `);
}

/** Known people: active, with an OpenAI user id — and with a team filter, in the team on the range's last day. */
function knownPeopleSql(f: OverviewFilters): SQL {
  if (!f.team) return sql`select count(*)::int as known from people where openai_user_id is not null and active`;
  return sql`select count(*)::int as known from people p
    left join lateral (select c.groups from costs_hourly c where c.person_id = p.id and c.hour < ${utcStart(addDays(f.to, 1))} order by c.hour desc limit 1) l on true
    where p.openai_user_id is not null and p.active
      and coalesce(${assignedTeamOnDaySql({ email: sql`lower(p.email)`, day: sql`${f.to}::date` })}, ${teamFromGroupsSql(sql`l.groups`)}) = ${f.team}`;
}

type DistinctRow = { by: string; key: string | null; users: number };

/**
 * The people masks (migration 0015: daily_org_people, daily_org_tool_people, daily_org_costs) hold
 * one bit per person number (overview_person_numbers) in chunks of 4,096: the people of a set of
 * rows are the bits set in their OR, chunk by chunk, summed over the chunks.
 */
const CHUNK_PEOPLE = sql`bit_count(bit_or(r.people))`;

const DAY_MS = 86_400_000;
/** Longest range whose days fit one bigint mask. */
const MASK_DAYS = 63;
const rangeDays = (f: OverviewFilters) => Math.round((Date.parse(`${f.to}T00:00:00Z`) - Date.parse(`${f.from}T00:00:00Z`)) / DAY_MS) + 1;

/**
 * Distinct people per day, per week (from Monday), per client and overall. Without a team, from the
 * organisation's people masks (daily_org_people: a row per day × client × model × chunk of people),
 * for a range of any length. With a team each person's days are needed: up to 63 days, each
 * person's active days become one bigint mask per client in a single hash aggregate and the counts
 * are read off the masks (half the CPU of a count(distinct) per grouping set); longer ranges count
 * directly.
 */
async function distinctPeople(db: Database, f: OverviewFilters & TeamDaysKnown): Promise<DistinctRow[]> {
  const days = rangeDays(f);
  if (!f.team) {
    return selectRows<DistinctRow>(
      db,
      sql`select by, key, sum(users)::int as users
          from (select case when grouping(r.day) = 0 then 'day' when grouping(r.week) = 0 then 'week' when grouping(r.client) = 0 then 'client' else 'all' end as by,
                       coalesce(to_char(r.day, 'YYYY-MM-DD'), to_char(r.week, 'YYYY-MM-DD'), r.client) as key, ${CHUNK_PEOPLE} as users
                -- The models ORed together first: four grouping sets over a row per day × client × chunk.
                from (select r.day, date_trunc('week', r.day) as week, coalesce(nullif(r.client_id, ''), 'unknown') as client, r.chunk, bit_or(r.people) as people
                      from daily_org_people r where ${orgRollupFilter(f)} group by r.day, 3, r.chunk) r
                group by grouping sets ((r.day, r.chunk), (r.week, r.chunk), (r.client, r.chunk), (r.chunk))) c
          group by by, key`,
    );
  }
  if (days > MASK_DAYS) {
    return selectRows<DistinctRow>(
      db,
      sql`${withTeamDays(f)}
          select case when grouping(day) = 0 then 'day' when grouping(week) = 0 then 'week' when grouping(client) = 0 then 'client' else 'all' end as by,
                 coalesce(to_char(day, 'YYYY-MM-DD'), to_char(week, 'YYYY-MM-DD'), client) as key, count(distinct openai_user_id)::int as users
          from (select r.day, date_trunc('week', r.day) as week, coalesce(nullif(r.client_id, ''), 'unknown') as client, r.openai_user_id
                from daily_rollups r where ${rollupFilter(f)}) r
          group by grouping sets ((day), (week), (client), ())`,
    );
  }
  const from = sql`${f.from}::date`;
  return selectRows<DistinctRow>(
    db,
    sql`with ${teamDaysCtes(f, f.team)},
        by_client as (
          select r.openai_user_id, coalesce(nullif(r.client_id, ''), 'unknown') as client, bit_or(1::bigint << (r.day - ${from})) as days
          from daily_rollups r where ${rollupFilter(f)} group by 1, 2
        ),
        person as (select openai_user_id, bit_or(days) as days from by_client group by 1),
        week as (select date_trunc('week', ${from} + d) as week, bit_or(1::bigint << d) as mask from generate_series(0, ${days - 1}::int) d group by 1)
        select 'client' as by, client as key, count(*)::int as users from by_client group by client
        union all select 'all', null, count(*)::int from person
        union all select 'day', to_char(${from} + d, 'YYYY-MM-DD'), count(*)::int from person cross join generate_series(0, ${days - 1}::int) d
          where (person.days >> d) & 1 = 1 group by d
        union all select 'week', to_char(w.week, 'YYYY-MM-DD'), count(*)::int from person cross join week w where person.days & w.mask <> 0 group by w.week`,
  );
}

const n = (value: unknown) => Number(value ?? 0);

type Sums = { turns: number; responses: number; failed: number; input: number; cached: number; output: number; reasoning: number; toolCalls: number; approved: number; denied: number; aborted: number; findings: number };
const zeroSums = (): Sums => ({ turns: 0, responses: 0, failed: 0, input: 0, cached: 0, output: 0, reasoning: 0, toolCalls: 0, approved: 0, denied: 0, aborted: 0, findings: 0 });
function addSums(into: Sums, r: Record<string, unknown>) {
  into.turns += n(r.turns);
  into.responses += n(r.responses);
  into.failed += n(r.failed);
  into.input += n(r.input);
  into.cached += n(r.cached);
  into.output += n(r.output);
  into.reasoning += n(r.reasoning);
  into.toolCalls += n(r.tool_calls);
  into.approved += n(r.approved);
  into.denied += n(r.denied);
  into.aborted += n(r.aborted);
  into.findings += n(r.findings);
}

function mapFor(map: Map<string, Sums>, key: string): Sums {
  let sums = map.get(key);
  if (!sums) map.set(key, (sums = zeroSums()));
  return sums;
}

export type ToolRow = { tool: string; calls: number; approved: number; denied: number; aborted: number; people: number };

/**
 * The overview in a few reads: the rollups summed per (day, client, model) once, flagged by
 * whether the day's person was in the team filter, so that the totals, days, models, clients and
 * the (unfiltered) filter menus are all sums of one small result; the distinct people per day,
 * week, client and overall in one grouping-sets pass; threads per day; COSTS per surface; the
 * count of known people; tool calls per tool name. (At 10,000 people a month of rollups is some
 * 150,000 rows: each pass over them counts.)
 */
export async function getOverview({ db, viewer, filters: requested }: { db: Database; viewer: Viewer; filters: OverviewFilters }) {
  assertViewerHasRole(viewer, ["viewer"]);
  const filters: OverviewFilters & TeamDaysKnown = requested.team ? { ...requested, teamDays: await teamDaysJson(db, requested, requested.team) } : requested;
  // Without a team the sums are the organisation's (daily_org_rollups, no person); a team needs each person's days.
  // Summed in the database per day, model, client and overall (the filters applied with FILTER), plus
  // every client and model of the range for the menus: some 50 rows instead of one per cell.
  const cellSums = sql`sum(r.prompts) as turns, sum(r.responses) as responses, sum(r.failed_responses) as failed, sum(r.input_tokens) as input,
               sum(r.cached_input_tokens) as cached, sum(r.output_tokens) as output, sum(r.reasoning_output_tokens) as reasoning,
               sum(r.tool_calls) as tool_calls, sum(r.tool_approved) as approved, sum(r.tool_denied) as denied,
               sum(r.tool_aborted) as aborted, sum(r.findings) as findings`;
  const matched = sql`filter (where c.matches)`;
  const cellParts = [sql`c.in_team`];
  if (filters.client) cellParts.push(sql`c.client_id = ${filters.client}`);
  if (filters.model) cellParts.push(sql`c.model = ${filters.model}`);
  const groupedRead = selectRows<Record<string, string | number | null>>(
    db,
    sql`${withTeamDays(filters)}
        select case when grouping(c.day) = 0 then 'day' when grouping(c.model_key) = 0 then 'model' when grouping(c.client_key) = 0 then 'client'
                    when grouping(c.client_id) = 0 then 'client option' when grouping(c.model) = 0 then 'model option' else 'all' end as by,
               coalesce(to_char(c.day, 'YYYY-MM-DD'), c.model_key, c.client_key, c.client_id, c.model) as key,
               count(*) ${matched} as cells,
               sum(c.turns) ${matched} as turns, sum(c.responses) ${matched} as responses, sum(c.failed) ${matched} as failed,
               sum(c.input) ${matched} as input, sum(c.cached) ${matched} as cached, sum(c.output) ${matched} as output,
               sum(c.reasoning) ${matched} as reasoning, sum(c.tool_calls) ${matched} as tool_calls, sum(c.approved) ${matched} as approved,
               sum(c.denied) ${matched} as denied, sum(c.aborted) ${matched} as aborted, sum(c.findings) ${matched} as findings
        from (select c.*, ${sql.join(cellParts, sql` and `)} as matches,
                     coalesce(nullif(c.model, ''), 'unknown') as model_key, coalesce(nullif(c.client_id, ''), 'unknown') as client_key
              from (${
                filters.team
                  ? sql`select r.day, r.client_id, r.model, ${inTeam(filters, sql`r.person_id`, sql`r.day`)} as in_team, ${cellSums}
                        from daily_rollups r where r.day >= ${filters.from}::date and r.day <= ${filters.to}::date
                        group by 1, 2, 3, 4`
                  : sql`select r.day, r.client_id, r.model, true as in_team, ${cellSums}
                        from daily_org_rollups r where r.day >= ${filters.from}::date and r.day <= ${filters.to}::date
                        group by 1, 2, 3`
              }) c) c
        group by grouping sets ((c.day), (c.model_key), (c.client_key), (c.client_id), (c.model), ())`,
  );
  const distinctRead = distinctPeople(db, filters);
  const knownRead = selectRows<{ known: number }>(db, knownPeopleSql(filters));
  const sessionsPerDayRead = selectRows<{ day: string; threads: number }>(
    db,
    filters.team
      ? sql`${withTeamDays(filters)}
        select to_char(s.first_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int as threads
        from codex_sessions s where ${sessionFilter(filters)} group by 1 order by 1`
      : // Without a team: threads per day × client × model (daily_org_sessions, '' for a missing client or model).
        sql`select to_char(r.day, 'YYYY-MM-DD') as day, sum(r.threads)::int as threads
        from daily_org_sessions r where ${orgRollupFilter(filters)} group by 1 order by 1`,
  );
  // Code review runs on GitHub and appears only in COSTS (and Analytics), not in CODEX_LOG.
  const bySurfaceRead = selectRows<{ surface: string; users: number; credits: string | null }>(
    db,
    filters.team
      ? sql`select coalesce(c.surface, 'unknown') as surface, count(distinct c.openai_user_id)::int as users, sum(c.credits) as credits
        from (${teamCostsSql(filters, filters.team)}) c group by 1 order by 2 desc, 1`
      : // Without a team: COSTS per day × product × client × surface × model and chunk of people (daily_org_costs, '' for a missing value).
        sql`select coalesce(c.surface, 'unknown') as surface, sum(c.users)::int as users, sum(c.credits) as credits
        from (select nullif(d.surface, '') as surface, bit_count(bit_or(d.people)) as users, sum(d.credits) as credits
              from daily_org_costs d where ${costsDailyFilter(filters)} group by 1, d.chunk) c
        group by c.surface order by 2 desc, 1`,
  );
  const toolsRead = selectRows<Record<string, string | number>>(
    db,
    filters.team
      ? // Per (tool, person) first, then per tool: two hash aggregates instead of a sort per count(distinct).
        sql`${withTeamDays(filters)}
        select tool, sum(calls) as calls, sum(approved) as approved, sum(denied) as denied, sum(aborted) as aborted, count(*)::int as people
        from (select r.tool_name as tool, r.openai_user_id, sum(r.calls) as calls, sum(r.approved) as approved, sum(r.denied) as denied,
                     sum(r.aborted) as aborted
              from daily_tool_rollups r where ${rollupFilter(filters)} group by 1, 2) t
        group by 1 order by 2 desc, 1`
      : // The organisation's sums per tool (daily_org_tool_rollups); people from the tool's people masks (daily_org_tool_people).
        sql`with sums as (
          select r.tool_name as tool, sum(r.calls) as calls, sum(r.approved) as approved, sum(r.denied) as denied, sum(r.aborted) as aborted
          from daily_org_tool_rollups r where ${orgRollupFilter(filters)} group by 1
        ),
        users as (
          select tool, sum(users)::int as people
          from (select r.tool_name as tool, ${CHUNK_PEOPLE} as users from daily_org_tool_people r where ${orgRollupFilter(filters)} group by r.tool_name, r.chunk) t
          group by 1
        )
        select s.tool, s.calls, s.approved, s.denied, s.aborted, coalesce(u.people, 0) as people
        from sums s left join users u on u.tool = s.tool order by 2 desc, 1`,
  );
  // Independent reads: on PostgreSQL each goes to a connection of its own, so they overlap on the server's cores.
  const [grouped, distinct, [people], sessionsPerDay, bySurface, tools] = await Promise.all([
    groupedRead,
    distinctRead,
    knownRead,
    sessionsPerDayRead,
    bySurfaceRead,
    toolsRead,
  ]);

  const totals = zeroSums();
  const byDay = new Map<string, Sums>();
  const byModel = new Map<string, Sums>();
  const byClient = new Map<string, Sums>();
  const clients = new Set<string>();
  const models = new Set<string>();
  for (const g of grouped) {
    const key = String(g.key);
    if (g.by === "client option") {
      if (g.key) clients.add(key);
    } else if (g.by === "model option") {
      if (g.key) models.add(key);
    } else if (g.by === "all") addSums(totals, g);
    // A day, model or client appears only with cells that match the filters.
    else if (n(g.cells) > 0) addSums(mapFor(g.by === "day" ? byDay : g.by === "model" ? byModel : byClient, key), g);
  }
  const usersBy = (by: string) => new Map(distinct.filter((d) => d.by === by).map((d) => [String(d.key), d.users]));
  const usersByDay = usersBy("day");
  const usersByClient = usersBy("client");
  const weekly = [...usersBy("week").entries()].map(([week, users]) => ({ week, users })).sort((a, b) => a.week.localeCompare(b.week));
  const credits = bySurface.reduce((sum, s) => sum + n(s.credits), 0);
  const responses = totals.responses;
  return {
    filters,
    options: { clients: [...clients].sort(), models: [...models].sort() },
    /** With a client filter: the COSTS client its credits are read from (null: COSTS has none). */
    costsClient: filters.client ? costsClientOf(filters.client) : undefined,
    totals: {
      activeUsers: distinct.find((d) => d.by === "all")?.users ?? 0,
      knownPeople: people?.known ?? 0,
      threads: sessionsPerDay.reduce((sum, d) => sum + d.threads, 0),
      turns: totals.turns,
      responses,
      failedResponses: totals.failed,
      inputTokens: totals.input,
      cachedInputTokens: totals.cached,
      outputTokens: totals.output,
      reasoningTokens: totals.reasoning,
      cacheUtilisation: totals.input + totals.cached > 0 ? totals.cached / (totals.input + totals.cached) : null,
      credits,
      successRate: responses > 0 ? 1 - totals.failed / responses : null,
      toolCalls: totals.toolCalls,
      toolDecisions: { approved: totals.approved, denied: totals.denied, aborted: totals.aborted },
      findings: totals.findings,
    },
    weekly,
    daily: [...byDay.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, s]) => ({ day, input: s.input, cached: s.cached, output: s.output, turns: s.turns, users: usersByDay.get(day) ?? 0 })),
    sessionsPerDay,
    byModel: [...byModel.entries()]
      .map(([model, s]) => ({ model, responses: s.responses, failed: s.failed, tokens: s.input + s.cached + s.output }))
      .sort((a, b) => b.tokens - a.tokens || a.model.localeCompare(b.model)),
    byClient: [...byClient.entries()]
      .map(([client, s]) => ({ client, users: usersByClient.get(client) ?? 0, turns: s.turns }))
      .sort((a, b) => b.users - a.users || a.client.localeCompare(b.client)),
    bySurface: bySurface.map((s) => ({ surface: s.surface, users: s.users, credits: n(s.credits) })),
    byTool: tools.map((t): ToolRow => ({ tool: String(t.tool), calls: n(t.calls), approved: n(t.approved), denied: n(t.denied), aborted: n(t.aborted), people: n(t.people) })),
  };
}
