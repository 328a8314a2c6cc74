import { sql, type SQL } from "drizzle-orm";
import { selectRows, type Database } from "../../db/client.server";
import { costsClientOf, NO_COSTS_CLIENT } from "../lib/clients";
import { addDays } from "../lib/date-range";
import { assignmentPeriodsSql, costGroupsTeamsSql, emailsAssignedToTeamSql } from "./team-assignments.server";
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

const utcStart = (day: string | SQL) => sql`((${day}::date)::timestamp at time zone 'UTC')`;

/**
 * The team's days as segments (person_id, seg_from, seg_to): in `team` on every day d with
 * seg_from <= d < seg_to, within the range. A day's team is a CSV or IdP assignment in force that
 * day, else the team rule on the groups in force: those of the person's latest COSTS record of
 * that day or of the last day before it with one (before their first record in or before the range,
 * that first record's). person_day_groups (migration 0017) marks the days on which a person's
 * groups change, so the groups in force come from those few rows as runs, cut at the assignment
 * periods' edges, instead of carrying groups forward over every person-day.
 */
function teamSegmentsSql(f: OverviewFilters, team: string): SQL {
  const from = sql`${f.from}::date`;
  const next = sql`${addDays(f.to, 1)}::date`;
  return sql`
    with rule as materialized (${costGroupsTeamsSql()}),
    -- Only people whose groups name the team on some day up to the range's end, or whom an assignment puts in it, can be in it.
    candidates as materialized (
      select p.id as person_id, lower(p.email) as email from people p
      where p.id in (
          select g.person_id from person_day_groups g
          where g.changed and g.day <= ${f.to}::date and g.groups = any(array(select groups from rule where team = ${team})))
        or lower(p.email) in (${emailsAssignedToTeamSql(team, f.from, addDays(f.to, 1))})
    ),
    changes as materialized (
      select g.person_id, g.day, rule.team, row_number() over w as n, lead(g.day) over w as next_day
      from person_day_groups g join rule on rule.groups = g.groups
      where g.changed and g.day <= ${f.to}::date and g.person_id in (select person_id from candidates)
      window w as (partition by g.person_id order by g.day)
    ),
    -- The team the groups name from run_from to run_to (cost_groups holds every groups array COSTS has carried).
    candidate_runs as materialized (
      select person_id, case when n = 1 then ${from} else greatest(day, ${from}) end as run_from, least(coalesce(next_day, ${next}), ${next}) as run_to, team
      from changes where coalesce(next_day, ${next}) > ${from}
    ),
    periods as materialized (
      select c.person_id, a.period_from, a.period_to, a.team
      from (${assignmentPeriodsSql(f.from, addDays(f.to, 1), sql`select email from candidates`)}) a join candidates c on c.email = a.email
    ),
    edges as (
      select person_id, run_from as edge from candidate_runs union select person_id, run_to from candidate_runs
      union select person_id, period_from from periods union select person_id, period_to from periods
    ),
    segments as (select person_id, edge as seg_from, lead(edge) over (partition by person_id order by edge) as seg_to from edges)
    select s.person_id, to_char(s.seg_from, 'YYYY-MM-DD') as seg_from, to_char(s.seg_to, 'YYYY-MM-DD') as seg_to
    from segments s
    left join periods ap on ap.person_id = s.person_id and s.seg_from >= ap.period_from and s.seg_from < ap.period_to
    left join candidate_runs r on r.person_id = s.person_id and s.seg_from >= r.run_from and s.seg_from < r.run_to
    where s.seg_to is not null and coalesce(ap.team, r.team) = ${team}`;
}

/** The team's segments as JSON, worked out once per request and handed to each of the Overview's reads. */
type TeamSegmentsKnown = { teamSegments?: string };

async function teamSegmentsJson(db: Database, f: OverviewFilters, team: string): Promise<string> {
  const [row] = await selectRows<{ segments: string }>(
    db,
    sql`select coalesce(jsonb_agg(jsonb_build_array(t.person_id, t.seg_from, t.seg_to)), '[]'::jsonb)::text as segments from (${teamSegmentsSql(f, team)}) t`,
  );
  return row?.segments ?? "[]";
}

const teamSegmentsCte = (f: TeamSegmentsKnown) =>
  sql`team_segments as materialized (
    select (e->>0)::uuid as person_id, (e->>1)::date as seg_from, (e->>2)::date as seg_to from jsonb_array_elements(${f.teamSegments ?? "[]"}::jsonb) e
  )`;

