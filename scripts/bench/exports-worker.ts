/**
 * One run of the exports bench (scripts/bench/exports.ts) in a process of its own, so that its
 * RSS and CPU are the export's: a throwaway PostgreSQL database (TEST_DATABASE_URL, from
 * scripts/lib/pg-cluster.sh) seeded with a 10,000-person workspace (scripts/bench/workspace.ts)
 * and a month of 5,000,000 COSTS lines (scripts/bench/exports-seed.ts), then
 * 1. the detailed spend CSV of that month, streamed to the end while RSS is sampled;
 * 2. the monthly leadership PDF of the workspace's last full month, a few times.
 * Prints one JSON line (ExportsWorkerOutput) on stdout; progress on stderr.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { openDatabase } from "../../db/client.server";
// Imported up front, so a long seeding does not measure code edited meanwhile.
import { loadMonthlyReportData } from "../../app/lib/reports/monthly.server";
import { renderMonthlyPdf } from "../../app/lib/reports/pdf.server";
import { spendCsv } from "../../app/lib/reports/spend-csv.server";
import type { Viewer } from "../../app/models/viewer";
import { seedLineMonth } from "./exports-seed";
import { seedWorkspace } from "./workspace";

export type ExportsWorkerInput = { people: number; lines: number; linesMonth: string; workspaceEnd: string; workspaceDays: number; pdfMonth: string; pdfRuns: number };

export type ExportsWorkerOutput = {
  seed: { workspaceSeconds: number; workspacePeople: number; workspaceCosts: number; linesSeconds: number; costsRows: number };
  csv: {
    rows: number;
    bytes: number;
    seconds: number;
    firstByteSeconds: number;
    cpuSeconds: number;
    serverCpuSeconds: number;
    rssBeforeBytes: number;
    rssAtMillionBytes: number | null;
    rssAtEndBytes: number;
    rssPeakBytes: number;
    /** RSS sampled every 100,000 rows, MB. */
    rssByRowsMb: Array<[number, number]>;
  };
  pdf: {
    month: string;
    people: number;
    costsRecords: number;
    runs: Array<{ seconds: number; dataSeconds: number; renderSeconds: number; cpuSeconds: number; serverCpuSeconds: number }>;
    bytes: number;
    pages: number | null;
    file: string;
  };
};

const log = (line: string) => process.stderr.write(`[exports] ${line}\n`);
const seconds = (since: number) => (performance.now() - since) / 1000;
const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

