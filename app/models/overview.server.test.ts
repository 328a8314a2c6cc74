import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DatabaseHandle } from "../../db/client.server";
import { codexSessions, costsHourly, dailyRollups, dailyToolRollups, people, teamAssignments } from "../../db/schema";
import { createTestDatabase } from "../../tests/setup/test-database";
import { costsClientOf, getOverview, type OverviewFilters } from "./overview.server";
import { Forbidden, type Viewer } from "./viewer";

// getConfig() reads the environment once: a throwaway demo folder and this deployment's non-team groups.
vi.stubEnv("DATA_DIR", fs.mkdtempSync(path.join(os.tmpdir(), "ledger-overview-test-")));
vi.stubEnv("TEAM_IGNORE_GROUPS", "everyone");

const viewer: Viewer = { personId: randomUUID(), email: "v@corp.test", name: null, roles: ["viewer"] };
const nobody: Viewer = { ...viewer, roles: [] };
const MARCH: OverviewFilters = { from: "2026-03-01", to: "2026-03-31" };

/**
 * Three people in March 2026, 2 turns and 100 + 50 + 10 tokens per rollup row:
 * - ada: Payments all month (COSTS groups), CLI, days 2, 3, 20;
 * - bob: Payments by his COSTS groups, moved to Mobile from the 15th by an admin's CSV import
 *   (effective-dated), CLI on 10 and 16, VS Code on 16;
 * - cy: COSTS groups say Mobile until the 9th and Web from the 10th (no CSV); active on 5, 12 and
 *   14, with COSTS records only on 5 and 10: day 12 and 14 take the groups of the 10th.
 * Plus dan, known but inactive (Web today).
 */
const DAYS: Record<string, Array<{ day: string; client: string; model: string }>> = {
  ada: [
    { day: "2026-03-02", client: "CODEX_CLI", model: "gpt-5" },
    { day: "2026-03-03", client: "CODEX_CLI", model: "gpt-5" },
    { day: "2026-03-20", client: "CODEX_CLI", model: "gpt-5-codex" },
  ],
  bob: [
    { day: "2026-03-10", client: "CODEX_CLI", model: "gpt-5" },
    { day: "2026-03-16", client: "CODEX_CLI", model: "gpt-5" },
    { day: "2026-03-16", client: "CODEX_VSCODE", model: "gpt-5" },
  ],
  cy: [
    { day: "2026-03-05", client: "CODEX_VSCODE", model: "gpt-5" },
    { day: "2026-03-12", client: "CODEX_VSCODE", model: "gpt-5" },
    { day: "2026-03-14", client: "CODEX_VSCODE", model: "gpt-5" },
  ],
};
const COSTS: Array<{ who: string; hour: string; team: string; client: string; credits: string }> = [
  { who: "ada", hour: "2026-03-02T10:00:00Z", team: "Payments", client: "cli", credits: "10" },
  { who: "ada", hour: "2026-03-20T10:00:00Z", team: "Payments", client: "cli", credits: "20" },
  { who: "bob", hour: "2026-03-10T10:00:00Z", team: "Payments", client: "cli", credits: "40" },
  { who: "bob", hour: "2026-03-16T10:00:00Z", team: "Payments", client: "vscode", credits: "80" },
  { who: "cy", hour: "2026-03-05T10:00:00Z", team: "Mobile", client: "vscode", credits: "1" },
  { who: "cy", hour: "2026-03-10T10:00:00Z", team: "Web", client: "vscode", credits: "2" },
  { who: "dan", hour: "2026-02-01T10:00:00Z", team: "Web", client: "cli", credits: "7" },
];

