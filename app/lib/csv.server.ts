import { stringify } from "csv-stringify/sync";

/**
 * Streaming CSV for downloads, shared by every export route. Three rules hold for every
 * file: dates are ISO-8601 (UTC), cells that a spreadsheet would run as a formula are
 * neutralised (OWASP "CSV injection": a leading =, +, -, @, tab or carriage return gets a
 * single quote in front), and rows are written as the download reads them, a chunk at a time,
 * so a big export never sits in memory.
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

/** Rows per chunk of the download: big enough that the per-chunk cost of web streams vanishes, small enough to stay flat (~100 KB). */
const ROWS_PER_CHUNK = 1_000;

/**
 * Rows (sync or async iterable, e.g. an async generator reading a database cursor) to a web
 * ReadableStream of CSV bytes, a chunk of rows at a time: a chunk is read from `rows` and
 * written by csv-stringify only when the reader asks for more (`pull`), so a slow download
 * slows the source down and memory holds one chunk, whatever the number of rows. Numbers stay
 * numbers (a negative number is a number, not a formula); strings, arrays and objects are
 * neutralised. `bom` helps Excel on Windows read UTF-8. Cancelling the stream (a closed
 * download) stops the source (`return()`: a database cursor is closed).
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
  const iterator: Iterator<Row> | AsyncIterator<Row> = Symbol.asyncIterator in rows ? rows[Symbol.asyncIterator]() : rows[Symbol.iterator]();
  // Records go to csv-stringify as arrays in column order: no per-cell key lookup.
  const options = {
    columns: columns.map((c) => c.header),
    cast: {
      date: (value: Date) => value.toISOString(),
      boolean: (value: boolean) => (value ? "true" : "false"),
    },
  };
  const encoder = new TextEncoder();
  let first = true;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const records: unknown[][] = [];
        let done = false;
        while (records.length < ROWS_PER_CHUNK) {
          const next = await iterator.next();
          if (next.done) {
            done = true;
            break;
          }
          records.push(columns.map((c) => cellOf(next.value[c.key])));
        }
        if (records.length > 0 || first) controller.enqueue(encoder.encode(stringify(records, { ...options, header: first, bom: first && bom })));
        first = false;
        if (done) controller.close();
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 1 },
  );
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
