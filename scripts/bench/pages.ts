/**
 * Console page timings (issue 5): server time per page — route loader (or action), its queries
 * and the server render, through the Remix request handler built from build/, as a signed-in
 * person — on PostgreSQL with a simulated 10,000-person × 30-day workspace (target p95 ≤ 150 ms)
 * and on the PGlite demo (target p95 ≤ 300 ms). The browser is not involved.
 *
 * Each database runs in a child of its own (scripts/bench/pages-worker.ts); PostgreSQL is a
 * throwaway cluster from scripts/lib/pg-cluster.sh, seeded by scripts/bench/workspace.ts. Without
 * PostgreSQL binaries that half says "skipped" and why.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import type { PagesWorkerInput, PagesWorkerOutput } from "./pages-worker";
import type { BenchResult, BenchSuite } from "./types";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TARGET_MS = { postgres: 150, pglite: 300 } as const;
const LABEL = { postgres: "PostgreSQL", pglite: "PGlite demo" } as const;

function runWorker(input: PagesWorkerInput): Promise<{ output: PagesWorkerOutput | null; problem: string | null }> {
  const args = ["--import", "tsx", path.join(ROOT, "scripts/bench/pages-worker.ts"), JSON.stringify(input)];
  const [command, argv] = input.target === "postgres" ? ["bash", [path.join(ROOT, "scripts/lib/pg-cluster.sh"), process.execPath, ...args]] : [process.execPath, args];
  return new Promise((resolve, reject) => {
    // The pages are timed against a cluster of their own, never a DATABASE_URL from the environment.
    const env = { ...process.env };
    delete env.TEST_DATABASE_URL;
    delete env.DATABASE_URL;
    const child = spawn(command as string, argv as string[], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      for (const line of d.toString().split("\n")) if (line.startsWith("[pages]") || line.startsWith("[pg-cluster]")) process.stderr.write(`  ${line}\n`);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = stdout.trim().split("\n").reverse().find((l) => l.startsWith("{"));
      if (line && code === 0) return resolve({ output: JSON.parse(line) as PagesWorkerOutput, problem: null });
      const problem =
        stderr
          .split("\n")
          .filter((l) => l.startsWith("[pg-cluster]") && !/initdb \(|ready:/.test(l))
          .map((l) => l.replace("[pg-cluster] ", ""))
          .join("; ") ||
        stderr.split("\n").find((l) => l.startsWith("pages-worker:"))?.replace("pages-worker: ", "") ||
        `exit code ${code}`;
      resolve({ output: null, problem });
    });
  });
}

export const pagesSuite: BenchSuite = {
  name: "pages",
  description:
    "Server time per console page: the real loader (or action), its queries and the server render through the Remix request handler built from build/, " +
    "as a person signed in with a console session and its signed cookie (the role each page needs), measured in-process from the Request to the last byte of the body; no browser. " +
    "PostgreSQL: a throwaway cluster (fsync off) seeded by scripts/bench/workspace.ts with 10,000 people × 30 days (`--quick`: 1,000) — a heavy person with over 100,000 events for the trail's keyset pages, the rest heavy-tailed. " +
    "PGlite: a fresh data folder synced from the demo organisation by the sync tasks `npm start` runs. " +
    "Each page: warm-up requests, then n requests one after another; p50/p95/max are wall-clock milliseconds; app CPU ms is the app process's CPU per request (loader code and rendering, and on PGlite its queries too); db CPU ms is PostgreSQL's processes' CPU per request (10 ms ticks, averaged). " +
    "Targets (issue 5): p95 ≤ 150 ms on PostgreSQL, ≤ 300 ms on the PGlite demo. On a shared machine wall time includes waiting for a CPU: read it with the load average.",
  async run({ quick }) {
    const results: BenchResult[] = [];
    for (const target of ["postgres", "pglite"] as const) {
      const { output, problem } = await runWorker({ target, people: quick ? 1_000 : 10_000, requests: 30, warmup: 3 });
      if (!output) {
        results.push({ case: `${LABEL[target]}: all pages`, what: `skipped: ${problem}`, metrics: { met: "skipped" } });
        continue;
      }
      results.push({ case: `${LABEL[target]}: data`, what: `${output.data}; ${target === "postgres" ? "seeded" : "synced"} in ${output.prepareSeconds.toFixed(0)} s (not timed as pages)` });
      for (const p of output.pages) {
        results.push({
          case: `${LABEL[target]}: ${p.case}`,
          what: `GET ${p.path} as ${p.as}${p.path.includes("lookup") ? " (POST)" : ""}`.replace("GET /auditor/lookup as auditor (POST)", "POST /auditor/lookup as auditor"),
          metrics: {
            n: p.n,
            "p50 ms": p.p50.toFixed(1),
            "p95 ms": p.p95.toFixed(1),
            "max ms": p.max.toFixed(1),
            "app CPU ms": p.cpuMs.toFixed(1),
            "db CPU ms": p.databaseCpuMs === null ? "in app" : p.databaseCpuMs.toFixed(0),
            "target ms": TARGET_MS[target],
            met: p.p95 <= TARGET_MS[target] ? "yes" : "NO",
            "KB": (p.bytes / 1024).toFixed(0),
          },
        });
      }
    }
    return results;
  },
};