let handle: DatabaseHandle;
const ids = new Map<string, string>();
beforeAll(async () => {
  handle = await createTestDatabase();
  const db = handle.db;
  for (const who of ["ada", "bob", "cy", "dan"]) {
    const [row] = await db.insert(people).values({ email: `${who}@corp.test`, name: who, openaiUserId: `user-${who}` }).returning({ id: people.id });
    ids.set(who, row!.id);
  }
  for (const [who, days] of Object.entries(DAYS)) {
    for (const d of days) {
      await db.insert(dailyRollups).values({
        day: d.day,
        openaiUserId: `user-${who}`,
        personId: ids.get(who)!,
        model: d.model,
        clientId: d.client,
        prompts: 2,
        responses: 2,
        failedResponses: who === "cy" ? 1 : 0,
        toolCalls: 3,
        toolApproved: 1,
        toolDenied: 1,
        toolAborted: 0,
        inputTokens: 100,
        cachedInputTokens: 50,
        outputTokens: 10,
      });
      await db.insert(dailyToolRollups).values([
        { day: d.day, openaiUserId: `user-${who}`, personId: ids.get(who)!, clientId: d.client, model: d.model, toolName: "shell", calls: 2, approved: 1, denied: 1, aborted: 0 },
        { day: d.day, openaiUserId: `user-${who}`, personId: ids.get(who)!, clientId: d.client, model: d.model, toolName: "apply_patch", calls: 1, approved: 0, denied: 0, aborted: who === "bob" ? 1 : 0 },
      ]);
      const at = new Date(`${d.day}T09:00:00Z`);
      await db.insert(codexSessions).values({ sessionId: `${who}-${d.day}-${d.client}`, personId: ids.get(who)!, openaiUserId: `user-${who}`, clientId: d.client, model: d.model, firstAt: at, lastAt: at, turns: 2 });
    }
  }
  for (const [i, c] of COSTS.entries()) {
    await db.insert(costsHourly).values({
      eventId: `cost-${i}`,
      hour: new Date(c.hour),
      personId: ids.get(c.who)!,
      openaiUserId: `user-${c.who}`,
      email: `${c.who}@corp.test`,
      groups: [{ name: "everyone" }, { name: c.team }],
      product: "codex",
      client: c.client,
      surface: c.client === "cli" ? "cli" : "ide",
      model: "gpt-5",
      credits: c.credits,
    });
  }
  await db.insert(teamAssignments).values({ email: "bob@corp.test", team: "Mobile", validFrom: "2026-03-15", source: "csv_import" });
});
afterAll(async () => {
  await handle?.close();
});

const overview = (filters: Partial<OverviewFilters> = {}) => getOverview({ db: handle.db, viewer, filters: { ...MARCH, ...filters } });

