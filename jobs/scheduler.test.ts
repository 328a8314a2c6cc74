import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { selectRows, type DatabaseHandle } from "../db/client.server";
import { startSimulator, type SimulatorHandle } from "../scripts/simulator/index";
import { createTestDatabase } from "../tests/setup/test-database";
import { buildCrontab, cronForInterval, EXPIRE_TEXT_TASK, SYNC_TASKS, type CrontabEntry, type TaskName } from "./crontab";
import {
  abortableDatabase,
  configuredSources,
  connectionForSource,
  createSyncTaskRunner,
  startInProcessScheduler,
  startPgBossScheduler,
  SyncStopped,
  type TaskRunner,
} from "./scheduler";
import type { SyncSummary } from "./sync__run_once";

const EMPTY: SyncSummary = { ok: true, sources: [], totalEvents: 0 };
const COMPLIANCE = SYNC_TASKS.compliance;
const ANALYTICS = SYNC_TASKS.analytics;

/** A task that runs until released, counting how many runs of each task overlap. */
function gatedRunner() {
  const active = new Map<TaskName, number>();
  const maxActive = new Map<TaskName, number>();
  const runs: { task: TaskName; trigger: string }[] = [];
  const gates: (() => void)[] = [];
  const run: TaskRunner = async (task, trigger, signal) => {
    runs.push({ task, trigger });
    active.set(task, (active.get(task) ?? 0) + 1);
    maxActive.set(task, Math.max(maxActive.get(task) ?? 0, active.get(task)!));
    try {
      await new Promise<void>((resolve) => {
        gates.push(resolve);
        signal.addEventListener("abort", () => resolve());
      });
      return EMPTY;
    } finally {
      active.set(task, active.get(task)! - 1);
    }
  };
  const releaseAll = () => gates.splice(0).forEach((open) => open());
  return { run, runs, maxActive, releaseAll };
}

describe("crontab", () => {
  it("turns the interval into a cron pattern, never less often than asked", () => {
    expect(cronForInterval(15)).toEqual({ cron: "*/15 * * * *", minutes: 15 });
    expect(cronForInterval(1)).toEqual({ cron: "* * * * *", minutes: 1 });
    expect(cronForInterval(45)).toEqual({ cron: "*/30 * * * *", minutes: 30 });
    expect(cronForInterval(60)).toEqual({ cron: "0 * * * *", minutes: 60 });
    expect(cronForInterval(180)).toEqual({ cron: "0 */3 * * *", minutes: 180 });
    expect(cronForInterval(300)).toEqual({ cron: "0 */4 * * *", minutes: 240 });
    expect(cronForInterval(5000)).toEqual({ cron: "0 0 * * *", minutes: 1440 });
  });

  it("schedules only the configured sources, and the daily and hourly maintenance", () => {
    const maintenance = [
      [EXPIRE_TEXT_TASK, "17 3 * * *"],
      ["ledger__digest", "5 0 * * *"],
      ["ledger__verify", "30 2 * * *"],
      ["budgets__check", "23 * * * *"],
      ["reports__monthly", "30 6 1 * *"],
    ];
    expect(buildCrontab({ intervalMinutes: 15, sources: ["compliance", "analytics"] }).map((e) => [e.task, e.cron])).toEqual([
      [COMPLIANCE, "*/15 * * * *"],
      [ANALYTICS, "*/15 * * * *"],
      ...maintenance,
    ]);
    expect(buildCrontab({ intervalMinutes: 15, sources: ["analytics"] }).map((e) => e.task)).toEqual([ANALYTICS, ...maintenance.map((m) => m[0])]);
    expect(configuredSources({ apiBase: "x", analyticsApiKey: "k", workspaceId: "w" })).toEqual(["analytics"]);
    expect(configuredSources({ apiBase: "x", complianceApiKey: "k", workspaceId: "w", analyticsApiKey: "a" })).toEqual(["compliance", "analytics"]);
    const both = { apiBase: "x", complianceApiKey: "c", analyticsApiKey: "a", workspaceId: "w", orgId: "o" };
    expect(configuredSources(connectionForSource(both, "compliance"))).toEqual(["compliance"]);
    expect(configuredSources(connectionForSource(both, "analytics"))).toEqual(["analytics"]);
  });
});

