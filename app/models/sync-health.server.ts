import { asc, desc, eq } from "drizzle-orm";
import type { Database } from "../../db/client.server";
import { logFiles, syncCursors, syncGaps, syncRuns } from "../../db/schema";
import { assertViewerHasRole, type Viewer } from "./viewer";

/**
 * Sync health, for admins: where every cursor stands, what went wrong, what is lost, and the
 * "sync now" button. Read-only over the sync state tables; the jobs write them.
 */

/** OpenAI keeps Compliance log files this long; older data is gone at the source. */
export const SOURCE_RETENTION_DAYS = 30;
/** A cursor this close to the retention edge is about to lose data, whatever the lag threshold says. */
export const RETENTION_MARGIN_DAYS = 7;
const HOUR_MS = 3_600_000;
const RECENT_RUNS = 10;

/* ───────────────────────── "sync now": the process's scheduler ───────────────────────── */

export type SyncNowResult = "started" | "already running";
export type SyncControl = {
  mode: "in-process" | "pg-boss";
  intervalMinutes: number;
  syncNow(trigger: string): Promise<SyncNowResult>;
};

// On globalThis: the start script (which owns the scheduler) and the Remix server build are
// two module graphs in one process.
const CONTROL_KEY = Symbol.for("codex-ledger.sync-control");
type GlobalWithControl = typeof globalThis & { [CONTROL_KEY]?: SyncControl | null };

/** Called by the start script once the scheduler runs (null when it stops). */
export function registerSyncControl(control: SyncControl | null) {
  (globalThis as GlobalWithControl)[CONTROL_KEY] = control;
}

function syncControl() {
  return (globalThis as GlobalWithControl)[CONTROL_KEY] ?? null;
}

/** Starts a run of every source now; returns at once. "unavailable" when this process schedules nothing. */
export async function requestSyncNow({ viewer }: { viewer: Viewer }): Promise<{ status: SyncNowResult | "unavailable" }> {
  assertViewerHasRole(viewer, ["admin"]);
  const control = syncControl();
  if (!control) return { status: "unavailable" };
  return { status: await control.syncNow(`sync now (${viewer.email})`) };
}

/* ───────────────────────── the health report ───────────────────────── */

export type StreamHealth = {
  source: string;
  scope: string;
  stream: string;
  position: string | null;
  positionTime: string | null;
  /** now − position time: the age of the newest stored file (or analytics day). */
  lagHours: number | null;
  /**
   * now − the last point known complete: the later of the position time and the last check
   * that listed to the end without an error (a quiet stream with no newer files is not behind).
   * The warning is based on this.
   */
  behindHours: number | null;
  /** No pass has finished yet (the first backfill is running): lag says nothing yet, no warning. */
  firstPass: boolean;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  filesTotal: number;
  eventsTotal: number;
  quarantined: { id: string; endTime: string; error: string | null; attempts: number }[];
  expiredFiles: number;
  gaps: { from: string; to: string; reason: string; detectedAt: string }[];
  /** Set when the lag passes the threshold or nears the retention edge: says what to do. */
  warning: string | null;
};

export type SyncRunRow = {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  ok: boolean | null;
  trigger: string;
  newEvents: number | null;
  sources: string[];
  errors: string[];
};

