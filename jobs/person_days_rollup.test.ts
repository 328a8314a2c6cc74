import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { selectRows } from "../db/client.server";
import { simulatedWorkspace } from "../tests/setup/sync-everything";

/**
 * The People page's per-person rollups (migration 0014: person_days, person_months, person_cost_groups) are kept by
 * triggers on daily_rollups, codex_sessions and costs_hourly. After a sync through the simulator,
 * after a second run, after updates, deletes and truncates of each source, they must equal what
 * the sources give.
 */

const NOW = new Date("2026-11-20T12:30:00Z");
const SIM = { seed: 29, users: 8, days: 3, now: NOW } as const;
const workspace = simulatedWorkspace(SIM);

const syncAll = workspace.syncAll;

const rows = (query: ReturnType<typeof sql>) => selectRows<Record<string, unknown>>(workspace.db, query);

/** The per-person rollups as stored, and as computed from their three sources. */
async function snapshot() {
  return {
    days: await rows(sql`select day::text, person_id::text, rollups, turns::text, input_tokens::text as input, cached_input_tokens::text as cached,
        output_tokens::text as output, sessions, cost_records, credits::text
      from person_days order by 1, 2`),
    daysFromSources: await rows(sql`select day::text, person_id::text, sum(rollups)::int as rollups, sum(turns)::text as turns, sum(input)::text as input,
        sum(cached)::text as cached, sum(output)::text as output, sum(sessions)::int as sessions, sum(cost_records)::int as cost_records,
        sum(credits)::numeric(20, 6)::text as credits
      from (
        select day, person_id, count(*) as rollups, sum(prompts) as turns, sum(input_tokens) as input, sum(cached_input_tokens) as cached,
          sum(output_tokens) as output, 0 as sessions, 0 as cost_records, 0 as credits
        from daily_rollups where person_id is not null group by 1, 2
        union all
        select (first_at at time zone 'UTC')::date, person_id, 0, 0, 0, 0, 0, count(*), 0, 0 from codex_sessions where person_id is not null group by 1, 2
        union all
        select (hour at time zone 'UTC')::date, person_id, 0, 0, 0, 0, 0, 0, count(*), coalesce(sum(credits), 0)
        from costs_hourly where person_id is not null and product = 'codex' group by 1, 2
      ) s
      group by 1, 2 order by 1, 2`),
    months: await rows(sql`select month::text, person_id::text, days from person_months order by 1, 2`),
    monthsFromRollups: await rows(sql`select date_trunc('month', day)::date::text as month, person_id::text, bit_or(1 << (extract(day from day)::int - 1)) as days
      from daily_rollups where person_id is not null group by 1, 2 order by 1, 2`),
    costGroups: await rows(sql`select person_id::text, hour::text, event_id, groups from person_cost_groups order by 1`),
    costGroupsFromSource: await rows(sql`select distinct on (person_id::text) person_id::text, hour::text, event_id, groups
      from costs_hourly where person_id is not null order by person_id::text, hour desc, event_id desc`),
  };
}

function expectConsistent(s: Awaited<ReturnType<typeof snapshot>>) {
  expect(s.days).toEqual(s.daysFromSources);
  expect(s.months).toEqual(s.monthsFromRollups);
  expect(s.costGroups).toEqual(s.costGroupsFromSource);
}

