/**
 * Seeds the spend tables for the exports bench, in SQL with generate_series so that millions of
 * COSTS records take seconds, not an ingest run:
 * - `seedSpendMonths`: a realistic organisation month (and the month before, for month-over-month):
 *   N people in 40 teams and 12 cost centres (an admin's CSV import), four COSTS records per person
 *   and day (two clients, three priced models and one unpriced, a priority tier now and then), the
 *   Analytics API's credits for reconciliation (a few person-days differ), budgets and code reviews;
 * - `seedLineMonth`: a month whose detailed `lines` CSV has exactly `lines` rows (every COSTS record
 *   is its own line: person × day × 17 client/model/tier/surface combinations).
 */
import { sql } from "drizzle-orm";
import { selectRows, type Database } from "../../db/client.server";
import { monthBounds, previousMonth } from "../../app/lib/cost-math";

const MODELS = ["gpt-5.3-codex", "gpt-5.5", "gpt-5.4-mini", "gpt-5.1-codex-max"];
const UNPRICED_MODEL = "gpt-5.6-codex-preview";
export const BENCH_EMAIL_DOMAIN = "bench.example";

const modelCase = (expr: string) => `(array[${MODELS.map((m) => `'${m}'`).join(",")}])[(${expr}) % ${MODELS.length} + 1]`;

/**
 * A COSTS insert of up to millions of rows in one statement. The statement triggers that keep the
 * rollups (costs_daily, costs_monthly, person_days) group the whole statement's rows; with the
 * default 4 MB of work_mem those groupings sort on disk, which tripled the seed's time. Seeding is
 * not what is measured, so it gets the memory a bulk load would be given.
 */