/** A person rollup (alias r: person_id, day) of the team's days: driven by the segments through the (person_id, day) indexes. */
const teamRollups = (table: SQL) => sql`team_segments t join ${table} r on r.person_id = t.person_id and r.day >= t.seg_from and r.day < t.seg_to`;

function rollupFilter(f: OverviewFilters): SQL {
  const parts = [sql`r.day >= ${f.from}::date`, sql`r.day <= ${f.to}::date`];
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
  const parts = [sql`s.first_at >= ${utcStart(f.from)}`, sql`s.first_at < ${utcStart(addDays(f.to, 1))}`];
  if (f.client) parts.push(sql`s.client_id = ${f.client}`);
  if (f.model) parts.push(sql`s.model = ${f.model}`);
  return sql.join(parts, sql` and `);
}

/**
 * COSTS per day (costs_daily) of the filters and of the team: each row counts for the team of its
 * own day and groups, as in the spend report ('' in costs_daily is a missing value). Only rows that
 * can be the team's are read: those whose groups the team rule names the team (cost_groups lists
 * every groups array COSTS has carried; costs_daily is indexed by the groups' hash and day) and
 * those of an email a CSV or IdP assignment puts in the team; then the exact rule decides.
 */
function teamCostsSql(f: OverviewFilters, team: string): SQL {
  const columns = sql`nullif(d.openai_user_id, '') as openai_user_id, nullif(d.surface, '') as surface, d.credits, d.email, d.day`;
  return sql`
    with rule as materialized (${costGroupsTeamsSql()}),
    team_groups as materialized (select groups from rule where team = ${team}),
    c as materialized (
      select ${columns}, true as groups_name_team from costs_daily d
      where ${costsDailyFilter(f)} and jsonb_hash(d.groups) = any(array(select jsonb_hash(groups) from team_groups)) and d.groups in (select groups from team_groups)
      union all
      select ${columns}, false from costs_daily d
      where ${costsDailyFilter(f)} and d.groups not in (select groups from team_groups) and d.email = any(array(${emailsAssignedToTeamSql(team, f.from, addDays(f.to, 1))}))
    ),
    periods as materialized (${assignmentPeriodsSql(f.from, addDays(f.to, 1), sql`select distinct email from c`)})
    select c.* from c
    left join periods ap on ap.email = c.email and c.day >= ap.period_from and c.day < ap.period_to
    where coalesce(ap.team, case when c.groups_name_team then ${team} end) = ${team}`;
}

/** costs_daily rows (alias d) of the filters (an unknown client matches none). */
function costsDailyFilter(f: OverviewFilters): SQL {
  const parts = [sql`d.day >= ${f.from}::date`, sql`d.day <= ${f.to}::date`, sql`d.product = 'codex'`];
  if (f.model) parts.push(sql`d.model = ${f.model}`);
  if (f.client) parts.push(sql`d.client = ${costsClientOf(f.client) ?? NO_COSTS_CLIENT}`);
  return sql.join(parts, sql` and `);
}

