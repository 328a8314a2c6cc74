/**
 * One measured ingest run in its own process (so its CPU time and peak RSS are its own):
 * `node --import tsx scripts/bench/ingest-worker.ts '<json>'`, see WorkerInput. Prints one JSON line
 * (WorkerOutput) on stdout; progress goes to stderr.
 *
 * - target "postgres": creates a throwaway database in the cluster named by TEST_DATABASE_URL (or
 *   DATABASE_URL), migrates it, runs the CODEX_LOG sync against the simulator, then COPYs the stored
 *   rows into a plain table (no indexes) as the bare-COPY baseline, and drops the database.
 * - target "pglite": the same on PGlite in a temporary data folder (COPY FROM '/dev/blob').
 * - target "none": list, download, parse and redact every file without a database (the ceiling of
 *   the JavaScript side).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import type { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { openDatabase, selectRows, type DatabaseHandle } from "../../db/client.server";
import { sql } from "drizzle-orm";
import { downloadLogFile, listLogFiles, type ComplianceScope } from "../../app/lib/openai/compliance-client.server";
import { prepareLogFile } from "../../app/lib/ingest/prepare";
import type { OpenAIConnection } from "../../app/lib/openai/connection";
import { SessionSecrets } from "../../app/lib/openai/session-secrets";
import { createRedactor } from "../../app/lib/redaction";

import { workerPreparer } from "../../app/lib/ingest/prepare-pool";
import { syncComplianceStream } from "../../jobs/compliance_logs__sync";

export type SimInfo = {
  baseUrl: string;
  complianceApiKey: string;
  workspaceId: string;
  orgId: string;
  now: string;
  files: number;
  lines: number;
  events: number;
  duplicates: number;
  bytes: number;
  generateSeconds: number;
  generateCpuSeconds: number;
};

export type WorkerInput = { target: "postgres" | "pglite" | "none"; sim: SimInfo; backfillDays: number; copy: boolean };

export type Measured = {
  seconds: number;
  cpuSeconds: number;
  /** CPU of the PostgreSQL backends serving this database (from /proc; absent for PGlite or a remote server). */
  serverCpuSeconds?: number;
  rows: number;
  bytes: number;
  peakRssBytes: number;
};

export type WorkerOutput = {
  ok: true;
  target: WorkerInput["target"];
  sync: Measured & { newEvents: number; storedEvents: number; files: number; rssBeforeBytes: number } & Partial<ReturnType<typeof threadCpuDelta>>;
  copy: (Measured & { chunks: number }) | null;
};

const log = (message: string) => process.stderr.write(`[ingest ${process.pid}] ${message}\n`);
const peakRss = () => process.resourceUsage().maxRSS * 1024;
const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

function connectionOf(sim: SimInfo): OpenAIConnection {
  return { apiBase: sim.baseUrl, complianceApiKey: sim.complianceApiKey, workspaceId: sim.workspaceId, orgId: sim.orgId };
}

const REDACTION_KEY = Buffer.alloc(32, 7);

/**
 * CPU seconds of each thread of this process so far, from /proc/self/task (Linux), by thread id
 * and name: the main (storing) thread is the one whose id is the process id; libuv, V8 and worker
 * threads are the others. Empty where /proc cannot be read.
 */
function threadCpuSeconds(): Map<string, { name: string; seconds: number }> {
  const threads = new Map<string, { name: string; seconds: number }>();
  try {
    for (const tid of fs.readdirSync("/proc/self/task")) {
      try {
        const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
        const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        threads.set(tid, { name, seconds: (Number(fields[11]) + Number(fields[12])) / 100 });
      } catch {
        // Gone meanwhile.
      }
    }
  } catch {
    // No /proc.
  }
  return threads;
}

/** Per-thread CPU used between two threadCpuSeconds() readings, summed by role: main, the busiest other thread (the preparing worker), the rest. */
function threadCpuDelta(before: ReturnType<typeof threadCpuSeconds>, after: ReturnType<typeof threadCpuSeconds>) {
  const deltas = [...after].map(([tid, t]) => ({ tid, name: t.name, seconds: t.seconds - (before.get(tid)?.seconds ?? 0) }));
  const main = deltas.find((d) => d.tid === String(process.pid))?.seconds ?? 0;
  const others = deltas.filter((d) => d.tid !== String(process.pid)).sort((a, b) => b.seconds - a.seconds);
  const busiest = others[0]?.seconds ?? 0;
  const rest = others.slice(1).reduce((n, d) => n + d.seconds, 0);
  return { mainThreadCpuSeconds: main, busiestOtherThreadCpuSeconds: busiest, otherThreadsCpuSeconds: rest };
}

