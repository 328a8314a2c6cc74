/**
 * A simulated workspace for benchmarks: N people × D days written straight into the tables the
 * sync writes and the console reads, in SQL (generate_series, INSERT … SELECT), so 10,000 people
 * × 30 days take minutes, not the hours a sync through the simulator would.
 *
 * Shapes follow the simulator's organisation (scripts/simulator/org.ts): a heavy-tailed activity
 * weight per person (Pareto, capped; about one seat in eight never used), weekdays busier than
 * weekends, a primary and a secondary client and model per person, fast (priority) tier for a few,
 * about 40 teams of Zipf-like sizes, a few people changing team mid-window. One heavy person has
 * at least 100,000 events (the audit trail's keyset pagination); typical people have a few hundred.
 *
 * What is written, all consistent with each other the way the sync would leave them:
 *   people; events (CODEX_LOG prompts, tool calls and responses with redacted text and token
 *   counts, AUTH_LOG sign-ins, AUDIT_LOG admin actions, CODEX_SECURITY_LOG blocks) with event_ids;
 *   findings (placeholders in the redacted text at the stored offsets; fingerprints from a pool
 *   of planted values, so the same value turns up for several people); daily_rollups,
 *   daily_tool_rollups and codex_sessions aggregated from those events; costs_hourly aggregated
 *   from the responses' tokens at the Codex rate card (plus code review); team_assignments (costs_groups periods,
 *   IdP groups for some, a CSV import with cost centres for a few); analytics usage and code-review
 *   days; access_log; log_files, sync cursors and runs; budgets; profile preferences.
 * Not written: console sessions (the caller signs in whom it needs), the integrity ledger's links
 * (the console reads only its heads and digests), SIEM destinations.
 *
 * Everything is deterministic for a seed (hash-based, no random()), so two runs give the same
 * rows. Works on PostgreSQL (postgres.js or drizzle) and PGlite (drizzle); it runs in one
 * transaction and ends with VACUUM (ANALYZE), as autovacuum would, so the query plans are the real ones.
 * The database must be migrated and hold no earlier seed (people's emails would collide).
 */
import { sql as drizzleSql } from "drizzle-orm";
import type postgres from "postgres";
import type { Database } from "../../db/client.server";

export type WorkspaceOptions = {
  /** People with a seat (default 10,000). */
  people?: number;
  /** Days of activity ending with `end` (default 30). */
  days?: number;
  /** Last day of activity, YYYY-MM-DD (default: today, UTC). */
  end?: string;
  /** Events of the heavy person (default 100,000; 0 for none). */
  heavyEvents?: number;
  /** Changes every hash-based choice (default 7). */
  seed?: number;
  /**
   * Fingerprint of a planted secret value, as the redactor computes it (redactor.fingerprintValue).
   * With it, "has this value been seen?" finds the planted values (plantedValue(n)); without it the
   * fingerprints are stand-ins of the same shape.
   */
  fingerprint?: (value: string) => string;
  /** Progress lines ("people: 0.4 s"). */
  log?: (line: string) => void;
};

export type WorkspaceSummary = {
  people: number;
  days: number;
  from: string;
  to: string;
  events: number;
  rollups: number;
  sessions: number;
  costs: number;
  findings: number;
  accessLog: number;
  seconds: number;
  /** The person with the most events, and how many. */
  heavy: { personId: string; email: string; events: number };
  /** A typical active person (median events), for "my activity" and a shallow trail. */
  typical: { personId: string; email: string; events: number };
  /** People who can sign in to the console in a benchmark: admin (every role), auditor, finance, viewer. */
  staff: { admin: PersonRef; auditor: PersonRef; finance: PersonRef; viewer: PersonRef };
  /** A team with people in it, for filters. */
  team: string;
  /** A planted secret value that was seen several times (pass to "has this value been seen?"). */
  plantedValue: string;
};
type PersonRef = { personId: string; email: string; name: string };

/** The n-th planted secret value of the pool (what a finding's fingerprint is computed from). */
export function plantedValue(n: number) {
  return `sk-proj-bench${String(n).padStart(6, "0")}Q7xT2mN9vL4kR8wZ3cF6hJ1pB5yD0gS`;
}
const PLANTED_POOL = 2000;
/** Text before the placeholder in a prompt with a finding (the finding's start offset is its length). */
const FINDING_PREFIX = "Use this key for the staging job: ";
const FINDING_RATE = 0.015;

type Target = Database | postgres.Sql;
type Exec = (text: string) => Promise<Array<Record<string, unknown>>>;

function isPostgresJs(target: Target): target is postgres.Sql {
  return typeof target === "function" && typeof (target as postgres.Sql).begin === "function";
}

async function inTransaction<T>(target: Target, work: (exec: Exec) => Promise<T>): Promise<T> {
  if (isPostgresJs(target)) {
    return (await target.begin(async (tx) => work(async (text) => (await tx.unsafe(text)) as unknown as Array<Record<string, unknown>>))) as T;
  }
  return target.transaction(async (tx) =>
    work(async (text) => {
      const result: unknown = await tx.execute(drizzleSql.raw(text));
      return (Array.isArray(result) ? result : (result as { rows: Array<Record<string, unknown>> }).rows) as Array<Record<string, unknown>>;
    }),
  );
}

const FIRST = [
  "Ada", "Grace", "Linus", "Margaret", "Alan", "Barbara", "Ken", "Radia", "Dennis", "Frances", "Guido", "Hedy", "Ivan", "Jean",
  "Katherine", "Leslie", "Mary", "Niklaus", "Olga", "Priya", "Quentin", "Rosa", "Satoshi", "Tim", "Uma", "Vint", "Wei", "Xin",
  "Yuki", "Zainab", "Amara", "Bjorn", "Chen", "Dmitri", "Elif", "Farah", "Goran", "Hana", "Ines", "Jamal", "Kofi", "Lucia",
  "Mateo", "Nadia", "Oren", "Paulo", "Rania", "Sven", "Tariq", "Valentina", "Wanjiru", "Yara", "Aiko", "Bruno", "Camila",
  "Diego", "Emeka", "Fatima", "Hiro", "Ingrid", "Jonas", "Kavya", "Lars", "Mei", "Noor", "Omar", "Pia", "Raj", "Sofia", "Thabo",
];
const LAST = [
  "Lovelace", "Hopper", "Torvalds", "Hamilton", "Turing", "Liskov", "Thompson", "Perlman", "Ritchie", "Allen", "Rossum", "Lamarr",
  "Sutherland", "Bartik", "Johnson", "Lamport", "Jackson", "Wirth", "Petrova", "Raman", "Parks", "Nakamoto", "Berners", "Okafor",
  "Cerf", "Zhang", "Li", "Tanaka", "Haddad", "Mensah", "Andersen", "Ivanova", "Yilmaz", "Rahman", "Kovac", "Sato", "Silva",
  "Mwangi", "Schmidt", "Garcia", "Nguyen", "Kowalski", "Dubois", "Rossi", "Novak", "Khan", "Patel", "Murphy", "Fischer", "Costa",
];
const TEAM_AREAS = ["Platform", "Payments", "Mobile", "Web", "Data", "Infrastructure", "Security", "Machine Learning", "Developer Experience", "Growth"];
const TEAM_SUFFIXES = ["Core", "Services", "Tools", "Apps"];
/** 40 teams; the Zipf-like pick below makes the first ones the biggest. */
const TEAMS = TEAM_SUFFIXES.flatMap((s) => TEAM_AREAS.map((a) => `${a} ${s}`));

