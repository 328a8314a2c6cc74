/**
 * The simulator for the ingest benchmark, in its own process: `node --import tsx scripts/bench/ingest-sim.ts '<json>'`
 * with `{ seed, users, days, now, backfillDays }`. It renders every CODEX_LOG file of the backfill window
 * before it says it is ready (the bodies stay in its cache), so the sync that follows pays only for
 * serving them over HTTP, not for generating them. Prints one JSON line (connection details and the
 * volume of the window) and runs until stdin closes or SIGTERM.
 */
import { startSimulator } from "../simulator/index";

type Options = { seed: number; users: number; days: number; now: string; backfillDays: number };

async function main() {
  const options = JSON.parse(process.argv[2] ?? "{}") as Options;
  const now = new Date(options.now);
  const sim = await startSimulator({
    port: 0,
    host: "127.0.0.1",
    seed: options.seed,
    users: options.users,
    days: options.days,
    now,
    bodyCacheBytes: 6 * 1024 ** 3,
  });
  const started = performance.now();
  const cpu = process.cpuUsage();
  let afterUs = (now.getTime() - options.backfillDays * 86_400_000) * 1000;
  const totals = { files: 0, lines: 0, events: 0, duplicates: 0, bytes: 0 };
  for (;;) {
    const page = sim.generator.listFiles("CODEX_LOG", { afterUs, limit: 1000, nowMs: now.getTime() });
    for (const f of page.files) {
      sim.generator.fileBody(f.eventType, f.hourStart);
      totals.files += 1;
      totals.lines += f.lines;
      totals.events += f.events;
      totals.duplicates += f.duplicates;
      totals.bytes += f.size;
    }
    if (!page.hasMore || page.files.length === 0) break;
    afterUs = page.files.at(-1)!.endTimeUs;
  }
  const used = process.cpuUsage(cpu);
  process.stdout.write(
    `${JSON.stringify({
      baseUrl: sim.baseUrl.replace(/\/+$/, ""),
      complianceApiKey: sim.complianceApiKey,
      workspaceId: sim.workspaceId,
      orgId: sim.orgId,
      now: now.toISOString(),
      ...totals,
      generateSeconds: (performance.now() - started) / 1000,
      generateCpuSeconds: (used.user + used.system) / 1e6,
    })}\n`,
  );
  const stop = () => {
    void sim.close().finally(() => process.exit(0));
  };
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.stdin.resume();
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`ingest-sim: ${error instanceof Error ? error.message : "failed"}\n`);
  process.exit(1);
});
