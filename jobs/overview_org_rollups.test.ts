import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { selectRows } from "../db/client.server";
import { simulatedWorkspace } from "../tests/setup/sync-everything";

/**
 * The Overview's organisation rollups (migration 0012: daily_org_rollups, daily_org_tool_rollups,
 * monthly_activity, monthly_tool_activity) are kept by triggers on daily_rollups and
 * daily_tool_rollups; its people masks and thread counts (migration 0015: daily_org_people,
 * daily_org_tool_people, daily_org_costs, daily_org_sessions) by triggers on those and on
 * costs_daily and codex_sessions. After a sync through the simulator, after a second run, after
 * updates, deletes and truncates, they must equal what the stored events and the person rollups give.
 */

const NOW = new Date("2026-11-20T12:30:00Z");
const SIM = { seed: 23, users: 8, days: 3, now: NOW } as const;
const workspace = simulatedWorkspace(SIM);

const syncAll = workspace.syncAll;

const rows = (query: ReturnType<typeof sql>) => selectRows<Record<string, unknown>>(workspace.db, query);
const CHUNK = 4096;
/** The people a mask table holds, one row per person: its key columns and the person's openai_user_id. */
const maskPeople = (table: string, keys: string) =>
  rows(sql.raw(`select ${keys.split(", ").map((k) => `d.${k}`).join(", ")}, p.openai_user_id from ${table} d
    join overview_person_numbers p on p.number / ${CHUNK} = d.chunk and get_bit(d.people, p.number % ${CHUNK}) = 1 order by ${keys}, p.openai_user_id`));
const DAY = sql`(occurred_at at time zone 'UTC')::date`;
const MONTH_BIT = (day: ReturnType<typeof sql>) => sql`bit_or(1 << (extract(day from ${day})::int - 1))`;

