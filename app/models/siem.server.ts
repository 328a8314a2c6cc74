import type { Database } from "../../db/client.server";
import { csvStream } from "../lib/csv.server";
import { utcDay } from "../lib/ledger/canonical";
import { evidencePackLines } from "../lib/ledger/pack.server";
import { CSV_COLUMNS, encodeLines, SIEM_FORMATS, toCsvRow, type CsvRow, type SiemFormat } from "../lib/siem/formats";
import { isDay, readEventsByTime } from "../lib/siem/read.server";
import { recordAccess } from "./access-log.server";
import { assertViewerHasRole, type Viewer } from "./viewer";

/**
 * Exports of the archive: the SIEM formats (by the day events occurred) and the evidence pack
 * (by ledger day). Shared by `npm run export` and the console's /auditor/export; both write
 * one access-log row per export before the first byte leaves.
 */

export const EXPORT_FORMATS = [...SIEM_FORMATS, "evidence"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type ExportRequest = { format: ExportFormat; from: string; to: string };

export const EXPORT_ROLES = ["auditor", "admin"] as const;
const MAX_DAYS = 400;

const CONTENT_TYPES: Record<ExportFormat, { type: string; extension: string }> = {
  ocsf: { type: "application/x-ndjson; charset=utf-8", extension: "ocsf.ndjson" },
  ecs: { type: "application/x-ndjson; charset=utf-8", extension: "ecs.ndjson" },
  cef: { type: "text/plain; charset=utf-8", extension: "cef.log" },
  ndjson: { type: "application/x-ndjson; charset=utf-8", extension: "ndjson" },
  csv: { type: "text/csv; charset=utf-8", extension: "csv" },
  evidence: { type: "application/x-ndjson; charset=utf-8", extension: "evidence.ndjson" },
};

export function parseExportRequest(input: { format?: string | null; from?: string | null; to?: string | null }, now = new Date()):
  | { ok: true; request: ExportRequest }
  | { ok: false; problem: string } {
  const format = (input.format ?? "").trim().toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) return { ok: false, problem: `format must be one of ${EXPORT_FORMATS.join(", ")}` };
  const to = (input.to ?? "").trim() || utcDay(now);
  const from = (input.from ?? "").trim() || to;
  if (!isDay(from) || !isDay(to)) return { ok: false, problem: "from and to must be days like 2026-11-01 (UTC)" };
  if (from > to) return { ok: false, problem: "from must not be after to" };
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_DAYS) return { ok: false, problem: `a single export covers at most ${MAX_DAYS} days` };
  return { ok: true, request: { format: format as ExportFormat, from, to } };
}

function linesStream(lines: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = lines[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // A few hundred lines per chunk: fewer, larger writes.
      let chunk = "";
      for (let i = 0; i < 200; i++) {
        const next = await iterator.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += `${next.value}\n`;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await iterator.return?.(undefined);
    },
  });
}

async function* siemLines(db: Database, format: Exclude<SiemFormat, "csv">, from: string, to: string) {
  for await (const record of readEventsByTime({ db, from, to })) yield* encodeLines(format, record);
}

async function* packLines(db: Database, from: string, to: string, signingKeyPem: string) {
  for await (const line of evidencePackLines({ db, from, to, signingKeyPem })) yield JSON.stringify(line);
}

async function* csvRows(db: Database, from: string, to: string): AsyncGenerator<CsvRow> {
  for await (const record of readEventsByTime({ db, from, to })) yield toCsvRow(record);
}

/** The export as a stream of bytes (no access check: callers are the CLI and exportForViewer). */
export function exportStream({ db, request, signingKeyPem }: { db: Database; request: ExportRequest; signingKeyPem: string }) {
  const { format, from, to } = request;
  const { type, extension } = CONTENT_TYPES[format];
  const fileName = `codex-ledger-${from}-to-${to}.${extension}`;
  let stream: ReadableStream<Uint8Array>;
  if (format === "csv") {
    stream = csvStream({ columns: CSV_COLUMNS.map((key) => ({ key, header: key })), rows: csvRows(db, from, to) });
  } else if (format === "evidence") {
    stream = linesStream(packLines(db, from, to, signingKeyPem));
  } else {
    stream = linesStream(siemLines(db, format, from, to));
  }
  return { stream, contentType: type, fileName };
}

export async function recordExport({
  db,
  request,
  actor,
  via,
  ip,
  userAgent,
}: {
  db: Database;
  request: ExportRequest;
  actor: Viewer | null;
  via: "console" | "cli";
  ip?: string | null;
  userAgent?: string | null;
}) {
  await recordAccess({
    db,
    entry: {
      actorPersonId: actor?.personId ?? null,
      actorEmail: actor?.email ?? null,
      action: request.format === "evidence" ? "evidence_pack_exported" : "siem_exported",
      details: { format: request.format, from: request.from, to: request.to, via },
      ip: ip ?? null,
      userAgent: userAgent ?? null,
    },
  });
}

/** The console's download: auditors and admins; the access log row is written before streaming starts. */
export async function exportForViewer({
  db,
  viewer,
  request,
  signingKeyPem,
  ip,
  userAgent,
}: {
  db: Database;
  viewer: Viewer;
  request: ExportRequest;
  signingKeyPem: string;
  ip?: string | null;
  userAgent?: string | null;
}) {
  assertViewerHasRole(viewer, EXPORT_ROLES);
  await recordExport({ db, request, actor: viewer, via: "console", ip, userAgent });
  return exportStream({ db, request, signingKeyPem });
}