/** CODEX_LOG client, COSTS client and surface (scripts/simulator/catalog.ts). */
const CLIENTS: Array<[string, string, string]> = [
  ["CODEX_CLI", "cli", "cli"],
  ["CODEX_VSCODE", "vscode", "ide"],
  ["CODEX_JETBRAINS", "jetbrains", "ide"],
  ["CODEX_DESKTOP_APP", "desktop_app", "desktop_app"],
  ["CODEX_WEB", "web", "cloud_task"],
  ["CODEX_SDK_TS", "exec", "exec"],
];
/** Model and its Codex rate card, credits per 1M tokens (input, cached, output). */
const MODELS: Array<[string, number, number, number]> = [
  ["gpt-5.5", 125, 12.5, 750],
  ["gpt-5.4", 62.5, 6.25, 375],
  ["gpt-5.4-mini", 18.75, 1.875, 113],
  ["gpt-5.3-codex", 43.75, 4.375, 350],
  ["gpt-5.2-codex", 43.75, 4.375, 350],
  ["gpt-5.1-codex-max", 31.25, 3.125, 250],
  ["gpt-5.5-cyber", 500, 50, 3000],
];
const FINDING_TYPES: Array<[string, string, number]> = [
  ["openai_api_key", "secret", 51],
  ["github_token", "secret", 40],
  ["aws_access_key_id", "secret", 20],
  ["generic_secret_assignment", "secret", 24],
  ["jwt", "secret", 120],
  ["private_key", "secret", 900],
  ["email", "pii", 22],
  ["phone_number", "pii", 14],
  ["payment_card", "pii", 16],
  ["iban", "pii", 22],
];
const PROMPTS = [
  "Refactor the retry logic in the payments client so that idempotency keys survive a restart, and add tests for the timeout path.",
  "Why does this migration lock the orders table for so long? Suggest a way to backfill the new column in batches.",
  "Write a script that reads the deploy log and prints which services changed between two releases.",
  "The flaky test in checkout.spec.ts fails about one run in ten on CI. Find the race and fix it without adding sleeps.",
  "Add pagination to the /v2/invoices endpoint using a keyset cursor on (created_at, id) and update the OpenAPI schema.",
  "Explain what this Terraform plan will change in production and whether any resource gets replaced.",
  "Port the image resize worker from the old queue library to the new one; keep the metrics names.",
  "Review this diff for SQL injection and missing authorization checks before I open the pull request.",
];
const RESPONSES = [
  "I changed the client to persist idempotency keys in the outbox table before the first attempt, so a restart replays the same key. The timeout path now raises RetryableError after the configured deadline; I added three tests that cover the first attempt timing out, a retry succeeding and a retry exhausting the budget. All tests pass locally.",
  "The ALTER TABLE adds a column with a volatile default, which rewrites the whole table under an ACCESS EXCLUSIVE lock. Add the column without a default first, set the default for new rows, then backfill in batches of 10,000 ids with a short sleep between them; finally add the NOT NULL constraint as NOT VALID and validate it separately.",
  "Here is a small script: it parses each deploy line, groups entries by release tag and prints the services whose image digest changed. It reads from stdin so you can pipe the log straight in, and exits with status 1 when a tag is missing.",
  "The test awaits the cart update but not the price recalculation that the same click triggers, so the assertion sometimes reads the old total. I made the helper wait for the recalculation request to settle and removed the retry wrapper; 200 local runs passed.",
  "The endpoint now accepts `after` (an opaque cursor) and `limit` (1–200). The query orders by created_at, id and seeks past the cursor, which uses the existing index. I updated the schema, the client SDK types and added tests for an empty page and the last page.",
];
const TOOL_NAMES = ["shell", "apply_patch", "read_file", "web_search", "update_plan", "mcp__github__create_pull_request"];
const TOOL_ARGS = ["npm test -- --run checkout", "git diff --stat origin/main", "rg -n \"idempotency\" src/", "cat migrations/0042_orders.sql", "pytest -q tests/test_retry.py", "terraform plan -no-color"];

/** A version-4 UUID (as gen_random_uuid makes, and as the console's id checks expect) from the person's number. */
const personUuid = (i: string) => `overlay(overlay(md5('codex-ledger-bench-person:' || ${i}) placing '4' from 13) placing '8' from 17)::uuid`;
const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;
const sqlArray = (items: string[]) => `array[${items.map(sqlText).join(",")}]::text[]`;