/** CPU seconds of one PostgreSQL cluster: its backends and workers alive now, plus the ones that exited (the postmaster's children times). */
function clusterCpuSeconds(postmaster: number) {
  const ticks = 100; // USER_HZ
  const fields = (pid: number | string) => {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  };
  let total = 0;
  const own = fields(postmaster);
  total += (Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])) / ticks;
  for (const pid of fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const f = fields(pid);
      if (Number(f[1]) === postmaster) total += (Number(f[11]) + Number(f[12])) / ticks;
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

async function main() {
  const input = JSON.parse(process.argv[2] ?? "{}") as ExportsWorkerInput;
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set (run under scripts/lib/pg-cluster.sh)");
  // getConfig() (pseudonyms in the PDF) in demo mode writes its secrets here, not into the tree.
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-bench-exports-"));
  delete process.env.DATABASE_URL;

  const name = `codex_ledger_bench_exports_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: "postgres", url: url.href });
  const raw = postgres(url.href, { max: 1, onnotice: () => {} });
  try {
    await handle.migrate();
    const [{ pid }] = (await raw`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
    const postmaster = Number(fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);

    log(`seeding a ${input.people}-person × ${input.workspaceDays}-day workspace ending ${input.workspaceEnd}`);
    let t = performance.now();
    const workspace = await seedWorkspace(raw, { people: input.people, days: input.workspaceDays, end: input.workspaceEnd, heavyEvents: 0, log: (l) => log(`  ${l}`) });
    const workspaceSeconds = seconds(t);
    log(`seeding ${input.lines} COSTS lines in ${input.linesMonth}`);
    t = performance.now();
    await seedLineMonth(handle.db, { people: input.people, month: input.linesMonth, lines: input.lines });
    const linesSeconds = seconds(t);
    const [{ n: costsRows }] = (await raw`select count(*)::int as n from costs_hourly`) as unknown as [{ n: number }];

    const viewer: Viewer = { personId: workspace.staff.finance.personId, email: workspace.staff.finance.email, name: workspace.staff.finance.name, roles: ["finance", "viewer"] };

    log(`CSV: streaming the ${input.linesMonth} lines`);
    global.gc?.();
    const rssBeforeBytes = process.memoryUsage.rss();
    let rssPeakBytes = rssBeforeBytes;
    const sampler = setInterval(() => {
      rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage.rss());
    }, 25);
    const serverBefore = clusterCpuSeconds(postmaster);
    const cpu = process.cpuUsage();
    t = performance.now();
    const stream = await spendCsv({ db: handle.db, viewer, month: input.linesMonth, table: "lines", bom: true });
    const reader = stream.getReader();
    let bytes = 0;
    let newlines = 0;
    let firstByteSeconds = 0;
    let rssAtMillionBytes: number | null = null;
    const rssByRowsMb: Array<[number, number]> = [];
    let nextMark = 100_000;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (bytes === 0) firstByteSeconds = seconds(t);
      bytes += value.length;
      for (let at = value.indexOf(10); at !== -1; at = value.indexOf(10, at + 1)) newlines++;
      if (newlines - 1 >= nextMark) {
        const rss = process.memoryUsage.rss();
        rssPeakBytes = Math.max(rssPeakBytes, rss);
        rssByRowsMb.push([nextMark, Math.round(rss / 1024 / 1024)]);
        if (nextMark === 1_000_000) rssAtMillionBytes = rss;
        if (nextMark % 1_000_000 === 0) log(`  ${nextMark} rows, RSS ${Math.round(rss / 1024 / 1024)} MB, ${seconds(t).toFixed(0)} s`);
        nextMark += 100_000;
      }
    }
    const csvSeconds = seconds(t);
    const csvCpu = cpuSince(cpu);
    const csvServerCpu = clusterCpuSeconds(postmaster) - serverBefore;
    clearInterval(sampler);
    const rssAtEndBytes = process.memoryUsage.rss();
    rssPeakBytes = Math.max(rssPeakBytes, rssAtEndBytes);
    const rows = newlines - 1;
    if (rows !== input.lines) throw new Error(`the CSV has ${rows} lines, the month ${input.lines}`);

    log(`PDF: ${input.pdfMonth}, ${input.pdfRuns} runs`);
    const [{ people, records }] = (await raw`select count(distinct lower(email))::int as people, count(*)::int as records from costs_hourly
      where hour >= ${`${input.pdfMonth}-01`}::date and hour < (${`${input.pdfMonth}-01`}::date + interval '1 month')`) as unknown as [{ people: number; records: number }];
    const runs: ExportsWorkerOutput["pdf"]["runs"] = [];
    let pdf: Buffer = Buffer.alloc(0);
    for (let i = 0; i < input.pdfRuns; i++) {
      const before = clusterCpuSeconds(postmaster);
      const c = process.cpuUsage();
      const started = performance.now();
      const data = await loadMonthlyReportData({ db: handle.db, month: input.pdfMonth });
      const dataSeconds = seconds(started);
      const renderStarted = performance.now();
      pdf = await renderMonthlyPdf(data);
      runs.push({ seconds: seconds(started), dataSeconds, renderSeconds: seconds(renderStarted), cpuSeconds: cpuSince(c), serverCpuSeconds: clusterCpuSeconds(postmaster) - before });
      log(`  run ${i + 1}: ${runs.at(-1)!.seconds.toFixed(2)} s (data ${dataSeconds.toFixed(2)} s, render ${runs.at(-1)!.renderSeconds.toFixed(2)} s)`);
    }
    const file = path.join(os.tmpdir(), `codex-ledger-bench-${input.pdfMonth}-${input.people}.pdf`);
    fs.writeFileSync(file, pdf);
    let pages: number | null = null;
    try {
      pages = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [file], { encoding: "utf8" }))?.[1] ?? NaN) || null;
    } catch {
      pages = null;
    }

    const output: ExportsWorkerOutput = {
      seed: { workspaceSeconds, workspacePeople: workspace.people, workspaceCosts: workspace.costs, linesSeconds, costsRows },
      csv: { rows, bytes, seconds: csvSeconds, firstByteSeconds, cpuSeconds: csvCpu, serverCpuSeconds: csvServerCpu, rssBeforeBytes, rssAtMillionBytes, rssAtEndBytes, rssPeakBytes, rssByRowsMb },
      pdf: { month: input.pdfMonth, people, costsRecords: records, runs, bytes: pdf.length, pages, file },
    };
    process.stdout.write(`${JSON.stringify(output)}\n`);
  } finally {
    await raw.end({ timeout: 5 });
    await handle.close();
    await admin.unsafe(`drop database if exists ${name}`).catch(() => {});
    await admin.end({ timeout: 5 });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`exports-worker: ${error instanceof Error ? (error.stack ?? error.message) : "failed"}\n`);
  process.exit(1);
});
