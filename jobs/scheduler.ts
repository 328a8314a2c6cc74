import { Cron } from "croner";
import PgBoss from "pg-boss";
import postgres from "postgres";
import { z } from "zod";
import type { Database } from "../db/client.server";
import type { Config } from "../app/lib/config.server";
import type { OpenAIConnection } from "../app/lib/openai/connection";
import { runBudgetsCheck } from "./budgets__check";
import { buildCrontab, cronForInterval, EXPIRE_TEXT_TASK, isSyncTask, MAINTENANCE_TASKS, SYNC_SOURCES, SYNC_TASKS, type CrontabEntry, type SyncSource, type TaskName } from "./crontab";
import { appendToLedger } from "./ledger__append";
import { writeLedgerDigests } from "./ledger__digest";
import { runLedgerVerification } from "./ledger__verify";
import { runMonthlyReport } from "./reports__monthly";
import { forwardToSiem } from "./siem__forward";
import { expireRedactedText } from "./redacted_text__expire";
import { plannedStreams, runSyncOnce, type SyncSettings, type SyncSummary } from "./sync__run_once";

/**
 * The scheduler: runs the crontab's tasks (jobs/crontab.ts), never two runs of one task at
 * once. Two implementations of one interface (see docs/decisions/0009-scheduling.md):
 * - in-process (croner) for the demo on PGlite, which is one process's database;
 * - pg-boss on PostgreSQL, with any number of worker processes. A queue per task with the
 *   "stately" policy (at most one queued and one active job), plus a session advisory lock
 *   per task around the run, so a job that pg-boss expired while it was still running
 *   cannot be started a second time elsewhere.
 */

export type SchedulerLogger = {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
};

/**
 * Runs one task to its end (or to the first clean point after `signal` aborts). Every task
 * answers in the sync summary's shape, so logs and callers read one kind of result.
 */
export type TaskRunner = (task: TaskName, trigger: string, signal: AbortSignal) => Promise<SyncSummary>;

export type TriggerResult = "started" | "already running";

export interface Scheduler {
  readonly kind: "in-process" | "pg-boss";
  readonly entries: readonly CrontabEntry[];
  /** Starts every sync task (not the maintenance ones) now, unless it is already running; returns at once. */
  syncNow(trigger: string): Promise<TriggerResult>;
  /** Stops scheduling, asks running tasks to stop at their next clean point, waits up to graceMs. */
  stop(options?: { graceMs?: number }): Promise<{ finished: boolean }>;
}

/* ───────────────────────── the sync tasks ───────────────────────── */

/** The sources this connection can sync (a source without its key is not scheduled). */
export function configuredSources(connection: OpenAIConnection): SyncSource[] {
  const sources = new Set(plannedStreams(connection).map((s) => s.source));
  return SYNC_SOURCES.filter((s) => sources.has(s));
}

export function sourceOfTask(task: TaskName): SyncSource {
  const source = SYNC_SOURCES.find((s) => SYNC_TASKS[s] === task);
  if (!source) throw new Error(`unknown task ${task}`);
  return source;
}

/** The connection with only one source's key, so runSyncOnce plans that source's streams alone. */
export function connectionForSource(connection: OpenAIConnection, source: SyncSource): OpenAIConnection {
  return source === "compliance" ? { ...connection, analyticsApiKey: undefined } : { ...connection, complianceApiKey: undefined };
}

export class SyncStopped extends Error {
  override name = "SyncStopped";
  constructor() {
    super("the sync was stopped because the process is shutting down; the next run resumes from the saved cursor");
  }
}

/**
 * The database as a sync sees it, refusing any new statement or transaction once `signal`
 * has aborted. Every log file (and analytics page) is stored in one transaction on the
 * transaction's own handle, so a transaction already open commits, and the sync fails at the
 * next file: a clean point, with nothing half-stored. (A `signal` option on runSyncOnce
 * would say this more directly; until it has one, this wrapper is the stop button.)
 */
