import { sql, type SQL } from "drizzle-orm";
import { selectRows, type Database } from "../../db/client.server";
import { streamRows } from "../../db/stream-rows.server";
import { getConfig } from "../lib/config.server";
import { parseCsv } from "../lib/reports/csv-parse";
import type { RoleMap } from "../lib/roles";
import { assertViewerHasRole, type Viewer } from "./viewer";

/**
 * Effective-dated teams and cost centres (issue 6). A person's team on a day is, in order:
 * 1. a CSV import row (admin screen /admin/teams) in force that day;
 * 2. an `idp_groups` row in force that day (written by `recordIdpTeam` at every sign-in, from the
 *    groups claim: `teamFromIdpGroups`);
 * 3. the team rule (first identity group not in TEAM_IGNORE_GROUPS) applied to the groups on
 *    that day's COSTS record itself, which is what `costs_groups` rows materialise.
 * Cost centre: the first non-empty one from 1 or 2. Because each COSTS record carries the
 * groups it was billed with, history does not move when someone changes team.
 */

export const SOURCE_RANK_SQL = sql`case ta.source when 'csv_import' then 0 when 'idp_groups' then 1 else 2 end`;

/** The team rule on a jsonb groups array (text or null), same as teams.server.ts's rule. */
export function teamFromGroupsSql(groups: SQL, ignore: readonly string[] = getConfig().teamIgnoreGroups): SQL {
  const ignoreArray = sql`${JSON.stringify(ignore)}::jsonb`;
  return sql`(
    select g.value->>'name'
    from jsonb_array_elements(case when jsonb_typeof(${groups}) = 'array' then ${groups} else '[]'::jsonb end) with ordinality as g(value, position)
    where coalesce(btrim(g.value->>'name'), '') <> ''
      and btrim(g.value->>'name') not in (select jsonb_array_elements_text(${ignoreArray}))
    order by g.position
    limit 1
  )`;
}

/**
 * The team rule once per groups array COSTS has carried (cost_groups, a few dozen; migration 0017):
 * a query of (groups, groups_text, team) to join lines or people to, instead of applying the rule per row.
 */
export function costGroupsTeamsSql(): SQL {
  return sql`select g.groups, g.groups_text, ${teamFromGroupsSql(sql`g.groups`)} as team from cost_groups g`;
}

/** The lower-cased emails a CSV import or the IdP assigns to `team` on some day of [from, next). */
export function emailsAssignedToTeamSql(team: string, from: string, next: string): SQL {
  return sql`select ta.email from team_assignments ta
    where ta.source <> 'costs_groups' and ta.team = ${team} and ta.valid_from < ${next}::date and (ta.valid_to is null or ta.valid_to > ${from}::date)`;
}

/** The team a CSV import or the IdP assigns to a lower-cased email on `day` (null: none). */
export function assignedTeamOnDaySql({ email, day }: { email: SQL; day: SQL }): SQL {
  return sql`(select ta.team from team_assignments ta
      where ta.email = ${email} and ta.source <> 'costs_groups' and ta.team is not null
        and ta.valid_from <= ${day} and (ta.valid_to is null or ${day} < ta.valid_to)
      order by ${SOURCE_RANK_SQL}, ta.valid_from desc limit 1)`;
}

/** Team on `day` for a lower-cased email, with the row's own groups as the fallback. */
export function teamOnDaySql({ email, day, groups }: { email: SQL; day: SQL; groups: SQL }): SQL {
  return sql`coalesce(${assignedTeamOnDaySql({ email, day })}, ${teamFromGroupsSql(groups)})`;
}

export function costCentreOnDaySql({ email, day }: { email: SQL; day: SQL }): SQL {
  return sql`(select ta.cost_centre from team_assignments ta
      where ta.email = ${email} and ta.cost_centre is not null and ta.cost_centre <> ''
        and ta.valid_from <= ${day} and (ta.valid_to is null or ${day} < ta.valid_to)
      order by ${SOURCE_RANK_SQL}, ta.valid_from desc limit 1)`;
}