/** Seconds of CPU used so far by the local PostgreSQL backends connected to `database`, or undefined when they cannot be seen. */
function backendCpuSeconds(database: string | null): number | undefined {
  if (!database) return undefined;
  const ticks = 100; // USER_HZ on Linux
  let total = 0;
  let seen = false;
  let pids: string[];
  try {
    pids = fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmdline.startsWith("postgres: ") || !cmdline.includes(` ${database} `)) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / ticks;
      seen = true;
    } catch {
      // Gone meanwhile.
    }
  }
  return seen ? total : undefined;
}

async function measureSync(handle: DatabaseHandle, input: WorkerInput, database: string | null): Promise<WorkerOutput["sync"]> {
  const rssBeforeBytes = process.memoryUsage().rss;
  const serverBefore = backendCpuSeconds(database) ?? 0;
  let bytes = 0;
  let lastLog = 0;
  const threadsBefore = threadCpuSeconds();
  const cpu = process.cpuUsage();
  const started = performance.now();
  // As sync__run_once does: one worker thread prepares the files, this thread stores them.
  const preparer = workerPreparer({ redaction: { key: REDACTION_KEY }, textPolicy: "redacted" });
  const summary = await syncComplianceStream({
    db: handle.db,
    connection: connectionOf(input.sim),
    scope: { kind: "workspace", id: input.sim.workspaceId },
    eventType: "CODEX_LOG",
    preparer,
    backfillDays: input.backfillDays,
    now: new Date(input.sim.now),
    onProgress: (p) => {
      bytes = p.bytes;
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`${input.target}: ${p.files} files, ${p.events} events, ${(p.bytes / 1e6).toFixed(0)} MB`);
      }
    },
  });
  // Read before close(): the worker thread's /proc entry goes with it.
  const threadsAfter = threadCpuSeconds();
  await preparer.close();
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSince(cpu);
  const threads = threadCpuDelta(threadsBefore, threadsAfter);
  const peakRssBytes = peakRss();
  const serverAfter = backendCpuSeconds(database);
  if (summary.errors.length > 0) throw new Error(`the sync reported errors: ${summary.errors.join(" | ")}`);
  const [row] = await selectRows<{ n: string | number }>(handle.db, sql`select count(*) as n from events`);
  return {
    seconds,
    cpuSeconds,
    serverCpuSeconds: serverAfter === undefined ? undefined : serverAfter - serverBefore,
    rows: summary.events,
    bytes,
    peakRssBytes,
    newEvents: summary.newEvents,
    storedEvents: Number(row?.n ?? 0),
    files: summary.files,
    rssBeforeBytes,
    ...threads,
  };
}

/** Joins the one-row chunks a COPY TO yields into blocks of about `size` bytes. */
function toBlocks(chunks: Buffer[], size: number): Buffer[] {
  const blocks: Buffer[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for (const chunk of chunks) {
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= size) {
      blocks.push(Buffer.concat(pending));
      pending = [];
      pendingBytes = 0;
    }
  }
  if (pending.length > 0) blocks.push(Buffer.concat(pending));
  return blocks;
}

/** The stored rows, one day at a time: COPY them out (not timed), then COPY them into a plain table (timed). */
async function measureCopy(handle: DatabaseHandle, target: "postgres" | "pglite", database: string | null): Promise<WorkerOutput["copy"]> {
  await handle.db.execute(sql`create table bench_copy (like events including defaults)`);
  const days = await selectRows<{ day: string }>(handle.db, sql`select distinct date_trunc('day', occurred_at)::text as day from events order by 1`);
  let seconds = 0;
  let cpuSeconds = 0;
  let serverCpuSeconds: number | undefined;
  let rows = 0;
  let bytes = 0;
  for (const { day } of days) {
    const range = `where occurred_at >= '${day}'::timestamptz and occurred_at < '${day}'::timestamptz + interval '1 day'`;
    if (target === "postgres") {
      const client = (handle.db as unknown as { $client: postgres.Sql }).$client;
      const chunks: Buffer[] = [];
      const out = await client.unsafe(`copy (select * from events ${range}) to stdout`).readable();
      // Events, not `for await`: an async iterator over this stream can stop before the COPY ends.
      await new Promise<void>((resolve, reject) => {
        out.on("data", (chunk: Buffer) => chunks.push(chunk));
        out.on("end", resolve);
        out.on("error", reject);
      });
      bytes += chunks.reduce((n, c) => n + c.length, 0);
      const blocks = toBlocks(chunks, 1 << 20);
      const serverBefore = backendCpuSeconds(database);
      const cpu = process.cpuUsage();
      const started = performance.now();
      const into = await client`copy bench_copy from stdin`.writable();
      for (const block of blocks) if (!into.write(block)) await once(into, "drain");
      await new Promise((resolve, reject) => {
        into.on("finish", resolve);
        into.on("error", reject);
        into.end();
      });
      seconds += (performance.now() - started) / 1000;
      cpuSeconds += cpuSince(cpu);
      const serverAfter = backendCpuSeconds(database);
      if (serverBefore !== undefined && serverAfter !== undefined) serverCpuSeconds = (serverCpuSeconds ?? 0) + serverAfter - serverBefore;
    } else {
      const client = (handle.db as unknown as { $client: PGlite }).$client;
      const out = await client.query(`copy (select * from events ${range}) to '/dev/blob'`);
      if (!out.blob) throw new Error("PGlite returned no blob for COPY TO '/dev/blob'");
      bytes += out.blob.size;
      const cpu = process.cpuUsage();
      const started = performance.now();
      await client.query("copy bench_copy from '/dev/blob'", [], { blob: out.blob });
      seconds += (performance.now() - started) / 1000;
      cpuSeconds += cpuSince(cpu);
    }
  }
  const [row] = await selectRows<{ n: string | number }>(handle.db, sql`select count(*) as n from bench_copy`);
  rows = Number(row?.n ?? 0);
  return { seconds, cpuSeconds, serverCpuSeconds, rows, bytes, peakRssBytes: peakRss(), chunks: days.length };
}