describe("in-process scheduler (demo)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs each task on its schedule and never starts a task that is still running", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-18T09:00:30Z") });
    const gated = gatedRunner();
    const entries = buildCrontab({ intervalMinutes: 1, sources: ["compliance", "analytics"] });
    const scheduler = startInProcessScheduler({ entries, run: gated.run });
    try {
      await vi.advanceTimersByTimeAsync(60_000); // one tick of each
      expect(gated.runs.map((r) => r.task).sort()).toEqual([ANALYTICS, COMPLIANCE]);
      expect(scheduler.isRunning(COMPLIANCE)).toBe(true);

      await vi.advanceTimersByTimeAsync(3 * 60_000); // three more ticks while both still run
      expect(gated.runs).toHaveLength(2);
      expect(await scheduler.syncNow("manual")).toBe("already running");
      expect(scheduler.runNow(COMPLIANCE, "manual")).toBeNull();

      gated.releaseAll();
      await vi.advanceTimersByTimeAsync(0);
      expect(scheduler.isRunning(COMPLIANCE)).toBe(false);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(gated.runs).toHaveLength(4);
      expect(gated.runs.every((r) => r.trigger === "schedule")).toBe(true);
      expect(gated.maxActive.get(COMPLIANCE)).toBe(1);
      expect(gated.maxActive.get(ANALYTICS)).toBe(1);
    } finally {
      gated.releaseAll();
      await scheduler.stop({ graceMs: 1_000 });
    }
  });

  it("starts all tasks on demand, reports the outcome, and stops running tasks at shutdown", async () => {
    const gated = gatedRunner();
    const entries: CrontabEntry[] = buildCrontab({ intervalMinutes: 60 * 24, sources: ["compliance", "analytics"] });
    const scheduler = startInProcessScheduler({ entries, run: gated.run });
    expect(await scheduler.syncNow("manual")).toBe("started");
    expect(gated.runs.map((r) => r.trigger)).toEqual(["manual", "manual"]);
    expect(await scheduler.syncNow("manual")).toBe("already running");
    // stop() aborts the runs' signal; the gated task returns at once.
    expect(await scheduler.stop({ graceMs: 1_000 })).toEqual({ finished: true });
    expect(scheduler.isRunning(COMPLIANCE)).toBe(false);
    expect(await scheduler.syncNow("manual")).toBe("already running"); // stopped: nothing starts
  });

  it("reports a failing run as an error outcome, and runs the task again afterwards", async () => {
    let calls = 0;
    const scheduler = startInProcessScheduler({
      entries: buildCrontab({ intervalMinutes: 1440, sources: ["compliance"] }),
      run: async () => {
        calls++;
        if (calls === 1) throw new Error("network down");
        return EMPTY;
      },
      logger: { info: () => {}, warn: () => {}, error: () => {} },
    });
    expect(await scheduler.runNow(COMPLIANCE, "first-sync")).toEqual({ error: "network down" });
    expect(await scheduler.runNow(COMPLIANCE, "manual")).toEqual({ summary: EMPTY });
    await scheduler.stop();
  });
});

describe("sync tasks on the database", () => {
  let handle: DatabaseHandle;
  let sim: SimulatorHandle;
  const NOW = new Date("2026-03-18T09:00:00Z");
  beforeAll(async () => {
    handle = await createTestDatabase();
    sim = await startSimulator({ seed: 5, users: 6, days: 3, now: NOW });
  });
  afterAll(async () => {
    await sim?.close();
    await handle?.close();
  });

  it("a stopped sync refuses new statements and transactions, but lets an open transaction commit", async () => {
    const controller = new AbortController();
    const db = abortableDatabase(handle.db, controller.signal);
    await db.execute(sql`create table if not exists scheduler_probe (n int)`);
    await db.transaction(async (tx) => {
      controller.abort();
      await tx.execute(sql`insert into scheduler_probe values (1)`);
    });
    expect(() => db.execute(sql`select 1`)).toThrow(SyncStopped);
    await expect(db.transaction(async () => {})).rejects.toThrow(SyncStopped);
    expect(await selectRows(handle.db, sql`select n from scheduler_probe`)).toEqual([{ n: 1 }]);
  });

  it("a source's task syncs that source only, and records its run", async () => {
    const run = createSyncTaskRunner({
      db: handle.db,
      connection: { apiBase: sim.baseUrl, complianceApiKey: sim.complianceApiKey, analyticsApiKey: sim.analyticsApiKey, workspaceId: sim.workspaceId, orgId: sim.orgId },
      settings: { backfillDays: 2, textPolicy: "hash-only", redactionKey: randomBytes(32), redactIpAddresses: false },
      textRetentionDays: 30,
    });
    const summary = await run(ANALYTICS, "schedule", new AbortController().signal);
    expect(summary.sources.map((s) => s.source)).toEqual(["analytics", "analytics", "analytics"]);
    const runs = await selectRows<{ trigger: string; ok: boolean }>(handle.db, sql`select trigger, ok from sync_runs`);
    expect(runs).toEqual([{ trigger: "schedule", ok: summary.ok }]);
    const cursors = await selectRows<{ source: string }>(handle.db, sql`select distinct source from sync_cursors`);
    expect(cursors.map((c) => c.source)).toEqual(["analytics"]);

    const expiry = await run(EXPIRE_TEXT_TASK, "schedule", new AbortController().signal);
    expect(expiry).toMatchObject({ ok: true, sources: [{ source: "retention", eventType: "redacted_text", errors: [] }] });
  });

  it("chains what a Compliance sync stored right after it, and the daily tasks sign and verify the chain", async () => {
    const signingKey = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    // The task syncs up to the real clock, so this simulator runs on it too.
    const live = await startSimulator({ seed: 6, users: 3, days: 1 });
    onTestFinished(() => live.close());
    const run = createSyncTaskRunner({
      db: handle.db,
      connection: { apiBase: live.baseUrl, complianceApiKey: live.complianceApiKey, workspaceId: live.workspaceId, orgId: live.orgId },
      settings: { backfillDays: 2, textPolicy: "hash-only", redactionKey: randomBytes(32), redactIpAddresses: false },
      textRetentionDays: 30,
      ledgerSigningKey: signingKey,
    });
    const summary = await run(COMPLIANCE, "schedule", new AbortController().signal);
    expect(summary.sources.flatMap((s) => s.errors)).toEqual([]);
    const [counts] = await selectRows<{ events: number; links: number }>(
      handle.db,
      sql`select (select count(*)::int from events) as events, (select count(*)::int from ledger_links) as links`,
    );
    expect(counts!.events).toBeGreaterThan(0);
    expect(counts!.links).toBe(counts!.events);
    expect(summary.sources.find((s) => s.eventType === "ledger_links")?.events).toBe(counts!.events);

    expect(await run("ledger__digest", "schedule", new AbortController().signal)).toMatchObject({ ok: true });
    expect(await run("ledger__verify", "schedule", new AbortController().signal)).toMatchObject({ ok: true, sources: [{ errors: [] }] });
  });
});

