import type { Database } from "../db/client.server";
import type { OpenAIConnection } from "../app/lib/openai/connection";
import {
  downloadLogFile,
  FileGoneError,
  FileIntegrityError,
  listLogFiles,
  scopeKey,
  type ComplianceScope,
  type LogFile,
} from "../app/lib/openai/compliance-client.server";
import { inProcessPreparer, type FilePreparer } from "../app/lib/ingest/prepare-pool";
import type { SessionSecrets } from "../app/lib/openai/session-secrets";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../app/lib/openai/http.server";
import type { Redactor } from "../app/lib/redaction";
import {
  advanceCursor,
  quarantineFile,
  storeComplianceFiles,
  type CursorAdvance,
  type FileLedgerEntry,
  type FileToStore,
  type TextPolicy,
} from "../app/models/events.server";
import {
  ingestedFileIds,
  listQuarantinedFiles,
  markFileExpired,
  readCursor,
  recordGap,
  recordSyncOutcome,
  type CursorKey,
} from "../app/models/sync-state.server";

/**
 * compliance_logs__sync: brings one event type of one scope (workspace or organisation) up
 * to date. Idempotent: every file is stored whole with its cursor in one transaction, so a
 * crash at any point is repaired by running it again.
 */

export const RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

export type SourceSummary = { source: string; eventType: string; files: number; events: number; newEvents: number; errors: string[] };
export type SyncProgress = { stream: string; files: number; events: number; bytes: number };
export type SyncLogger = { warn(fields: Record<string, unknown>, message: string): void };

export type ComplianceSyncOptions = {
  db: Database;
  connection: OpenAIConnection;
  scope: ComplianceScope;
  eventType: string;
  backfillDays: number;
  now?: Date;
  policy?: RetryPolicy;
  pageLimit?: number;
  onProgress?: (progress: SyncProgress) => void;
  logger?: SyncLogger;
} & (
  | {
      /** Prepares (parses, redacts) the downloaded files, e.g. in a worker thread; shared by the streams of one run. */
      preparer: FilePreparer;
    }
  | {
      redactor: Redactor;
      textPolicy: TextPolicy;
      /** Shared across the streams and files of one run; see SessionSecrets. */
      sessionSecrets?: SessionSecrets;
    }
);

type StreamContext = ComplianceSyncOptions & { preparer: FilePreparer };

export async function syncComplianceStream(syncOptions: ComplianceSyncOptions): Promise<SourceSummary> {
  const options: StreamContext = "preparer" in syncOptions ? syncOptions : { ...syncOptions, preparer: inProcessPreparer(syncOptions) };
  const { db, scope, eventType, now = new Date() } = options;
  const key: CursorKey = { source: "compliance", scope: scopeKey(scope), stream: eventType };
  const summary: SourceSummary = { source: "compliance", eventType, files: 0, events: 0, newEvents: 0, errors: [] };
  const progress: SyncProgress = { stream: eventType, files: 0, events: 0, bytes: 0 };
  try {
    await retryQuarantined(options, key, summary, progress);
    let after = await startingPoint(db, key, now, options.backfillDays);
    for (let page = 0; ; page++) {
      const listed = await listLogFiles({ connection: options.connection, scope, eventType, after, limit: options.pageLimit, policy: options.policy });
      const done = await ingestedFileIds({ db, ids: listed.files.map((f) => f.id) });
      await ingestFiles(options, key, listed.files.filter((file) => !done.has(file.id)), summary, progress);
      if (listed.lastEndTime) {
        // Files skipped as already stored still move the cursor past them.
        await advanceCursor(db, { ...key, position: listed.lastEndTime, positionTime: new Date(listed.lastEndTime) }, { files: 0, events: 0 });
      }
      if (!listed.hasMore) break;
      if (!listed.lastEndTime || Date.parse(listed.lastEndTime) <= Date.parse(after)) {
        throw new Error(`the ${eventType} file list did not advance past ${after} although it said has_more; stopping to avoid a loop`);
      }
      after = listed.lastEndTime;
      if (page > 100_000) throw new Error("more than 100,000 pages in one run; stopping");
    }
  } catch (error) {
    summary.errors.push(error instanceof Error ? error.message : String(error));
  }
  await recordSyncOutcome({ db, key, error: summary.errors.at(-1) ?? null });
  return summary;
}