async function bulkInsert(db: Database, statement: string) {
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local work_mem = '256MB'`);
    await tx.execute(sql.raw(statement));
  });
}

async function ensurePeople(db: Database, people: number) {
  await db.execute(
    sql.raw(`insert into people (id, email, name, openai_user_id)
      select md5('bench-person-' || p)::uuid, 'person' || p || '@${BENCH_EMAIL_DOMAIN}', 'Person ' || p, 'user-bench-' || p
      from generate_series(0, ${people - 1}) p
      on conflict do nothing`),
  );
}

/** One month of COSTS for `people` people: 4 records per person and day. */
async function seedCostsMonth(db: Database, month: string, people: number, tag: string) {
  const { from, days } = monthBounds(month);
  await bulkInsert(
    db,
    `insert into costs_hourly (event_id, hour, organization_id, openai_user_id, person_id, email, groups, product, client, surface, model, service_tier,
        input_tokens, cached_input_tokens, output_tokens, credits)
      select 'bench-${tag}-' || p || '-' || d || '-' || k,
        '${from}'::timestamptz + make_interval(days => d, hours => 8 + 2 * k),
        'org-bench', 'user-bench-' || p, md5('bench-person-' || p)::uuid,
        case when p % 5 = 0 then 'Person' || p || '@${BENCH_EMAIL_DOMAIN}' else 'person' || p || '@${BENCH_EMAIL_DOMAIN}' end,
        jsonb_build_array(jsonb_build_object('id', 'g-all', 'name', 'codex-users'), jsonb_build_object('id', 'g-' || (p % 40), 'name', 'team-' || (p % 40))),
        'codex', case when k % 2 = 0 then 'cli' else 'ide' end, case when k % 2 = 0 then 'cli' else 'vscode' end,
        case when k = 3 and p % 250 = 0 then '${UNPRICED_MODEL}' else ${modelCase("p + k")} end,
        case when (p + d + k) % 11 = 0 then 'priority' else 'default' end,
        1000 + (p * 7 + d * 13 + k * 31) % 90000, (p * 11 + d * 3 + k) % 400000, 200 + (p * 5 + d * 17 + k * 7) % 30000,
        round(((p * 7 + d * 13 + k * 31) % 90000) * 0.000731 + ((p * 5 + d * 17 + k * 7) % 30000) * 0.0041 + 0.0001 * k, 6)
      from generate_series(0, ${people - 1}) p, generate_series(0, ${days - 1}) d, generate_series(0, 3) k`,
  );
}

export type SpendSeed = { people: number; month: string; costsRows: number; analyticsRows: number; assignments: number; seconds: number };

/** The month `month` and the month before, with teams, cost centres, reconciliation data, budgets and code reviews. */
export async function seedSpendMonths(db: Database, { people, month }: { people: number; month: string }): Promise<SpendSeed> {
  const started = performance.now();
  const { from, next } = monthBounds(month);
  const before = previousMonth(month);
  await ensurePeople(db, people);
  await seedCostsMonth(db, before, people, "prev");
  await seedCostsMonth(db, month, people, "cur");
  // The Analytics API's credits per person and day: equal to COSTS except one person-day in 997.
  await db.execute(
    sql.raw(`insert into analytics_usage_daily (workspace_id, day, openai_user_id, person_id, email, credits)
      select 'ws-bench', (hour at time zone 'UTC')::date, openai_user_id, max(person_id::text)::uuid, max(lower(email)),
        sum(credits) + case when hashtext(openai_user_id || (hour at time zone 'UTC')::date::text) % 997 = 0 then 1.5 else 0 end
      from costs_hourly where hour >= '${from}'::date and hour < '${next}'::date group by 1, 2, 3`),
  );
  // An admin's CSV import: every person's cost centre, and a team change on the 15th for one in ten.
  await db.execute(
    sql.raw(`insert into team_assignments (email, person_id, team, cost_centre, valid_from, valid_to, source)
      select 'person' || p || '@${BENCH_EMAIL_DOMAIN}', md5('bench-person-' || p)::uuid, 'team-' || (p % 40), 'CC-' || (p % 12),
        '${from}'::date - 90, case when p % 10 = 0 then '${from}'::date + 14 end, 'csv_import'
      from generate_series(0, ${people - 1}) p
      union all
      select 'person' || p || '@${BENCH_EMAIL_DOMAIN}', md5('bench-person-' || p)::uuid, 'team-' || ((p + 1) % 40), 'CC-' || (p % 12),
        '${from}'::date + 14, null, 'csv_import'
      from generate_series(0, ${people - 1}, 10) p
      on conflict do nothing`),
  );
  await db.execute(
    sql.raw(`insert into budgets (scope, team, month, unit, amount) values
      ('org', '', '${from}', 'usd', 2500000), ('team', 'team-1', '${from}', 'credits', 900000), ('team', 'team-2', '${from}', 'usd', 10000)
      on conflict do nothing`),
  );
  await db.execute(
    sql.raw(`insert into analytics_code_reviews_daily (workspace_id, day, pull_request_reviews, comments, p0, p1, p2)
      select 'ws-bench', d::date, 400 + (extract(day from d)::int * 7) % 50, 1200, 40, 500, 660 from generate_series('${from}'::date, '${next}'::date - 1, interval '1 day') d
      on conflict do nothing`),
  );
  await db.execute(
    sql.raw(`insert into analytics_code_review_responses_daily (workspace_id, day, replies, upvotes, downvotes, other_reactions, engaged)
      select 'ws-bench', d::date, 300, 250, 40, 10, 520 from generate_series('${from}'::date, '${next}'::date - 1, interval '1 day') d
      on conflict do nothing`),
  );
  await db.execute(sql`analyze`);
  const [counts] = await selectRows<{ costs: number; analytics: number; assignments: number }>(
    db,
    sql`select (select count(*) from costs_hourly)::int as costs, (select count(*) from analytics_usage_daily)::int as analytics, (select count(*) from team_assignments)::int as assignments`,
  );
  return { people, month, costsRows: counts!.costs, analyticsRows: counts!.analytics, assignments: counts!.assignments, seconds: (performance.now() - started) / 1000 };
}

/**
 * A month whose detailed CSV has exactly `lines` rows: record n is person n % people, day
 * (n / people) % days, combination n / (people × days) of client, surface, model and tier (at most
 * 17, so at most 17 × people × days lines), every record its own line.
 */
export async function seedLineMonth(db: Database, { people, month, lines }: { people: number; month: string; lines: number }) {
  const started = performance.now();
  const { from, days } = monthBounds(month);
  if (lines > people * days * 17) throw new Error(`at most ${people * days * 17} lines for ${people} people in ${month}`);
  await ensurePeople(db, people);
  const batch = 1_000_000;
  for (let start = 0; start < lines; start += batch) {
    const end = Math.min(lines, start + batch) - 1;
    await bulkInsert(
      db,
      `insert into costs_hourly (event_id, hour, organization_id, openai_user_id, person_id, email, groups, product, client, surface, model, service_tier,
          input_tokens, cached_input_tokens, output_tokens, credits)
        select 'bench-lines-' || n, '${from}'::timestamptz + make_interval(days => ((n / ${people}) % ${days})::int, hours => (n / ${people * days})::int),
          'org-bench', 'user-bench-' || (n % ${people}), md5('bench-person-' || (n % ${people}))::uuid, 'person' || (n % ${people}) || '@${BENCH_EMAIL_DOMAIN}',
          jsonb_build_array(jsonb_build_object('name', 'codex-users'), jsonb_build_object('name', 'team-' || (n % ${people}) % 40)),
          'codex', case when (n / ${people * days}) / 4 % 2 = 0 then 'cli' else 'ide' end, case when n / ${people * days} >= 16 then 'web' else 'local' end,
          ${modelCase(`(n / ${people * days})::int`)}, case when (n / ${people * days}) / 8 % 2 = 0 then 'default' else 'priority' end,
          n % 90000, n % 400000, n % 30000, round((n % 90000) * 0.000731 + (n % 30000) * 0.0041, 6)
        from generate_series(${start}::bigint, ${end}::bigint) n`,
    );
  }
  // And the rollups the triggers filled: the bench cluster runs without autovacuum, so its statistics would still say the month is empty.
  await db.execute(sql`analyze costs_hourly, costs_daily, costs_monthly`);
  return { lines, seconds: (performance.now() - started) / 1000 };
}
