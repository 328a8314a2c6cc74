/**
 * npm run bench [-- --quick] [-- --only NAME[,NAME]] [-- --out FILE]
 *
 * Runs the benchmark suites, prints a table per suite and writes docs/benchmarks.md with the machine
 * it ran on; `--only` re-measures the named suites and keeps the other sections; `--out FILE` writes
 * that file instead (a scratch measurement that leaves the committed numbers alone). A suite is one file in scripts/bench/ exporting a BenchSuite; add it to SUITES below.
 * Throughput is MB (10^6 bytes of UTF-8 input) per second, both per wall-clock second and per CPU
 * second: the CPU figure is steadier on a shared machine.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { redactionSuite } from "./bench/redaction";
import { ingestSuite } from "./bench/ingest";
import { pagesSuite } from "./bench/pages";
import { exportsSuite } from "./bench/exports";
import { redactionAccuracySuite } from "./bench/redaction-accuracy";
import type { BenchResult, BenchSuite } from "./bench/types";

const SUITES: BenchSuite[] = [redactionSuite, redactionAccuracySuite, ingestSuite, pagesSuite, exportsSuite];

function parseArgs(argv: string[]) {
  const quick = argv.includes("--quick");
  const onlyAt = argv.indexOf("--only");
  const only = onlyAt !== -1 ? (argv[onlyAt + 1] ?? "").split(",").filter(Boolean) : [];
  const outAt = argv.indexOf("--out");
  const out = outAt !== -1 ? argv[outAt + 1] : undefined;
  if (outAt !== -1 && !out) throw new Error("bench: --out needs a file name");
  return { quick, only, out };
}

const mb = (bytes: number) => bytes / 1e6;
const fmt = (n: number | undefined, digits = 1) => (n === undefined || !Number.isFinite(n) ? "" : n.toFixed(digits));

function columnsFor(results: BenchResult[]) {
  const has = (k: keyof BenchResult) => results.some((r) => r[k] !== undefined);
  const cols: Array<{ title: string; cell: (r: BenchResult) => string }> = [
    { title: "case", cell: (r) => r.case },
    { title: "what", cell: (r) => r.what },
  ];
  if (has("inputBytes")) cols.push({ title: "input MB", cell: (r) => fmt(r.inputBytes === undefined ? undefined : mb(r.inputBytes)) });
  if (has("seconds")) cols.push({ title: "wall s", cell: (r) => fmt(r.seconds, 2) });
  if (has("inputBytes") && has("seconds"))
    cols.push({ title: "MB/s (wall)", cell: (r) => (r.inputBytes && r.seconds ? fmt(mb(r.inputBytes) / r.seconds) : "") });
  if (has("cpuSeconds"))
    cols.push({ title: "MB/s (CPU)", cell: (r) => (r.inputBytes && r.cpuSeconds ? fmt(mb(r.inputBytes) / r.cpuSeconds) : "") });
  if (has("peakRssBytes")) cols.push({ title: "peak RSS MB", cell: (r) => fmt(r.peakRssBytes === undefined ? undefined : r.peakRssBytes / 1024 / 1024, 0) });
  const metricKeys = [...new Set(results.flatMap((r) => Object.keys(r.metrics ?? {})))];
  for (const k of metricKeys) cols.push({ title: k, cell: (r) => String(r.metrics?.[k] ?? "") });
  return cols;
}

function markdownTable(results: BenchResult[]): string {
  const cols = columnsFor(results);
  const escape = (s: string) => s.replace(/\|/g, "\\|");
  const lines = [`| ${cols.map((c) => c.title).join(" | ")} |`, `|${cols.map(() => " --- ").join("|")}|`];
  for (const r of results) lines.push(`| ${cols.map((c) => escape(c.cell(r))).join(" | ")} |`);
  return lines.join("\n");
}

function textTable(results: BenchResult[]): string {
  const cols = columnsFor(results).filter((c) => c.title !== "what");
  const rows = [cols.map((c) => c.title), ...results.map((r) => cols.map((c) => c.cell(r)))];
  const widths = cols.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ")).join("\n");
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGB: (os.totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    load: os.loadavg().map((l) => l.toFixed(2)).join(" / "),
  };
}

async function main() {
  const { quick, only, out: outArg } = parseArgs(process.argv.slice(2));
  const suites = only.length ? SUITES.filter((s) => only.includes(s.name)) : SUITES;
  if (suites.length === 0) {
    process.stderr.write(`bench: no suite named ${only.join(", ")}; known: ${SUITES.map((s) => s.name).join(", ")}\n`);
    process.exitCode = 2;
    return;
  }
  const m = machine();
  const out = outArg ? path.resolve(outArg) : path.resolve(import.meta.dirname, "../docs/benchmarks.md");
  const measuredNow = new Map<string, string>();
  process.stdout.write(`bench: ${m.cpu}, ${m.cores} cores, node ${m.node}, load ${m.load}${quick ? " (quick)" : ""}\n`);
  for (const suite of suites) {
    process.stdout.write(`\n== ${suite.name} ==\n`);
    const loadBefore = loadAverage();
    const results = await suite.run({ quick });
    process.stdout.write(`${textTable(results)}\n`);
    const measured = `Measured ${new Date().toISOString()}${quick ? " (`--quick`)" : ""}; load average (1/5/15 min) before / after: ${loadBefore} → ${loadAverage()}.`;
    measuredNow.set(suite.name, `## ${suite.name}\n\n${suite.description}\n\n${measured}\n\n${markdownTable(results)}\n`);
    // Written after every suite so a long run that is interrupted keeps what it measured.
    // Re-read just before writing: another bench run may have rewritten its own sections meanwhile.
    writeDoc(out, m, new Map([...readSections(out), ...measuredNow]));
  }
  process.stdout.write(`\nbench: wrote ${path.relative(process.cwd(), out)} (${suites.map((s) => s.name).join(", ")})\n`);
}

const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(" / ");

/** The sections of an earlier docs/benchmarks.md by suite name, so `--only` replaces just its own. */
function readSections(file: string): Map<string, string> {
  const sections = new Map<string, string>();
  if (!fs.existsSync(file)) return sections;
  const parts = fs.readFileSync(file, "utf8").split(/^(?=## )/m).slice(1);
  for (const part of parts) {
    const name = /^## (\S+)/.exec(part)?.[1];
    if (name && SUITES.some((s) => s.name === name)) sections.set(name, part.trimEnd() + "\n");
  }
  return sections;
}

function writeDoc(file: string, m: ReturnType<typeof machine>, sections: Map<string, string>) {
  const ordered = SUITES.map((s) => sections.get(s.name)).filter((s): s is string => s !== undefined);
  const doc = [
    "# Benchmarks",
    "",
    "Generated by `npm run bench` (`-- --only SUITE` re-measures one suite and keeps the others); do not edit by hand. MB = 10^6 bytes of UTF-8 input.",
    "",
    "| machine | |",
    "| --- | --- |",
    `| CPU | ${m.cpu} |`,
    `| cores | ${m.cores} |`,
    `| memory | ${m.memoryGB} GB |`,
    `| node | ${m.node} |`,
    `| platform | ${m.platform} |`,
    "",
    "Wall-clock throughput depends on what else the machine is doing (each suite notes the load average around it); the CPU-second figure counts only the time the benchmark itself was on a CPU.",
    "",
    ...ordered,
  ].join("\n");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, doc);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : "failed"}\n`);
  process.exitCode = 1;
});