/** Known people: active, with an OpenAI user id — and with a team filter, in the team on the range's last day. */
function knownPeopleSql(f: OverviewFilters & TeamSegmentsKnown): SQL {
  if (!f.team) return sql`select count(*)::int as known from people where openai_user_id is not null and active`;
  return sql`with ${teamSegmentsCte(f)}
    select count(*)::int as known from team_segments t join people p on p.id = t.person_id
    where t.seg_from <= ${f.to}::date and ${f.to}::date < t.seg_to and p.openai_user_id is not null and p.active`;
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
async function distinctPeople(db: Database, f: OverviewFilters & TeamSegmentsKnown): Promise<DistinctRow[]> {
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
      sql`with ${teamSegmentsCte(f)}
          select case when grouping(day) = 0 then 'day' when grouping(week) = 0 then 'week' when grouping(client) = 0 then 'client' else 'all' end as by,
                 coalesce(to_char(day, 'YYYY-MM-DD'), to_char(week, 'YYYY-MM-DD'), client) as key, count(distinct openai_user_id)::int as users
          from (select r.day, date_trunc('week', r.day) as week, coalesce(nullif(r.client_id, ''), 'unknown') as client, r.openai_user_id
                from ${teamRollups(sql`daily_rollups`)} where ${rollupFilter(f)}) r
          group by grouping sets ((day), (week), (client), ())`,
    );
  }
  const from = sql`${f.from}::date`;
  return selectRows<DistinctRow>(
    db,
    sql`with ${teamSegmentsCte(f)},
        by_client as (
          select r.openai_user_id, coalesce(nullif(r.client_id, ''), 'unknown') as client, bit_or(1::bigint << (r.day - ${from})) as days
          from ${teamRollups(sql`daily_rollups`)} where ${rollupFilter(f)} group by 1, 2
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

/** Users and credits per COSTS surface. Code review runs on GitHub and appears only in COSTS (and Analytics), not in CODEX_LOG. */
function surfacesRead(db: Database, filters: OverviewFilters) {
  return selectRows<{ surface: string; users: number; credits: string | null }>(
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
}

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
  // With a team, its COSTS read needs no segments: it starts beside the segments' query.
  const bySurfaceRead = surfacesRead(db, requested);
  bySurfaceRead.catch(() => {}); // awaited below; a failure before then must not go unhandled
  const filters: OverviewFilters & TeamSegmentsKnown = requested.team ? { ...requested, teamSegments: await teamSegmentsJson(db, requested, requested.team) } : requested;
  // Without a team the sums are the organisation's (daily_org_rollups, no person); a team needs each person's days.
  // Summed in the database per day, model, client and overall (the filters applied with FILTER), plus
  // every client and model of the range for the menus: some 50 rows instead of one per cell.
  const cellSums = sql`sum(r.prompts) as turns, sum(r.responses) as responses, sum(r.failed_responses) as failed, sum(r.input_tokens) as input,
               sum(r.cached_input_tokens) as cached, sum(r.output_tokens) as output, sum(r.reasoning_output_tokens) as reasoning,
               sum(r.tool_calls) as tool_calls, sum(r.tool_approved) as approved, sum(r.tool_denied) as denied,
               sum(r.tool_aborted) as aborted, sum(r.findings) as findings`;
  const nullSums = sql`null::bigint as turns, null::bigint as responses, null::bigint as failed, null::bigint as input, null::bigint as cached,
               null::bigint as output, null::bigint as reasoning, null::bigint as tool_calls, null::bigint as approved, null::bigint as denied,
               null::bigint as aborted, null::bigint as findings`;
  const matched = sql`filter (where c.matches)`;
  const cellParts = [sql`c.in_team`];
  if (filters.client) cellParts.push(sql`c.client_id = ${filters.client}`);
  if (filters.model) cellParts.push(sql`c.model = ${filters.model}`);
  const groupedRead = selectRows<Record<string, string | number | null>>(
    db,
    sql`${filters.team ? sql`with ${teamSegmentsCte(filters)}` : sql``}
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
                  ? // The team's cells, and the organisation's cells (no sums) for the menus' clients and models.
                    sql`select r.day, r.client_id, r.model, true as in_team, ${cellSums}
                        from ${teamRollups(sql`daily_rollups`)} where r.day >= ${filters.from}::date and r.day <= ${filters.to}::date
                        group by 1, 2, 3
                        union all
                        select r.day, r.client_id, r.model, false, ${nullSums}
                        from daily_org_rollups r where r.day >= ${filters.from}::date and r.day <= ${filters.to}::date
                        group by 1, 2, 3`
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
      ? sql`with ${teamSegmentsCte(filters)}
        select to_char(s.first_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int as threads
        from team_segments t join codex_sessions s on s.person_id = t.person_id and s.first_at >= ${utcStart(sql`t.seg_from`)} and s.first_at < ${utcStart(sql`t.seg_to`)}
        where ${sessionFilter(filters)} group by 1 order by 1`
      : // Without a team: threads per day × client × model (daily_org_sessions, '' for a missing client or model).
        sql`select to_char(r.day, 'YYYY-MM-DD') as day, sum(r.threads)::int as threads
        from daily_org_sessions r where ${orgRollupFilter(filters)} group by 1 order by 1`,
  );
  const toolsRead = selectRows<Record<string, string | number>>(
    db,
    filters.team
      ? // Per (tool, person) first, then per tool: two hash aggregates instead of a sort per count(distinct).
        sql`with ${teamSegmentsCte(filters)}
        select tool, sum(calls) as calls, sum(approved) as approved, sum(denied) as denied, sum(aborted) as aborted, count(*)::int as people
        from (select r.tool_name as tool, r.openai_user_id, sum(r.calls) as calls, sum(r.approved) as approved, sum(r.denied) as denied,
                     sum(r.aborted) as aborted
              from ${teamRollups(sql`daily_tool_rollups`)} where ${rollupFilter(filters)} group by 1, 2) t
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
