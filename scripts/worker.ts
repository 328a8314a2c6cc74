import { connectionFromConfig } from "../app/lib/openai/connection";
import { logger } from "../app/lib/logger.server";
import { getDatabaseHandle } from "../db/index.server";
import { startConfiguredScheduler } from "../jobs/scheduler";
import { bootConfig } from "./lib/boot";
import { startDemoSimulator } from "./lib/demo-sim";

/**
 * `npm run worker`: one more pg-boss worker process for the sync queues. `npm start` already
 * runs the schedule and a worker; add workers for throughput or resilience. Each task still
 * runs once at a time across all workers (queue policy plus an advisory lock).
 */

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  const config = bootConfig();
  if (config.database.kind !== "postgres") {
    process.stderr.write(
      "npm run worker needs PostgreSQL (DATABASE_URL): with the embedded demo database the schedule runs inside `npm start`, which is the only process that may open it.\n",
    );
    process.exit(2);
  }
  // Demo sign-in on PostgreSQL: the same deterministic simulator as `npm start`.
  const demo = config.oidc.kind === "demo" && config.openai.source === "simulator" ? await startDemoSimulator() : null;
  const database = await getDatabaseHandle();
  await database.migrate();
  const sync = await startConfiguredScheduler({
    config,
    db: database.db,
    connection: demo?.connection ?? connectionFromConfig(config),
    logger: logger.child({ component: "worker" }),
  });
  if (!sync.scheduler) {
    process.stderr.write("No OpenAI source is configured (OPENAI_COMPLIANCE_API_KEY, OPENAI_ANALYTICS_API_KEY): this worker has nothing to run.\n");
    await demo?.close();
    await database.close();
    process.exit(2);
  }
  say(`Worker: pg-boss on PostgreSQL, tasks ${sync.scheduler.entries.map((e) => e.task).join(", ")} every ${sync.intervalMinutes} minutes. Ctrl-C stops it.`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    say(`${signal}: stopping…`);
    const { finished } = await sync.scheduler.stop({ graceMs: 10_000 });
    if (!finished) say("A sync was still running: it is cut off; the next run resumes from its last stored file.");
    await demo?.close();
    await database.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