export function abortableDatabase(db: Database, signal: AbortSignal): Database {
  return new Proxy(db, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property === "transaction") {
        // Between two files, let the requests that arrived meanwhile take the database
        // first: on PGlite (one connection, the server's own thread) a sync would otherwise
        // queue file after file ahead of them.
        return async (...args: unknown[]) => {
          await new Promise((resolve) => setImmediate(resolve));
          if (signal.aborted) throw new SyncStopped();
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      }
      return (...args: unknown[]) => {
        if (signal.aborted) throw new SyncStopped();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

const maintenanceSummary = (eventType: string, events: number, errors: string[] = []): SyncSummary => ({
  ok: errors.length === 0,
  sources: [{ source: "maintenance", eventType, files: 0, events, newEvents: 0, errors }],
  totalEvents: 0,
});

export function createSyncTaskRunner({
  db,
  connection,
  settings,
  textRetentionDays,
  ledgerSigningKey,
  logger,
}: {
  db: Database;
  connection: OpenAIConnection;
  settings: SyncSettings;
  /** TEXT_RETENTION_DAYS, for the daily redacted_text__expire task. */
  textRetentionDays?: number;
  /** LEDGER_SIGNING_KEY, for the daily digest and verification. */
  ledgerSigningKey?: string;
  logger?: SchedulerLogger;
}): TaskRunner {
  return async (task, trigger, signal) => {
    const started = Date.now();
    const guarded = abortableDatabase(db, signal);
    if (task === MAINTENANCE_TASKS.digest || task === MAINTENANCE_TASKS.verify) {
      if (!ledgerSigningKey) throw new Error(`${task} needs LEDGER_SIGNING_KEY`);
      if (task === MAINTENANCE_TASKS.digest) {
        const { written } = await writeLedgerDigests({ db: guarded, signingKeyPem: ledgerSigningKey });
        return maintenanceSummary("ledger_digests", written);
      }
      const result = await runLedgerVerification({ db: guarded, signingKeyPem: ledgerSigningKey, trigger });
      const problems = result.ok ? [] : [`the integrity chain does not verify: ${result.problems.length} problem(s), see the ledger page`];
      logger?.[result.ok ? "info" : "error"]({ task, trigger, ok: result.ok, ms: Date.now() - started }, "ledger verified");
      return maintenanceSummary("ledger_verification", 0, problems);
    }
    if (task === MAINTENANCE_TASKS.budgets) {
      const results = await runBudgetsCheck({ db: guarded });
      return maintenanceSummary("budgets", results.length);
    }
    if (task === MAINTENANCE_TASKS.report) {
      const result = await runMonthlyReport({ db: guarded });
      logger?.info({ task, trigger, month: result.month, generated: result.generated }, "monthly report");
      return maintenanceSummary("monthly_report", result.generated ? 1 : 0);
    }
    if (task === EXPIRE_TEXT_TASK) {
      if (!textRetentionDays) throw new Error("redacted_text__expire needs TEXT_RETENTION_DAYS");
      const cleared = await expireRedactedText({ db: abortableDatabase(db, signal), retentionDays: textRetentionDays, now: new Date() });
      logger?.info({ task, trigger, cleared, ms: Date.now() - started }, "redacted text expired");
      return { ok: true, sources: [{ source: "retention", eventType: "redacted_text", files: 0, events: cleared, newEvents: 0, errors: [] }], totalEvents: 0 };
    }
    const source = sourceOfTask(task);
    const summary = await runSyncOnce({ db: guarded, connection: connectionForSource(connection, source), settings, trigger, logger });
    if (source === "compliance") await chainAndForward({ db: guarded, settings, signal, summary, logger });
    const errors = summary.sources.flatMap((s) => s.errors);
    logger?.[summary.ok ? "info" : "warn"](
      { task, trigger, ok: summary.ok, newEvents: summary.totalEvents, errors: errors.length, ms: Date.now() - started },
      summary.ok ? "sync finished" : `sync finished with errors: ${errors.join(" | ").slice(0, 500)}`,
    );
    return summary;
  };
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Right after a Compliance sync: chain what it stored (the integrity ledger) and push it to
 * the SIEM destinations. Failures are reported in the run's summary; the next run catches up.
 */
async function chainAndForward({ db, settings, signal, summary, logger }: { db: Database; settings: SyncSettings; signal: AbortSignal; summary: SyncSummary; logger?: SchedulerLogger }) {
  const note = (eventType: string, events: number, errors: string[]) => {
    summary.sources.push({ source: "maintenance", eventType, files: 0, events, newEvents: 0, errors });
    if (errors.length > 0) summary.ok = false;
  };
  try {
    const { appended } = await appendToLedger({ db });
    note("ledger_links", appended, []);
  } catch (error) {
    if (error instanceof SyncStopped) throw error;
    note("ledger_links", 0, [`appending to the integrity chain failed: ${errorText(error)}`]);
    return;
  }
  const forwarded = await forwardToSiem({ db, redactionKey: settings.redactionKey, signal, logger }).catch((error: unknown) => {
    if (error instanceof SyncStopped) throw error;
    return [{ destination: "all", delivered: 0, deadLettered: 0, missing: 0, state: "retrying" as const, error: errorText(error) }];
  });
  for (const f of forwarded) note(`siem:${f.destination}`, f.delivered, f.error ? [`SIEM destination ${f.destination}: ${f.error}`] : []);
}

/* ───────────────────────── in-process (demo, PGlite) ───────────────────────── */

export type RunOutcome = { summary: SyncSummary } | { error: string };

export interface InProcessScheduler extends Scheduler {
  readonly kind: "in-process";
  /** Runs a task now and resolves with its outcome; null when it is already running. */
  runNow(task: TaskName, trigger: string): Promise<RunOutcome> | null;
  isRunning(task: TaskName): boolean;
}

export function startInProcessScheduler({
  entries,
  run,
  logger,
}: {
  entries: readonly CrontabEntry[];
  run: TaskRunner;
  logger?: SchedulerLogger;
}): InProcessScheduler {
  // The per-task mutex: a task in this map is running, and is not started again.
  const running = new Map<TaskName, { done: Promise<RunOutcome>; controller: AbortController }>();
  let stopped = false;

  const launch = (task: TaskName, trigger: string): Promise<RunOutcome> | null => {
    if (stopped || running.has(task)) return null;
    const controller = new AbortController();
    const done = (async (): Promise<RunOutcome> => {
      try {
        return { summary: await run(task, trigger, controller.signal) };
      } catch (error) {
        if (!(error instanceof SyncStopped)) logger?.error({ task, trigger, error: errorText(error) }, "sync failed");
        return { error: errorText(error) };
      } finally {
        running.delete(task);
      }
    })();
    running.set(task, { done, controller });
    return done;
  };

  const crons = entries.map(
    (entry) =>
      new Cron(entry.cron, { timezone: "UTC", name: `codex-ledger:${entry.task}` }, () => {
        if (!launch(entry.task, "schedule") && !stopped) logger?.info({ task: entry.task }, "the previous run is still going: this tick is skipped");
      }),
  );

  return {
    kind: "in-process",
    entries,
    runNow: launch,
    isRunning: (task) => running.has(task),
    async syncNow(trigger) {
      const started = entries.filter((e) => isSyncTask(e.task) && launch(e.task, trigger) !== null);
      return started.length > 0 ? "started" : "already running";
    },
    async stop({ graceMs = 15_000 } = {}) {
      stopped = true;
      for (const cron of crons) cron.stop();
      const runs = [...running.values()];
      for (const r of runs) r.controller.abort();
      return { finished: await settledWithin(Promise.all(runs.map((r) => r.done)), graceMs) };
    },
  };
}

async function settledWithin(promise: Promise<unknown>, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/* ───────────────────────── pg-boss (production, PostgreSQL) ───────────────────────── */

export const PGBOSS_SCHEMA = "pgboss";

/**
 * stately: at most one job waiting and one active per queue, so schedule ticks during a long
 * run collapse into one follow-up run. No retries: the next tick is the retry. A job is
 * expired (and its slot freed) after two hours, which also bounds how long a worker killed
 * mid-run blocks its task; the advisory lock below keeps an expired-but-alive run exclusive.
 */
const QUEUE_OPTIONS: Omit<PgBoss.Queue, "name"> = { policy: "stately", retryLimit: 0, expireInSeconds: 2 * 3600, retentionMinutes: 7 * 24 * 60 };

const jobData = z.object({ trigger: z.string().max(200).optional() }).passthrough();

export type PgBossSchedulerOptions = {
  url: string;
  entries: readonly CrontabEntry[];
  run: TaskRunner;
  logger?: SchedulerLogger;
  /** Write the crontab into pg-boss (every process may; pg-boss emits each tick once). */
  schedule?: boolean;
  /** Run jobs in this process. */
  work?: boolean;
  /** How often an idle worker looks for a job; pg-boss also wakes a worker in this process on send. */
  pollingIntervalSeconds?: number;
};

export interface PgBossScheduler extends Scheduler {
  readonly kind: "pg-boss";
  readonly boss: PgBoss;
}

export async function startPgBossScheduler({
  url,
  entries,
  run,
  logger,
  schedule = true,
  work = true,
  pollingIntervalSeconds = 5,
}: PgBossSchedulerOptions): Promise<PgBossScheduler> {
  const boss = new PgBoss({ connectionString: url, schema: PGBOSS_SCHEMA, application_name: "codex-ledger-jobs", max: 4, schedule });
  boss.on("error", (error) => logger?.error({ error: errorText(error) }, "pg-boss reported an error"));
  await boss.start();

  for (const entry of entries) {
    await boss.createQueue(entry.task, { name: entry.task, ...QUEUE_OPTIONS });
    await boss.updateQueue(entry.task, { name: entry.task, ...QUEUE_OPTIONS });
  }
  if (schedule) {
    for (const entry of entries) await boss.schedule(entry.task, entry.cron, { trigger: "schedule" }, { tz: "UTC" });
    // A task this deployment no longer runs (a source whose key was removed) stops being scheduled.
    const ours = new Set<string>([...Object.values(SYNC_TASKS), EXPIRE_TEXT_TASK]);
    for (const existing of await boss.getSchedules()) {
      if (ours.has(existing.name) && !entries.some((e) => e.task === existing.name)) await boss.unschedule(existing.name);
    }
  }

  // A small pool for the per-task session advisory locks: a lock lives on its connection,
  // so a worker that dies releases it with its connection.
  const lockPool = postgres(url, { max: Math.max(1, entries.length), onnotice: () => {}, connection: { application_name: "codex-ledger-locks" } });
  const controllers = new Set<AbortController>();
  let stopping = false;

  const handle = async (task: TaskName, job: PgBoss.Job<unknown>) => {
    if (stopping) return { skipped: "the worker is shutting down" };
    const parsed = jobData.safeParse(job.data ?? {});
    const trigger = (parsed.success ? parsed.data.trigger : undefined) ?? "schedule";
    const connection = await lockPool.reserve();
    try {
      const [row] = await connection<{ locked: boolean }[]>`select pg_try_advisory_lock(hashtext(${`codex-ledger:${task}`})) as locked`;
      if (!row?.locked) {
        logger?.info({ task, jobId: job.id }, "another worker is running this task: job skipped");
        return { skipped: "already running in another worker" };
      }
      const controller = new AbortController();
      controllers.add(controller);
      try {
        const summary = await run(task, trigger, controller.signal);
        return { ok: summary.ok, newEvents: summary.totalEvents };
      } finally {
        controllers.delete(controller);
        await connection`select pg_advisory_unlock(hashtext(${`codex-ledger:${task}`}))`.catch(() => {});
      }
    } finally {
      connection.release();
    }
  };

  if (work) {
    for (const entry of entries) {
      await boss.work(entry.task, { batchSize: 1, pollingIntervalSeconds }, async ([job]) => (job ? handle(entry.task, job) : undefined));
    }
  }

  const isActive = async (task: TaskName) => {
    const { rows } = await boss.getDb().executeSql(`select 1 from ${PGBOSS_SCHEMA}.job where name = $1 and state = 'active' limit 1`, [task]);
    return rows.length > 0;
  };

  return {
    kind: "pg-boss",
    entries,
    boss,
    async syncNow(trigger) {
      let started = 0;
      for (const entry of entries.filter((e) => isSyncTask(e.task))) {
        if (await isActive(entry.task)) continue;
        // null: a run of this task is already waiting for a worker (the stately policy).
        if ((await boss.send(entry.task, { trigger })) !== null) started++;
      }
      return started > 0 ? "started" : "already running";
    },
    async stop({ graceMs = 15_000 } = {}) {
      stopping = true;
      for (const controller of controllers) controller.abort();
      const wasIdle = controllers.size === 0;
      // Waits up to graceMs for the handlers; a job still active then is marked failed, which
      // frees its slot at once instead of at expiry.
      await boss.stop({ graceful: true, wait: true, timeout: graceMs });
      const finished = wasIdle || controllers.size === 0;
      await lockPool.end({ timeout: 5 });
      return { finished };
    },
  };
}

/* ───────────────────────── wiring from the configuration ───────────────────────── */

export function syncSettingsFromConfig(config: Config): SyncSettings {
  return { backfillDays: config.sync.backfillDays, textPolicy: config.textPolicy, redactionKey: config.redactionKey, redactIpAddresses: config.redactIpAddresses };
}

export type ConfiguredScheduler =
  | { kind: "in-process"; scheduler: InProcessScheduler; intervalMinutes: number }
  | { kind: "pg-boss"; scheduler: PgBossScheduler; intervalMinutes: number }
  | { kind: "none"; scheduler: null; intervalMinutes: number };

/**
 * The scheduler this deployment uses: pg-boss when the database is PostgreSQL, croner in
 * this process on PGlite (one process's database). Nothing when no source is configured.
 */
export async function startConfiguredScheduler({
  config,
  db,
  connection,
  logger,
  work = true,
}: {
  config: Config;
  db: Database;
  connection: OpenAIConnection;
  logger?: SchedulerLogger;
  work?: boolean;
}): Promise<ConfiguredScheduler> {
  const sources = configuredSources(connection);
  const { minutes: intervalMinutes } = cronForInterval(config.sync.intervalMinutes);
  if (sources.length === 0) return { kind: "none", scheduler: null, intervalMinutes };
  const entries = buildCrontab({ intervalMinutes: config.sync.intervalMinutes, sources });
  const run = createSyncTaskRunner({ db, connection, settings: syncSettingsFromConfig(config), textRetentionDays: config.textRetentionDays, ledgerSigningKey: config.ledgerSigningKey, logger });
  if (config.database.kind === "postgres") {
    return { kind: "pg-boss", scheduler: await startPgBossScheduler({ url: config.database.url, entries, run, logger, work }), intervalMinutes };
  }
  return { kind: "in-process", scheduler: startInProcessScheduler({ entries, run, logger }), intervalMinutes };
}