/** List, download, parse and redact without a database. */
async function measurePrepareOnly(input: WorkerInput): Promise<WorkerOutput["sync"]> {
  const connection = connectionOf(input.sim);
  const scope: ComplianceScope = { kind: "workspace", id: input.sim.workspaceId };
  const redactor = createRedactor({ key: REDACTION_KEY });
  const sessionSecrets = new SessionSecrets();
  const rssBeforeBytes = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let after = new Date(new Date(input.sim.now).getTime() - input.backfillDays * 86_400_000).toISOString();
  let rows = 0;
  let bytes = 0;
  let files = 0;
  for (;;) {
    const page = await listLogFiles({ connection, scope, eventType: "CODEX_LOG", after });
    for (const file of page.files) {
      const body = await downloadLogFile({ connection, scope, file });
      bytes += body.length;
      files += 1;
      const prepared = prepareLogFile(body, { fileId: file.id, redactor, textPolicy: "redacted", sessionSecrets });
      rows += prepared.events.count;
    }
    if (!page.hasMore || !page.lastEndTime) break;
    after = page.lastEndTime;
  }
  return {
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: cpuSince(cpu),
    rows,
    bytes,
    peakRssBytes: peakRss(),
    newEvents: 0,
    storedEvents: 0,
    files,
    rssBeforeBytes,
  };
}

async function openTarget(target: "postgres" | "pglite"): Promise<{ handle: DatabaseHandle; database: string | null; cleanup: () => Promise<void> }> {
  if (target === "pglite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-ingest-pglite-"));
    const handle = await openDatabase({ kind: "pglite", dataDir: path.join(dir, "pglite") });
    return {
      handle,
      database: null,
      cleanup: async () => {
        await handle.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!adminUrl) throw new Error("no TEST_DATABASE_URL or DATABASE_URL to create the bench database in");
  const name = `codex_ledger_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: "postgres", url: url.href });
  return {
    handle,
    database: name,
    cleanup: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name}`).catch(() => {});
      await admin.end({ timeout: 5 });
    },
  };
}

async function main() {
  const input = JSON.parse(process.argv[2] ?? "{}") as WorkerInput;
  if (input.target === "none") {
    const sync = await measurePrepareOnly(input);
    const output: WorkerOutput = { ok: true, target: input.target, sync, copy: null };
    process.stdout.write(`${JSON.stringify(output)}\n`);
    return;
  }
  const { handle, database, cleanup } = await openTarget(input.target);
  try {
    await handle.migrate();
    log(`${input.target}: migrated; syncing ${input.sim.lines} CODEX_LOG lines in ${input.sim.files} files`);
    const sync = await measureSync(handle, input, database);
    log(`${input.target}: synced ${sync.rows} events in ${sync.seconds.toFixed(1)} s`);
    const copy = input.copy ? await measureCopy(handle, input.target, database) : null;
    const output: WorkerOutput = { ok: true, target: input.target, sync, copy };
    process.stdout.write(`${JSON.stringify(output)}\n`);
  } finally {
    await cleanup();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`ingest-worker: ${error instanceof Error ? (error.stack ?? error.message) : "failed"}\n`);
  process.exit(1);
});