// pg-boss needs PostgreSQL: this part runs in the PostgreSQL pass of the suite only.
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

describe.skipIf(!TEST_DATABASE_URL)("pg-boss scheduler (PostgreSQL)", () => {
  const adminUrl = TEST_DATABASE_URL ?? "";
  const name = `ledger_boss_${randomUUID().replaceAll("-", "")}`;
  let url = "";
  beforeAll(async () => {
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    url = u.href;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
  });
  afterAll(async () => {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it("two workers run one job at a time per task", { timeout: 60_000 }, async () => {
    const active = new Map<string, number>();
    let maxActive = 0;
    const done: { task: string; worker: string; trigger: string }[] = [];
    const runner =
      (worker: string): TaskRunner =>
      async (task, trigger) => {
        active.set(task, (active.get(task) ?? 0) + 1);
        maxActive = Math.max(maxActive, active.get(task)!);
        await new Promise((resolve) => setTimeout(resolve, 1_200));
        active.set(task, active.get(task)! - 1);
        done.push({ task, worker, trigger });
        return EMPTY;
      };
    // A schedule that will not fire during the test: jobs are sent by hand.
    const entries = buildCrontab({ intervalMinutes: 1440, sources: ["compliance", "analytics"] });
    const quiet = { info: () => {}, warn: () => {}, error: () => {} };
    const a = await startPgBossScheduler({ url, entries, run: runner("a"), logger: quiet, pollingIntervalSeconds: 0.5 });
    const b = await startPgBossScheduler({ url, entries, run: runner("b"), logger: quiet, pollingIntervalSeconds: 0.5 });
    try {
      expect((await a.boss.getSchedules()).map((s) => s.name).sort()).toEqual(entries.map((e) => e.task).sort());
      expect(await a.syncNow("manual")).toBe("started");
      await waitFor(async () => (active.get(COMPLIANCE) ?? 0) === 1 && (active.get(ANALYTICS) ?? 0) === 1);
      // Both tasks are running: "sync now" from the other process starts nothing new.
      expect(await b.syncNow("manual")).toBe("already running");
      // Behind a running job, one more may wait (stately); a third send is refused.
      expect(await b.boss.send(COMPLIANCE, { trigger: "extra" })).not.toBeNull();
      expect(await a.boss.send(COMPLIANCE, { trigger: "extra" })).toBeNull();
      await waitFor(async () => done.filter((d) => d.task === COMPLIANCE).length === 2 && done.filter((d) => d.task === ANALYTICS).length === 1, 30_000);
      expect(done.filter((d) => d.task === COMPLIANCE).map((d) => d.trigger)).toEqual(["manual", "extra"]);

      // Jobs under different singleton keys slip past the queue policy and both go active;
      // the advisory lock still keeps the task exclusive: the second is skipped.
      await Promise.all([a.boss.send(ANALYTICS, { trigger: "key-1" }, { singletonKey: "k1" }), a.boss.send(ANALYTICS, { trigger: "key-2" }, { singletonKey: "k2" })]);
      await waitFor(async () => done.some((d) => d.trigger.startsWith("key-")));
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(done.filter((d) => d.trigger.startsWith("key-"))).toHaveLength(1);
      expect(maxActive).toBe(1);
      expect(new Set(done.map((d) => d.worker)).size).toBeGreaterThanOrEqual(1);
    } finally {
      await a.stop({ graceMs: 5_000 });
      await b.stop({ graceMs: 5_000 });
    }
  });
});

async function waitFor(check: () => Promise<boolean>, ms = 15_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
