import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { selectRows } from "../db/client.server";
import { simulatedWorkspace } from "../tests/setup/sync-everything";

/**
 * The Overview's team filter reads (migration 0017) person_day_groups — per person and UTC day the
 * groups of their latest COSTS record, and whether they differ from the person's previous such
 * day — and cost_groups, every groups array COSTS has carried. Both are kept by triggers on
 * costs_hourly: after a sync, a second run, inserts that start, split or end a run of equal groups
 * (in and out of order), updates, deletes and truncates, they must equal what costs_hourly gives.
 */

const NOW = new Date("2026-11-20T12:30:00Z");
const SIM = { seed: 31, users: 8, days: 6, now: NOW } as const;
const workspace = simulatedWorkspace(SIM);

const rows = (query: ReturnType<typeof sql>) => selectRows<Record<string, unknown>>(workspace.db, query);
const run = (query: ReturnType<typeof sql>) => workspace.db.execute(query);

async function snapshot() {
  return {
    days: await rows(sql`select person_id::text, day::text, hour::text, event_id, groups, changed from person_day_groups order by 1, 2`),
    daysFromSource: await rows(sql`select person_id::text, day::text, hour::text, event_id, groups,
        groups is distinct from lag(groups) over (partition by person_id order by day) as changed
      from (select distinct on (person_id, (hour at time zone 'UTC')::date) person_id, (hour at time zone 'UTC')::date as day, hour, event_id, groups
            from costs_hourly where person_id is not null order by person_id, (hour at time zone 'UTC')::date, hour desc, event_id desc) l
      order by 1, 2`),
    groups: (await rows(sql`select groups::text as groups from cost_groups order by 1`)).map((r) => String(r.groups)),
    groupsFromSource: (await rows(sql`select distinct groups::text as groups from costs_hourly order by 1`)).map((r) => String(r.groups)),
  };
}

function expectConsistent(s: Awaited<ReturnType<typeof snapshot>>) {
  expect(s.days).toEqual(s.daysFromSource);
  // cost_groups only grows: it holds every groups array a record carries (and may keep ones none carries any more).
  expect(s.groups).toEqual(expect.arrayContaining(s.groupsFromSource));
}

/** A copy of one COSTS record under a new event id, hour and groups (every other column as the original's). */
async function copyRecord(eventId: string, copy: { eventId: string; hour: string; groups: unknown }) {
  await run(sql`create temp table if not exists costs_copy as select * from costs_hourly limit 0`);
  await run(sql`delete from costs_copy`);
  await run(sql`insert into costs_copy select * from costs_hourly where event_id = ${eventId}`);
  await run(sql`update costs_copy set event_id = ${copy.eventId}, hour = ${copy.hour}::timestamptz, groups = ${JSON.stringify(copy.groups)}::jsonb`);
  await run(sql`insert into costs_hourly select * from costs_copy`);
}

describe("the Overview's team days (person_day_groups, cost_groups)", () => {
  let first: Awaited<ReturnType<typeof snapshot>>;

  it("equal costs_hourly after a sync, and do not change on a second run", async () => {
    await workspace.syncAll();
    first = await snapshot();
    expect(first.days.length).toBeGreaterThan(8);
    expectConsistent(first);
    expect(first.groups).toEqual(first.groupsFromSource);
    // Each person's first day starts a run; the simulator's people keep their groups, so no other day does.
    expect(first.days.filter((r) => r.changed).length).toBe(new Set(first.days.map((r) => r.person_id)).size);
    await workspace.syncAll();
    expect(await snapshot()).toEqual(first);
  });

  it("are rebuilt by the migration's back-fill exactly as the triggers kept them", async () => {
    const migration = readFileSync(new URL("../db/migrations/0017_overview_team_segments.sql", import.meta.url), "utf8");
    const backfills = migration.split("--> statement-breakpoint").filter((statement) => statement.trim().startsWith("INSERT INTO"));
    expect(backfills).toHaveLength(2);
    await run(sql`delete from person_day_groups`);
    await run(sql`delete from cost_groups`);
    for (const statement of backfills) await run(sql.raw(statement));
    expect(await snapshot()).toEqual(first);
  });

  it("mark where a person's groups change, as records arrive in any order, change and go", async () => {
    // A person with COSTS on at least three days: a record with other groups on the middle day starts a run there
    // and ends it on the next day.
    const [person] = await rows(sql`select person_id::text as person_id from person_day_groups group by 1 having count(*) >= 3 order by 1 limit 1`);
    const days = (await rows(sql`select day::text as day, event_id from person_day_groups where person_id = ${person!.person_id}::uuid order by day`)) as Array<{ day: string; event_id: string }>;
    const middle = days[1]!;
    const moved = [{ name: "Moved team" }];
    await copyRecord(middle.event_id, { eventId: "test-late-middle", hour: `${middle.day}T23:00:00Z`, groups: moved });
    let s = await snapshot();
    expectConsistent(s);
    const flags = (snap: typeof s) => snap.days.filter((r) => r.person_id === person!.person_id).map((r) => r.changed);
    expect(flags(s).slice(0, 3)).toEqual([true, true, true]);
    expect(s.groups).toContain(JSON.stringify(moved).replace(/:/g, ": "));

    // An earlier record of the same day does not displace the day's latest.
    await copyRecord(middle.event_id, { eventId: "test-early-middle", hour: `${middle.day}T00:00:00Z`, groups: [{ name: "Earlier" }] });
    expectConsistent(await snapshot());

    // A record for a day before the person's first (arriving late, behind the others): a new first run.
    const before = new Date(Date.parse(`${days[0]!.day}T00:00:00Z`) - 2 * 86_400_000).toISOString().slice(0, 10);
    await copyRecord(middle.event_id, { eventId: "test-before-first", hour: `${before}T08:00:00Z`, groups: moved });
    s = await snapshot();
    expectConsistent(s);
    expect(flags(s).slice(0, 2)).toEqual([true, true]);

    // Updates: the moved record takes the person's usual groups back (the runs merge again), then moves to another day.
    const usual = (await rows(sql`select groups from costs_hourly where event_id = ${days[0]!.event_id}`))[0]!.groups;
    await run(sql`update costs_hourly set groups = ${JSON.stringify(usual)}::jsonb where event_id = 'test-late-middle'`);
    expectConsistent(await snapshot());
    await run(sql`update costs_hourly set hour = hour + interval '1 day' where event_id = 'test-late-middle'`);
    expectConsistent(await snapshot());
    // A person unlinked and linked again (the sync links people later).
    await run(sql`update costs_hourly set person_id = null where event_id = ${days[2]!.event_id}`);
    expectConsistent(await snapshot());
    await run(sql`update costs_hourly set person_id = ${person!.person_id}::uuid where event_id = ${days[2]!.event_id}`);
    expectConsistent(await snapshot());

    // Deletes: the test records go, and the person's rows are as after the sync again.
    await run(sql`delete from costs_hourly where event_id like 'test-%'`);
    s = await snapshot();
    expectConsistent(s);
    expect(s.days).toEqual(first.days);
    // A whole day of the person goes: the day after it may now start a run or not, as the source says.
    await run(sql`delete from costs_hourly where person_id = ${person!.person_id}::uuid and (hour at time zone 'UTC')::date = ${days[0]!.day}::date`);
    expectConsistent(await snapshot());
  });

  it("empty with a truncate of costs_hourly", async () => {
    await run(sql`truncate costs_hourly`);
    const empty = await snapshot();
    expect([empty.days, empty.groups]).toEqual([[], []]);
  });
});
