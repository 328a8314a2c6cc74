import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import pino from "pino";
import { connectionFromConfig } from "../app/lib/openai/connection";
import { getDatabaseHandle } from "../db/index.server";
import { plannedStreams, runSyncOnce, type SyncSummary } from "../jobs/sync__run_once";
import { bootConfig } from "./lib/boot";
import { startDemoSimulator } from "./lib/demo-sim";

const USAGE = "usage: npm run sync -- --once [--json]";

function parseFlags() {
  try {
    return parseArgs({ options: { once: { type: "boolean", default: false }, json: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } } }).values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
}

async function main() {
  const flags = parseFlags();
  if (flags.help) return void process.stdout.write(`${USAGE}\n  --once  one full pass of every configured source, then exit\n  --json  print a JSON summary as the last line of stdout\n`);
  if (!flags.once) {
    process.stderr.write(`Only one-shot runs are done from the command line; the schedule runs inside \`npm start\`.\n${USAGE}\n`);
    process.exit(2);
  }
  const config = bootConfig();
  // Logs go to stderr, so stdout carries only the summary.
  const log = pino({ level: config.logLevel, base: { app: "codex-ledger", task: "sync" } }, pino.destination(2));
  const demo = config.openai.source === "simulator" ? await startDemoSimulator() : null;
  if (demo) log.info("no OpenAI keys configured: syncing from the built-in simulator (demo data)");
  const connection = demo?.connection ?? connectionFromConfig(config);

  const database = await getDatabaseHandle();
  await database.migrate();

  const interactive = process.stderr.isTTY && !flags.json;
  const streams = plannedStreams(connection);
  const bar = interactive
    ? new cliProgress.SingleBar(
        { format: " {bar} {value}/{total} sources | {stream} | {files} files | {events} events | {mb} MB", hideCursor: true, clearOnComplete: false },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(streams.length, 0, { stream: "starting", files: 0, events: 0, mb: "0.0" });
  const totals = { files: 0, events: 0, bytes: 0 };
  const streamStart = { files: 0, events: 0, bytes: 0 };

  let summary: SyncSummary;
  try {
    summary = await runSyncOnce({
      db: database.db,
      connection,
      settings: {
        backfillDays: config.sync.backfillDays,
        textPolicy: config.textPolicy,
        redactionKey: config.redactionKey,
        redactIpAddresses: config.redactIpAddresses,
      },
      trigger: "cli",
      logger: log,
      onProgress: (p) => {
        bar?.update({ stream: p.stream, files: streamStart.files + p.files, events: streamStart.events + p.events, mb: ((streamStart.bytes + p.bytes) / 1e6).toFixed(1) });
        totals.files = streamStart.files + p.files;
        totals.events = streamStart.events + p.events;
        totals.bytes = streamStart.bytes + p.bytes;
      },
      onStreamDone: (s) => {
        Object.assign(streamStart, totals);
        bar?.increment({ stream: `${s.source} ${s.eventType}` });
        if (!interactive) log.info({ source: s.source, eventType: s.eventType, files: s.files, events: s.events, newEvents: s.newEvents, errors: s.errors }, "source synced");
      },
    });
  } finally {
    bar?.stop();
    await database.close();
    await demo?.close();
  }

  if (flags.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    for (const s of summary.sources) {
      const state = s.errors.length > 0 ? `FAILED: ${s.errors.join(" | ")}` : "ok";
      process.stdout.write(`${`${s.source} ${s.eventType}`.padEnd(34)} ${String(s.files).padStart(6)} files ${String(s.events).padStart(9)} events ${String(s.newEvents).padStart(9)} new  ${state}\n`);
    }
    process.stdout.write(`${summary.ok ? "Sync finished" : "Sync finished with errors"}: ${summary.totalEvents} new events.\n`);
  }
  process.exitCode = summary.ok ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`sync failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
