/**
 * One database's half of the pages benchmark (scripts/bench/pages.ts), in a process of its own:
 * prepares the database, signs people in the way the console does (a console session and its
 * signed cookie), then times every console page through the Remix request handler built from
 * build/ — the real loaders, actions and server rendering, nothing mocked; the browser is not
 * involved. Prints one JSON line with the results.
 *
 *   postgres: the cluster in TEST_DATABASE_URL (a throwaway one from scripts/lib/pg-cluster.sh),
 *             migrated and seeded by scripts/bench/workspace.ts (N people × 30 days).
 *   pglite:   a fresh data folder synced from the demo organisation (scripts/lib/demo-sim.ts)
 *             by the same sync tasks `npm start` runs (compliance, then analytics, then the
 *             ledger digest).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

export type PagesWorkerInput = {
  target: "postgres" | "pglite";
  people: number;
  requests: number;
  warmup: number;
  /** PostgreSQL already seeded (the summary seedWorkspace returned): time the pages only, e.g. while tuning a query. */
  seeded?: import("./workspace").WorkspaceSummary;
  /** Only the cases whose name contains one of these. */
  only?: string[];
};
export type PageTiming = {
  case: string;
  path: string;
  as: string;
  status: number;
  bytes: number;
  n: number;
  p50: number;
  p95: number;
  max: number;
  /** CPU milliseconds of this process per request: loader code and rendering, and PGlite's queries (it runs in this process). */
  cpuMs: number;
  /** CPU milliseconds of the PostgreSQL server's processes per request (10 ms ticks, averaged); null for PGlite. */
  databaseCpuMs: number | null;
};
export type PagesWorkerOutput = { target: PagesWorkerInput["target"]; data: string; prepareSeconds: number; pages: PageTiming[] };

const ROOT = path.resolve(import.meta.dirname, "../..");
const say = (line: string) => process.stderr.write(`[pages] ${line}\n`);