describe("overview", () => {
  it("sums the whole organisation", async () => {
    const o = await overview();
    expect(o.totals).toMatchObject({ activeUsers: 3, knownPeople: 4, threads: 9, turns: 18, responses: 18, failedResponses: 3, inputTokens: 900, cachedInputTokens: 450, outputTokens: 90, credits: 153, toolCalls: 27 });
    expect(o.totals.toolDecisions).toEqual({ approved: 9, denied: 9, aborted: 0 });
    expect(o.byClient).toEqual([
      { client: "CODEX_CLI", users: 2, turns: 10 },
      { client: "CODEX_VSCODE", users: 2, turns: 8 },
    ]);
    expect(o.options).toEqual({ clients: ["CODEX_CLI", "CODEX_VSCODE"], models: ["gpt-5", "gpt-5-codex"] });
    expect(o.byTool).toEqual([
      { tool: "shell", calls: 18, approved: 9, denied: 9, aborted: 0, people: 3 },
      { tool: "apply_patch", calls: 9, approved: 0, denied: 0, aborted: 3, people: 3 },
    ]);
  });

  it("counts distinct people per day, week, client, tool and surface from the organisation's masks, for a range of any length", async () => {
    const o = await overview();
    expect(o.daily.map((d) => [d.day, d.users, d.turns])).toEqual([
      ["2026-03-02", 1, 2],
      ["2026-03-03", 1, 2],
      ["2026-03-05", 1, 2],
      ["2026-03-10", 1, 2],
      ["2026-03-12", 1, 2],
      ["2026-03-14", 1, 2],
      ["2026-03-16", 1, 4],
      ["2026-03-20", 1, 2],
    ]);
    // Weeks from Monday: ada and cy in the week of 2 March; bob, cy; cy; bob; ada.
    expect(o.weekly).toEqual([
      { week: "2026-02-23", users: 0 },
      { week: "2026-03-02", users: 2 },
      { week: "2026-03-09", users: 2 },
      { week: "2026-03-16", users: 2 },
      { week: "2026-03-23", users: 0 },
      { week: "2026-03-30", users: 0 },
    ].filter((w) => w.users > 0));
    expect(o.sessionsPerDay).toEqual(o.daily.map((d) => ({ day: d.day, threads: d.day === "2026-03-16" ? 2 : 1 })));
    // Credits per surface from COSTS: ada and bob on cli (70), bob and cy on ide (83); dan's February line is outside.
    expect(o.bySurface).toEqual([
      { surface: "cli", users: 2, credits: 70 },
      { surface: "ide", users: 2, credits: 83 },
    ]);
    expect(o.byModel).toEqual([
      { model: "gpt-5", responses: 16, failed: 3, tokens: 1280 },
      { model: "gpt-5-codex", responses: 2, failed: 0, tokens: 160 },
    ]);
    // Over 63 days (the longest range of one bigint day mask) the same people, threads and credits.
    const long = await overview({ from: "2026-02-10", to: "2026-04-30" });
    expect(long.totals).toEqual(o.totals);
    expect([long.daily, long.byClient, long.byTool, long.bySurface, long.sessionsPerDay]).toEqual([o.daily, o.byClient, o.byTool, o.bySurface, o.sessionsPerDay]);
    const longTeam = await overview({ from: "2026-02-10", to: "2026-04-30", team: "Payments" });
    expect(longTeam.totals).toMatchObject({ activeUsers: 2, turns: 8 });
  });

  it("counts a day of activity for the team the person was in on that day", async () => {
    const payments = await overview({ team: "Payments" });
    // ada's 3 days; bob's 10th only (a CSV import moves him to Mobile on the 15th).
    expect(payments.totals).toMatchObject({ activeUsers: 2, threads: 4, turns: 8, inputTokens: 400 });
    expect(payments.daily.map((d) => d.day)).toEqual(["2026-03-02", "2026-03-03", "2026-03-10", "2026-03-20"]);
    expect(payments.byTool.find((t) => t.tool === "apply_patch")).toEqual({ tool: "apply_patch", calls: 4, approved: 0, denied: 0, aborted: 1, people: 2 });
    // COSTS rows count for the team of their own day: bob's record of the 16th is Mobile's.
    expect(payments.totals.credits).toBe(70);
    // Known people in the team on the range's last day: ada (bob is in Mobile by then).
    expect(payments.totals.knownPeople).toBe(1);

    const mobile = await overview({ team: "Mobile" });
    // bob's two rows on the 16th; cy's 5th (COSTS groups Mobile until the 9th).
    expect(mobile.totals).toMatchObject({ activeUsers: 2, turns: 6, threads: 3, credits: 81 });
    expect(mobile.byClient).toEqual([
      { client: "CODEX_VSCODE", users: 2, turns: 4 },
      { client: "CODEX_CLI", users: 1, turns: 2 },
    ]);

    // cy's 12th and 14th have no COSTS record of their own: the groups of the 10th (Web) carry forward.
    const web = await overview({ team: "Web" });
    expect(web.daily.map((d) => [d.day, d.users])).toEqual([
      ["2026-03-12", 1],
      ["2026-03-14", 1],
    ]);
    expect(web.totals).toMatchObject({ activeUsers: 1, credits: 2, knownPeople: 2 });

    const none = await overview({ team: "Nobody's team" });
    expect(none.totals).toMatchObject({ activeUsers: 0, turns: 0, threads: 0, credits: 0, toolCalls: 0, knownPeople: 0 });
    // The menus still offer every client and model of the range.
    expect(none.options.clients).toEqual(["CODEX_CLI", "CODEX_VSCODE"]);
  });

  it("combines the team with client and model filters, credits through COSTS' own client names", async () => {
    const o = await overview({ team: "Mobile", client: "CODEX_VSCODE" });
    expect(o.totals).toMatchObject({ activeUsers: 2, turns: 4, threads: 2 });
    expect(o.costsClient).toBe("vscode");
    expect(o.totals.credits).toBe(81);
    const model = await overview({ model: "gpt-5-codex" });
    expect(model.totals).toMatchObject({ activeUsers: 1, turns: 2, threads: 1 });
    expect(model.byTool.map((t) => t.calls)).toEqual([2, 1]);
  });

  it("says when COSTS cannot be split by a client", async () => {
    expect(costsClientOf("CODEX_CLI")).toBe("cli");
    expect(costsClientOf("CODEX_DESKTOP_APP")).toBe("desktop_app");
    expect(costsClientOf("CODEX_SDK_TS")).toBe("exec");
    expect(costsClientOf("CODEX_UNKNOWN_DEFAULT")).toBeNull();
    expect(costsClientOf("something else")).toBeNull();
    const o = await overview({ client: "CODEX_UNKNOWN_DEFAULT" });
    expect(o.costsClient).toBeNull();
    expect(o.totals.credits).toBe(0);
  });

  it("is for viewers and above", async () => {
    await expect(getOverview({ db: handle.db, viewer: nobody, filters: MARCH })).rejects.toBeInstanceOf(Forbidden);
  });
});