/** Where to list from: the cursor, or the backfill window; a cursor behind retention is a recorded gap. */
async function startingPoint(db: Database, key: CursorKey, now: Date, backfillDays: number) {
  const cursor = await readCursor({ db, key });
  const retentionStart = new Date(now.getTime() - RETENTION_DAYS * DAY_MS);
  if (!cursor?.position || !cursor.positionTime) {
    return new Date(now.getTime() - Math.min(backfillDays, RETENTION_DAYS) * DAY_MS).toISOString();
  }
  if (cursor.positionTime < retentionStart) {
    const position = retentionStart.toISOString();
    await db.transaction(async (tx) => {
      await recordGap({
        db: tx,
        key,
        from: cursor.positionTime!,
        to: retentionStart,
        reason: `the cursor fell behind OpenAI's ${RETENTION_DAYS}-day retention: logs in this interval are gone at the source`,
      });
      await advanceCursor(tx, { ...key, position, positionTime: retentionStart }, { files: 0, events: 0 });
    });
    return position;
  }
  return cursor.position;
}

async function retryQuarantined(options: StreamContext, key: CursorKey, summary: SourceSummary, progress: SyncProgress) {
  const quarantined = await listQuarantinedFiles({ db: options.db, scope: key.scope, eventType: key.stream });
  for (const row of quarantined) {
    const file: LogFile = { id: row.id, event_type: row.eventType, end_time: row.endTime, file_name: row.fileName, file_size: row.fileSize, file_sha256: row.fileSha256 };
    try {
      const prepared = await (await startFile(options, key, file)).result;
      if (prepared.kind === "integrity") await quarantine(options, prepared, null, summary);
      else await storeBatch(options, [prepared], null, summary, progress);
    } catch (error) {
      if (!(error instanceof FileGoneError)) throw error;
      const end = new Date(row.endTime);
      await markFileExpired({ db: options.db, fileId: row.id, key, from: new Date(end.getTime() - 3_600_000), to: end });
      summary.errors.push(`${error.message} Its interval is recorded as a gap.`);
    }
  }
}

/**
 * How far ahead of storage files are prepared (downloaded, checked, parsed, redacted), and how
 * many consecutive files may share one transaction. Preparing runs while the database stores the
 * previous batch; it stays in file order (SessionSecrets depends on it) and bounded in memory.
 */
export const INGEST_TUNING = {
  lookaheadFiles: 6,
  lookaheadBytes: 64 * 1024 * 1024,
  batchEvents: 8_000,
  batchFiles: 50,
};

type PreparedFile = { kind: "ready"; file: FileToStore; bytes: number; events: number; cursor: CursorAdvance };
type QuarantinedFile = { kind: "integrity"; ledger: FileLedgerEntry; error: string; cursor: CursorAdvance };

/**
 * Ingests the files of one listed page in order. Files are prepared up to INGEST_TUNING ahead
 * of the one being stored, and stored in batches of consecutive files: each batch is one
 * transaction holding its files' rows, their ledger rows and the cursor moved to the last of
 * them, so the cursor never passes a file that is not stored. A file that fails its integrity
 * check ends the batch before it and is quarantined on its own; any other failure stores the
 * files before it and then stops the stream, as storing them one by one would.
 */
