import { eq, sql } from "drizzle-orm";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getConfig } from "../lib/config.server";
import type { DatabaseHandle } from "../../db/client.server";
import { codexSessions, costsHourly, dailyRollups, people, teamAssignments } from "../../db/schema";
import { createTestDatabase } from "../../tests/setup/test-database";
import { getPeopleExport, getPeopleView, listPeople, listPeopleForExport, listTeamAggregates, parsePeopleParams, PEOPLE_SORTS, type PeopleQuery } from "./people.server";
import { getTeamsOfPeople, listTeams, teamFromGroups } from "./teams.server";
import { Forbidden, type Viewer } from "./viewer";

// getConfig() reads the environment once (first call, below): a throwaway demo folder and this deployment's non-team groups.
vi.stubEnv("DATA_DIR", fs.mkdtempSync(path.join(os.tmpdir(), "ledger-people-test-")));
vi.stubEnv("TEAM_IGNORE_GROUPS", "everyone,engineering");

const viewerOf = (roles: Viewer["roles"]): Viewer => ({ personId: randomUUID(), email: "someone@corp.test", name: null, roles });
const auditor = viewerOf(["auditor", "viewer"]);
const finance = viewerOf(["finance", "viewer"]);
const viewer = viewerOf(["viewer"]);
const nobody = viewerOf([]);

const TO = "2026-03-31";
const query = (over: Partial<PeopleQuery> = {}): PeopleQuery => ({
  from: "2026-03-02",
  to: TO,
  q: null,
  team: null,
  sort: "credits",
  dir: "desc",
  page: 1,
  pageSize: 25,
  ...over,
});

