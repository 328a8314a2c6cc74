import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { getDatabaseHandle } from "../db/index.server";
import { DEMO_ACCOUNTS } from "../app/lib/demo-accounts";
import { startDemoIdentityProvider } from "../app/lib/demo-idp.server";
import { createApp, listen } from "../app/lib/http-server.server";
import { logger } from "../app/lib/logger.server";
import { connectionFromConfig } from "../app/lib/openai/connection";
import { registerSyncControl } from "../app/models/sync-health.server";
import { isSyncTask } from "../jobs/crontab";
import { startConfiguredScheduler, type ConfiguredScheduler, type RunOutcome } from "../jobs/scheduler";
import { bootConfig } from "./lib/boot";
import { buildIfNeeded } from "./lib/build";
import { startDemoSimulator } from "./lib/demo-sim";

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const say = (line = "") => process.stdout.write(`${line}\n`);

async function main() {
  const config = bootConfig();
  if (config.demoSecretsFile) say(`Demo mode: secrets (session, redaction, ledger signing, IdP keys) are in ${path.relative(process.cwd(), config.demoSecretsFile) || config.demoSecretsFile}.`);

  const serverBuild = buildIfNeeded(rootDir, say);

  const database = await getDatabaseHandle();
  await database.migrate();
  say(`Database: ${config.database.kind === "pglite" ? `embedded PGlite in ${path.relative(process.cwd(), config.database.dataDir) || "."}` : "PostgreSQL (DATABASE_URL)"}, migrations applied.`);

  const idp = config.oidc.kind === "demo" ? await startDemoIdentityProvider(config) : null;
  const build = (await import(pathToFileURL(serverBuild).href)) as ServerBuild;
  const http = await listen(createApp({ config, build, rootDir }), { host: config.host, port: config.port });

  say();
  say(`Codex Ledger is running on ${config.appUrl}`);
  if (idp) {
    say(`Demo identity provider: ${idp.issuer}`);
    say("Demo accounts (any password):");
    for (const account of DEMO_ACCOUNTS) say(`  ${account.username.padEnd(9)} ${account.holds}`);
  } else {
    say(`Sign-in: ${config.oidc.issuer}`);
  }

  // The sync schedule. In demo mode the OpenAI APIs are the built-in simulator (fixed seed).
  const demo = config.oidc.kind === "demo" && config.openai.source === "simulator" ? await startDemoSimulator() : null;
  const sync: ConfiguredScheduler = await startConfiguredScheduler({
    config,
    db: database.db,
    connection: demo?.connection ?? connectionFromConfig(config),
    logger: logger.child({ component: "scheduler" }),
  });
  if (sync.scheduler) {
    registerSyncControl({ mode: sync.kind === "pg-boss" ? "pg-boss" : "in-process", intervalMinutes: sync.intervalMinutes, syncNow: (trigger) => sync.scheduler.syncNow(trigger) });
    say(`Sync: ${demo ? "the built-in simulator (demo data), " : ""}every ${sync.intervalMinutes} minutes, ${sync.kind === "pg-boss" ? "through pg-boss on PostgreSQL (`npm run worker` adds workers)" : "in this process"}.`);
  } else {
    say("Sync: no OpenAI source is configured (OPENAI_COMPLIANCE_API_KEY, OPENAI_ANALYTICS_API_KEY), so nothing is synced.");
  }
  say("Press Ctrl-C to stop.");

  let stopping = false;
  // The first sync runs in the background: the console serves while it stores.
  if (sync.kind === "in-process") {
    const started = Date.now();
    const runs = sync.scheduler.entries.filter((e) => isSyncTask(e.task)).map((e) => sync.scheduler.runNow(e.task, "first sync")).filter((p): p is Promise<RunOutcome> => p !== null);
    void Promise.all(runs).then((outcomes) => {
      if (stopping) return;
      const seconds = Math.round((Date.now() - started) / 1000);
      const newEvents = outcomes.reduce((sum, o) => sum + ("summary" in o ? o.summary.totalEvents : 0), 0);
      const problems = outcomes.flatMap((o) => ("error" in o ? [o.error] : o.summary.sources.flatMap((s) => s.errors.map((e) => `${s.eventType}: ${e}`))));
      say(
        problems.length === 0
          ? `First sync finished in ${seconds} s: ${newEvents} new events.`
          : `First sync finished in ${seconds} s with errors (${newEvents} new events): ${problems.join(" | ").slice(0, 1000)}`,
      );
    });
  } else if (sync.kind === "pg-boss") {
    // Queued, not run here: whichever worker is free takes it (a run already waiting absorbs it).
    void sync.scheduler.syncNow("start").catch((error: unknown) => logger.error({ error: String(error) }, "could not queue the first sync"));
  }

  const stop = async (signal: string) => {
    if (stopping) {
      say(`${signal} again: exiting at once.`);
      process.exit(1);
    }
    stopping = true;
    say(`\n${signal}: stopping…`);
    registerSyncControl(null);
    if (sync.scheduler) {
      // A running sync stops before its next file; one still busy after the grace period is
      // cut off when the database closes, which rolls back its open file transaction.
      const { finished } = await sync.scheduler.stop({ graceMs: 10_000 });
      if (!finished) say("A sync was still running: it is cut off; the next start resumes from its last stored file.");
    }
    await http.close();
    await idp?.close();
    await demo?.close();
    await database.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  const err = error as NodeJS.ErrnoException;
  if (err?.code === "EADDRINUSE") {
    process.stderr.write(`Codex Ledger cannot start: a port is already in use (${err.message}). Set PORT (and DEMO_IDP_PORT) to free ports.\n`);
  } else {
    process.stderr.write(`Codex Ledger failed to start: ${err?.stack ?? String(error)}\n`);
  }
  process.exit(1);
});
