import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { selectRows, type Database } from "../../db/client.server";
import { SHARE_FIELD_LABELS, SHARE_FIELDS, type ShareField } from "../lib/share-fields";
import type { Viewer } from "./viewer";

/**
 * "My activity": a person's own Codex profile. Every function here reads only the viewer's
 * own rows (the person id comes from the session, never from the URL), from the daily
 * rollups and indexed per-person queries.
 */

export { SHARE_FIELDS, SHARE_FIELD_LABELS, type ShareField };

export type Streaks = { current: number; longest: number };

const DAY_MS = 86_400_000;

/** Streaks over UTC days: the current one counts if it reaches today or yesterday. */
export function streaksOf(activeDays: string[], today: string): Streaks {
  const days = [...new Set(activeDays)].sort();
  let longest = 0;
  let run = 0;
  let previous = Number.NaN;
  for (const day of days) {
    const t = Date.parse(`${day}T00:00:00Z`);
    run = t - previous === DAY_MS ? run + 1 : 1;
    longest = Math.max(longest, run);
    previous = t;
  }
  const last = days.at(-1);
  const gap = last ? (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${last}T00:00:00Z`)) / DAY_MS : Infinity;
  return { current: gap <= 1 ? run : 0, longest };
}

type DayRow = { day: string; prompts: number; tokens: number };
type ShareRow = { label: string; value: number };

export type MyActivity = Awaited<ReturnType<typeof getMyActivity>>;

export async function getMyActivity({ db, viewer, today }: { db: Database; viewer: Viewer; today: string }) {
  const personId = viewer.personId;
  const yearAgo = new Date(Date.parse(`${today}T00:00:00Z`) - 364 * DAY_MS).toISOString().slice(0, 10);
  const days = await selectRows<DayRow>(
    db,
    sql`select to_char(day, 'YYYY-MM-DD') as day, sum(prompts)::int as prompts,
               sum(input_tokens + cached_input_tokens + output_tokens)::bigint as tokens
        from daily_rollups where person_id = ${personId} group by day order by day`,
  );
  const models = await selectRows<ShareRow>(
    db,
    sql`select coalesce(nullif(model, ''), 'unknown') as label, sum(input_tokens + cached_input_tokens + output_tokens)::bigint as value
        from daily_rollups where person_id = ${personId} and day >= ${yearAgo} group by 1 order by 2 desc limit 8`,
  );
  const clients = await selectRows<ShareRow>(
    db,
    sql`select coalesce(nullif(client_id, ''), 'unknown') as label, sum(prompts)::int as value
        from daily_rollups where person_id = ${personId} and day >= ${yearAgo} group by 1 order by 2 desc limit 8`,
  );
  const tiers = await selectRows<ShareRow>(
    db,
    sql`select coalesce(service_tier, 'default') as label, count(*)::int as value
        from costs_hourly where person_id = ${personId} and hour >= ${yearAgo} and product = 'codex' group by 1 order by 2 desc`,
  );
  const tools = await selectRows<ShareRow>(
    db,
    sql`select coalesce(nullif(tool_name, ''), 'unknown') as label, sum(calls)::int as value
        from daily_tool_rollups where person_id = ${personId} and day >= ${yearAgo}
        group by 1 order by 2 desc limit 8`,
  );
  const [preferences] = await selectRows<{ share_token: string | null; share_fields: string[]; leaderboard_opt_in: boolean }>(
    db,
    sql`select share_token, share_fields, leaderboard_opt_in from profile_preferences where person_id = ${personId}`,
  );

  const asNumbers = (rows: ShareRow[]) => rows.map((r) => ({ label: r.label, value: Number(r.value) }));
  const withTokens = days.map((d) => ({ day: d.day, prompts: Number(d.prompts), tokens: Number(d.tokens) }));
  const active = withTokens.filter((d) => d.prompts > 0 || d.tokens > 0);
  const peak = active.reduce<{ day: string; tokens: number } | null>((best, d) => (!best || d.tokens > best.tokens ? { day: d.day, tokens: d.tokens } : best), null);
  const streaks = streaksOf(
    active.map((d) => d.day),
    today,
  );
  const modelMix = asNumbers(models);
  const clientMix = asNumbers(clients);
  return {
    today,
    yearAgo,
    hasActivity: active.length > 0,
    heatmap: withTokens.filter((d) => d.day >= yearAgo).map((d) => ({ date: d.day, value: d.prompts })),
    activeDays: active.length,
    streaks,
    lifetimeTokens: withTokens.reduce((sum, d) => sum + d.tokens, 0),
    peakDay: peak,
    modelMix,
    clientMix,
    tiers: asNumbers(tiers),
    tools: asNumbers(tools),
    preferences: {
      shareToken: preferences?.share_token ?? null,
      shareFields: (preferences?.share_fields ?? []).filter((f): f is ShareField => (SHARE_FIELDS as readonly string[]).includes(f)),
      leaderboardOptIn: preferences?.leaderboard_opt_in ?? false,
    },
  };
}

/** The values a share card may show, computed from the person's own profile. */
export function shareValues(activity: MyActivity): Record<ShareField, string> {
  return {
    lifetimeTokens: activity.lifetimeTokens.toLocaleString("en-US"),
    activeDays: String(activity.activeDays),
    currentStreak: String(activity.streaks.current),
    longestStreak: String(activity.streaks.longest),
    peakDayTokens: (activity.peakDay?.tokens ?? 0).toLocaleString("en-US"),
    topModel: activity.modelMix[0]?.label ?? "—",
    topClient: activity.clientMix[0]?.label ?? "—",
  };
}

/** Opt in to a share card showing exactly `fields`; a fresh unguessable token each time. */
export async function shareMyCard({ db, viewer, fields }: { db: Database; viewer: Viewer; fields: ShareField[] }) {
  const token = randomBytes(18).toString("base64url");
  await db.execute(sql`
    insert into profile_preferences (person_id, share_token, share_fields, updated_at)
    values (${viewer.personId}, ${token},
            (select coalesce(array_agg(f), '{}') from json_array_elements_text(${JSON.stringify(fields)}::json) as f), now())
    on conflict (person_id) do update set share_token = excluded.share_token, share_fields = excluded.share_fields, updated_at = now()`);
  return token;
}

export async function withdrawMyCard({ db, viewer }: { db: Database; viewer: Viewer }) {
  await db.execute(sql`update profile_preferences set share_token = null, share_fields = '{}', updated_at = now() where person_id = ${viewer.personId}`);
}

export async function setMyLeaderboardOptIn({ db, viewer, optIn }: { db: Database; viewer: Viewer; optIn: boolean }) {
  await db.execute(sql`
    insert into profile_preferences (person_id, leaderboard_opt_in, updated_at) values (${viewer.personId}, ${optIn}, now())
    on conflict (person_id) do update set leaderboard_opt_in = excluded.leaderboard_opt_in, updated_at = now()`);
}

/** A shared card by its token: the owner's chosen fields only. Any signed-in person may look. */
export async function findSharedCard({ db, token, today }: { db: Database; token: string; today: string }) {
  const [owner] = await selectRows<{ person_id: string; name: string | null; email: string; share_fields: string[] }>(
    db,
    sql`select p.person_id, pe.name, pe.email, p.share_fields from profile_preferences p join people pe on pe.id = p.person_id
        where p.share_token = ${token}`,
  );
  if (!owner) return null;
  const activity = await getMyActivity({ db, viewer: { personId: owner.person_id, email: owner.email, name: owner.name, roles: [] }, today });
  const values = shareValues(activity);
  const fields = owner.share_fields.filter((f): f is ShareField => (SHARE_FIELDS as readonly string[]).includes(f));
  return { name: owner.name ?? owner.email.split("@")[0]!, items: fields.map((f) => ({ label: SHARE_FIELD_LABELS[f], value: values[f] })) };
}

/** People who opted in, ranked by tokens over the last 30 days. Nobody else appears. */
export async function getLeaderboard({ db, today }: { db: Database; today: string }) {
  const from = new Date(Date.parse(`${today}T00:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10);
  const rows = await selectRows<{ name: string | null; email: string; tokens: string; active_days: number }>(
    db,
    // person_days (migration 0014), a few rows per person read on its (person, day) index: the days are counted rows, not
    // a distinct count over every rollup of everyone. Ties by email, so the ranking does not change between requests.
    sql`select pe.name, pe.email, coalesce(x.tokens, 0)::bigint as tokens, coalesce(x.active_days, 0)::int as active_days
        from profile_preferences p
        join people pe on pe.id = p.person_id
        left join lateral (
          select sum(r.input_tokens + r.cached_input_tokens + r.output_tokens) as tokens, count(*) filter (where r.rollups > 0) as active_days
          from person_days r where r.person_id = p.person_id and r.day >= ${from}
        ) x on true
        where p.leaderboard_opt_in
        order by tokens desc, lower(pe.email) limit 100`,
  );
  return { from, rows: rows.map((r) => ({ name: r.name ?? r.email.split("@")[0]!, tokens: Number(r.tokens), activeDays: r.active_days })) };
}
