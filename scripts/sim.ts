/**
 * npm run sim -- --port P --seed S --users N --days D [--faults LIST] [--json]
 *
 * Runs the simulated OpenAI Compliance Logs Platform and Codex Analytics APIs on 127.0.0.1 until
 * SIGINT/SIGTERM. See scripts/simulator/README.md.
 */
import { parseArgs } from "node:util";
import { FaultParseError, faultsHelp, startSimulator } from "./simulator/index.js";

const USAGE = `usage: npm run sim -- [--port 4010] [--seed 42] [--users 50] [--days 30] [--faults LIST] [--now ISO] [--activity 1] [--json]

  --port P        TCP port on 127.0.0.1 (0 = any free port; default 4010)
  --seed S        integer seed; the same seed gives the same bytes (default 42)
  --users N       people in the simulated organisation (default 50)
  --days D        days of history before now (default 30; files older than 30 days are gone anyway)
  --faults LIST   comma-separated fault/behaviour switches, each optionally name=rate
  --now ISO       fix the simulated clock at this instant (default: wall clock)
  --activity X    activity multiplier (default 1)
  --json          print one JSON line with the connection details instead of text

faults:
${faultsHelp()}`;

function fail(message: string): never {
  process.stderr.write(`sim: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function intFlag(name: string, value: string | undefined, def: number, min: number, max: number): number {
  if (value === undefined) return def;
  if (!/^-?\d+$/.test(value.trim())) fail(`--${name} must be an integer, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) fail(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      options: {
        port: { type: "string" },
        seed: { type: "string" },
        users: { type: "string" },
        days: { type: "string" },
        faults: { type: "string" },
        now: { type: "string" },
        activity: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = intFlag("port", v.port, 4010, 0, 65535);
  const seed = intFlag("seed", v.seed, 42, -2_147_483_648, 2_147_483_647);
  const users = intFlag("users", v.users, 50, 1, 1_000_000);
  const days = intFlag("days", v.days, 30, 1, 3650);
  let now: Date | undefined;
  if (v.now !== undefined) {
    now = new Date(v.now);
    if (Number.isNaN(now.getTime())) fail(`--now must be an ISO date-time, got "${v.now}"`);
  }
  let activity = 1;
  if (v.activity !== undefined) {
    activity = Number(v.activity);
    if (!Number.isFinite(activity) || activity <= 0 || activity > 100) fail(`--activity must be a number above 0 and at most 100, got "${v.activity}"`);
  }
  let sim;
  try {
    sim = await startSimulator({ port, seed, users, days, faults: v.faults ? [v.faults] : [], now, activity });
  } catch (err) {
    if (err instanceof FaultParseError) fail(`--faults: ${err.message}`);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") fail(`--port: port ${port} is already in use`);
    throw err;
  }
  const info = {
    baseUrl: sim.baseUrl,
    complianceApiKey: sim.complianceApiKey,
    analyticsApiKey: sim.analyticsApiKey,
    workspaceId: sim.workspaceId,
    orgId: sim.orgId,
    engineerEmail: sim.engineerEmail,
    seed,
    users,
    days,
    faults: Object.keys(sim.faults),
  };
  if (v.json) {
    process.stdout.write(`${JSON.stringify(info)}\n`);
  } else {
    process.stdout.write(
      [
        `OpenAI API simulator listening`,
        `base URL:           ${info.baseUrl}    (OPENAI_API_BASE)`,
        `compliance API key: ${info.complianceApiKey}    (OPENAI_COMPLIANCE_API_KEY)`,
        `analytics API key:  ${info.analyticsApiKey}    (OPENAI_ANALYTICS_API_KEY)`,
        `workspace id:       ${info.workspaceId}    (OPENAI_WORKSPACE_ID)`,
        `org id:             ${info.orgId}    (OPENAI_ORG_ID)`,
        `engineer:           ${info.engineerEmail}`,
        `seed ${seed}, ${users} users, ${days} days, faults: ${info.faults.length ? info.faults.join(",") : "none"}`,
        `Ctrl-C to stop`,
        "",
      ].join("\n"),
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!v.json) process.stdout.write(`\n${signal}: shutting down\n`);
    sim
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  process.stderr.write(`sim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
