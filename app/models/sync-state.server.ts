import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../../db/client.server";
import { logFiles, syncCursors, syncGaps, syncRuns } from "../../db/schema";

export type CursorKey = { source: string; scope: string; stream: string };

export async function readCursor({ db, key }: { db: Database; key: CursorKey }) {
  const [row] = await db
    .select()
    .from(syncCursors)
    .where(and(eq(syncCursors.source, key.source), eq(syncCursors.scope, key.scope), eq(syncCursors.stream, key.stream)));
  return row ?? null;
}

/** Notes an attempt and its outcome on the cursor row, creating it when new. */
export async function recordSyncOutcome({ db, key, error }: { db: Database; key: CursorKey; error: string | null }) {
  await db
    .insert(syncCursors)
    .values({ ...key, lastAttemptAt: sql`now()`, lastError: error, lastErrorAt: error ? sql`now()` : null })
    .onConflictDoUpdate({
      target: [syncCursors.source, syncCursors.scope, syncCursors.stream],
      set: {
        lastAttemptAt: sql`now()`,
        lastError: error,
        lastErrorAt: error ? sql`now()` : sql`${syncCursors.lastErrorAt}`,
        updatedAt: sql`now()`,
      },
    });
}

/** The files of this list that are already stored whole, so they are not downloaded again. */
export async function ingestedFileIds({ db, ids }: { db: Database; ids: string[] }) {
  if (ids.length === 0) return new Set<string>();
  const rows = await db
    .select({ id: logFiles.id })
    .from(logFiles)
    .where(and(inArray(logFiles.id, ids), eq(logFiles.status, "ingested")));
  return new Set(rows.map((r) => r.id));
}

export async function listQuarantinedFiles({ db, scope, eventType }: { db: Database; scope: string; eventType: string }) {
  return db
    .select()
    .from(logFiles)
    .where(and(eq(logFiles.scope, scope), eq(logFiles.eventType, eventType), eq(logFiles.status, "quarantined")));
}

/** A quarantined file that the source no longer has: its interval is lost, and says so. */
export async function markFileExpired({ db, fileId, key, from, to }: { db: Database; fileId: string; key: CursorKey; from: Date; to: Date }) {
  await db.transaction(async (tx) => {
    await tx.update(logFiles).set({ status: "expired", error: "gone at the source before it could be stored whole" }).where(eq(logFiles.id, fileId));
    await tx.insert(syncGaps).values({ ...key, gapFrom: from, gapTo: to, reason: `log file ${fileId} expired at the source while quarantined` });
  });
}

export async function recordGap({ db, key, from, to, reason }: { db: Database; key: CursorKey; from: Date; to: Date; reason: string }) {
  await db.insert(syncGaps).values({ ...key, gapFrom: from, gapTo: to, reason });
}

export async function startSyncRun({ db, trigger }: { db: Database; trigger: string }) {
  const [run] = await db.insert(syncRuns).values({ trigger }).returning({ id: syncRuns.id });
  return run!.id;
}

export async function finishSyncRun({ db, id, ok, summary }: { db: Database; id: number; ok: boolean; summary: Record<string, unknown> }) {
  await db.update(syncRuns).set({ finishedAt: sql`now()`, ok, summary }).where(eq(syncRuns.id, id));
}