type Spec = { key: string; name: string | null; team: string | null; days: string[]; credits: number; sessions: number; deactivated?: boolean };
// Payments: 3 people; Mobile: 1 (a small team); two people without a team (only ignored groups).
const SPECS: Spec[] = [
  { key: "ada", name: "Ada Lovelace", team: "Payments", days: ["2026-03-29", "2026-03-30", "2026-03-31"], credits: 30, sessions: 3 },
  { key: "bob", name: "Bob", team: "Payments", days: ["2026-03-10", "2026-03-11"], credits: 50, sessions: 1 },
  { key: "cy", name: null, team: "Payments", days: ["2026-03-30"], credits: 5, sessions: 2 },
  { key: "dee", name: "Dee", team: "Mobile", days: ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02", "2026-03-03", "2026-03-30"], credits: 12.5, sessions: 0 },
  { key: "eve", name: "Eve 100%_match", team: null, days: [], credits: 0, sessions: 0 },
  { key: "fay", name: "Fay", team: null, days: ["2026-03-31"], credits: 1, sessions: 1, deactivated: true },
];
const ids = new Map<string, string>();

let handle: DatabaseHandle;
beforeAll(async () => {
  expect(getConfig().teamIgnoreGroups).toEqual(["everyone", "engineering"]);
  handle = await createTestDatabase();
  const db = handle.db;
  for (const s of SPECS) {
    const [row] = await db
      .insert(people)
      .values({ email: `${s.key}@corp.test`, name: s.name, openaiUserId: `user-${s.key}`, active: !s.deactivated })
      .returning({ id: people.id });
    ids.set(s.key, row!.id);
  }
  // A console-only person (no OpenAI user id) is not a Codex user and is never listed.
  await db.insert(people).values({ email: "console-only@corp.test", name: "Console Only" });
  for (const s of SPECS) {
    const personId = ids.get(s.key)!;
    const groups = [{ id: "g0", name: "everyone" }, ...(s.team ? [{ id: "g1", name: s.team }] : []), { id: "g2", name: "engineering" }];
    // An older row with another team: the most recent row decides.
    await db.insert(costsHourly).values([
      { eventId: `cost-old-${s.key}`, hour: new Date("2026-01-01T10:00:00Z"), personId, openaiUserId: `user-${s.key}`, groups: [{ name: "Old Team" }], product: "codex", credits: "1" },
      { eventId: `cost-new-${s.key}`, hour: new Date("2026-03-15T10:00:00Z"), personId, openaiUserId: `user-${s.key}`, groups, product: "codex", credits: String(s.credits) },
      // ChatGPT usage in the same feed is not Codex spend.
      { eventId: `cost-chat-${s.key}`, hour: new Date("2026-03-15T11:00:00Z"), personId, openaiUserId: `user-${s.key}`, groups, product: "ChatGPT", credits: "77" },
    ]);
    for (const day of s.days) {
      // Two rows per day (two models): turns and tokens add up, the day counts once.
      for (const model of ["gpt-5-codex", "gpt-5"]) {
        await db.insert(dailyRollups).values({
          day,
          openaiUserId: `user-${s.key}`,
          personId,
          model,
          clientId: "CODEX_CLI",
          prompts: 2,
          inputTokens: 100,
          cachedInputTokens: 50,
          outputTokens: 10,
        });
      }
    }
    for (let i = 0; i < s.sessions; i++) {
      const at = new Date(`2026-03-${String(10 + i).padStart(2, "0")}T09:00:00Z`);
      await db.insert(codexSessions).values({ sessionId: `${s.key}-s${i}`, personId, openaiUserId: `user-${s.key}`, firstAt: at, lastAt: at, turns: 1 });
    }
  }
  // Outside the range: neither counted in credits nor threads.
  await db.insert(costsHourly).values({ eventId: "cost-feb-bob", hour: new Date("2026-02-01T10:00:00Z"), personId: ids.get("bob"), openaiUserId: "user-bob", product: "codex", credits: "1000" });
  await db.insert(codexSessions).values({ sessionId: "bob-old", personId: ids.get("bob"), firstAt: new Date("2026-02-01T00:00:00Z"), lastAt: new Date("2026-02-01T00:00:00Z") });
});
afterAll(async () => {
  await handle?.close();
});

describe("teams", () => {
  it("is the first group, in order, whose name is not ignored", () => {
    expect(teamFromGroups([{ name: "everyone" }, { name: "Payments" }, { name: "Mobile" }])).toBe("Payments");
    expect(teamFromGroups([{ name: "engineering" }, { id: "x" }, { name: " " }])).toBeNull();
    expect(teamFromGroups(null)).toBeNull();
    expect(teamFromGroups([{ name: "codex-users" }, { name: "A" }], ["codex-users"])).toBe("A");
  });

  it("reads the most recent COSTS row in SQL, with the same rule", async () => {
    const teams = await getTeamsOfPeople({ db: handle.db, personIds: [...ids.values()] });
    expect(teams.get(ids.get("ada")!)).toBe("Payments");
    expect(teams.get(ids.get("dee")!)).toBe("Mobile");
    expect(teams.has(ids.get("eve")!)).toBe(false);
    expect(await listTeams({ db: handle.db, viewer })).toEqual(["Mobile", "Payments"]);
  });

  it("lets an admin's CSV assignment in force today override the COSTS groups", async () => {
    const [ada] = await handle.db.select().from(people).where(eq(people.id, ids.get("ada")!));
    await handle.db.insert(teamAssignments).values([
      { email: ada!.email, team: "Platform", validFrom: "2000-01-01", source: "csv_import" },
      // Not yet in force: ignored today.
      { email: ada!.email, team: "Future", validFrom: "2999-01-01", source: "csv_import" },
    ]);
    try {
      expect((await getTeamsOfPeople({ db: handle.db, personIds: [ada!.id] })).get(ada!.id)).toBe("Platform");
    } finally {
      await handle.db.delete(teamAssignments).where(eq(teamAssignments.email, ada!.email));
    }
  });
});

describe("parsePeopleParams", () => {
  const now = new Date("2026-03-31T12:00:00Z");
  it("defaults to the last 30 days, credits first, 25 a page", () => {
    const parsed = parsePeopleParams(new URLSearchParams(""), now);
    expect(parsed).toEqual({ ok: true, query: { from: "2026-03-02", to: "2026-03-31", q: null, team: null, sort: "credits", dir: "desc", page: 1, pageSize: 25 } });
    const byName = parsePeopleParams(new URLSearchParams("sort=name&q=%20ada%20&pageSize=10&page=2"), now);
    expect(byName.ok && byName.query).toMatchObject({ sort: "name", dir: "asc", q: "ada", pageSize: 10, page: 2 });
  });

  it.each([
    ["sort=salary", "sort"],
    ["dir=up", "dir"],
    ["page=0", "page"],
    ["page=abc", "page"],
    ["pageSize=7", "pageSize"],
    ["from=2026-02-30", "from"],
    ["to=yesterday", "to"],
    ["from=2026-04-01&to=2026-03-01", "from"],
    ["from=2024-01-01&to=2026-03-01", "from and to"],
  ])("%s is a problem naming the parameter", (search, name) => {
    const parsed = parsePeopleParams(new URLSearchParams(search), now);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(name);
  });
});

describe("People for auditors and finance", () => {
  it("adds up rollups, COSTS credits and sessions in the range; streaks and last active from active days", async () => {
    const { rows, total } = await listPeople({ db: handle.db, viewer: auditor, query: query() });
    expect(total).toBe(6);
    const ada = rows.find((r) => r.email === "ada@corp.test")!;
    expect(ada).toMatchObject({ team: "Payments", credits: 30, threads: 3, turns: 12, tokens: 960, inputTokens: 600, cachedInputTokens: 300, outputTokens: 60, activeDays: 3, currentStreak: 3, lastActive: "2026-03-31" });
    const bob = rows.find((r) => r.email === "bob@corp.test")!;
    expect(bob).toMatchObject({ credits: 50, threads: 1, activeDays: 2, currentStreak: 0, lastActive: "2026-03-11" });
    // Active on the 30th but not the 31st: the streak still stands (today may not be synced yet).
    expect(rows.find((r) => r.email === "cy@corp.test")).toMatchObject({ currentStreak: 1, name: null });
    // Dee's early run is outside the range in active days, and broken before the 30th.
    expect(rows.find((r) => r.email === "dee@corp.test")).toMatchObject({ activeDays: 3, currentStreak: 1 });
    expect(rows.find((r) => r.email === "eve@corp.test")).toMatchObject({ team: null, credits: 0, activeDays: 0, currentStreak: 0, lastActive: null });
    expect(rows.find((r) => r.email === "fay@corp.test")).toMatchObject({ active: false });
    expect(rows.some((r) => r.email === "console-only@corp.test")).toBe(false);
  });

  it("counts a streak back past the start of the range", async () => {
    const { rows } = await listPeople({ db: handle.db, viewer: auditor, query: query({ from: "2026-03-02", to: "2026-03-03" }) });
    expect(rows.find((r) => r.email === "dee@corp.test")).toMatchObject({ activeDays: 2, currentStreak: 5 });
  });

  it.each([
    ["credits", "desc", ["bob", "ada", "dee", "cy", "fay", "eve"]],
    ["credits", "asc", ["eve", "fay", "cy", "dee", "ada", "bob"]],
    ["threads", "desc", ["ada", "cy", "bob", "fay", "dee", "eve"]],
    ["activeDays", "desc", ["ada", "dee", "bob", "cy", "fay", "eve"]],
    ["currentStreak", "desc", ["ada", "cy", "dee", "fay", "bob", "eve"]],
    ["lastActive", "desc", ["ada", "fay", "cy", "dee", "bob", "eve"]],
    ["lastActive", "asc", ["bob", "cy", "dee", "ada", "fay", "eve"]],
    ["name", "asc", ["ada", "bob", "cy", "dee", "eve", "fay"]],
    ["team", "asc", ["dee", "ada", "bob", "cy", "eve", "fay"]],
  ] as const)("sorts by %s %s on the server (ties by email, empty last)", async (sort, dir, expected) => {
    const { rows } = await listPeople({ db: handle.db, viewer: finance, query: query({ sort, dir }) });
    expect(rows.map((r) => r.email.split("@")[0])).toEqual(expected);
  });

  it("searches names and emails (wildcards are literal) and filters by team", async () => {
    const byName = await listPeople({ db: handle.db, viewer: auditor, query: query({ q: "LOVELACE" }) });
    expect(byName.rows.map((r) => r.email)).toEqual(["ada@corp.test"]);
    const byEmail = await listPeople({ db: handle.db, viewer: auditor, query: query({ q: "cy@corp" }) });
    expect(byEmail.rows.map((r) => r.email)).toEqual(["cy@corp.test"]);
    const literal = await listPeople({ db: handle.db, viewer: auditor, query: query({ q: "100%_" }) });
    expect(literal.rows.map((r) => r.email)).toEqual(["eve@corp.test"]);
    expect((await listPeople({ db: handle.db, viewer: auditor, query: query({ q: "%" }) })).total).toBe(1);
    const payments = await listPeople({ db: handle.db, viewer: auditor, query: query({ team: "Payments" }) });
    expect(payments.total).toBe(3);
    expect(payments.rows.every((r) => r.team === "Payments")).toBe(true);
  });

  it("counts only the activity of a client and a model when asked (the Overview's links), listing the same people", async () => {
    const parsed = parsePeopleParams(new URLSearchParams("client=CODEX_CLI&model=gpt-5&team=Payments"), new Date("2026-03-31T12:00:00Z"));
    expect(parsed.ok && parsed.query).toMatchObject({ client: "CODEX_CLI", model: "gpt-5", team: "Payments" });
    const gpt5 = await listPeople({ db: handle.db, viewer: auditor, query: query({ model: "gpt-5" }) });
    expect(gpt5.total).toBe(6);
    // One of the two models of each day; the COSTS and session rows name no model, so none of them count.
    expect(gpt5.rows.find((r) => r.email === "ada@corp.test")).toMatchObject({ turns: 6, tokens: 480, activeDays: 3, credits: 0, threads: 0 });
    const cli = await listPeople({ db: handle.db, viewer: auditor, query: query({ client: "CODEX_CLI" }) });
    expect(cli.rows.find((r) => r.email === "ada@corp.test")).toMatchObject({ turns: 12, activeDays: 3 });
    const vscode = await listPeople({ db: handle.db, viewer: auditor, query: query({ client: "CODEX_VSCODE" }) });
    expect(vscode.total).toBe(6);
    expect(vscode.rows.every((r) => r.turns === 0 && r.credits === 0 && r.activeDays === 0)).toBe(true);
  });

  it("pages with a total; past the last page is empty with the same total", async () => {
    const page1 = await listPeople({ db: handle.db, viewer: auditor, query: query({ pageSize: 10, sort: "name", dir: "asc" }) });
    expect(page1.rows).toHaveLength(6);
    const small = { ...query({ sort: "name", dir: "asc" }), pageSize: 4 };
    const p1 = await listPeople({ db: handle.db, viewer: auditor, query: small });
    const p2 = await listPeople({ db: handle.db, viewer: auditor, query: { ...small, page: 2 } });
    expect(p1.rows.map((r) => r.email.split("@")[0])).toEqual(["ada", "bob", "cy", "dee"]);
    expect(p2.rows.map((r) => r.email.split("@")[0])).toEqual(["eve", "fay"]);
    expect(p2.total).toBe(6);
    const p9 = await listPeople({ db: handle.db, viewer: auditor, query: { ...small, page: 9 } });
    expect(p9).toEqual({ rows: [], total: 6 });
  });

  it("gives the same rows and order on a page as in the export of the view, for every sort", async () => {
    for (const sort of PEOPLE_SORTS) {
      for (const dir of ["asc", "desc"] as const) {
        const q = query({ sort, dir, pageSize: 10 });
        const { rows } = await listPeople({ db: handle.db, viewer: auditor, query: q });
        expect(rows, `${sort} ${dir}`).toEqual(await listPeopleForExport({ db: handle.db, viewer: auditor, query: q }));
      }
    }
  });

  it("counts a streak across months and stops it a year back", async () => {
    const [gus] = await handle.db.insert(people).values({ email: "gus@corp.test", name: "Gus", openaiUserId: "user-gus" }).returning({ id: people.id });
    // Every day from 2025-03-01 to 2026-03-31, in one statement.
    await handle.db.execute(sql`insert into daily_rollups (day, openai_user_id, person_id, model, client_id, prompts)
      select d::date, 'user-gus', ${gus!.id}::uuid, 'gpt-5', 'CODEX_CLI', 1 from generate_series('2025-03-01'::date, '2026-03-31'::date, interval '1 day') d`);
    try {
      const streakOf = async (from: string, to: string) =>
        (await listPeople({ db: handle.db, viewer: auditor, query: query({ from, to, q: "gus" }) })).rows[0]!.currentStreak;
      expect(await streakOf("2026-03-01", "2026-03-31")).toBe(365);
      expect(await streakOf("2025-04-01", "2025-04-10")).toBe(41);
      // The day before the end still counts when the end itself is not active (yet).
      expect(await streakOf("2025-02-20", "2025-02-28")).toBe(0);
      // The year is counted back from the end of the range, so a streak ending the day before has 364 of its days in it.
      expect(await streakOf("2026-04-01", "2026-04-01")).toBe(364);
      expect(await streakOf("2026-04-01", "2026-04-02")).toBe(0);
      const bySort = await listPeople({ db: handle.db, viewer: auditor, query: query({ sort: "currentStreak" }) });
      expect(bySort.rows[0]).toMatchObject({ email: "gus@corp.test", currentStreak: 365 });
    } finally {
      await handle.db.execute(sql`delete from daily_rollups where openai_user_id = 'user-gus'`);
      await handle.db.delete(people).where(eq(people.id, gus!.id));
    }
  });

  it("exports every row of the view in its order, paging ignored", async () => {
    const file = await getPeopleExport({ db: handle.db, viewer: finance, query: query({ sort: "name", dir: "asc", pageSize: 10, page: 3 }) });
    expect(file.rows.map((r) => r.email.split("@")[0])).toEqual(["ada", "bob", "cy", "dee", "eve", "fay"]);
    expect(file.rows[0]).toMatchObject({ team: "Payments", input_tokens_uncached: 600, cached_input_tokens: 300, from: "2026-03-02", to: TO });
    expect(file.columns.map((c) => c.key)).toContain("current_streak");
  });
});

describe("People for viewers", () => {
  it("shows team sums only, merging teams under 3 people with the people without a team", async () => {
    const view = await getPeopleView({ db: handle.db, viewer, query: query() });
    expect(view.kind).toBe("aggregates");
    if (view.kind !== "aggregates") return;
    expect(JSON.stringify(view)).not.toMatch(/ada@|Lovelace|bob@/);
    expect(view.teams.map((t) => [t.team, t.kind, t.withheld, t.people])).toEqual([
      ["Payments", "team", false, 3],
      ["No team, or a team under 3 people", "other", false, 3],
    ]);
    expect(view.teams[0]).toMatchObject({ activePeople: 3, credits: 85, threads: 6, activeDays: 6 });
    expect(view.totals).toMatchObject({ people: 6, credits: 98.5 });
  });

  it("sums each team to what its individuals add up to", async () => {
    const { teams } = await listTeamAggregates({ db: handle.db, viewer, query: query() });
    const { rows } = await listPeople({ db: handle.db, viewer: auditor, query: query({ pageSize: 100 }) });
    for (const team of teams.filter((t) => t.kind === "team")) {
      const members = rows.filter((r) => r.team === team.team);
      const sum = (pick: (r: (typeof rows)[number]) => number) => members.reduce((total, r) => total + pick(r), 0);
      expect(team).toMatchObject({
        people: members.length,
        activePeople: members.filter((r) => r.activeDays > 0).length,
        credits: sum((r) => r.credits),
        threads: sum((r) => r.threads),
        turns: sum((r) => r.turns),
        tokens: sum((r) => r.tokens),
        activeDays: sum((r) => r.activeDays),
      });
    }
  });

  it("withholds a merged row under 3 people, and the totals leave it out", async () => {
    const { teams, totals } = await listTeamAggregates({ db: handle.db, viewer, query: query({ team: "Mobile" }) });
    expect(teams).toHaveLength(1);
    expect(teams[0]).toMatchObject({ withheld: true, people: 0, credits: 0 });
    expect(totals).toMatchObject({ people: 0, credits: 0 });
  });

  it("gives individuals to auditors, finance and admins only", async () => {
    const forAuditor = await getPeopleView({ db: handle.db, viewer: auditor, query: query() });
    expect(forAuditor).toMatchObject({ kind: "individuals", canOpenTrail: true, total: 6, teams: ["Mobile", "Payments"] });
    expect(await getPeopleView({ db: handle.db, viewer: finance, query: query() })).toMatchObject({ kind: "individuals", canOpenTrail: false });
    await expect(listPeople({ db: handle.db, viewer, query: query() })).rejects.toThrow(Forbidden);
    await expect(getPeopleExport({ db: handle.db, viewer, query: query() })).rejects.toThrow(Forbidden);
    await expect(getPeopleView({ db: handle.db, viewer: nobody, query: query() })).rejects.toThrow(Forbidden);
  });
});
