import { sql, type SQL } from "drizzle-orm";
import { selectRows, type Database } from "../../db/client.server";
import { getConfig } from "../lib/config.server";
import { costGroupsTeamsSql, SOURCE_RANK_SQL, teamOnDaySql } from "./team-assignments.server";
import { assertViewerHasRole, type Viewer } from "./viewer";

/**
 * A person's team, as the console shows and filters it: the first identity group, in the
 * order OpenAI's COSTS records list them on the person's most recent `costs_hourly` row,
 * whose name is not in TEAM_IGNORE_GROUPS (groups such as "everyone" or "engineering" that
 * span teams). No such group: no team (null).
 *
 * Effective-dated assignments (CSV imports from the admin screen, IdP groups) override it:
 * see team-assignments.server.ts. Callers go through these functions rather than read
 * `groups` themselves.
 */

export type IdentityGroup = { id?: string; name?: string };

/** The rule in plain JavaScript, for rows already in hand. */
export function teamFromGroups(groups: readonly IdentityGroup[] | null | undefined, ignore: readonly string[] = getConfig().teamIgnoreGroups) {
  for (const group of groups ?? []) {
    const name = group?.name?.trim();
    if (name && !ignore.includes(name)) return name;
  }
  return null;
}

/**
 * A person's team today as a SQL expression (text or null) for the person whose id is
 * `personIdColumn`, for queries that filter, group or sort by team: an admin's CSV import or
 * an IdP assignment in force today wins (team_assignments, effective-dated), else the rule
 * above on the groups of the person's most recent COSTS record (latest hour, then highest
 * event id), which person_cost_groups keeps per person (migration 0014): one key lookup.
 */
export function teamSql(personIdColumn: SQL): SQL {
  return sql`(
    select ${teamOnDaySql({ email: sql`lower(tp.email)`, day: sql`current_date`, groups: sql`latest.groups` })}
    from people tp
    left join person_cost_groups latest on latest.person_id = tp.id
    where tp.id = ${personIdColumn}
  )`;
}

/**
 * Every person's team today (people with an OpenAI user id), as a subquery of (person_id, team):
 * the rule of teamSql, computed as a set — the assignments in force today read in one pass, the
 * group rule applied once per distinct groups array instead of once per person. For pages that
 * need everyone's team (the team menu, a team filter, team sums).
 */
export function teamsOfPeopleSql(): SQL {
  return sql`(
    -- The rule once per groups array COSTS has carried (cost_groups, a few dozen), not per person.
    with by_groups as materialized (${costGroupsTeamsSql()}),
    assigned as (
      select distinct on (ta.email) ta.email, ta.team from team_assignments ta
      where ta.source <> 'costs_groups' and ta.team is not null and ta.valid_from <= current_date and (ta.valid_to is null or current_date < ta.valid_to)
      order by ta.email, ${SOURCE_RANK_SQL}, ta.valid_from desc
    )
    select tp.id as person_id, coalesce(a.team, b.team) as team
    from people tp
    left join (select l.person_id, b.team from person_cost_groups l join by_groups b on b.groups_text = l.groups_text) b on b.person_id = tp.id
    left join assigned a on a.email = lower(tp.email)
    where tp.openai_user_id is not null
  )`;
}

/** Teams of the given people (missing from the map: no team). */
export async function getTeamsOfPeople({ db, personIds }: { db: Database; personIds: readonly string[] }) {
  const teams = new Map<string, string>();
  if (personIds.length === 0) return teams;
  const rows = await selectRows<{ id: string; team: string | null }>(
    db,
    sql`select p.id, ${teamSql(sql`p.id`)} as team from people p where p.id = any(${`{${personIds.join(",")}}`}::uuid[])`,
  );
  for (const row of rows) if (row.team) teams.set(row.id, row.team);
  return teams;
}

/** Every team name in use, sorted, for filter menus. Aggregate data: viewer and above. */
export async function listTeams({ db, viewer }: { db: Database; viewer: Viewer }) {
  assertViewerHasRole(viewer, ["viewer", "finance", "auditor", "admin"]);
  const rows = await selectRows<{ team: string }>(
    db,
    sql`select distinct t.team from ${teamsOfPeopleSql()} t where t.team is not null order by t.team`,
  );
  return rows.map((r) => r.team);
}
