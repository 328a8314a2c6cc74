/**
 * npm run report -- --month YYYY-MM --out FILE.pdf [--named] [--keep]
 *
 * Writes the monthly leadership PDF for a month. People are pseudonymised unless --named.
 * --keep also stores a copy in REPORTS_DIR and lists it (sha256, time) in the console.
 * Exit status: 0 written, 2 bad arguments or configuration, 1 anything else.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { closeDatabase, getDatabaseHandle } from "../db/index.server";
import { ConfigError, getConfig } from "../app/lib/config.server";
import { buildMonthlyPdf, generateAndKeepMonthlyPdf } from "../app/lib/reports/monthly.server";

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run report -- --month YYYY-MM --out FILE.pdf [--named] [--keep]\n`);
  process.exit(2);
}

async function main() {
  let values: { month?: string; out?: string; named?: boolean; keep?: boolean };
  try {
    ({ values } = parseArgs({ options: { month: { type: "string" }, out: { type: "string" }, named: { type: "boolean" }, keep: { type: "boolean" } } }));
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
  }
  if (!values.month || !/^\d{4}-(0[1-9]|1[0-2])$/.test(values.month)) usage("--month must be a month like 2026-10");
  if (!values.out) usage("--out FILE.pdf is required");
  const config = getConfig();
  const handle = await getDatabaseHandle();
  try {
    await handle.migrate();
    const started = Date.now();
    const { pdf, data } = await buildMonthlyPdf({ db: handle.db, month: values.month, named: values.named ?? false });
    const out = path.resolve(values.out);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, pdf);
    process.stdout.write(`Wrote ${out} (${pdf.length} bytes, ${Date.now() - started} ms): ${data.spend.totals.credits} credits, $${data.spend.totals.usd} for ${values.month}.\n`);
    if (values.keep) {
      const kept = await generateAndKeepMonthlyPdf({ db: handle.db, month: values.month, dir: config.reports.dir, by: "cli", named: values.named ?? false });
      process.stdout.write(`Kept ${kept.path} (sha256 ${kept.sha256}).\n`);
    }
  } finally {
    await closeDatabase();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`report failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