async function main() {
  const input = JSON.parse(process.argv[2] ?? "{}") as PagesWorkerInput;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "codex-ledger-pages-"));
  // The configuration is read from the environment by the app and by the build alike.
  process.env.DATA_DIR = dataDir;
  process.env.NODE_ENV = "production";
  process.env.LOG_LEVEL = "warn";
  if (input.target === "postgres") {
    if (!process.env.TEST_DATABASE_URL) throw new Error("TEST_DATABASE_URL is not set (run under scripts/lib/pg-cluster.sh)");
    process.env.DATABASE_URL = process.env.TEST_DATABASE_URL;
  } else delete process.env.DATABASE_URL;

  const { getConfig } = await import("../../app/lib/config.server");
  const { openDatabase } = await import("../../db/client.server");
  const { setDatabaseHandle } = await import("../../db/index.server");
  const config = getConfig();
  const handle = await openDatabase(config.database);
  try {
    await handle.migrate();
    const prepared = performance.now();
    const subjects = input.target === "postgres" ? await seedPostgres(handle.db, input.people, input.seeded) : await syncDemo(handle.db);
    const prepareSeconds = (performance.now() - prepared) / 1000;
    setDatabaseHandle(handle);

    const { buildIfNeeded } = await import("../lib/build");
    const serverBuild = buildIfNeeded(ROOT, say);
    const { createRequestHandler } = await import("@remix-run/node");
    const build = (await import(pathToFileURL(serverBuild).href)) as Parameters<typeof createRequestHandler>[0];
    const handler = createRequestHandler(build, "production");

    const sessions = await signIn(handle.db, subjects);
    const pages = await measure(handler, sessions, subjects, input);
    const output: PagesWorkerOutput = { target: input.target, data: subjects.description, prepareSeconds, pages };
    process.stdout.write(`${JSON.stringify(output)}\n`);
  } finally {
    await handle.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

type Database = import("../../db/client.server").Database;
type Subjects = {
  description: string;
  staff: Record<"admin" | "auditor" | "finance" | "viewer", string>;
  /** Person ids. */
  heavy: string;
  typical: string;
  team: string | null;
  search: string;
  lookupValue: string;
  client: string;
  model: string;
};

async function seedPostgres(db: Database, people: number, seeded?: import("./workspace").WorkspaceSummary): Promise<Subjects> {
  const { seedWorkspace } = await import("./workspace");
  const { getConfig } = await import("../../app/lib/config.server");
  const { createRedactor } = await import("../../app/lib/redaction");
  const redactor = createRedactor({ key: getConfig().redactionKey, detectIpAddresses: false });
  if (!seeded) say(`seeding ${people.toLocaleString("en-US")} people × 30 days`);
  const s = seeded ?? (await seedWorkspace(db, { people, fingerprint: (v) => redactor.fingerprintValue(v), log: (l) => say(`  ${l}`) }));
  say(`seeded in ${s.seconds.toFixed(0)} s: ${s.events.toLocaleString("en-US")} events, heavy person ${s.heavy.events.toLocaleString("en-US")}, median person ${s.typical.events}`);
  return {
    description:
      `seeded workspace: ${people.toLocaleString("en-US")} people × ${s.days} days, ${s.events.toLocaleString("en-US")} events (heavy person ${s.heavy.events.toLocaleString("en-US")}, median person ${s.typical.events}), ` +
      `${s.rollups.toLocaleString("en-US")} daily rollups, ${s.sessions.toLocaleString("en-US")} sessions, ${s.costs.toLocaleString("en-US")} COSTS rows, ${s.findings.toLocaleString("en-US")} findings, ${s.accessLog.toLocaleString("en-US")} access-log entries`,
    staff: { admin: s.staff.admin.personId, auditor: s.staff.auditor.personId, finance: s.staff.finance.personId, viewer: s.staff.viewer.personId },
    heavy: s.heavy.personId,
    typical: s.typical.personId,
    team: s.team,
    search: "garcia",
    lookupValue: s.plantedValue,
    client: "CODEX_CLI",
    model: "gpt-5.5",
  };
}

async function syncDemo(db: Database): Promise<Subjects> {
  const { getConfig } = await import("../../app/lib/config.server");
  const { startDemoSimulator, DEMO_SIMULATION } = await import("../lib/demo-sim");
  const { createSyncTaskRunner } = await import("../../jobs/scheduler");
  const { SYNC_TASKS, MAINTENANCE_TASKS } = await import("../../jobs/crontab");
  const { DEMO_ACCOUNTS } = await import("../../app/lib/demo-accounts");
  const { selectRows } = await import("../../db/client.server");
  const { sql } = await import("drizzle-orm");
  const config = getConfig();
  const demo = await startDemoSimulator();
  try {
    say(`syncing the demo organisation (${DEMO_SIMULATION.users} people) into PGlite the way npm start does`);
    const run = createSyncTaskRunner({
      db,
      connection: demo.connection,
      settings: { backfillDays: config.sync.backfillDays, textPolicy: config.textPolicy, redactionKey: config.redactionKey, redactIpAddresses: config.redactIpAddresses },
      textRetentionDays: config.textRetentionDays,
      ledgerSigningKey: config.ledgerSigningKey,
    });
    const signal = new AbortController().signal;
    for (const task of [SYNC_TASKS.compliance, SYNC_TASKS.analytics, MAINTENANCE_TASKS.digest]) {
      const summary = await run(task, "bench", signal);
      const errors = summary.sources.flatMap((s) => s.errors);
      if (errors.length > 0) throw new Error(`${task}: ${errors.join("; ").slice(0, 500)}`);
    }
  } finally {
    await demo.close();
  }
  // The demo accounts become people when they sign in; here they are written as sign-in would.
  for (const a of DEMO_ACCOUNTS) {
    await db.execute(sql`insert into people (email, name, oidc_issuer, oidc_subject) values (${a.email}, ${a.name}, ${config.oidc.issuer}, ${a.username})
      on conflict (email) do update set name = excluded.name, oidc_issuer = excluded.oidc_issuer, oidc_subject = excluded.oidc_subject`);
  }
  const idOf = async (email: string) => (await selectRows<{ id: string }>(db, sql`select id from people where email = ${email}`))[0]!.id;
  const counts = await selectRows<{ person_id: string; events: number }>(
    db,
    sql`select person_id, count(*)::int as events from events where person_id is not null group by 1 order by 2 desc`,
  );
  const [totals] = await selectRows<{ events: number; people: number }>(db, sql`select (select count(*) from events)::int as events, (select count(*) from people where openai_user_id is not null)::int as people`);
  // The demo has no CSV or IdP assignments: its teams come from the COSTS groups. The largest one.
  const { teamsOfPeopleSql } = await import("../../app/models/teams.server");
  const [team] = await selectRows<{ team: string }>(db, sql`select t.team from ${teamsOfPeopleSql()} t where t.team is not null group by 1 order by count(*) desc, 1 limit 1`);
  const [finding] = await selectRows<{ fingerprint: string }>(db, sql`select fingerprint from findings group by 1 order by count(*) desc limit 1`);
  const median = counts[Math.floor(counts.length / 2)]!;
  void finding;
  return {
    description: `demo organisation synced from the simulator (seed ${DEMO_SIMULATION.seed}, ${totals!.people} people, 30-day backfill): ${totals!.events.toLocaleString("en-US")} events (heaviest person ${counts[0]!.events.toLocaleString("en-US")}, median ${median.events})`,
    staff: {
      admin: await idOf(DEMO_ACCOUNTS[0]!.email),
      auditor: await idOf(DEMO_ACCOUNTS[1]!.email),
      finance: await idOf(DEMO_ACCOUNTS[2]!.email),
      viewer: await idOf(DEMO_ACCOUNTS[3]!.email),
    },
    heavy: counts[0]!.person_id,
    typical: await idOf(DEMO_ACCOUNTS[4]!.email),
    team: team?.team ?? null,
    search: "garcia",
    // A value the demo did not see: the lookup's cost is the same index probes either way.
    lookupValue: "sk-proj-not-in-the-demo-0000000000000000000000000000",
    client: "CODEX_CLI",
    model: "gpt-5.5",
  };
}

type Session = { cookie: string; csrf: string };
type Who = "admin" | "auditor" | "finance" | "viewer" | "typical" | "heavy";

async function signIn(db: Database, subjects: Subjects): Promise<Record<Who, Session>> {
  const { createConsoleSession, hashSessionToken } = await import("../../app/models/console-session.server");
  const { serializeSessionCookie, csrfTokenFor } = await import("../../app/lib/session.server");
  const { people } = await import("../../db/schema");
  const { eq } = await import("drizzle-orm");
  const roles: Record<Who, Array<"admin" | "auditor" | "finance" | "viewer">> = {
    admin: ["admin", "auditor", "finance", "viewer"],
    auditor: ["auditor", "viewer"],
    finance: ["finance", "viewer"],
    viewer: ["viewer"],
    typical: [],
    heavy: [],
  };
  const ids: Record<Who, string> = { ...subjects.staff, typical: subjects.typical, heavy: subjects.heavy };
  const out = {} as Record<Who, Session>;
  for (const who of Object.keys(roles) as Who[]) {
    const [person] = await db.select().from(people).where(eq(people.id, ids[who]));
    if (!person) throw new Error(`no person ${ids[who]} to sign in as ${who}`);
    const token = await createConsoleSession({ db, person, roles: roles[who], groups: [], idToken: null, maxHours: 12, meta: { ip: "127.0.0.1", userAgent: "pages-bench" } });
    const cookie = (await serializeSessionCookie(token)).split(";")[0]!;
    out[who] = { cookie, csrf: csrfTokenFor(hashSessionToken(token)) };
  }
  return out;
}

type Case = { name: string; as: Who; path: string; form?: Record<string, string> };

async function deepTrailCursor(db: Database, personId: string): Promise<string> {
  const { selectRows } = await import("../../db/client.server");
  const { encodeCursor } = await import("../../app/models/trail.server");
  const { sql } = await import("drizzle-orm");
  const [{ n } = { n: 0 }] = await selectRows<{ n: number }>(db, sql`select count(*)::int as n from events where person_id = ${personId}`);
  // 90 % of the way back: a page a keyset walk reaches after hundreds of "older" clicks.
  const [row] = await selectRows<{ at: string; id: string }>(
    db,
    sql`select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, event_id as id from events where person_id = ${personId}
        order by occurred_at desc, event_id desc offset ${Math.floor(n * 0.9)} limit 1`,
  );
  return row ? encodeCursor({ at: row.at, id: row.id }) : "";
}

function cases(s: Subjects, deepCursor: string): Case[] {
  const list: Case[] = [
    { name: "home", as: "typical", path: "/" },
    { name: "overview", as: "viewer", path: "/overview" },
    { name: "overview: client + model filter", as: "viewer", path: `/overview?client=${s.client}&model=${s.model}` },
    { name: "people: by credits", as: "auditor", path: "/people?sort=credits" },
    { name: "people: by current streak", as: "auditor", path: "/people?sort=currentStreak" },
    { name: "people: search", as: "auditor", path: `/people?q=${s.search}` },
    { name: "people: team aggregates (viewer)", as: "viewer", path: "/people" },
    { name: "trail: heavy person, newest page", as: "auditor", path: `/people/${s.heavy}/trail` },
    { name: "trail: heavy person, deep keyset page", as: "auditor", path: `/people/${s.heavy}/trail?before=${deepCursor}` },
    { name: "trail: heavy person, sign-ins only", as: "auditor", path: `/people/${s.heavy}/trail?type=auth` },
    { name: "trail: median person", as: "auditor", path: `/people/${s.typical}/trail` },
    { name: "my activity: median person", as: "typical", path: "/me" },
    { name: "my activity: heavy person", as: "heavy", path: "/me" },
    { name: "leaderboard", as: "typical", path: "/leaderboard" },
    { name: "access log", as: "auditor", path: "/access-log" },
    { name: "access log: actor filter", as: "auditor", path: "/access-log?actor=auditor" },
    { name: "findings", as: "auditor", path: "/auditor/findings" },
    { name: "lookup: has this value been seen?", as: "auditor", path: "/auditor/lookup", form: { value: s.lookupValue } },
    { name: "spend report", as: "finance", path: "/reports/spend" },
    { name: "budgets", as: "finance", path: "/reports/budgets" },
    { name: "code review", as: "viewer", path: "/reports/code-review" },
    { name: "sync health", as: "admin", path: "/admin/sync" },
    { name: "admin: sessions", as: "admin", path: "/admin/sessions" },
    { name: "admin: prices", as: "admin", path: "/admin/prices" },
    { name: "admin: teams", as: "admin", path: "/admin/teams" },
    { name: "admin: destinations", as: "admin", path: "/admin/destinations" },
    { name: "auditor: ledger", as: "auditor", path: "/auditor/ledger" },
    { name: "auditor: export", as: "auditor", path: "/auditor/export" },
  ];
  if (s.team) {
    list.splice(6, 0, { name: "people: team filter", as: "auditor", path: `/people?team=${encodeURIComponent(s.team)}` });
    list.splice(3, 0, { name: "overview: team filter", as: "viewer", path: `/overview?team=${encodeURIComponent(s.team)}` });
  }
  return list;
}

type Handler = (request: Request) => Promise<Response>;

/** Fields of /proc/PID/stat after the command name: [0] state, [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime. */
function procStat(pid: number | string): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null; // Gone meanwhile.
  }
}