export type SyncHealth = {
  now: string;
  lagWarningHours: number;
  retentionDays: number;
  schedule: { mode: SyncControl["mode"]; intervalMinutes: number } | null;
  streams: StreamHealth[];
  runs: SyncRunRow[];
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function lagWarning({ source, stream, lagHours, lagWarningHours }: { source: string; stream: string; lagHours: number; lagWarningHours: number }) {
  const edgeHours = (SOURCE_RETENTION_DAYS - RETENTION_MARGIN_DAYS) * 24;
  if (lagHours < lagWarningHours && lagHours < edgeHours) return null;
  const behind = lagHours >= 48 ? `${Math.floor(lagHours / 24)} days` : `${Math.floor(lagHours)} hours`;
  const left = SOURCE_RETENTION_DAYS * 24 - lagHours;
  const edge =
    left <= 0
      ? `it is past OpenAI's ${SOURCE_RETENTION_DAYS}-day window: data is being lost`
      : lagHours >= edgeHours
        ? `${Math.max(0, Math.floor(left / 24))} days before it falls out of OpenAI's ${SOURCE_RETENTION_DAYS}-day window`
        : `the warning threshold is ${lagWarningHours} hours`;
  return `${source} ${stream} is ${behind} behind (${edge}). Data older than ${SOURCE_RETENTION_DAYS} days is gone at the source: sync now.`;
}

export async function getSyncHealth({
  db,
  viewer,
  lagWarningHours,
  now = new Date(),
}: {
  db: Database;
  viewer: Viewer;
  lagWarningHours: number;
  now?: Date;
}): Promise<SyncHealth> {
  assertViewerHasRole(viewer, ["admin"]);
  const [cursors, files, gaps, runs] = await Promise.all([
    db.select().from(syncCursors).orderBy(asc(syncCursors.source), asc(syncCursors.scope), asc(syncCursors.stream)),
    db
      .select({ id: logFiles.id, scope: logFiles.scope, eventType: logFiles.eventType, endTime: logFiles.endTime, status: logFiles.status, error: logFiles.error, attempts: logFiles.attempts })
      .from(logFiles)
      .where(eq(logFiles.status, "quarantined"))
      .orderBy(asc(logFiles.endTime)),
    db.select().from(syncGaps).orderBy(desc(syncGaps.gapFrom)),
    db.select().from(syncRuns).orderBy(desc(syncRuns.id)).limit(RECENT_RUNS),
  ]);
  const expired = await db.select({ scope: logFiles.scope, eventType: logFiles.eventType }).from(logFiles).where(eq(logFiles.status, "expired"));

  const streams: StreamHealth[] = cursors.map((c) => {
    const hoursSince = (d: Date) => Math.max(0, (now.getTime() - d.getTime()) / HOUR_MS);
    const lagHours = c.positionTime ? hoursSince(c.positionTime) : null;
    const checkedClean = c.lastAttemptAt && !c.lastError ? c.lastAttemptAt : null;
    const completeTo = [c.positionTime, checkedClean].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];
    const behindHours = completeTo ? hoursSince(completeTo) : null;
    const firstPass = c.lastAttemptAt === null;
    const isFileStream = (f: { scope: string; eventType: string }) => c.source === "compliance" && f.scope === c.scope && f.eventType === c.stream;
    return {
      source: c.source,
      scope: c.scope,
      stream: c.stream,
      position: c.position,
      positionTime: iso(c.positionTime),
      lagHours,
      behindHours,
      firstPass,
      lastAttemptAt: iso(c.lastAttemptAt),
      lastSuccessAt: iso(c.lastSuccessAt),
      lastError: c.lastError,
      lastErrorAt: iso(c.lastErrorAt),
      filesTotal: c.filesTotal,
      eventsTotal: c.eventsTotal,
      quarantined: files.filter(isFileStream).map((f) => ({ id: f.id, endTime: f.endTime, error: f.error, attempts: f.attempts })),
      expiredFiles: expired.filter(isFileStream).length,
      gaps: gaps
        .filter((g) => g.source === c.source && g.scope === c.scope && g.stream === c.stream)
        .map((g) => ({ from: g.gapFrom.toISOString(), to: g.gapTo.toISOString(), reason: g.reason, detectedAt: g.detectedAt.toISOString() })),
      warning: firstPass || behindHours === null ? null : lagWarning({ source: c.source, stream: c.stream, lagHours: behindHours, lagWarningHours }),
    };
  });

  const control = syncControl();
  return {
    now: now.toISOString(),
    lagWarningHours,
    retentionDays: SOURCE_RETENTION_DAYS,
    schedule: control ? { mode: control.mode, intervalMinutes: control.intervalMinutes } : null,
    streams,
    runs: runs.map((r) => runRow(r)),
  };
}

function runRow(r: typeof syncRuns.$inferSelect): SyncRunRow {
  const summary = (r.summary ?? {}) as { totalEvents?: unknown; sources?: unknown };
  const sources = Array.isArray(summary.sources) ? (summary.sources as { source?: unknown; eventType?: unknown; errors?: unknown }[]) : [];
  return {
    id: r.id,
    startedAt: r.startedAt.toISOString(),
    finishedAt: iso(r.finishedAt),
    ok: r.ok,
    trigger: r.trigger,
    newEvents: typeof summary.totalEvents === "number" ? summary.totalEvents : null,
    sources: [...new Set(sources.map((s) => String(s.source ?? "")).filter(Boolean))],
    errors: sources.flatMap((s) => (Array.isArray(s.errors) ? s.errors.map((e) => `${String(s.eventType ?? "")}: ${String(e)}`) : [])).slice(0, 5),
  };
}
