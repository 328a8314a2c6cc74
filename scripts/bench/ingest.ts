/**
 * Ingest throughput: the CODEX_LOG sync end to end (real HTTP client against the simulator →
 * sha256 → parse → redact → store with ledger and cursor) on PostgreSQL and on PGlite, next to a
 * bare COPY of the same stored rows into a plain table in the same database.
 *
 * Processes: the simulator runs in its own child (scripts/bench/ingest-sim.ts) and renders every
 * file of the window before the clock starts, so its generation cost is reported on its own row and
 * not in the sync's time; each measured run is a child of its own (scripts/bench/ingest-worker.ts),
 * so its CPU time and peak RSS are its own. PostgreSQL is the cluster in TEST_DATABASE_URL or
 * DATABASE_URL (a throwaway database is created in it and dropped), else a throwaway cluster from
 * scripts/lib/pg-cluster.sh; without PostgreSQL binaries that row says "skipped" and why.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import type { SimInfo, WorkerInput, WorkerOutput } from "./ingest-worker";
import type { BenchResult, BenchSuite } from "./types";

const ROOT = path.resolve(import.meta.dirname, "../..");
const NOW = "2026-11-20T12:00:00.000Z";
const BACKFILL_DAYS = 30;

type Child = { stdout: string; stderr: string; code: number | null };

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      // Progress lines from the worker, so a long run shows it is alive.
      for (const line of d.toString().split("\n")) if (line.startsWith("[ingest") || line.startsWith("[pg-cluster]")) process.stderr.write(`  ${line}\n`);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ stdout, stderr, code }));
  });
}

async function startSim(users: number): Promise<{ info: SimInfo; stop: () => void }> {
  const options = JSON.stringify({ seed: 7, users, days: BACKFILL_DAYS + 1, now: NOW, backfillDays: BACKFILL_DAYS });
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts/bench/ingest-sim.ts"), options], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = readline.createInterface({ input: child.stdout });
  const info = await new Promise<SimInfo>((resolve, reject) => {
    lines.once("line", (line) => resolve(JSON.parse(line) as SimInfo));
    child.once("exit", (code) => reject(new Error(`the simulator exited (${code}) before it was ready`)));
  });
  return {
    info,
    stop: () => {
      child.stdin.end();
      child.kill("SIGTERM");
    },
  };
}

function lastJson(stdout: string): WorkerOutput | null {
  const line = stdout.trim().split("\n").reverse().find((l) => l.startsWith("{"));
  return line ? (JSON.parse(line) as WorkerOutput) : null;
}

function workerArgs(input: WorkerInput) {
  return ["--import", "tsx", path.join(ROOT, "scripts/bench/ingest-worker.ts"), JSON.stringify(input)];
}

async function runWorker(input: WorkerInput): Promise<{ output: WorkerOutput | null; problem: string | null }> {
  let child: Child;
  if (input.target === "postgres" && !process.env.TEST_DATABASE_URL && !process.env.DATABASE_URL) {
    child = await run("bash", [path.join(ROOT, "scripts/lib/pg-cluster.sh"), process.execPath, ...workerArgs(input)]);
  } else {
    child = await run(process.execPath, workerArgs(input));
  }
  const output = lastJson(child.stdout);
  if (output && child.code === 0) return { output, problem: null };
  const clusterProblem = child.stderr
    .split("\n")
    .filter((l) => l.startsWith("[pg-cluster]") && !/initdb \(|ready:/.test(l))
    .map((l) => l.replace("[pg-cluster] ", ""))
    .join("; ");
  const workerProblem = child.stderr
    .split("\n")
    .find((l) => l.startsWith("ingest-worker:"))
    ?.replace("ingest-worker: ", "");
  return { output: null, problem: clusterProblem || workerProblem || `exit code ${child.code}` };
}

const round = (n: number) => Math.round(n).toLocaleString("en-US");

function syncRow(label: string, out: WorkerOutput): BenchResult {
  const s = out.sync;
  const serverCpu = s.serverCpuSeconds ?? 0;
  const cpu = s.cpuSeconds + serverCpu;
  return {
    case: `${label}: sync CODEX_LOG`,
    what:
      `syncComplianceStream over HTTP from the pre-rendered simulator: list, download, sha256, parse, redact, store (events, event_ids, findings, sessions, rollups, ledger, cursor); ` +
      `input MB = JSONL bytes downloaded; CPU = this process${s.serverCpuSeconds === undefined ? "" : " + its PostgreSQL backends"}`,
    inputBytes: s.bytes,
    seconds: s.seconds,
    cpuSeconds: cpu,
    peakRssBytes: s.peakRssBytes,
    metrics: {
      events: round(s.rows),
      "events/s (wall)": round(s.rows / s.seconds),
      "events/s (CPU)": round(s.rows / cpu),
      "node CPU s": s.cpuSeconds.toFixed(1),
      "server CPU s": s.serverCpuSeconds === undefined ? "" : serverCpu.toFixed(1),
      "µs CPU/event: storing thread / preparing worker / V8 and other threads / server": [
        s.mainThreadCpuSeconds,
        s.busiestOtherThreadCpuSeconds,
        s.otherThreadsCpuSeconds,
        s.serverCpuSeconds,
      ]
        .map((seconds) => (seconds === undefined ? "–" : ((seconds * 1e6) / s.rows).toFixed(0)))
        .join(" / "),
      stored: round(s.storedEvents),
    },
  };
}

function copyRow(label: string, out: WorkerOutput): BenchResult | null {
  const c = out.copy;
  if (!c) return null;
  const cpu = c.cpuSeconds + (c.serverCpuSeconds ?? 0);
  return {
    case: `${label}: bare COPY`,
    what: `the same stored rows COPYed into a plain table without indexes (${c.chunks} COPYs, one per day; reading them out is not timed); input MB = COPY text`,
    inputBytes: c.bytes,
    seconds: c.seconds,
    cpuSeconds: c.serverCpuSeconds === undefined && label === "PostgreSQL" ? undefined : cpu,
    metrics: { events: round(c.rows), "events/s (wall)": round(c.rows / c.seconds), "events/s (CPU)": c.serverCpuSeconds === undefined && label === "PostgreSQL" ? "" : round(c.rows / cpu) },
  };
}

function skippedRow(label: string, problem: string): BenchResult {
  return { case: `${label}: sync CODEX_LOG`, what: `skipped: ${problem}`, metrics: { events: "skipped" } };
}

export const ingestSuite: BenchSuite = {
  name: "ingest",
  description:
    "End-to-end Compliance log ingest of CODEX_LOG files (30-day backfill, seed 7, one file per hour) through the real HTTP client against the simulator, on PostgreSQL (throwaway cluster: fsync off) and on PGlite (data folder), " +
    "next to a bare COPY of the same rows into a plain table in the same run. The simulator renders all files before the sync starts (its own row); the sync's time is its own. " +
    "Targets (issue 3): ≥ 50,000 events/s end to end on PostgreSQL, ≥ 20,000 events/s on PGlite. On a shared machine read the CPU columns: events per CPU second of the sync process plus its PostgreSQL backends.",
  async run({ quick }) {
    const users = quick ? 200 : 1100;
    const results: BenchResult[] = [];
    process.stderr.write(`  ingest: rendering the simulator's CODEX_LOG files for ${users} people (not timed as ingest)\n`);
    const sim = await startSim(users);
    try {
      const { info } = sim;
      results.push({
        case: "simulator: render files",
        what: `${info.files} CODEX_LOG files of ${users} people rendered into the simulator's cache before any sync (generation cost, kept apart from the sync)`,
        inputBytes: info.bytes,
        seconds: info.generateSeconds,
        cpuSeconds: info.generateCpuSeconds,
        metrics: { events: round(info.lines), "events/s (wall)": round(info.lines / info.generateSeconds), "events/s (CPU)": round(info.lines / info.generateCpuSeconds) },
      });
      const base = { sim: info, backfillDays: BACKFILL_DAYS };

      const none = await runWorker({ ...base, target: "none", copy: false });
      if (none.output) {
        const s = none.output.sync;
        results.push({
          case: "no database: download + parse + redact",
          what: "the sync's work before storage, one file after another, nothing stored: the ceiling of the JavaScript side",
          inputBytes: s.bytes,
          seconds: s.seconds,
          cpuSeconds: s.cpuSeconds,
          peakRssBytes: s.peakRssBytes,
          metrics: { events: round(s.rows), "events/s (wall)": round(s.rows / s.seconds), "events/s (CPU)": round(s.rows / s.cpuSeconds), "node CPU s": s.cpuSeconds.toFixed(1) },
        });
      }

      for (const [target, label] of [
        ["postgres", "PostgreSQL"],
        ["pglite", "PGlite"],
      ] as const) {
        const { output, problem } = await runWorker({ ...base, target, copy: true });
        if (!output) {
          results.push(skippedRow(label, problem ?? "unknown"));
          continue;
        }
        results.push(syncRow(label, output));
        const copy = copyRow(label, output);
        if (copy) results.push(copy);
      }
    } finally {
      sim.stop();
    }
    return results;
  },
};
