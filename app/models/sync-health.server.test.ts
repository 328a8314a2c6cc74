import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.server";
import { logFiles, syncCursors, syncGaps, syncRuns } from "../../db/schema";
import { createTestDatabase } from "../../tests/setup/test-database";
import { getSyncHealth, lagWarning, registerSyncControl, requestSyncNow } from "./sync-health.server";
import { Forbidden, type Viewer } from "./viewer";

const admin: Viewer = { personId: randomUUID(), email: "admin@example.com", name: "Admin", roles: ["admin", "auditor", "finance", "viewer"] };
const auditor: Viewer = { personId: randomUUID(), email: "auditor@example.com", name: null, roles: ["auditor", "viewer"] };
const NOW = new Date("2026-03-18T12:00:00Z");
const HOUR = 3_600_000;

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
  const db = handle.db;
  await db.insert(syncCursors).values([
    { source: "compliance", scope: "ws:ws_1", stream: "CODEX_LOG", position: "x", positionTime: new Date(NOW.getTime() - 2 * HOUR), lastAttemptAt: NOW, lastSuccessAt: NOW, filesTotal: 40, eventsTotal: 1200 },
    // A quiet stream: nothing newer than 200 hours, but its last check listed to the end.
    { source: "compliance", scope: "ws:ws_1", stream: "CODEX_SECURITY_LOG", position: "z", positionTime: new Date(NOW.getTime() - 200 * HOUR), lastAttemptAt: new Date(NOW.getTime() - HOUR) },
    // The first backfill, still running: near the 30-day edge by nature, not a warning.
    { source: "compliance", scope: "org:org_1", stream: "COSTS", position: "c", positionTime: new Date(NOW.getTime() - 29 * 24 * HOUR) },
    {
      source: "compliance",
      scope: "ws:ws_1",
      stream: "AUTH_LOG",
      position: "y",
      positionTime: new Date(NOW.getTime() - 100 * HOUR),
      lastError: "the key lacks the compliance read scope; OpenAI support grants scopes",
      lastAttemptAt: NOW,
      lastErrorAt: NOW,
      filesTotal: 3,
      eventsTotal: 10,
    },
    { source: "analytics", scope: "ws_1", stream: "usage", position: null, positionTime: null },
  ]);
  await db.insert(logFiles).values([
    { id: "file_q1", scope: "ws:ws_1", eventType: "CODEX_LOG", endTime: "2026-03-18T10:00:00Z", status: "quarantined", attempts: 3, error: "sha256 mismatch" },
    { id: "file_q2", scope: "ws:ws_1", eventType: "AUTH_LOG", endTime: "2026-03-18T10:00:00Z", status: "ingested" },
    { id: "file_x1", scope: "ws:ws_1", eventType: "CODEX_LOG", endTime: "2026-02-10T10:00:00Z", status: "expired" },
  ]);
  await db.insert(syncGaps).values({
    source: "compliance",
    scope: "ws:ws_1",
    stream: "CODEX_LOG",
    gapFrom: new Date("2026-02-01T00:00:00Z"),
    gapTo: new Date("2026-02-10T00:00:00Z"),
    reason: "the cursor fell behind",
  });
  await db.insert(syncRuns).values([
    { trigger: "first-sync", ok: true, finishedAt: NOW, summary: { ok: true, totalEvents: 1210, sources: [{ source: "compliance", eventType: "CODEX_LOG", errors: [] }] } },
    { trigger: "schedule", ok: false, finishedAt: NOW, summary: { ok: false, totalEvents: 0, sources: [{ source: "compliance", eventType: "AUTH_LOG", errors: ["boom"] }] } },
    { trigger: "schedule" },
  ]);
});
afterAll(async () => {
  await handle?.close();
});
afterEach(() => registerSyncControl(null));

