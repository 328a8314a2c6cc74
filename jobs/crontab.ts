/**
 * The crontab: what runs when. One line per recurring task, with a comment saying why.
 * The same entries drive both schedulers (jobs/scheduler.ts): pg-boss on PostgreSQL, where a
 * task's name is also its queue's name, and croner in the demo process on PGlite.
 * Cron patterns are five fields (minute hour day month weekday) and read in UTC.
 */

export const SYNC_SOURCES = ["compliance", "analytics"] as const;
export type SyncSource = (typeof SYNC_SOURCES)[number];

/** Task (and queue) names follow the jobs' file names, `noun__verb`. */
export const SYNC_TASKS = {
  compliance: "compliance_logs__sync",
  analytics: "analytics__sync",
} as const satisfies Record<SyncSource, string>;
export type SyncTask = (typeof SYNC_TASKS)[SyncSource];
/** Daily: clears redacted text older than TEXT_RETENTION_DAYS (jobs/redacted_text__expire.ts). */
export const EXPIRE_TEXT_TASK = "redacted_text__expire";
/** Maintenance tasks that do not talk to OpenAI, one job file each. */
export const MAINTENANCE_TASKS = {
  digest: "ledger__digest",
  verify: "ledger__verify",
  budgets: "budgets__check",
  report: "reports__monthly",
} as const;
export type MaintenanceTask = (typeof MAINTENANCE_TASKS)[keyof typeof MAINTENANCE_TASKS];
export type TaskName = SyncTask | typeof EXPIRE_TEXT_TASK | MaintenanceTask;

export function isSyncTask(task: TaskName): task is SyncTask {
  return (Object.values(SYNC_TASKS) as string[]).includes(task);
}

export type CrontabEntry = { task: TaskName; cron: string; comment: string };

/**
 * A cron pattern for "every N minutes". Cron can only step evenly through an hour or a day,
 * so an interval that does not divide 60 minutes (or 24 hours) is rounded down to the
 * nearest one that does: never less often than asked. `minutes` is what was chosen.
 */
export function cronForInterval(requested: number): { cron: string; minutes: number } {
  const wanted = Math.max(1, Math.floor(requested));
  if (wanted < 60) {
    const step = largestDivisorAtMost(60, wanted);
    return { cron: step === 1 ? "* * * * *" : `*/${step} * * * *`, minutes: step };
  }
  const hours = largestDivisorAtMost(24, Math.min(24, Math.floor(wanted / 60)));
  return { cron: hours === 24 ? "0 0 * * *" : hours === 1 ? "0 * * * *" : `0 */${hours} * * *`, minutes: hours * 60 };
}

function largestDivisorAtMost(whole: number, atMost: number) {
  for (let d = atMost; d > 1; d--) if (whole % d === 0) return d;
  return 1;
}

export function buildCrontab({ intervalMinutes, sources }: { intervalMinutes: number; sources: readonly SyncSource[] }): CrontabEntry[] {
  const { cron, minutes } = cronForInterval(intervalMinutes);
  const entries: CrontabEntry[] = [];
  if (sources.includes("compliance")) {
    // Compliance Logs Platform, every SYNC_INTERVAL_MINUTES: the source keeps 30 days only,
    // so a cursor that stops moving is lost data. Resumes from the saved cursor.
    entries.push({ task: SYNC_TASKS.compliance, cron, comment: `Compliance log files since the cursor, every ${minutes} min` });
  }
  if (sources.includes("analytics")) {
    // Codex Analytics API, on the same beat: recent days are refetched because the API
    // publishes them late.
    entries.push({ task: SYNC_TASKS.analytics, cron, comment: `Codex Analytics daily rows, every ${minutes} min` });
  }
  // Redacted text has its own, shorter retention (TEXT_RETENTION_DAYS): cleared once a day at a
  // quiet hour; metadata, fingerprints and findings stay.
  entries.push({ task: EXPIRE_TEXT_TASK, cron: "17 3 * * *", comment: "Clear redacted text older than TEXT_RETENTION_DAYS, daily at 03:17 UTC" });
  // The integrity chain is appended (and the SIEM destinations fed) right after every
  // Compliance sync, inside its task; the daily digest signs each closed UTC day's chain head
  // shortly after midnight, and a daily verification recomputes everything.
  entries.push({ task: MAINTENANCE_TASKS.digest, cron: "5 0 * * *", comment: "Sign the integrity chain's digest of each closed UTC day, daily at 00:05 UTC" });
  entries.push({ task: MAINTENANCE_TASKS.verify, cron: "30 2 * * *", comment: "Recompute the chain and every digest, daily at 02:30 UTC" });
  // Budget alerts at 50/75/90/100 %: hourly is soon enough for spend that OpenAI reports hourly.
  entries.push({ task: MAINTENANCE_TASKS.budgets, cron: "23 * * * *", comment: "Check budgets and send threshold alerts, hourly at :23" });
  // The leadership PDF of the previous month, once its last day's COSTS files are in.
  entries.push({ task: MAINTENANCE_TASKS.report, cron: "30 6 1 * *", comment: "Generate and keep last month's spend report, on the 1st at 06:30 UTC" });
  return entries;
}
