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
import type { PagesWorkerInput, PagesWorkerOutput } from "./pages-worker";
import type { BenchResult, BenchSuite } from "./types";
import { runBenchWorker } from "./worker-child";

const TARGET_MS = { postgres: 150, pglite: 300 } as const;
const LABEL = { postgres: "PostgreSQL", pglite: "PGlite demo" } as const;

const runWorker = (input: PagesWorkerInput) => runBenchWorker<PagesWorkerOutput>({ script: "pages-worker.ts", input, tag: "pages", inCluster: input.target === "postgres" });

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