/**
 * CPU milliseconds used so far by the local PostgreSQL server: its live processes (children of
 * the postmaster) plus the children that have ended (the postmaster's cutime/cstime), so a
 * parallel worker or a closed connection is counted, not lost. In USER_HZ (10 ms) ticks.
 */
function serverCpuMs(postmaster: number | null): number {
  if (!postmaster) return 0;
  const own = procStat(postmaster);
  if (!own) return 0;
  let ticks = Number(own[13]) + Number(own[14]);
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const fields = procStat(pid);
    if (fields && Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
}

async function postmasterPid(db: Database, target: PagesWorkerInput["target"]): Promise<number | null> {
  if (target !== "postgres") return null;
  const { selectRows } = await import("../../db/client.server");
  const { sql } = await import("drizzle-orm");
  try {
    const [row] = await selectRows<{ pid: number }>(db, sql`select pg_backend_pid() as pid`);
    const stat = fs.readFileSync(`/proc/${row!.pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

async function once(handler: Handler, session: Session, c: Case, postmaster: number | null) {
  const headers = new Headers({ cookie: session.cookie, "user-agent": "Mozilla/5.0 (X11; Linux x86_64) pages-bench", "x-ledger-client-ip": "127.0.0.1" });
  let body: string | undefined;
  if (c.form) {
    headers.set("content-type", "application/x-www-form-urlencoded");
    body = new URLSearchParams({ ...c.form, csrf: session.csrf }).toString();
  }
  const serverBefore = serverCpuMs(postmaster);
  const cpu = process.cpuUsage();
  const t = performance.now();
  const response = await handler(new Request(`http://127.0.0.1:3300${c.path}`, { method: c.form ? "POST" : "GET", headers, body }));
  const text = await response.text();
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const serverMs = serverCpuMs(postmaster) - serverBefore;
  return { ms, cpuMs: (used.user + used.system) / 1000, serverMs, status: response.status, bytes: Buffer.byteLength(text) };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

async function measure(handler: Handler, sessions: Record<Who, Session>, subjects: Subjects, input: PagesWorkerInput): Promise<PageTiming[]> {
  const { getDb } = await import("../../db/index.server");
  const db = await getDb();
  const deep = await deepTrailCursor(db, subjects.heavy);
  const postmaster = await postmasterPid(db, input.target);
  const out: PageTiming[] = [];
  for (const c of cases(subjects, deep).filter((c) => !input.only || input.only.some((o) => c.name.includes(o)))) {
    const session = sessions[c.as];
    let last = await once(handler, session, c, postmaster);
    if (last.status !== 200) throw new Error(`${c.name} (${c.path}) answered ${last.status}`);
    for (let i = 1; i < input.warmup; i++) await once(handler, session, c, postmaster);
    const times: number[] = [];
    let cpu = 0;
    let server = 0;
    for (let i = 0; i < input.requests; i++) {
      last = await once(handler, session, c, postmaster);
      if (last.status !== 200) throw new Error(`${c.name} (${c.path}) answered ${last.status}`);
      times.push(last.ms);
      cpu += last.cpuMs;
      server += last.serverMs;
    }
    times.sort((a, b) => a - b);
    const timing: PageTiming = { case: c.name, path: c.path.replace(/before=[^&]+/, "before=…"), as: c.as, status: last.status, bytes: last.bytes, n: times.length, p50: quantile(times, 0.5), p95: quantile(times, 0.95), max: times.at(-1)!, cpuMs: cpu / times.length, databaseCpuMs: postmaster ? server / times.length : null };
    say(`${c.name}: p50 ${timing.p50.toFixed(1)} ms, p95 ${timing.p95.toFixed(1)} ms, CPU ${timing.cpuMs.toFixed(1)} + ${timing.databaseCpuMs?.toFixed(1) ?? "-"} ms`);
    out.push(timing);
  }
  return out;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`pages-worker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