async function ingestFiles(options: StreamContext, key: CursorKey, files: LogFile[], summary: SourceSummary, progress: SyncProgress) {
  const pending: Array<{ size: number; result: Promise<PreparedFile | QuarantinedFile> }> = [];
  // Downloads run one after another in listing order, each handing its file to the preparer as
  // it arrives, so the preparer sees the files in order while the next download is under way.
  let downloads: Promise<unknown> = Promise.resolve();
  let next = 0;
  const fill = () => {
    let bytes = pending.reduce((n, p) => n + p.size, 0);
    while (next < files.length && pending.length < INGEST_TUNING.lookaheadFiles && (pending.length === 0 || bytes < INGEST_TUNING.lookaheadBytes)) {
      const file = files[next++]!;
      const started = downloads.then(() => startFile(options, key, file));
      downloads = started.catch(() => undefined);
      const result = started.then((s) => s.result);
      // Handled when its turn comes; until then it must not count as an unhandled rejection.
      result.catch(() => undefined);
      pending.push({ size: file.file_size ?? 0, result });
      bytes += file.file_size ?? 0;
    }
  };

  let batch: PreparedFile[] = [];
  let batchEvents = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const files = batch;
    batch = [];
    batchEvents = 0;
    await storeBatch(options, files, files.at(-1)!.cursor, summary, progress);
  };

  fill();
  while (pending.length > 0) {
    let prepared: PreparedFile | QuarantinedFile;
    try {
      prepared = await pending.shift()!.result;
    } catch (error) {
      await flush();
      throw error;
    }
    fill();
    if (prepared.kind === "integrity") {
      await flush();
      await quarantine(options, prepared, prepared.cursor, summary);
      continue;
    }
    batch.push(prepared);
    batchEvents += prepared.events;
    // The first file of a run is stored on its own, so a first sync shows data at once.
    const first = summary.files === 0;
    if (first || batchEvents >= INGEST_TUNING.batchEvents || batch.length >= INGEST_TUNING.batchFiles || pending.length === 0) await flush();
  }
}

async function storeBatch(options: StreamContext, prepared: PreparedFile[], cursor: CursorAdvance | null, summary: SourceSummary, progress: SyncProgress) {
  const results = await storeComplianceFiles({ db: options.db, files: prepared.map((p) => p.file), cursor });
  prepared.forEach((p, index) => {
    const stored = results[index]!;
    summary.files += 1;
    summary.events += stored.events;
    summary.newEvents += stored.newEvents;
    progress.files += 1;
    progress.events += stored.events;
    progress.bytes += p.bytes;
  });
  options.onProgress?.({ ...progress });
}

async function quarantine(options: StreamContext, file: QuarantinedFile, cursor: CursorAdvance | null, summary: SourceSummary) {
  await quarantineFile({ db: options.db, ledger: file.ledger, error: file.error, cursor });
  summary.errors.push(`${file.error} It is quarantined and will be retried on the next run.`);
}

/**
 * Downloads one file and checks it, then hands it to the preparer (which parses every line and
 * redacts every event: nothing raw is left in the result). Resolves once the file is handed
 * over; `result` resolves when it is prepared.
 */
async function startFile(options: StreamContext, key: CursorKey, file: LogFile): Promise<{ result: Promise<PreparedFile | QuarantinedFile> }> {
  const { scope } = options;
  const cursor: CursorAdvance = { source: key.source, scope: key.scope, stream: key.stream, position: file.end_time, positionTime: new Date(file.end_time) };
  const ledger: FileLedgerEntry = {
    fileId: file.id,
    scope: key.scope,
    eventType: key.stream,
    endTime: file.end_time,
    fileName: file.file_name ?? null,
    fileSize: file.file_size ?? null,
    fileSha256: file.file_sha256 || null,
  };
  let body: Buffer;
  try {
    body = await downloadLogFile({ connection: options.connection, scope, file, policy: options.policy ?? DEFAULT_RETRY_POLICY });
  } catch (error) {
    if (error instanceof FileIntegrityError) return { result: Promise.resolve({ kind: "integrity", ledger, error: error.message, cursor }) };
    throw error;
  }
  const bytes = body.length;
  const result = options.preparer.prepare(body, file.id).then((prepared): PreparedFile => {
    for (const { line, problem } of prepared.invalid) {
      // The line number and the problem only: the line itself may hold raw text.
      options.logger?.warn({ fileId: file.id, line, problem }, "skipped an invalid log line");
    }
    return { kind: "ready", file: { ledger, prepared }, bytes, events: prepared.events.count + prepared.costs.length, cursor };
  });
  return { result };
}