/** The org rollups as stored, and as computed from the person rollups and from the events. */
async function snapshot() {
  return {
    org: await rows(sql`select day::text, client_id, model, rollups, events::int, prompts::int, responses::int, failed_responses::int, tool_calls::int,
        tool_approved::int, tool_denied::int, tool_aborted::int, input_tokens::bigint::text as input, cached_input_tokens::text as cached,
        output_tokens::text as output, reasoning_output_tokens::text as reasoning, findings::int
      from daily_org_rollups order by 1, 2, 3`),
    orgFromRollups: await rows(sql`select day::text, client_id, model, count(*)::int as rollups, sum(events)::int as events, sum(prompts)::int as prompts,
        sum(responses)::int as responses, sum(failed_responses)::int as failed_responses, sum(tool_calls)::int as tool_calls,
        sum(tool_approved)::int as tool_approved, sum(tool_denied)::int as tool_denied, sum(tool_aborted)::int as tool_aborted,
        sum(input_tokens)::text as input, sum(cached_input_tokens)::text as cached, sum(output_tokens)::text as output,
        sum(reasoning_output_tokens)::text as reasoning, sum(findings)::int as findings
      from daily_rollups group by 1, 2, 3 order by 1, 2, 3`),
    orgFromEvents: await rows(sql`select ${DAY}::text as day, coalesce(client_id, '') as client_id, coalesce(model, '') as model,
        count(distinct coalesce(openai_user_id, ''))::int as rollups, count(*)::int as events,
        (count(*) filter (where detail_type = 'PROMPT_SENT'))::int as prompts, (count(*) filter (where detail_type = 'PROMPT_RESPONSE_RECEIVED'))::int as responses,
        coalesce(sum(input_tokens), 0)::text as input, coalesce(sum(cached_input_tokens), 0)::text as cached, coalesce(sum(output_tokens), 0)::text as output,
        (count(*) filter (where detail_type = 'TOOL_CALL'))::int as tool_calls
      from events where event_type = 'CODEX_LOG' group by 1, 2, 3 order by 1, 2, 3`),
    tools: await rows(sql`select day::text, client_id, model, tool_name, rollups, calls::int, approved::int, denied::int, aborted::int
      from daily_org_tool_rollups order by 1, 2, 3, 4`),
    toolsFromRollups: await rows(sql`select day::text, client_id, model, tool_name, count(*)::int as rollups, sum(calls)::int as calls,
        sum(approved)::int as approved, sum(denied)::int as denied, sum(aborted)::int as aborted
      from daily_tool_rollups group by 1, 2, 3, 4 order by 1, 2, 3, 4`),
    toolsFromEvents: await rows(sql`select ${DAY}::text as day, coalesce(client_id, '') as client_id, coalesce(model, '') as model,
        coalesce(tool_name, '') as tool_name, count(*)::int as calls
      from events where event_type = 'CODEX_LOG' and detail_type = 'TOOL_CALL' group by 1, 2, 3, 4 order by 1, 2, 3, 4`),
    months: await rows(sql`select month::text, openai_user_id, client_id, model, days from monthly_activity order by 1, 2, 3, 4`),
    monthsFromRollups: await rows(sql`select date_trunc('month', day)::date::text as month, openai_user_id, client_id, model, ${MONTH_BIT(sql`day`)} as days
      from daily_rollups group by 1, 2, 3, 4 order by 1, 2, 3, 4`),
    monthsFromEvents: await rows(sql`select date_trunc('month', ${DAY})::date::text as month, coalesce(openai_user_id, '') as openai_user_id,
        coalesce(client_id, '') as client_id, coalesce(model, '') as model, ${MONTH_BIT(DAY)} as days
      from events where event_type = 'CODEX_LOG' group by 1, 2, 3, 4 order by 1, 2, 3, 4`),
    toolMonths: await rows(sql`select month::text, openai_user_id, client_id, model, tool_name, days from monthly_tool_activity order by 1, 2, 3, 4, 5`),
    toolMonthsFromRollups: await rows(sql`select date_trunc('month', day)::date::text as month, openai_user_id, client_id, model, tool_name,
        ${MONTH_BIT(sql`day`)} as days
      from daily_tool_rollups group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`),
    people: await maskPeople("daily_org_people", "day, client_id, model"),
    peopleFromRollups: await rows(sql`select distinct day, client_id, model, openai_user_id from daily_rollups order by 1, 2, 3, 4`),
    toolPeople: await maskPeople("daily_org_tool_people", "day, client_id, model, tool_name"),
    toolPeopleFromRollups: await rows(sql`select distinct day, client_id, model, tool_name, openai_user_id from daily_tool_rollups order by 1, 2, 3, 4, 5`),
    costPeople: await maskPeople("daily_org_costs", "day, product, client, surface, model"),
    costPeopleFromLines: await rows(sql`select distinct day, product, client, surface, model, openai_user_id from costs_daily where openai_user_id <> '' order by 1, 2, 3, 4, 5, 6`),
    costs: await rows(sql`select day::text, product, client, surface, model, sum(lines)::int as lines, sum(credits)::text as credits, count(*)::int as chunks
      from daily_org_costs group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`),
    costsFromLines: await rows(sql`select day::text, product, client, surface, model, count(*)::int as lines, sum(credits)::text as credits,
        count(distinct case when openai_user_id = '' then -1 else p.number / ${CHUNK} end)::int as chunks
      from costs_daily c left join overview_person_numbers p using (openai_user_id) group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`),
    emptyMasks: await rows(sql`select 'people' as t, count(*)::int as n from daily_org_people where people = B'0'::bit(4096)
      union all select 'tools', count(*)::int from daily_org_tool_people where people = B'0'::bit(4096)
      union all select 'costs', count(*)::int from daily_org_costs where people = B'0'::bit(4096) and chunk >= 0`),
    sessions: await rows(sql`select day::text, client_id, model, threads from daily_org_sessions order by 1, 2, 3`),
    sessionsFromThreads: await rows(sql`select (first_at at time zone 'UTC')::date::text as day, coalesce(client_id, '') as client_id, coalesce(model, '') as model,
        count(*)::int as threads
      from codex_sessions group by 1, 2, 3 order by 1, 2, 3`),
  };
}

