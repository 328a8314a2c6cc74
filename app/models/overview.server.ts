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

export async function getOverview({ db, viewer, filters }: { db: Database; viewer: Viewer; filters: OverviewFilters }) {
  assertViewerHasRole(viewer, ["viewer"]);
  const where = rollupFilter(filters);
  const [totals] = await selectRows<Record<string, string | number | null>>(
    db,
    sql`select count(distinct openai_user_id) as active_users, sum(prompts) as turns, sum(responses) as responses,
               sum(failed_responses) as failed, sum(input_tokens) as input, sum(cached_input_tokens) as cached,
               sum(output_tokens) as output, sum(reasoning_output_tokens) as reasoning, sum(tool_calls) as tool_calls,
               sum(tool_approved) as approved, sum(tool_denied) as denied, sum(tool_aborted) as aborted, sum(findings) as findings
        from daily_rollups where ${where}`,
  );
  const [people] = await selectRows<{ known: number }>(db, sql`select count(*)::int as known from people where openai_user_id is not null and active`);
  const [threads] = await selectRows<{ threads: number }>(db, sql`select count(*)::int as threads from codex_sessions where ${sessionFilter(filters)}`);
  const [credits] = await selectRows<{ credits: string | null }>(db, sql`select sum(credits) as credits from costs_hourly where ${costFilter(filters)}`);

  const weekly = await selectRows<{ week: string; users: number }>(
    db,
    sql`select to_char(date_trunc('week', day), 'YYYY-MM-DD') as week, count(distinct openai_user_id)::int as users
        from daily_rollups where ${where} group by 1 order by 1`,
  );
  const daily = await selectRows<{ day: string; input: string; cached: string; output: string; turns: number; users: number }>(
    db,
    sql`select to_char(day, 'YYYY-MM-DD') as day, sum(input_tokens) as input, sum(cached_input_tokens) as cached,
               sum(output_tokens) as output, sum(prompts)::int as turns, count(distinct openai_user_id)::int as users
        from daily_rollups where ${where} group by day order by day`,
  );
  const sessionsPerDay = await selectRows<{ day: string; threads: number }>(
    db,
    sql`select to_char(first_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int as threads
        from codex_sessions where ${sessionFilter(filters)} group by 1 order by 1`,
  );
  const byModel = await selectRows<{ model: string; responses: number; tokens: string }>(
    db,
    sql`select coalesce(nullif(model, ''), 'unknown') as model, sum(responses)::int as responses,
               sum(input_tokens + cached_input_tokens + output_tokens) as tokens
        from daily_rollups where ${where} group by 1 order by 3 desc`,
  );
  const byClient = await selectRows<{ client: string; users: number; turns: number }>(
    db,
    sql`select coalesce(nullif(client_id, ''), 'unknown') as client, count(distinct openai_user_id)::int as users, sum(prompts)::int as turns
        from daily_rollups where ${where} group by 1 order by 2 desc`,
  );
  // Code review runs on GitHub and appears only in COSTS (and Analytics), not in CODEX_LOG.
  const bySurface = await selectRows<{ surface: string; users: number; credits: string }>(
    db,
    sql`select coalesce(surface, 'unknown') as surface, count(distinct openai_user_id)::int as users, sum(credits) as credits
        from costs_hourly where ${costFilter(filters)} group by 1 order by 2 desc`,
  );
  const options = await selectRows<{ kind: string; value: string }>(
    db,
    sql`select distinct 'client' as kind, client_id as value from daily_rollups where day >= ${filters.from} and day <= ${filters.to} and client_id <> ''
        union select distinct 'model', model from daily_rollups where day >= ${filters.from} and day <= ${filters.to} and model <> ''
        order by 1, 2`,
  );

  const input = n(totals?.input);
  const cached = n(totals?.cached);
  const responses = n(totals?.responses);
  return {
    filters,
    options: {
      clients: options.filter((o) => o.kind === "client").map((o) => o.value),
      models: options.filter((o) => o.kind === "model").map((o) => o.value),
    },
    totals: {
      activeUsers: n(totals?.active_users),
      knownPeople: people?.known ?? 0,
      threads: threads?.threads ?? 0,
      turns: n(totals?.turns),
      responses,
      inputTokens: input,
      cachedInputTokens: cached,
      outputTokens: n(totals?.output),
      reasoningTokens: n(totals?.reasoning),
      cacheUtilisation: input + cached > 0 ? cached / (input + cached) : null,
      credits: credits?.credits == null ? 0 : Number(credits.credits),
      successRate: responses > 0 ? 1 - n(totals?.failed) / responses : null,
      toolCalls: n(totals?.tool_calls),
      toolDecisions: { approved: n(totals?.approved), denied: n(totals?.denied), aborted: n(totals?.aborted) },
      findings: n(totals?.findings),
    },
    weekly: weekly.map((w) => ({ week: w.week, users: w.users })),
    daily: daily.map((d) => ({ day: d.day, input: n(d.input), cached: n(d.cached), output: n(d.output), turns: d.turns, users: d.users })),
    sessionsPerDay,
    byModel: byModel.map((m) => ({ model: m.model, responses: m.responses, tokens: n(m.tokens) })),
    byClient,
    bySurface: bySurface.map((s) => ({ surface: s.surface, users: s.users, credits: n(s.credits) })),
  };
}
