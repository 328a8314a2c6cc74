import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { parseArgs } from "node:util";
import { exportStream, parseExportRequest, recordExport } from "../app/models/siem.server";
import { getDatabaseHandle } from "../db/index.server";
import { bootConfig } from "./lib/boot";

/**
 * npm run export -- --format ocsf|ecs|cef|ndjson|csv --from DAY --to DAY
 * npm run export -- --format evidence --from DAY --to DAY      (evidence pack, by ledger day)
 * Streams to stdout in bounded batches; the export is written to the access log (via "cli").
 */

const USAGE = "usage: npm run export -- --format ocsf|ecs|cef|ndjson|csv|evidence --from YYYY-MM-DD --to YYYY-MM-DD";

function parseFlags() {
  try {
    return parseArgs({ options: { format: { type: "string" }, from: { type: "string" }, to: { type: "string" }, help: { type: "boolean", short: "h" } } }).values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
}

async function main() {
  const flags = parseFlags();
  if (flags.help) return void process.stdout.write(`${USAGE}\n  days are UTC and both included; SIEM formats select by when events occurred, evidence by ledger day\n`);
  const parsed = parseExportRequest({ format: flags.format, from: flags.from, to: flags.to });
  if (!parsed.ok) {
    process.stderr.write(`${parsed.problem}\n${USAGE}\n`);
    process.exit(2);
  }
  const config = bootConfig();
  const database = await getDatabaseHandle();
  try {
    await database.migrate();
    await recordExport({ db: database.db, request: parsed.request, actor: null, via: "cli" });
    const { stream } = exportStream({ db: database.db, request: parsed.request, signingKeyPem: config.ledgerSigningKey });
    await pipeline(Readable.fromWeb(stream as unknown as NodeReadableStream<Uint8Array>), process.stdout);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  // A closed pipe (`| head`) is not an error of the export.
  if ((error as NodeJS.ErrnoException).code === "EPIPE") process.exit(0);
  process.stderr.write(`export failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