/**
 * The set form of assignedTeamOnDaySql and costCentreOnDaySql, for reports over a whole month:
 * a query of (email, period_from, period_to, team, cost_centre) cutting [from, next) at every day
 * a CSV import or IdP row of that email starts or ends, so that within a period the choice is
 * constant — it is made once, at the period's first day, by the same lookups. Days outside every
 * period have no assignment. Joined on email and day range, it replaces a lookup per record.
 * `emails` (a query of lower-cased emails) limits the periods to those emails.
 */
export function assignmentPeriodsSql(from: string, next: string, emails?: SQL): SQL {
  const overlapping = sql`ta.source <> 'costs_groups' and ta.valid_from < ${next}::date and (ta.valid_to is null or ta.valid_to > ${from}::date)${
    emails ? sql` and ta.email in (${emails})` : sql``
  }`;
  return sql`with edges as (
      select ta.email, greatest(ta.valid_from, ${from}::date) as edge from team_assignments ta where ${overlapping}
      union
      select ta.email, least(coalesce(ta.valid_to, ${next}::date), ${next}::date) from team_assignments ta where ${overlapping}
    ), periods as (
      select email, edge as period_from, lead(edge) over (partition by email order by edge) as period_to from edges
    )
    select p.email, p.period_from, p.period_to,
      ${assignedTeamOnDaySql({ email: sql`p.email`, day: sql`p.period_from` })} as team,
      ${costCentreOnDaySql({ email: sql`p.email`, day: sql`p.period_from` })} as cost_centre
    from periods p where p.period_to is not null`;
}

/**
 * Rebuilds the `costs_groups` periods from the COSTS records: per person, the team of each
 * UTC day (latest record of the day), runs of equal days collapsed into one period. Idempotent
 * (replaces every costs_groups row in one transaction); CSV and IdP rows are untouched.
 */
export async function refreshCostsGroupAssignments({ db }: { db: Database }) {
  const team = teamFromGroupsSql(sql`d.groups`);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('team_assignments'))`);
    await tx.execute(sql`delete from team_assignments where source = 'costs_groups'`);
    const [row] = await selectRows<{ n: number | string }>(
      tx,
      sql`with daily as (
            select lower(c.email) as email, (c.hour at time zone 'UTC')::date as day,
              (array_agg(c.person_id order by c.hour desc))[1] as person_id,
              (array_agg(c.groups order by c.hour desc))[1] as groups
            from costs_hourly c where c.email is not null and c.email <> '' group by 1, 2
          ), teamed as (
            select d.email, d.day, d.person_id, ${team} as team from daily d
          ), marked as (
            select *, case when team is distinct from lag(team) over (partition by email order by day) then 1 else 0 end as starts from teamed
          ), runs as (
            select *, sum(starts) over (partition by email order by day) as run from marked
          ), periods as (
            select email, run, team, min(day) as valid_from, (array_agg(person_id order by day desc))[1] as person_id from runs group by email, run, team
          ), inserted as (
            insert into team_assignments (email, person_id, team, valid_from, valid_to, source)
            select email, person_id, team, valid_from, lead(valid_from) over (partition by email order by valid_from), 'costs_groups' from periods
            returning 1
          )
          select count(*) as n from inserted`,
    );
    return Number(row?.n ?? 0);
  });
}

/**
 * The team the identity provider's groups claim names (docs/decisions/0013-idp-group-teams.md):
 * the first group, in the claim's order, that is neither in TEAM_IGNORE_GROUPS (groups that span
 * teams, the same list the COSTS identity groups go through) nor mapped to a console role by
 * ROLE_MAP (access groups, not teams). None left: null.
 */
export function teamFromIdpGroups(groups: readonly string[], { ignore, roleMap }: { ignore: readonly string[]; roleMap: RoleMap }): string | null {
  const roleGroups = new Set(roleMap.map((r) => r.group));
  for (const group of groups) {
    const name = group.trim();
    if (name && !ignore.includes(name) && !roleGroups.has(name)) return name.slice(0, 100);
  }
  return null;
}

/**
 * Records the team a person's IdP groups name from `day` on: a new `idp_groups` period starts
 * and the open one before it is closed, so earlier days keep the team they had. Signing in again
 * with the same team changes nothing; a second change on the same day replaces that day's row.
 * No team and no open IdP period: nothing to record. CSV imports still win (SOURCE_RANK_SQL).
 */
export async function recordIdpTeam({ db, email, personId, team, day }: { db: Database; email: string; personId: string | null; team: string | null; day: string }) {
  const key = email.trim().toLowerCase();
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('team_assignments'))`);
    const [current] = await selectRows<{ team: string | null; valid_from: string }>(
      tx,
      sql`select team, valid_from::text as valid_from from team_assignments where email = ${key} and source = 'idp_groups' and valid_to is null order by valid_from desc limit 1`,
    );
    if (current ? current.team === team : team === null) return false;
    await tx.execute(sql`update team_assignments set valid_to = ${day}::date where email = ${key} and source = 'idp_groups' and valid_to is null and valid_from < ${day}::date`);
    await tx.execute(sql`insert into team_assignments (email, person_id, team, valid_from, source) values (${key}, ${personId}::uuid, ${team}, ${day}::date, 'idp_groups')
      on conflict (email, source, valid_from) do update set team = excluded.team, person_id = excluded.person_id, valid_to = null`);
    return true;
  });
}