describe("the People page's per-person rollups", () => {
  let first: Awaited<ReturnType<typeof snapshot>>;

  it("equal their sources after a sync", async () => {
    await syncAll();
    first = await snapshot();
    expect(first.days.length).toBeGreaterThan(5);
    expectConsistent(first);
    // Days with all three sources, and people active on several days of a month.
    expect(first.days.some((r) => Number(r.rollups) > 0 && Number(r.sessions) > 0 && Number(r.cost_records) > 0)).toBe(true);
    expect(first.months.some((r) => Number(r.days) & (Number(r.days) - 1))).toBe(true);
  });

  it("do not change on a second run", async () => {
    await syncAll();
    expect(await snapshot()).toEqual(first);
  });

  it("are rebuilt by the migration's backfill exactly as the triggers kept them", async () => {
    const migration = readFileSync(new URL("../db/migrations/0014_people_rollups.sql", import.meta.url), "utf8");
    const backfills = migration.split("--> statement-breakpoint").filter((statement) => statement.trim().startsWith("INSERT INTO"));
    expect(backfills).toHaveLength(3);
    for (const table of ["person_days", "person_months", "person_cost_groups"]) await workspace.db.execute(sql.raw(`delete from ${table}`));
    for (const statement of backfills) await workspace.db.execute(sql.raw(statement));
    expect(await snapshot()).toEqual(first);
  });

  it("follow updates of each source: a person linked later, a session moving to another day, credits and product changing", async () => {
    const [rollup] = await rows(sql`select day::text as day, openai_user_id, person_id::text as person_id from daily_rollups where person_id is not null order by day, openai_user_id limit 1`);
    // Unlinked, then linked again (the sync's coalesce links a person later).
    await workspace.db.execute(sql`update daily_rollups set person_id = null where day = ${rollup!.day}::date and openai_user_id = ${rollup!.openai_user_id}`);
    expectConsistent(await snapshot());
    await workspace.db.execute(sql`update daily_rollups set person_id = ${rollup!.person_id}::uuid where day = ${rollup!.day}::date and openai_user_id = ${rollup!.openai_user_id}`);
    await workspace.db.execute(sql`update daily_rollups set prompts = prompts + 3, output_tokens = output_tokens + 100 where openai_user_id = ${rollup!.openai_user_id}`);
    expectConsistent(await snapshot());

    const [session] = await rows(sql`select session_id from codex_sessions where person_id is not null order by first_at limit 1`);
    await workspace.db.execute(sql`update codex_sessions set first_at = first_at - interval '3 days' where session_id = ${session!.session_id}`);
    expectConsistent(await snapshot());

    const [cost] = await rows(sql`select event_id from costs_hourly where person_id is not null and product = 'codex' order by hour, event_id limit 1`);
    await workspace.db.execute(sql`update costs_hourly set credits = credits + 1.25 where event_id = ${cost!.event_id}`);
    expectConsistent(await snapshot());
    await workspace.db.execute(sql`update costs_hourly set product = 'ChatGPT' where event_id = ${cost!.event_id}`);
    expectConsistent(await snapshot());
    // The latest record of a person moves back in time: their groups come from the record now latest.
    // (A person with records in more than one hour, moved to before their earliest: person ids are random, so which
    // person "order by" picks differs between runs, and a person with one record would keep it as their latest.)
    const [latest] = await rows(sql`select g.event_id from person_cost_groups g
      where (select count(distinct c.hour) from costs_hourly c where c.person_id = g.person_id) > 1 order by g.person_id limit 1`);
    await workspace.db.execute(sql`update costs_hourly set hour = (select min(c.hour) from costs_hourly c where c.person_id = costs_hourly.person_id) - interval '1 day',
      groups = '[{"name":"Moved"}]' where event_id = ${latest!.event_id}`);
    const moved = await snapshot();
    expectConsistent(moved);
    expect(moved.costGroups.some((r) => r.event_id === latest!.event_id)).toBe(false);
  });

  it("follow deletes of each source (a day stays while any source has it; its bit goes with its last rollup) and truncates", async () => {
    const [person] = await rows(sql`select person_id::text as person_id, min(day)::text as day from daily_rollups where person_id is not null group by 1 order by 1 limit 1`);
    await workspace.db.execute(sql`delete from daily_rollups where person_id = ${person!.person_id}::uuid and day = ${person!.day}::date`);
    const afterRollups = await snapshot();
    expectConsistent(afterRollups);
    expect(afterRollups.months).not.toEqual(first.months);
    await workspace.db.execute(sql`delete from codex_sessions where person_id = ${person!.person_id}::uuid`);
    expectConsistent(await snapshot());
    await workspace.db.execute(sql`delete from costs_hourly where person_id = ${person!.person_id}::uuid`);
    const afterCosts = await snapshot();
    expectConsistent(afterCosts);
    expect(afterCosts.days.some((r) => r.person_id === person!.person_id && r.day === person!.day)).toBe(false);

    await workspace.db.execute(sql`truncate daily_rollups`);
    const noRollups = await snapshot();
    expectConsistent(noRollups);
    expect(noRollups.months).toEqual([]);
    expect(noRollups.days.every((r) => Number(r.rollups) === 0 && Number(r.turns) === 0)).toBe(true);
    expect(noRollups.days.length).toBeGreaterThan(0);
    await workspace.db.execute(sql`truncate codex_sessions`);
    expectConsistent(await snapshot());
    await workspace.db.execute(sql`truncate costs_hourly`);
    const empty = await snapshot();
    expect([empty.days, empty.months]).toEqual([[], []]);
  });
});