function expectConsistent(s: Awaited<ReturnType<typeof snapshot>>) {
  expect(s.org).toEqual(s.orgFromRollups);
  expect(s.tools).toEqual(s.toolsFromRollups);
  expect(s.months).toEqual(s.monthsFromRollups);
  expect(s.toolMonths).toEqual(s.toolMonthsFromRollups);
  expect(s.people).toEqual(s.peopleFromRollups);
  expect(s.toolPeople).toEqual(s.toolPeopleFromRollups);
  expect(s.costPeople).toEqual(s.costPeopleFromLines);
  expect(s.costs).toEqual(s.costsFromLines);
  expect(s.emptyMasks.map((r) => r.n)).toEqual([0, 0, 0]);
  expect(s.sessions).toEqual(s.sessionsFromThreads);
}

describe("the Overview's organisation rollups", () => {
  let first: Awaited<ReturnType<typeof snapshot>>;

  it("equal the person rollups and the stored events after a sync", async () => {
    await syncAll();
    first = await snapshot();
    expect(first.org.length).toBeGreaterThan(3);
    expect(first.tools.length).toBeGreaterThan(3);
    expectConsistent(first);
    const pick = <K extends string>(list: Array<Record<string, unknown>>, keys: K[]) => list.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));
    const eventKeys = ["day", "client_id", "model", "rollups", "events", "prompts", "responses", "input", "cached", "output", "tool_calls"];
    expect(pick(first.org, eventKeys)).toEqual(first.orgFromEvents);
    expect(pick(first.tools, ["day", "client_id", "model", "tool_name", "calls"])).toEqual(first.toolsFromEvents);
    expect(first.months).toEqual(first.monthsFromEvents);
    // Cells summing several people, and people active on several days of a month.
    expect(first.org.some((r) => Number(r.rollups) > 1)).toBe(true);
    expect(first.months.some((r) => Number(r.days) & (Number(r.days) - 1))).toBe(true);
    expect(first.people.length).toBeGreaterThan(first.org.length);
    expect(first.costPeople.length).toBeGreaterThan(3);
    expect(first.sessions.some((r) => Number(r.threads) > 1)).toBe(true);
  });

  it("do not change on a second run", async () => {
    await syncAll();
    expect(await snapshot()).toEqual(first);
  });

  it("are rebuilt by the migration's backfill exactly as the triggers kept them", async () => {
    const kept = await snapshot();
    const migration = readFileSync(new URL("../db/migrations/0012_overview_org_rollups.sql", import.meta.url), "utf8");
    const backfills = migration.split("--> statement-breakpoint").filter((statement) => statement.trim().startsWith("INSERT INTO"));
    expect(backfills).toHaveLength(4);
    for (const table of ["daily_org_rollups", "daily_org_tool_rollups", "monthly_activity", "monthly_tool_activity"]) await workspace.db.execute(sql.raw(`delete from ${table}`));
    for (const statement of backfills) await workspace.db.execute(sql.raw(statement));
    expect(await snapshot()).toEqual(kept);
  });

  it("are rebuilt by migration 0015's backfill exactly as the triggers kept them", async () => {
    const kept = await snapshot();
    const migration = readFileSync(new URL("../db/migrations/0015_overview_people_masks.sql", import.meta.url), "utf8");
    const backfills = migration.split("--> statement-breakpoint").filter((statement) => statement.trim().startsWith("INSERT INTO"));
    expect(backfills).toHaveLength(5);
    for (const table of ["daily_org_people", "daily_org_tool_people", "daily_org_costs", "daily_org_sessions", "overview_person_numbers"]) await workspace.db.execute(sql.raw(`delete from ${table}`));
    for (const statement of backfills) await workspace.db.execute(sql.raw(statement));
    const rebuilt = await snapshot();
    expectConsistent(rebuilt);
    expect(rebuilt).toEqual(kept);
  });

  it("follow updates and deletes of COSTS lines and threads (a person's bit goes with their last line of a cell)", async () => {
    // A person first seen in COSTS, with two lines in one cell (two service tiers): the bit goes with the second.
    const line = (id: string, tier: string, credits: string) =>
      workspace.db.execute(sql`insert into costs_hourly (event_id, hour, openai_user_id, email, product, client, surface, model, service_tier, credits)
        values (${id}, '2026-11-19T10:00:00Z', 'user-overview-test', 'new@corp.test', 'codex', 'cli', 'cli', 'gpt-5', ${tier}, ${credits})`);
    const before = await snapshot();
    await line("overview-test-1", "default", "1.25");
    await line("overview-test-2", "priority", "2.5");
    const both = await snapshot();
    expectConsistent(both);
    expect(both.costPeople.length).toBe(before.costPeople.length + 1);
    await workspace.db.execute(sql`update costs_hourly set credits = credits + 2 where event_id = 'overview-test-1'`);
    expectConsistent(await snapshot());
    await workspace.db.execute(sql`delete from costs_hourly where event_id = 'overview-test-1'`);
    const oneLeft = await snapshot();
    expectConsistent(oneLeft);
    expect(oneLeft.costPeople).toEqual(both.costPeople);
    await workspace.db.execute(sql`delete from costs_hourly where event_id = 'overview-test-2'`);
    const none = await snapshot();
    expectConsistent(none);
    expect(none.costPeople).toEqual(before.costPeople);
    expect(none.costs).toEqual(before.costs);
    // A thread whose first event turns out to be a day earlier moves to that day.
    const [thread] = await rows(sql`select session_id from codex_sessions order by first_at desc, session_id limit 1`);
    await workspace.db.execute(sql`update codex_sessions set first_at = first_at - interval '1 day', model = coalesce(model, 'gpt-5') where session_id = ${thread!.session_id}`);
    expectConsistent(await snapshot());
    await workspace.db.execute(sql`delete from codex_sessions where session_id = ${thread!.session_id}`);
    expectConsistent(await snapshot());
  });

  it("follow deletes of person rollups (a day's bit goes only with its last row) and a truncate", async () => {
    const [victim] = await rows(sql`select day::text as day, openai_user_id from daily_rollups order by day, openai_user_id limit 1`);
    await workspace.db.execute(sql`delete from daily_rollups where day = ${victim!.day}::date and openai_user_id = ${victim!.openai_user_id}`);
    await workspace.db.execute(sql`delete from daily_tool_rollups where day = ${victim!.day}::date and openai_user_id = ${victim!.openai_user_id}`);
    const afterDelete = await snapshot();
    expectConsistent(afterDelete);
    expect(afterDelete.org).not.toEqual(first.org);

    await workspace.db.execute(sql`truncate daily_rollups, daily_tool_rollups, costs_hourly, codex_sessions`);
    const empty = await snapshot();
    expect([empty.org, empty.tools, empty.months, empty.toolMonths, empty.people, empty.toolPeople, empty.costs, empty.sessions]).toEqual([[], [], [], [], [], [], [], []]);
  });

  it("refuse a change of a person rollup's key, which the month masks could not follow", async () => {
    await workspace.db.execute(sql`insert into daily_rollups (day, openai_user_id, model, client_id, prompts) values ('2026-11-01', 'user-x', 'gpt-5', 'CODEX_CLI', 1)`);
    const refused = await workspace.db.execute(sql`update daily_rollups set day = '2026-11-02' where openai_user_id = 'user-x'`).then(
      () => null,
      (error: Error & { cause?: Error }) => error.cause?.message ?? error.message,
    );
    expect(refused).toMatch(/daily_rollups: the key columns .* cannot change/);
    await workspace.db.execute(sql`update daily_rollups set prompts = prompts + 2 where openai_user_id = 'user-x'`);
    expectConsistent(await snapshot());
  });

});