/* ───────────────────────── CSV import ───────────────────────── */

export type ImportLine = { line: number; email: string; team: string | null; costCentre: string | null; validFrom: string; errors: string[] };
export type ImportPreview = { lines: ImportLine[]; valid: number; invalid: number; headerError: string | null };

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const realDay = (v: string) => DAY.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
export const MAX_IMPORT_LINES = 20_000;

/**
 * Checks a CSV of `email,team,cost_centre[,valid_from]` (header required; valid_from
 * defaults to `today`). Every line gets its own errors; nothing is written.
 */
export function previewTeamCsv(text: string, today: string): ImportPreview {
  const rows = parseCsv(text.replace(/^\uFEFF/, ""));
  const header = (rows.shift() ?? []).map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, "_"));
  const col = (name: string, ...aliases: string[]) => [name, ...aliases].map((n) => header.indexOf(n)).find((i) => i >= 0) ?? -1;
  const iEmail = col("email");
  const iTeam = col("team");
  const iCentre = col("cost_centre", "cost_center", "costcentre");
  const iFrom = col("valid_from", "from", "effective_from");
  if (iEmail < 0 || (iTeam < 0 && iCentre < 0)) {
    return { lines: [], valid: 0, invalid: 0, headerError: "The first line must name the columns: email, team, cost_centre (and optionally valid_from)." };
  }
  const lines: ImportLine[] = [];
  const seen = new Map<string, number>();
  rows.forEach((cells, index) => {
    const lineNo = index + 2;
    if (cells.every((c) => c.trim() === "")) return;
    const get = (i: number) => (i >= 0 ? (cells[i] ?? "").trim() : "");
    const email = get(iEmail).toLowerCase();
    const team = get(iTeam) || null;
    const costCentre = get(iCentre) || null;
    const validFrom = get(iFrom) || today;
    const errors: string[] = [];
    if (lines.length >= MAX_IMPORT_LINES) errors.push(`more than ${MAX_IMPORT_LINES} lines: split the file`);
    if (!EMAIL.test(email)) errors.push("email is not an email address");
    if (!team && !costCentre) errors.push("give a team, a cost centre or both");
    if ((team?.length ?? 0) > 100) errors.push("team is longer than 100 characters");
    if ((costCentre?.length ?? 0) > 100) errors.push("cost centre is longer than 100 characters");
    if (!realDay(validFrom)) errors.push("valid_from must be a date like 2026-11-01");
    const key = `${email}|${validFrom}`;
    if (seen.has(key)) errors.push(`same email and valid_from as line ${seen.get(key)}`);
    else seen.set(key, lineNo);
    lines.push({ line: lineNo, email, team, costCentre, validFrom, errors });
  });
  const invalid = lines.filter((l) => l.errors.length > 0).length;
  return { lines, valid: lines.length - invalid, invalid, headerError: null };
}