export async function seedWorkspace(target: Target, options: WorkspaceOptions = {}): Promise<WorkspaceSummary> {
  const people = options.people ?? 10_000;
  const days = options.days ?? 30;
  const end = options.end ?? new Date().toISOString().slice(0, 10);
  const heavyEvents = options.heavyEvents ?? 100_000;
  const seed = options.seed ?? 7;
  const log = options.log ?? (() => {});
  if (!Number.isInteger(people) || people < 30) throw new Error("seedWorkspace: people must be a whole number of at least 30");
  if (!Number.isInteger(days) || days < 1 || days > 60) throw new Error("seedWorkspace: days must be between 1 and 60");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(end) || Number.isNaN(Date.parse(`${end}T00:00:00Z`))) throw new Error("seedWorkspace: end must be a day like 2026-11-21");
  const from = new Date(Date.parse(`${end}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const started = Date.now();

  /** A uniform number in [0, 1) from a bigint key and a salt: deterministic, independent per salt. */
  const rnd = (key: string, salt: number) => `((hashint8extended((${key})::bigint, ${seed * 1000 + salt}::bigint) & 16777215)::float8 / 16777216.0)`;
  const fingerprints = Array.from({ length: PLANTED_POOL }, (_, n) => (options.fingerprint ? options.fingerprint(plantedValue(n)) : stableHex(`planted:${seed}:${n}`)));
  // The heavy person's turns per active day: about 3 events a turn (prompt, ~1 tool call, response), every day.
  const heavyTurns = heavyEvents > 0 ? Math.ceil(heavyEvents / 2.9 / days) : 0;
  const workspaceId = "6e1c0b5a-0000-4000-8000-00000000be9c";
  const orgId = "org-bench0000000000000000000";

  const summary = await inTransaction(target, async (exec) => {
    const step = async (name: string, text: string) => {
      const t = Date.now();
      const rows = await exec(text);
      // Temp tables have no statistics until analyzed: without them the joins below would be nested loops.
      const temp = /^\s*create temp table (\w+)/.exec(text)?.[1];
      if (temp) await exec(`analyze ${temp}`);
      log(`${name}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
      return rows;
    };

    // Events are generated into a table without indexes, then moved into the monthly partitions in
    // time order (as hourly files arrive: the heap is clustered by time, not by person).
    await exec(`create temp table seed_events (like events including defaults) on commit drop`);

    /* ── people and their habits ── */
    await step(
      "people",
      `create temp table seed_person on commit drop as
       with base as (
         select i, ${rnd("i", 1)} as u_seat, ${rnd("i", 2)} as u_weight, ${rnd("i", 3)} as u_team, ${rnd("i", 4)} as u_client,
           ${rnd("i", 5)} as u_model, ${rnd("i", 6)} as u_weekend, ${rnd("i", 7)} as u_fast, ${rnd("i", 8)} as u_start,
           ${rnd("i", 9)} as u_first, ${rnd("i", 10)} as u_last, ${rnd("i", 11)} as u_change, ${rnd("i", 12)} as u_case
         from generate_series(1, ${people}) i
       ), named as (
         select b.*,
           (${sqlArray(FIRST)})[1 + floor(u_first * ${FIRST.length})::int] as first_name,
           (${sqlArray(LAST)})[1 + floor(u_last * ${LAST.length})::int] as last_name
         from base b
       )
       select i,
         ${personUuid("i")} as id,
         'user-bench' || lpad(i::text, 7, '0') as openai_user_id,
         case i when 1 then 'heavy.user@northwind-bench.example' when 2 then 'bench.admin@northwind-bench.example'
                when 3 then 'bench.auditor@northwind-bench.example' when 4 then 'bench.finance@northwind-bench.example'
                when 5 then 'bench.viewer@northwind-bench.example'
                else lower(first_name || '.' || last_name) || '.' || i || '@northwind-bench.example' end as email,
         case i when 1 then 'Heavy User' when 2 then 'Bench Admin' when 3 then 'Bench Auditor' when 4 then 'Bench Finance' when 5 then 'Bench Viewer'
                else first_name || ' ' || last_name end as name,
         -- About 3% have no team group (their team comes from nowhere: "no team").
         case when u_team > 0.97 then null else (${sqlArray(TEAMS)})[1 + floor(${TEAMS.length} * power(u_team / 0.97, 1.7))::int] end as team,
         -- Team changers: from change_day on, the next team.
         case when u_change < 0.03 then 5 + floor(${rnd("i", 13)} * ${Math.max(1, days - 10)})::int end as change_day,
         case when i = 1 then 0 when u_seat < 0.12 then 0 else least(12, 0.35 / power(1 - u_weight, 1 / 1.5)) end as weight,
         case when u_weekend < 0.2 then 0.3 else 0.03 end as weekend_factor,
         (array[1, 1, 1, 2, 2, 3, 4, 5, 6, 5])[1 + floor(u_client * 10)::int] as client_a,
         (array[5, 2, 1, 1, 5, 1, 5, 2, 1, 4])[1 + floor(${rnd("i", 14)} * 10)::int] as client_b,
         (array[1, 1, 1, 1, 2, 2, 2, 4, 4, 3, 6, 7])[1 + floor(u_model * 12)::int] as model_a,
         (array[2, 3, 1, 2, 4, 1, 3, 5])[1 + floor(${rnd("i", 15)} * 8)::int] as model_b,
         case when u_fast < 0.15 then 0.6 else 0.03 end as fast_p,
         3 + floor(u_start * 11)::int as start_hour,
         u_case < 0.2 as upper_case_costs_email
       from named`,
    );
    await exec(`update seed_person set client_b = case when client_b = client_a then 5 else client_b end, model_b = case when model_b = model_a then 2 else model_b end`);
    await exec(`update seed_person set client_b = 1 where client_b = client_a`);
    await exec(`update seed_person set model_b = 1 where model_b = model_a`);
    await step(
      "people rows",
      `insert into people (id, email, name, openai_user_id, active, created_at, updated_at, deactivated_at)
       select id, email, name, openai_user_id, ${rnd("i", 16)} > 0.02 or i <= 5,
         '${from}'::timestamptz - interval '200 days', '${from}'::timestamptz,
         case when ${rnd("i", 16)} <= 0.02 and i > 5 then '${end}'::timestamptz - interval '3 days' end
       from seed_person`,
    );

    /* ── active days, sessions, turns ── */
    const dayIdx = `(d.day::date - '${from}'::date)`;
    await step(
      "active days",
      `create temp table seed_day on commit drop as
       select p.i, p.id, p.openai_user_id, p.email, d.day::date as day, ${dayIdx} as d,
         case when p.i = 1 then ${heavyTurns}
              else greatest(1, round(p.weight * 10 * (0.3 + 1.4 * ${rnd(`p.i * 64 + ${dayIdx}`, 21)})))::int end as turns
       from seed_person p
       cross join generate_series('${from}'::date, '${end}'::date, interval '1 day') d(day)
       where (p.i = 1 and ${heavyTurns} > 0)
          or (p.weight > 0 and ${rnd(`p.i * 64 + ${dayIdx}`, 20)} <
              least(0.92, 0.25 + 0.35 * p.weight) * (case when extract(isodow from d.day) >= 6 then p.weekend_factor else 1 end))`,
    );
    await exec(`alter table seed_day add column sessions int`);
    await exec(`update seed_day set sessions = least(60, turns, 1 + turns / 8)`);
    await step(
      "sessions",
      `create temp table seed_session on commit drop as
       select sd.i, sd.id, sd.openai_user_id, sd.email, sd.day, sd.d, s,
         md5('bench-session:' || sd.i || ':' || sd.d || ':' || s)::uuid::text as session_id,
         sd.turns / sd.sessions + case when s < sd.turns % sd.sessions then 1 else 0 end as turns,
         (${sqlArray(CLIENTS.map((c) => c[0]))})[case when ${rnd(`(sd.i::bigint * 64 + sd.d) * 64 + s`, 30)} < 0.72 then p.client_a when ${rnd(`(sd.i::bigint * 64 + sd.d) * 64 + s`, 30)} < 0.92 then p.client_b else 5 end] as client_id,
         (${sqlArray(MODELS.map((m) => m[0]))})[case when ${rnd(`(sd.i::bigint * 64 + sd.d) * 64 + s`, 31)} < 0.75 then p.model_a else p.model_b end] as model,
         case when ${rnd(`(sd.i::bigint * 64 + sd.d) * 64 + s`, 32)} < p.fast_p then 'priority' else 'default' end as tier,
         (array['medium', 'medium', 'medium', 'high', 'low', 'xhigh', 'minimal'])[1 + floor(${rnd(`(sd.i::bigint * 64 + sd.d) * 64 + s`, 33)} * 7)::int] as effort,
         sd.day::timestamp at time zone 'UTC' + make_interval(hours => p.start_hour) + make_interval(secs => s * (36000.0 / sd.sessions)) as started_at,
         least(95.0, 36000.0 / sd.sessions / greatest(1, sd.turns / sd.sessions + 1)) as turn_gap
       from seed_day sd join seed_person p on p.i = sd.i
       cross join lateral generate_series(0, sd.sessions - 1) s`,
    );

    /* ── CODEX_LOG events: per turn a prompt, 0–2 tool calls, a response ── */
    const turnKey = `((ss.i::bigint * 64 + ss.d) * 64 + ss.s) * 4096 + t`;
    await step(
      "turns",
      `create temp table seed_turn on commit drop as
       select ss.*, t, ${turnKey} as turn_key,
         floor(${rnd(turnKey, 40)} * 3)::int as tools,
         ${rnd(turnKey, 41)} < ${FINDING_RATE} as has_finding,
         ss.started_at + make_interval(secs => t * ss.turn_gap) as turn_at
       from seed_session ss cross join lateral generate_series(0, ss.turns - 1) t`,
    );
    const findingType = `(array[${FINDING_TYPES.map((_, n) => n + 1).join(",")}])[1 + floor(${rnd("tr.turn_key", 42)} * ${FINDING_TYPES.length})::int]`;
    await step(
      "turn findings",
      `create temp table seed_turn_finding on commit drop as
       select tr.turn_key, tr.turn_at, tr.id, ${findingType} as type_no, floor(${rnd("tr.turn_key", 43)} * ${PLANTED_POOL})::int as value_no
       from seed_turn tr where tr.has_finding`,
    );
    await exec(`create temp table seed_finding_type on commit drop as
       select * from (values ${FINDING_TYPES.map(([t, k, len], n) => `(${n + 1}, ${sqlText(t)}, ${sqlText(k)}, ${len})`).join(",")}) as x(type_no, type, kind, length)`);
    await exec(`create temp table seed_fingerprint on commit drop as
       select n - 1 as value_no, fp from unnest(${sqlArray(fingerprints)}) with ordinality as x(fp, n)`);

    const prompt = `(${sqlArray(PROMPTS)})[1 + floor(${rnd("tr.turn_key", 44)} * ${PROMPTS.length})::int]`;
    const response = `(${sqlArray(RESPONSES)})[1 + floor(${rnd("tr.turn_key", 45)} * ${RESPONSES.length})::int]`;
    const eventId = (kind: string) => `md5('bench-event:' || tr.turn_key || ':' || ${kind})::uuid::text`;
    const common = `tr.id, tr.openai_user_id, tr.email, tr.client_id, tr.session_id, md5('bench-turn:' || tr.turn_key)::uuid::text, tr.model, tr.tier, tr.effort`;
    const columns = `event_id, occurred_at, event_type, detail_type, workspace_id, person_id, openai_user_id, actor_email, client_id, session_id, turn_id,
      model, service_tier, reasoning_effort, status, input_tokens, cached_input_tokens, output_tokens, reasoning_output_tokens, tool_name, tool_decision,
      text_kind, text_length, text_fingerprint, redacted_text, finding_count, attributes, source_file_id, ingested_at`;
    const sourceFile = (type: string, at: string) => `'bench-file-${type}-' || to_char(date_trunc('hour', ${at}), 'YYYYMMDDHH24')`;
    const ingested = (at: string) => `date_trunc('hour', ${at}) + interval '1 hour 20 minutes'`;
    const prompts = `
       select ${eventId("'p'")}, tr.turn_at, 'CODEX_LOG', 'PROMPT_SENT', '${workspaceId}', ${common}, null::text, null::bigint, null::bigint, null::bigint, null::bigint, null::text, null::text,
         'prompt_text', length(txt.text), substr(md5('bench-text:' || tr.turn_key), 1, 16), txt.text, case when tr.has_finding then 1 else 0 end,
         '{"approval_policy": "on-request", "sandbox_policy": "workspace-write"}'::jsonb, ${sourceFile("CODEX_LOG", "tr.turn_at")}, ${ingested("tr.turn_at")}
       from seed_turn tr
       left join seed_turn_finding f on f.turn_key = tr.turn_key
       left join seed_finding_type ft on ft.type_no = f.type_no
       left join seed_fingerprint fp on fp.value_no = f.value_no
       cross join lateral (select case when f.turn_key is null then ${prompt}
         else ${sqlText(FINDING_PREFIX)} || '[' || case ft.kind when 'secret' then 'SECRET' else 'PII' end || ':' || ft.type || ':' || substr(fp.fp, 1, 8) || ']' || ' and ' || ${prompt} end as text) txt`;
    const toolCalls = `
       select ${eventId("'t' || k")}, tr.turn_at + make_interval(secs => 4 + k * 3), 'CODEX_LOG', 'TOOL_CALL', '${workspaceId}', ${common}, null::text, null::bigint, null::bigint, null::bigint, null::bigint,
         (${sqlArray(TOOL_NAMES)})[1 + floor(${rnd("tr.turn_key * 4 + k", 46)} * ${TOOL_NAMES.length})::int],
         (array['approved', 'approved', 'approved', 'approved', 'approved', 'approved', 'approved_for_session', 'approved_for_session', 'denied', 'abort'])[1 + floor(${rnd("tr.turn_key * 4 + k", 47)} * 10)::int],
         'arguments', length(a.text), substr(md5('bench-args:' || tr.turn_key || ':' || k), 1, 16), a.text, 0,
         '{"sandbox_policy": "workspace-write"}'::jsonb, ${sourceFile("CODEX_LOG", "tr.turn_at")}, ${ingested("tr.turn_at")}
       from seed_turn tr cross join lateral generate_series(1, tr.tools) k
       cross join lateral (select (${sqlArray(TOOL_ARGS)})[1 + floor(${rnd("tr.turn_key * 4 + k", 48)} * ${TOOL_ARGS.length})::int] as text) a`;
    const responses = `
       select ${eventId("'r'")}, tr.turn_at + make_interval(secs => 8 + tr.tools * 3 + floor(${rnd("tr.turn_key", 49)} * 20)::int), 'CODEX_LOG', 'PROMPT_RESPONSE_RECEIVED', '${workspaceId}', ${common},
         case when ${rnd("tr.turn_key", 50)} < 0.02 then 'failed' else 'completed' end,
         t.input, t.cached, t.output, (t.output * 0.45)::bigint, null, null,
         'response_text', length(txt.text), substr(md5('bench-response:' || tr.turn_key), 1, 16), txt.text, 0,
         '{}'::jsonb, ${sourceFile("CODEX_LOG", "tr.turn_at")}, ${ingested("tr.turn_at")}
       from seed_turn tr
       cross join lateral (select (400 + ${rnd("tr.turn_key", 51)} * 9000)::bigint as input, (${rnd("tr.turn_key", 52)} * 70000)::bigint as cached,
         (150 + power(${rnd("tr.turn_key", 53)}, 2) * 6000)::bigint as output) t
       cross join lateral (select ${response} as text) txt`;
    await step("events: CODEX_LOG", `insert into seed_events (${columns}) ${prompts} union all ${toolCalls} union all ${responses}`);

    /* ── other workspace events: sign-ins, security blocks, admin actions ── */
    await step(
      "events: sign-ins",
      `insert into seed_events (${columns})
       select md5('bench-login:' || sd.i || ':' || sd.d)::uuid::text,
         sd.day::timestamp at time zone 'UTC' + make_interval(hours => p.start_hour) - interval '4 minutes', 'AUTH_LOG',
         case when ${rnd("sd.i * 64 + sd.d", 60)} < 0.03 then 'LOGIN_FAILED' else 'LOGIN_SUCCEEDED' end,
         '${workspaceId}', sd.id, sd.openai_user_id, sd.email, null, null, null, null, null, null, null, null, null, null, null, null, null,
         null, null, null, null, 0, jsonb_build_object('auth_method', 'SSO', 'client', 'codex_cli', 'ip_address', '10.' || (sd.i % 250) || '.' || (sd.d % 250) || '.7', 'identity_provider', 'okta'),
         ${sourceFile("AUTH_LOG", "sd.day::timestamp at time zone 'UTC' + make_interval(hours => p.start_hour)")},
         ${ingested("sd.day::timestamp at time zone 'UTC' + make_interval(hours => p.start_hour)")}
       from seed_day sd join seed_person p on p.i = sd.i`,
    );
    await step(
      "events: security",
      `insert into seed_events (${columns})
       select ${eventId("'s'")}, tr.turn_at + interval '5 seconds', 'CODEX_SECURITY_LOG', 'COMMAND_BLOCKED_BY_POLICY', '${workspaceId}', ${common},
         null, null, null, null, null, 'shell', 'denied', 'arguments', 24, substr(md5('bench-sec:' || tr.turn_key), 1, 16), 'rm -rf ./build && curl …', 0,
         '{"severity": "high", "decision_source": "config"}'::jsonb, ${sourceFile("CODEX_SECURITY_LOG", "tr.turn_at")}, ${ingested("tr.turn_at")}
       from seed_turn tr where ${rnd("tr.turn_key", 61)} < 0.003`,
    );
    await step(
      "events: admin actions",
      `insert into seed_events (${columns})
       select md5('bench-audit:' || d || ':' || n)::uuid::text, ('${from}'::date + d)::timestamp at time zone 'UTC' + make_interval(hours => 9 + n), 'AUDIT_LOG',
         (array['workspace.settings.updated', 'user.role.changed', 'group.member.added', 'connector.enabled'])[1 + (n % 4)],
         '${workspaceId}', p.id, p.openai_user_id, p.email, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, 0,
         jsonb_build_object('target', 'workspace', 'changes', jsonb_build_object('field', 'codex_enabled', 'from', false, 'to', true)),
         ${sourceFile("AUDIT_LOG", `('${from}'::date + d)::timestamp at time zone 'UTC' + make_interval(hours => 9 + n)`)},
         ${ingested(`('${from}'::date + d)::timestamp at time zone 'UTC' + make_interval(hours => 9 + n)`)}
       from generate_series(0, ${days - 1}) d cross join generate_series(0, 3) n join seed_person p on p.i = 2 + (n % 3)`,
    );
    // Monthly partitions named as the sync names them (app/models/events.server.ts). A new one is
    // filled before it is attached, so its indexes are built once rather than row by row.
    for (let m = new Date(`${from.slice(0, 7)}-01T00:00:00Z`); m <= new Date(`${end}T00:00:00Z`); m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))) {
      const next = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1));
      const name = `events_y${m.getUTCFullYear()}m${String(m.getUTCMonth() + 1).padStart(2, "0")}`;
      const bounds = `from ('${m.toISOString()}') to ('${next.toISOString()}')`;
      const rows = `select * from seed_events where occurred_at >= '${m.toISOString()}' and occurred_at < '${next.toISOString()}' order by occurred_at`;
      const [exists] = await exec(`select to_regclass('${name}') is not null as present`);
      if (exists?.present) {
        await step(`events: ${name}`, `insert into events ${rows}`);
      } else {
        await exec(`create table ${name} (like events including defaults including constraints)`);
        await step(`events: ${name}`, `insert into ${name} ${rows}`);
        await step(`events: attach ${name} (index builds)`, `alter table events attach partition ${name} for values ${bounds}`);
      }
    }
    await step("event_ids", `insert into event_ids (event_id, occurred_at, event_type) select event_id, occurred_at, event_type from seed_events order by event_id`);

    await step(
      "findings",
      `insert into findings (event_id, occurred_at, person_id, field, type, kind, start, "end", fingerprint)
       select ${eventId("'p'")}, tr.turn_at, tr.id, 'prompt_text', ft.type, ft.kind, ${FINDING_PREFIX.length}, ${FINDING_PREFIX.length} + ft.length, fp.fp
       from seed_turn tr join seed_turn_finding f on f.turn_key = tr.turn_key
       join seed_finding_type ft on ft.type_no = f.type_no join seed_fingerprint fp on fp.value_no = f.value_no`,
    );

    /* ── rollups and sessions, as the sync aggregates them ── */
    await step(
      "daily_rollups",
      `insert into daily_rollups (day, openai_user_id, person_id, model, client_id, events, prompts, responses, failed_responses, tool_calls,
         tool_approved, tool_denied, tool_aborted, input_tokens, cached_input_tokens, output_tokens, reasoning_output_tokens, findings)
       select (occurred_at at time zone 'UTC')::date, openai_user_id, min(person_id::text)::uuid, coalesce(model, ''), coalesce(client_id, ''), count(*),
         count(*) filter (where detail_type = 'PROMPT_SENT'), count(*) filter (where detail_type = 'PROMPT_RESPONSE_RECEIVED'),
         count(*) filter (where detail_type = 'PROMPT_RESPONSE_RECEIVED' and status <> 'completed'), count(*) filter (where detail_type = 'TOOL_CALL'),
         count(*) filter (where detail_type = 'TOOL_CALL' and (tool_decision = 'approved' or tool_decision like 'approved\\_%')),
         count(*) filter (where detail_type = 'TOOL_CALL' and tool_decision = 'denied'),
         count(*) filter (where detail_type = 'TOOL_CALL' and tool_decision in ('abort', 'aborted')),
         coalesce(sum(input_tokens), 0), coalesce(sum(cached_input_tokens), 0), coalesce(sum(output_tokens), 0), coalesce(sum(reasoning_output_tokens), 0), sum(finding_count)
       from events where event_type = 'CODEX_LOG'
       group by 1, 2, 4, 5 order by 1`,
    );
    await step(
      "daily_tool_rollups",
      `insert into daily_tool_rollups (day, openai_user_id, person_id, client_id, model, tool_name, calls, approved, denied, aborted)
       select (occurred_at at time zone 'UTC')::date, coalesce(openai_user_id, ''), min(person_id::text)::uuid, coalesce(client_id, ''), coalesce(model, ''),
         coalesce(tool_name, ''), count(*), count(*) filter (where tool_decision = 'approved' or tool_decision like 'approved\\_%'),
         count(*) filter (where tool_decision = 'denied'), count(*) filter (where tool_decision in ('abort', 'aborted'))
       from events where event_type = 'CODEX_LOG' and detail_type = 'TOOL_CALL'
       group by 1, 2, 4, 5, 6 order by 1`,
    );
    await step(
      "codex_sessions",
      `insert into codex_sessions (session_id, person_id, openai_user_id, client_id, model, first_at, last_at, turns)
       select session_id, min(person_id::text)::uuid, min(openai_user_id), min(client_id), min(model), min(occurred_at), max(occurred_at),
         count(*) filter (where detail_type = 'PROMPT_SENT')
       from events where event_type = 'CODEX_LOG' and session_id is not null group by session_id order by 6`,
    );

    /* ── COSTS: per person, hour, client, model and tier, from the responses' tokens ── */
    const teamAt = `case when p.change_day is not null and (h.hour at time zone 'UTC')::date >= '${from}'::date + p.change_day
        then (${sqlArray(TEAMS)})[1 + ((array_position(${sqlArray(TEAMS)}, p.team) + 6) % ${TEAMS.length})] else p.team end`;
    const groups = (team: string) =>
      `case when ${team} is null then '[{"name": "engineering"}, {"name": "codex-users"}]'::jsonb
        else jsonb_build_array(jsonb_build_object('id', md5('bench-team:' || ${team})::uuid::text, 'name', ${team}), '{"name": "engineering"}'::jsonb, '{"name": "codex-users"}'::jsonb) end`;
    await exec(`create temp table seed_client on commit drop as select * from (values ${CLIENTS.map(([id, client, surface]) => `(${sqlText(id)}, ${sqlText(client)}, ${sqlText(surface)})`).join(",")}) as x(client_id, client, surface)`);
    await exec(`create temp table seed_model on commit drop as select * from (values ${MODELS.map(([m, i, c, o]) => `(${sqlText(m)}, ${i}::numeric, ${c}::numeric, ${o}::numeric)`).join(",")}) as x(model, input, cached, output)`);
    await step(
      "costs_hourly",
      `insert into costs_hourly (event_id, hour, organization_id, openai_user_id, person_id, email, groups, product, client, surface, model, service_tier,
         reasoning, input_tokens, cached_input_tokens, output_tokens, credits, billing, source_file_id)
       select md5('bench-costs:' || h.openai_user_id || ':' || h.hour || ':' || h.client_id || ':' || h.model || ':' || h.tier)::uuid::text,
         h.hour, '${orgId}', h.openai_user_id, p.id, case when p.upper_case_costs_email then initcap(p.email) else p.email end,
         ${groups(teamAt)}, 'codex', c.client, c.surface, h.model, h.tier, h.effort, h.input, h.cached, h.output,
         round((h.input * m.input + h.cached * m.cached + h.output * m.output) / 1e6 * case when h.tier = 'priority' then 2 else 1 end, 6),
         jsonb_build_array(jsonb_build_object('sku', h.model || ' - Input', 'quantity', h.input), jsonb_build_object('sku', h.model || ' - Output', 'quantity', h.output)),
         'bench-file-COSTS-' || to_char(h.hour, 'YYYYMMDDHH24')
       from (
         select openai_user_id, date_trunc('hour', occurred_at) as hour, client_id, model, service_tier as tier, min(reasoning_effort) as effort,
           sum(input_tokens) as input, sum(cached_input_tokens) as cached, sum(output_tokens) as output
         from events where event_type = 'CODEX_LOG' and detail_type = 'PROMPT_RESPONSE_RECEIVED'
         group by 1, 2, 3, 4, 5
       ) h
       join seed_person p on p.openai_user_id = h.openai_user_id
       join seed_client c on c.client_id = h.client_id
       join seed_model m on m.model = h.model
       order by h.hour`,
    );
    // Codex code review on GitHub: COSTS only (no CODEX_LOG events), a few reviews a weekday for reviewers.
    await step(
      "costs_hourly: code review",
      `insert into costs_hourly (event_id, hour, organization_id, openai_user_id, person_id, email, groups, product, client, surface, model, service_tier,
         reasoning, input_tokens, cached_input_tokens, output_tokens, credits, billing, source_file_id)
       select md5('bench-review:' || p.i || ':' || sd.d)::uuid::text, h.hour, '${orgId}', p.openai_user_id, p.id, p.email, ${groups(teamAt)},
         'codex', 'github', 'github_code_review', 'gpt-5.3-codex', 'default', 'medium', t.input, t.cached, t.output,
         round((t.input * 43.75 + t.cached * 4.375 + t.output * 350) / 1e6, 6), '[]'::jsonb, 'bench-file-COSTS-' || to_char(h.hour, 'YYYYMMDDHH24')
       from seed_day sd join seed_person p on p.i = sd.i
       cross join lateral (select sd.day::timestamp at time zone 'UTC' + make_interval(hours => p.start_hour + 2) as hour) h
       cross join lateral (select (20000 + ${rnd("sd.i * 64 + sd.d", 70)} * 60000)::bigint as input, (${rnd("sd.i * 64 + sd.d", 71)} * 40000)::bigint as cached,
         (800 + ${rnd("sd.i * 64 + sd.d", 72)} * 3000)::bigint as output) t
       where ${rnd("sd.i", 73)} < 0.35 and extract(isodow from sd.day) < 6 and p.team is not null`,
    );

    /* ── teams: costs_groups periods (as refreshCostsGroupAssignments builds them), IdP groups, a CSV import ── */
    await step(
      "team_assignments",
      `insert into team_assignments (email, person_id, team, valid_from, valid_to, source, imported_at)
       select lower(p.email), p.id, p.team, f.first_day, case when p.change_day is not null then '${from}'::date + p.change_day end, 'costs_groups', '${end}'::timestamptz
       from seed_person p join (select person_id, min((hour at time zone 'UTC')::date) as first_day from costs_hourly group by 1) f on f.person_id = p.id
       where p.change_day is null or '${from}'::date + p.change_day > f.first_day
       union all
       select lower(p.email), p.id, (${sqlArray(TEAMS)})[1 + ((array_position(${sqlArray(TEAMS)}, p.team) + 6) % ${TEAMS.length})],
         greatest(f.first_day, '${from}'::date + p.change_day), null, 'costs_groups', '${end}'::timestamptz
       from seed_person p join (select person_id, min((hour at time zone 'UTC')::date) as first_day from costs_hourly group by 1) f on f.person_id = p.id
       where p.change_day is not null and p.team is not null`,
    );
    await exec(`delete from team_assignments where source = 'costs_groups' and valid_to is not null and valid_to <= valid_from`);
    await step(
      "team_assignments: idp and csv",
      `insert into team_assignments (email, person_id, team, cost_centre, valid_from, valid_to, source, imported_at, imported_by)
       select lower(p.email), p.id, p.team, null::text, '${from}'::date - 90, null::date, 'idp_groups', '${from}'::timestamptz, null::uuid
       from seed_person p where ${rnd("p.i", 80)} < 0.25 and p.team is not null
       union all
       select lower(p.email), p.id, coalesce(p.team, 'Platform Core'), 'CC-' || (100 + coalesce(array_position(${sqlArray(TEAMS)}, p.team), 0)),
         '${from}'::date - 60, null, 'csv_import', '${from}'::timestamptz, ${personUuid("2")}
       from seed_person p where ${rnd("p.i", 81)} < 0.05`,
    );

    /* ── Codex Analytics API days ── */
    await step(
      "analytics_usage_daily",
      `insert into analytics_usage_daily (workspace_id, day, openai_user_id, person_id, email, threads, turns, credits, input_tokens, cached_input_tokens,
         output_tokens, total_tokens, clients, models, fetched_at)
       select '${workspaceId}', r.day, r.openai_user_id, r.person_id, lower(p.email), coalesce(s.threads, 0), r.turns,
         -- The Analytics API's credits differ from COSTS on about 3% of person-days (what reconciliation is for).
         coalesce(c.credits, 0) * case when ${rnd("p.i * 64 + (r.day - '" + from + "'::date)", 90)} < 0.03 then 0.97 else 1 end,
         r.input, r.cached, r.output, r.input + r.cached + r.output, r.clients, r.models, '${end}'::timestamptz
       from (
         select day, openai_user_id, min(person_id::text)::uuid as person_id, sum(prompts)::int as turns, sum(input_tokens) as input,
           sum(cached_input_tokens) as cached, sum(output_tokens) as output,
           jsonb_agg(distinct jsonb_build_object('client_id', client_id)) as clients, jsonb_agg(distinct jsonb_build_object('model', model)) as models
         from daily_rollups group by 1, 2
       ) r
       join seed_person p on p.openai_user_id = r.openai_user_id
       left join (select (first_at at time zone 'UTC')::date as day, openai_user_id, count(*)::int as threads from codex_sessions group by 1, 2) s
         on s.day = r.day and s.openai_user_id = r.openai_user_id
       left join (select (hour at time zone 'UTC')::date as day, openai_user_id, sum(credits) as credits from costs_hourly group by 1, 2) c
         on c.day = r.day and c.openai_user_id = r.openai_user_id`,
    );
    await step(
      "analytics code review",
      `insert into analytics_code_reviews_daily (workspace_id, day, pull_request_reviews, comments, p0, p1, p2, fetched_at)
       select '${workspaceId}', day, count(*)::int, (count(*) * 2.4)::int, (count(*) * 0.1)::int, (count(*) * 0.8)::int, (count(*) * 1.5)::int, '${end}'::timestamptz
       from (select (hour at time zone 'UTC')::date as day from costs_hourly where client = 'github') x group by day;
       insert into analytics_code_review_responses_daily (workspace_id, day, pull_request_reviews, comments, replies, reactions, upvotes, downvotes,
         other_reactions, engaged, reacted, upvoted, downvoted, reacted_other, replied, fetched_at)
       select '${workspaceId}', day, pull_request_reviews, comments, (comments * 0.3)::int, (comments * 0.4)::int, (comments * 0.3)::int, (comments * 0.07)::int,
         (comments * 0.03)::int, (comments * 0.55)::int, (comments * 0.38)::int, (comments * 0.29)::int, (comments * 0.06)::int, (comments * 0.03)::int,
         (comments * 0.25)::int, fetched_at
       from analytics_code_reviews_daily`,
    );

    /* ── the access log: console staff looking at people, findings and values ── */
    await step(
      "access_log",
      `insert into access_log (at, actor_person_id, actor_email, action, subject_person_id, details, ip, user_agent)
       select ('${from}'::date + d)::timestamp at time zone 'UTC' + make_interval(hours => 7, secs => n * 900 + a * 17), actor.id, actor.email, x.action,
         case when x.action in ('trail_viewed', 'trail_exported') then subject.id end,
         case x.action
           when 'trail_viewed' then jsonb_build_object('filters', jsonb_build_object('from', '${from}', 'to', '${end}', 'types', jsonb_build_array('all')), 'page', 'newest', 'limit', 50)
           when 'trail_exported' then jsonb_build_object('filters', jsonb_build_object('from', '${from}', 'to', '${end}', 'types', jsonb_build_array('all')), 'format', 'csv')
           when 'dlp_findings_viewed' then jsonb_build_object('from', '${from}', 'to', '${end}', 'rows', 25)
           when 'fingerprint_searched' then jsonb_build_object('fingerprint', substr(md5('fp' || n), 1, 16), 'matches', n % 7, 'textMatches', 0)
           else jsonb_build_object('roles', jsonb_build_array('auditor', 'viewer')) end,
         '10.0.' || a || '.' || (n % 250), 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0 Safari/537.36'
       from generate_series(0, ${days - 1}) d
       cross join generate_series(0, 24) a
       cross join generate_series(0, 39) n
       join seed_person actor on actor.i = 2 + a
       join seed_person subject on subject.i = 1 + floor(${rnd("(d * 32 + a) * 64 + n", 100)} * ${people})::int
       cross join lateral (select case when n = 0 then 'sign_in' when ${rnd("(d * 32 + a) * 64 + n", 101)} < 0.8 then 'trail_viewed'
         when ${rnd("(d * 32 + a) * 64 + n", 101)} < 0.9 then 'dlp_findings_viewed' when ${rnd("(d * 32 + a) * 64 + n", 101)} < 0.96 then 'fingerprint_searched'
         else 'trail_exported' end as action) x
       where extract(isodow from '${from}'::date + d) < 6`,
    );

    /* ── sync state: one file per hour and stream, cursors, runs ── */
    await step(
      "sync state",
      `insert into log_files (id, scope, event_type, end_time, file_name, file_size, file_sha256, status, lines, events, new_events, attempts, first_seen_at, ingested_at)
       select 'bench-file-' || t.event_type || '-' || to_char(h, 'YYYYMMDDHH24'), t.scope, t.event_type, to_char(h + interval '1 hour', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
         t.event_type || '-' || to_char(h, 'YYYYMMDDHH24') || '.jsonl', 0, md5(t.event_type || h), 'ingested', 0, 0, 0, 1, h + interval '1 hour 5 minutes', h + interval '1 hour 20 minutes'
       from generate_series('${from}'::timestamptz, '${end}'::timestamptz + interval '23 hours', interval '1 hour') h
       cross join (values ('workspace:${workspaceId}', 'CODEX_LOG'), ('workspace:${workspaceId}', 'CODEX_SECURITY_LOG'), ('workspace:${workspaceId}', 'AUTH_LOG'),
         ('workspace:${workspaceId}', 'AUDIT_LOG'), ('organization:${orgId}', 'COSTS')) as t(scope, event_type);
       update log_files l set lines = c.n, events = c.n, new_events = c.n, file_size = c.n * 900
       from (select source_file_id, count(*)::int as n from events group by 1) c where c.source_file_id = l.id;
       insert into sync_cursors (source, scope, stream, position, position_time, last_attempt_at, last_success_at, files_total, events_total, updated_at)
       select 'compliance', scope, event_type, max(end_time), max(ingested_at) - interval '20 minutes', max(ingested_at), max(ingested_at), count(*), sum(events), max(ingested_at)
       from log_files where id like 'bench-file-%' group by scope, event_type;
       insert into sync_cursors (source, scope, stream, position, position_time, last_attempt_at, last_success_at, files_total, events_total, updated_at)
       select 'analytics', 'workspace:${workspaceId}', s, '${end}', '${end}'::timestamptz, '${end}'::timestamptz, '${end}'::timestamptz, ${days}, ${days} * 100, '${end}'::timestamptz
       from unnest(array['usage', 'code_reviews', 'code_review_responses']) s;
       insert into sync_runs (started_at, finished_at, ok, trigger, summary)
       select t, t + interval '40 seconds', true, 'schedule', jsonb_build_object('totalEvents', 1200, 'sources', jsonb_build_array(jsonb_build_object('source', 'compliance', 'eventType', 'CODEX_LOG', 'errors', jsonb_build_array())))
       from generate_series('${from}'::timestamptz, '${end}'::timestamptz, interval '15 minutes') t`,
    );

    /* ── budgets and personal preferences ── */
    await step(
      "budgets and preferences",
      `insert into budgets (scope, team, month, unit, amount, updated_by)
       select 'org', '', date_trunc('month', m)::date, 'credits', 5000000, ${personUuid("4")}
       from generate_series(date_trunc('month', '${from}'::date), date_trunc('month', '${end}'::date), interval '1 month') m
       union all
       select 'team', t, date_trunc('month', '${end}'::date)::date, 'usd', 20000, ${personUuid("4")}
       from unnest(${sqlArray(TEAMS.slice(0, 6))}) t;
       insert into profile_preferences (person_id, share_token, share_fields, leaderboard_opt_in)
       select id, case when ${rnd("i", 110)} < 0.01 then md5('bench-share:' || i) end, case when ${rnd("i", 110)} < 0.01 then array['lifetimeTokens', 'activeDays'] else '{}' end,
         ${rnd("i", 111)} < 0.05
       from seed_person where ${rnd("i", 110)} < 0.01 or ${rnd("i", 111)} < 0.05`,
    );

    const [counts] = await exec(`select
      (select count(*) from events)::int as events, (select count(*) from daily_rollups)::int as rollups, (select count(*) from codex_sessions)::int as sessions,
      (select count(*) from costs_hourly)::int as costs, (select count(*) from findings)::int as findings, (select count(*) from access_log)::int as access_log`);
    const [heavy] = await exec(`select p.id::text as id, p.email, count(*)::int as events from events e join people p on p.id = e.person_id
      where p.email = 'heavy.user@northwind-bench.example' group by p.id, p.email`);
    const [typical] = await exec(`with counts as (select person_id, count(*)::int as events from events where person_id is not null group by 1)
      select p.id::text as id, p.email, c.events from counts c join people p on p.id = c.person_id
      where p.email not like 'bench.%' and p.email not like 'heavy.%'
      order by c.events, p.id offset (select count(*) / 2 from counts) limit 1`);
    const staffRows = await exec(`select email, id::text as id, name from people where email like 'bench.%@northwind-bench.example'`);
    const staff = (role: string): PersonRef => {
      const row = staffRows.find((r) => r.email === `bench.${role}@northwind-bench.example`);
      return { personId: String(row?.id), email: String(row?.email), name: String(row?.name) };
    };
    const [team] = await exec(`select team from team_assignments where source = 'costs_groups' and team is not null group by team order by count(*) desc limit 1 offset 3`);
    const [planted] = await exec(`select fingerprint, count(*)::int as n from findings group by 1 order by 2 desc, 1 limit 1`);
    const plantedNo = planted ? fingerprints.indexOf(String(planted.fingerprint)) : 0;
    return {
      counts: counts!,
      heavy: { personId: String(heavy?.id), email: String(heavy?.email), events: Number(heavy?.events ?? 0) },
      typical: { personId: String(typical?.id), email: String(typical?.email), events: Number(typical?.events ?? 0) },
      staff: { admin: staff("admin"), auditor: staff("auditor"), finance: staff("finance"), viewer: staff("viewer") },
      team: String(team?.team ?? TEAMS[0]),
      plantedValue: plantedValue(Math.max(0, plantedNo)),
    };
  });

  // Outside the transaction: what autovacuum would have done by now on insert-only tables —
  // statistics for the planner and the visibility map that lets index-only scans skip the heap.
  const t = Date.now();
  if (isPostgresJs(target)) await target.unsafe("vacuum (analyze)");
  else await target.execute(drizzleSql.raw("vacuum (analyze)"));
  log(`vacuum (analyze): ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const c = summary.counts;
  return {
    people,
    days,
    from,
    to: end,
    events: Number(c.events),
    rollups: Number(c.rollups),
    sessions: Number(c.sessions),
    costs: Number(c.costs),
    findings: Number(c.findings),
    accessLog: Number(c.access_log),
    seconds: (Date.now() - started) / 1000,
    heavy: summary.heavy,
    typical: summary.typical,
    staff: summary.staff,
    team: summary.team,
    plantedValue: summary.plantedValue,
  };
}

/** 16 hex characters from a string, for stand-in fingerprints (FNV-1a, twice). */
function stableHex(text: string) {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    a = Math.imul(a ^ text.charCodeAt(i), 0x01000193) >>> 0;
    b = Math.imul(b ^ text.charCodeAt(text.length - 1 - i), 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0");
}
