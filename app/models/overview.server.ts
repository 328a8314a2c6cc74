import { sql, type SQL } from "drizzle-orm";
import { selectRows, type Database } from "../../db/client.server";
import { assertViewerHasRole, type Viewer } from "./viewer";

/**
 * The organisation overview: everything here reads the daily rollups, the sessions table,
 * the hourly COSTS rows and the people table — never raw events.
 */

export type OverviewFilters = { from: string; to: string; client?: string; model?: string };

function rollupFilter(f: OverviewFilters): SQL {
  const parts = [sql`day >= ${f.from}`, sql`day <= ${f.to}`];
  if (f.client) parts.push(sql`client_id = ${f.client}`);
  if (f.model) parts.push(sql`model = ${f.model}`);
  return sql.join(parts, sql` and `);
}

function sessionFilter(f: OverviewFilters): SQL {
  const parts = [sql`first_at >= ${f.from}::date`, sql`first_at < ${f.to}::date + 1`];
  if (f.client) parts.push(sql`client_id = ${f.client}`);
  if (f.model) parts.push(sql`model = ${f.model}`);
  return sql.join(parts, sql` and `);
}

function costFilter(f: OverviewFilters): SQL {
  const parts = [sql`hour >= ${f.from}::date`, sql`hour < ${f.to}::date + 1`, sql`product = 'codex'`];
  if (f.model) parts.push(sql`model = ${f.model}`);
  return sql.join(parts, sql` and `);
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

/**
 * The overview in five reads: the rollups summed per (day, client, model) once, unfiltered, so
 * the totals, days, models, clients and the filter menus are all sums of one small result; the
 * distinct people per day, week, client and overall in one grouping-sets pass; threads per day;
 * COSTS per surface; the count of known people. (At 10,000 people a month of rollups is some
 * 150,000 rows: each pass over them counts.)
 */
export async function getOverview({ db, viewer, filters }: { db: Database; viewer: Viewer; filters: OverviewFilters }) {
  assertViewerHasRole(viewer, ["viewer"]);
  const cells = await selectRows<Record<string, string | number | null>>(
    db,
    sql`select to_char(day, 'YYYY-MM-DD') as day, client_id, model, sum(prompts) as turns, sum(responses) as responses,
               sum(failed_responses) as failed, sum(input_tokens) as input, sum(cached_input_tokens) as cached,
               sum(output_tokens) as output, sum(reasoning_output_tokens) as reasoning, sum(tool_calls) as tool_calls,
               sum(tool_approved) as approved, sum(tool_denied) as denied, sum(tool_aborted) as aborted, sum(findings) as findings
        from daily_rollups where day >= ${filters.from} and day <= ${filters.to}
        group by day, client_id, model`,
  );
  const distinct = await selectRows<{ by: string; key: string | null; users: number }>(
    db,
    sql`select case when grouping(day) = 0 then 'day' when grouping(week) = 0 then 'week' when grouping(client) = 0 then 'client' else 'all' end as by,
               coalesce(to_char(day, 'YYYY-MM-DD'), to_char(week, 'YYYY-MM-DD'), client) as key, count(distinct openai_user_id)::int as users
        from (select day, date_trunc('week', day) as week, coalesce(nullif(client_id, ''), 'unknown') as client, openai_user_id
              from daily_rollups where ${rollupFilter(filters)}) r
        group by grouping sets ((day), (week), (client), ())`,
  );
  const [people] = await selectRows<{ known: number }>(db, sql`select count(*)::int as known from people where openai_user_id is not null and active`);
  const sessionsPerDay = await selectRows<{ day: string; threads: number }>(
    db,
    sql`select to_char(first_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int as threads
        from codex_sessions where ${sessionFilter(filters)} group by 1 order by 1`,
  );
  // Code review runs on GitHub and appears only in COSTS (and Analytics), not in CODEX_LOG.
  const bySurface = await selectRows<{ surface: string; users: number; credits: string | null }>(
    db,
    sql`select coalesce(surface, 'unknown') as surface, count(distinct openai_user_id)::int as users, sum(credits) as credits
        from costs_hourly where ${costFilter(filters)} group by 1 order by 2 desc, 1`,
  );

  const matches = (c: Record<string, unknown>) => (!filters.client || c.client_id === filters.client) && (!filters.model || c.model === filters.model);
  const totals = zeroSums();
  const byDay = new Map<string, Sums>();
  const byModel = new Map<string, Sums>();
  const byClient = new Map<string, Sums>();
  const clients = new Set<string>();
  const models = new Set<string>();
  for (const c of cells) {
    if (c.client_id) clients.add(String(c.client_id));
    if (c.model) models.add(String(c.model));
    if (!matches(c)) continue;
    addSums(totals, c);
    for (const [map, key] of [
      [byDay, String(c.day)],
      [byModel, String(c.model || "unknown")],
      [byClient, String(c.client_id || "unknown")],
    ] as const) {
      let s = map.get(key);
      if (!s) map.set(key, (s = zeroSums()));
      addSums(s, c);
    }
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
    totals: {
      activeUsers: distinct.find((d) => d.by === "all")?.users ?? 0,
      knownPeople: people?.known ?? 0,
      threads: sessionsPerDay.reduce((sum, d) => sum + d.threads, 0),
      turns: totals.turns,
      responses,
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
      .map(([model, s]) => ({ model, responses: s.responses, tokens: s.input + s.cached + s.output }))
      .sort((a, b) => b.tokens - a.tokens),
    byClient: [...byClient.entries()]
      .map(([client, s]) => ({ client, users: usersByClient.get(client) ?? 0, turns: s.turns }))
      .sort((a, b) => b.users - a.users),
    bySurface: bySurface.map((s) => ({ surface: s.surface, users: s.users, credits: n(s.credits) })),
  };
}