/**
 * Applies a CSV (only when every line is valid): each line starts a csv_import period for
 * that email on its valid_from, closing the one before; a line with the same start replaces
 * it. One transaction; re-importing the same file changes nothing.
 */
export async function importTeamCsv({ db, viewer, text, today }: { db: Database; viewer: Viewer; text: string; today: string }) {
  assertViewerHasRole(viewer, ["admin"]);
  const preview = previewTeamCsv(text, today);
  if (preview.headerError || preview.invalid > 0 || preview.valid === 0) return { imported: 0, preview };
  const people = await selectRows<{ id: string; email: string }>(db, sql`select id, lower(email) as email from people`);
  const personOf = new Map(people.map((p) => [p.email, p.id]));
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('team_assignments'))`);
    for (const l of [...preview.lines].sort((a, b) => a.validFrom.localeCompare(b.validFrom))) {
      await tx.execute(sql`delete from team_assignments where email = ${l.email} and source = 'csv_import' and valid_from = ${l.validFrom}::date`);
      await tx.execute(sql`update team_assignments set valid_to = ${l.validFrom}::date
        where email = ${l.email} and source = 'csv_import' and valid_from < ${l.validFrom}::date and (valid_to is null or valid_to > ${l.validFrom}::date)`);
      await tx.execute(sql`insert into team_assignments (email, person_id, team, cost_centre, valid_from, valid_to, source, imported_by)
        values (${l.email}, ${personOf.get(l.email) ?? null}::uuid, ${l.team}, ${l.costCentre}, ${l.validFrom}::date,
          (select min(valid_from) from team_assignments where email = ${l.email} and source = 'csv_import' and valid_from > ${l.validFrom}::date),
          'csv_import', ${viewer.personId}::uuid)`);
    }
  });
  return { imported: preview.valid, preview };
}

export type AssignmentRow = {
  email: string;
  team: string | null;
  costCentre: string | null;
  validFrom: string;
  validTo: string | null;
  source: string;
  importedAt: string;
};

/** Every assignment period, newest first; for the admin screen and its CSV (streamed). */
export async function* iterateAssignments({ db, viewer, source }: { db: Database; viewer: Viewer; source?: string }): AsyncGenerator<AssignmentRow> {
  assertViewerHasRole(viewer, ["admin", "finance"]);
  const rows = streamRows<{ email: string; team: string | null; cost_centre: string | null; valid_from: string; valid_to: string | null; source: string; imported_at: string }>(
    db,
    sql`select email, team, cost_centre, valid_from::text as valid_from, valid_to::text as valid_to, source, imported_at::text as imported_at
        from team_assignments ${source ? sql`where source = ${source}` : sql``} order by id desc`,
  );
  for await (const r of rows) yield { email: r.email, team: r.team, costCentre: r.cost_centre, validFrom: r.valid_from, validTo: r.valid_to, source: r.source, importedAt: r.imported_at };
}

export async function assignmentCounts({ db, viewer }: { db: Database; viewer: Viewer }) {
  assertViewerHasRole(viewer, ["admin", "finance"]);
  return selectRows<{ source: string; periods: number; people: number; open: number }>(
    db,
    sql`select source, count(*)::int as periods, count(distinct email)::int as people, count(*) filter (where valid_to is null)::int as open
        from team_assignments group by source order by source`,
  );
}