describe("sync health", () => {
  it("reports every cursor with its lag, errors, quarantined files, gaps and runs", async () => {
    const health = await getSyncHealth({ db: handle.db, viewer: admin, lagWarningHours: 72, now: NOW });
    expect(health.schedule).toBeNull();
    const byStream = Object.fromEntries(health.streams.map((s) => [s.stream, s]));
    expect(Object.keys(byStream).sort()).toEqual(["AUTH_LOG", "CODEX_LOG", "CODEX_SECURITY_LOG", "COSTS", "usage"]);

    const codex = byStream.CODEX_LOG!;
    expect(codex.lagHours).toBeCloseTo(2);
    expect(codex.warning).toBeNull();
    expect(codex.filesTotal).toBe(40);
    expect(codex.quarantined).toEqual([{ id: "file_q1", endTime: "2026-03-18T10:00:00Z", error: "sha256 mismatch", attempts: 3 }]);
    expect(codex.expiredFiles).toBe(1);
    expect(codex.gaps).toEqual([expect.objectContaining({ from: "2026-02-01T00:00:00.000Z", to: "2026-02-10T00:00:00.000Z", reason: "the cursor fell behind" })]);

    const auth = byStream.AUTH_LOG!;
    expect(auth.warning).toMatch(/AUTH_LOG is 4 days behind .*gone at the source: sync now/);
    expect(auth.lastError).toMatch(/lacks the compliance read scope/);
    expect(auth.quarantined).toEqual([]);

    const quiet = byStream.CODEX_SECURITY_LOG!;
    expect(quiet.lagHours).toBeCloseTo(200);
    expect(quiet.behindHours).toBeCloseTo(1);
    expect(quiet.warning).toBeNull();

    expect(byStream.COSTS!).toMatchObject({ firstPass: true, warning: null });
    expect(byStream.COSTS!.lagHours).toBeCloseTo(29 * 24);

    expect(byStream.usage!.lagHours).toBeNull();
    expect(byStream.usage!.warning).toBeNull();

    expect(health.runs.map((r) => r.trigger)).toEqual(["schedule", "schedule", "first-sync"]);
    expect(health.runs[0]).toMatchObject({ finishedAt: null, ok: null, newEvents: null });
    expect(health.runs[1]).toMatchObject({ ok: false, errors: ["AUTH_LOG: boom"], sources: ["compliance"] });
    expect(health.runs[2]).toMatchObject({ ok: true, newEvents: 1210 });
  });

  it("warns near OpenAI's 30-day window even under a generous threshold", () => {
    expect(lagWarning({ source: "compliance", stream: "CODEX_LOG", lagHours: 22 * 24, lagWarningHours: 1000 })).toBeNull();
    expect(lagWarning({ source: "compliance", stream: "CODEX_LOG", lagHours: 24 * 24, lagWarningHours: 1000 })).toMatch(/6 days before it falls out of OpenAI's 30-day window/);
    expect(lagWarning({ source: "compliance", stream: "CODEX_LOG", lagHours: 31 * 24, lagWarningHours: 1000 })).toMatch(/past OpenAI's 30-day window: data is being lost/);
  });

  it("is for admins only", async () => {
    await expect(getSyncHealth({ db: handle.db, viewer: auditor, lagWarningHours: 72 })).rejects.toThrow(Forbidden);
    await expect(requestSyncNow({ viewer: auditor })).rejects.toThrow(Forbidden);
  });

  it("sync now goes to the process's scheduler, naming who asked", async () => {
    expect(await requestSyncNow({ viewer: admin })).toEqual({ status: "unavailable" });
    const triggers: string[] = [];
    registerSyncControl({
      mode: "in-process",
      intervalMinutes: 15,
      syncNow: async (trigger) => {
        triggers.push(trigger);
        return triggers.length === 1 ? "started" : "already running";
      },
    });
    expect(await requestSyncNow({ viewer: admin })).toEqual({ status: "started" });
    expect(await requestSyncNow({ viewer: admin })).toEqual({ status: "already running" });
    expect(triggers).toEqual(["sync now (admin@example.com)", "sync now (admin@example.com)"]);
    expect((await getSyncHealth({ db: handle.db, viewer: admin, lagWarningHours: 72, now: NOW })).schedule).toEqual({ mode: "in-process", intervalMinutes: 15 });
  });
});
