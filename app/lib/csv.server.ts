import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { stringify } from "csv-stringify";

/**
 * Streaming CSV for downloads, shared by every export route. Three rules hold for every
 * file: dates are ISO-8601 (UTC), cells that a spreadsheet would run as a formula are
 * neutralised (OWASP "CSV injection": a leading =, +, -, @, tab or carriage return gets a
 * single quote in front), and rows are written as they arrive, with backpressure, so a big
 * export never sits in memory as one string.
 */

export type CsvColumn<Row> = { key: keyof Row & string; header: string };

const FORMULA_START = /^[=+\-@\t\r]/;

/** `=HYPERLINK(…)` becomes `'=HYPERLINK(…)`: shown as text by Excel, LibreOffice and Google Sheets. */
export function neutraliseCell(value: string) {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function cellOf(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") return neutraliseCell(value);
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return neutraliseCell(value.map(String).join(";"));
  if (value !== null && typeof value === "object") return neutraliseCell(JSON.stringify(value));
  return value;
}

/**
 * Rows (sync or async iterable, e.g. an async generator reading keyset batches) to a web
 * ReadableStream of CSV bytes. Numbers stay numbers (a negative number is a number, not a
 * formula); strings, arrays and objects are neutralised. `bom` helps Excel on Windows read UTF-8.
 */
export function csvStream<Row extends Record<string, unknown>>({
  columns,
  rows,
  bom = false,
}: {
  columns: ReadonlyArray<CsvColumn<Row>>;
  rows: Iterable<Row> | AsyncIterable<Row>;
  bom?: boolean;
}): ReadableStream<Uint8Array> {
  const stringifier = stringify({
    bom,
    header: true,
    columns: columns.map((c) => ({ key: c.key, header: c.header })),
    cast: {
      date: (value) => value.toISOString(),
      boolean: (value) => (value ? "true" : "false"),
    },
  });
  const pump = async () => {
    for await (const row of rows) {
      if (stringifier.destroyed) return;
      const record: Record<string, unknown> = {};
      for (const c of columns) record[c.key] = cellOf(row[c.key]);
      if (!stringifier.write(record)) {
        // Wait for the reader, or stop if it went away (client closed the download).
        await new Promise<void>((resolve) => {
          const done = () => {
            stringifier.off("drain", done);
            stringifier.off("close", done);
            resolve();
          };
          stringifier.once("drain", done);
          stringifier.once("close", done);
        });
      }
    }
    stringifier.end();
  };
  pump().catch((error: unknown) => stringifier.destroy(error instanceof Error ? error : new Error("CSV export failed")));
  return Readable.toWeb(stringifier) as unknown as NodeReadableStream<Uint8Array> as unknown as ReadableStream<Uint8Array>;
}

/** Only letters, digits, dot, dash and underscore reach the Content-Disposition header. */
export function safeFileName(name: string) {
  return name.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 120) || "export";
}

export function downloadHeaders(fileName: string, contentType: string) {
  return {
    "Content-Type": contentType,
    "Content-Disposition": `attachment; filename="${safeFileName(fileName)}"`,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  };
}

export function csvResponse(stream: ReadableStream<Uint8Array>, fileName: string) {
  return new Response(stream, { headers: downloadHeaders(fileName, "text/csv; charset=utf-8") });
}

/** Newline-delimited JSON from an async iterable of records, encoded as they arrive. */
export function ndjsonStream(records: AsyncIterable<unknown>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = records[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}
