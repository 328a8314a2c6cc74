/**
 * Redaction throughput: redact() in one process over a large generated corpus (≥ 200 MB in total),
 * the `npm run redact` CLI end to end, and pathological inputs at two sizes to show linear time.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRedactor } from "../../app/lib/redaction";
import { makeMixedText } from "./corpus";
import { cpuSecondsSince, peakRss, type BenchResult, type BenchSuite } from "./types";

const key = Buffer.alloc(32, 42);

function measureRedact(name: string, what: string, texts: string[], passes: number): BenchResult {
  const redactor = createRedactor({ key });
  for (const text of texts.slice(0, 4)) redactor.redact(text); // warm-up
  const bytesPerPass = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  let findings = 0;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let p = 0; p < passes; p++) {
    for (const text of texts) findings += redactor.redact(text).findings.length;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    case: name,
    what,
    inputBytes: bytesPerPass * passes,
    seconds,
    cpuSeconds: cpuSecondsSince(cpu),
    peakRssBytes: peakRss(),
    metrics: { findings },
  };
}

/** Splits a long text into pieces of about `size` characters at line breaks. */
function split(text: string, size: number): string[] {
  const out: string[] = [];
  let from = 0;
  while (from < text.length) {
    let to = Math.min(text.length, from + size);
    const newline = text.indexOf("\n", to);
    if (newline !== -1 && newline - to < 512) to = newline + 1;
    out.push(text.slice(from, to));
    from = to;
  }
  return out;
}

/** Writes `lines` JSON lines of ~4 KB mixed text to a file (the corpus is the same for the same count); returns its size in bytes. */
function writeCliCorpus(file: string, lines: number): number {
  const fd = fs.openSync(file, "w");
  let bytes = 0;
  for (let i = 0; i < lines; i += 500) {
    const chunk = makeMixedText(9000 + i, 500 * 4096);
    const texts = split(chunk.text, 4096);
    let out = "";
    for (let j = 0; j < texts.length && i + j < lines; j++) out += `${JSON.stringify({ id: `e${i + j}`, text: texts[j] })}\n`;
    bytes += Buffer.byteLength(out);
    fs.writeSync(fd, out);
  }
  fs.closeSync(fd);
  return bytes;
}

/**
 * `threads`: REDACT_THREADS for the child — 1 is the main thread alone, n > 1 is n worker threads
 * of the same process with the main thread only reading, cutting batches and writing; "default"
 * leaves it unset (one thread per core: os.availableParallelism()).
 */
async function measureCli(lines: number, threads: number | "default"): Promise<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-redact-"));
  const file = path.join(dir, "input.jsonl");
  const bytes = writeCliCorpus(file, lines);
  const root = path.resolve(import.meta.dirname, "../..");
  const launcher = [path.join(root, "scripts/run-bundled.mjs"), "scripts/redact.ts"];
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: path.join(dir, "data") };
  delete env.REDACT_THREADS;
  if (threads !== "default") env.REDACT_THREADS = String(threads);
  const poolSize = threads === "default" ? os.availableParallelism() : threads;
  // One run with nothing to do first, as on any machine but a brand-new one: it creates the demo
  // secrets (an RSA key) and, when a source changed, rebuilds the cached bundle.
  execFileSync(process.execPath, launcher, { cwd: root, env, stdio: ["ignore", "ignore", "ignore"] });
  const start = process.hrtime.bigint();
  const result = await new Promise<{ code: number | null; peak: number; cpu: number; mainCpu: number; outBytes: number }>((resolve, reject) => {
    // what `npm run redact` runs (without npm's own start, measured on its own below)
    const child = spawn(process.execPath, launcher, {
      cwd: root,
      env,
      stdio: [fs.openSync(file, "r"), "pipe", "ignore"],
    });
    let outBytes = 0;
    child.stdout?.on("data", (d: Buffer) => (outBytes += d.length));
    let peak = 0;
    let cpu = 0;
    let mainCpu = 0;
    const ticks = 100; // USER_HZ on Linux
    const cpuOf = (statFile: string) => {
      const stat = fs.readFileSync(statFile, "utf8").split(") ")[1]!.split(" ");
      return (Number(stat[11]) + Number(stat[12])) / ticks;
    };
    const poll = setInterval(() => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
        if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
        cpu = cpuOf(`/proc/${child.pid}/stat`);
        mainCpu = cpuOf(`/proc/${child.pid}/task/${child.pid}/stat`);
      } catch {
        // not Linux, or the child has exited
      }
    }, 10);
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(poll);
      resolve({ code, peak, cpu, mainCpu, outBytes });
    });
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  fs.rmSync(dir, { recursive: true, force: true });
  const size = `${(bytes / 1e6).toFixed(0)} MB`;
  const how =
    poolSize === 1
      ? "the main thread reads, redacts and writes"
      : `${poolSize} worker threads of the same process parse, redact and serialise ~1 MB batches; the main thread reads, cuts and writes`;
  return {
    case: threads === "default" ? `npm run redact (CLI), ${size}, default threads (${poolSize})` : `npm run redact (CLI), ${size}, ${poolSize} thread${poolSize === 1 ? "" : "s"}`,
    what: `end to end: ${lines} JSON lines of ~4 KB through a child process running what npm run redact runs (node scripts/run-bundled.mjs scripts/redact.ts, startup included), stdout counted; ${threads === "default" ? "REDACT_THREADS unset" : `REDACT_THREADS=${threads}`}: ${how}; CPU s of all its threads (V8's compiler and GC threads too), main thread's CPU s beside`,
    inputBytes: bytes,
    seconds,
    cpuSeconds: result.cpu || undefined,
    peakRssBytes: result.peak || undefined,
    metrics: { exit: String(result.code), outputMB: (result.outBytes / 1e6).toFixed(1), threads: String(poolSize), "main thread CPU s": result.mainCpu.toFixed(2) },
  };
}

/**
 * What starting `npm run redact` costs with nothing to do: wall time, and CPU of the whole process
 * tree (npm, the shell, node) as bash's `times` reports it for its children. Median of three runs.
 */
function measureStartup(): BenchResult {
  const root = path.resolve(import.meta.dirname, "../..");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-redact-start-"));
  const runs: Array<{ seconds: number; cpu: number }> = [];
  for (let i = -1; i < 3; i++) {
    const start = process.hrtime.bigint();
    const out = execFileSync("bash", ["-c", "npm run -s redact </dev/null >/dev/null 2>&1; times"], {
      cwd: root,
      env: { ...process.env, DATA_DIR: path.join(dir, "data") },
      encoding: "utf8",
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    // second line: user and system time of the children, like "0m0.412s 0m0.051s"
    const children = out.trim().split("\n")[1] ?? "";
    const cpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
    if (i >= 0) runs.push({ seconds, cpu }); // the first run creates the demo secrets
  }
  fs.rmSync(dir, { recursive: true, force: true });
  runs.sort((a, b) => a.seconds - b.seconds);
  const median = runs[1]!;
  return {
    case: "npm run redact, empty input",
    what: "starting the CLI through npm with nothing to redact (npm, shell, node, bundle load, configuration); CPU of the whole process tree; median of 3",
    seconds: median.seconds,
    metrics: { "CPU s": median.cpu.toFixed(2) },
  };
}

const PATHOLOGICAL: Array<[string, (n: number) => string]> = [
  ["single line of letters", (n) => "a".repeat(n)],
  ["unterminated -----BEGIN, repeated", (n) => "-----BEGIN RSA PRIVATE KEY-----\n".repeat(Math.ceil(n / 32))],
  ["BEGIN then endless base64", (n) => `-----BEGIN PRIVATE KEY-----\n${"QUJD".repeat(Math.ceil(n / 4))}`],
  ["long base64 run", (n) => "QUJDRA+/".repeat(Math.ceil(n / 8))],
  ["long digit run", (n) => "7".repeat(n)],
  ["digits and spaces", (n) => "1 ".repeat(Math.ceil(n / 2))],
  ["spaces", (n) => " ".repeat(n)],
  ["keyword soup password=", (n) => "password=".repeat(Math.ceil(n / 9))],
  ["password column soup", (n) => "password\t".repeat(Math.ceil(n / 9))],
  ["prose soup", (n) => "Das Passwort ist ".repeat(Math.ceil(n / 17))],
  ["CJK password soup", (n) => "密码是：".repeat(Math.ceil(n / 4))],
  ["one secret repeated", (n) => "password=Xk9!pQ2zLm\n".repeat(Math.ceil(n / 20))],
  ["token prefix soup", (n) => " ghp_ eyJ sk- AKIA xoxb- ".repeat(Math.ceil(n / 25))],
  ["@ soup", (n) => "a@".repeat(Math.ceil(n / 2))],
];

function measurePathological(quick: boolean): BenchResult[] {
  const redactor = createRedactor({ key });
  const small = quick ? 1_000_000 : 5_000_000;
  const large = small * 2;
  const results: BenchResult[] = [];
  for (const [name, make] of PATHOLOGICAL) {
    const times: number[] = [];
    let bytes = 0;
    for (const n of [small, large]) {
      const text = make(n);
      redactor.redact(text.slice(0, 10_000));
      const cpu = process.cpuUsage();
      redactor.redact(text);
      times.push(cpuSecondsSince(cpu));
      bytes = Buffer.byteLength(text);
    }
    results.push({
      case: `pathological: ${name}`,
      what: `${(large / 1e6).toFixed(0)} MB input; time(2n)/time(n) ≈ 2 means linear`,
      inputBytes: bytes,
      cpuSeconds: times[1],
      seconds: times[1],
      peakRssBytes: peakRss(),
      metrics: { "t(2n)/t(n)": (times[1]! / Math.max(times[0]!, 1e-6)).toFixed(2) },
    });
  }
  return results;
}

export const redactionSuite: BenchSuite = {
  name: "redaction",
  description:
    "redact() on a generated mixed corpus (code, logs, prose in several languages, JSON, .env/YAML, CJK, base64, stack traces, diffs) with a planted secret or personal datum about every 3,000 characters; the CLI end to end; pathological inputs. \"One process\": the redact() rows run on a single thread; the CLI rows are one process with 1 thread, and with worker threads (REDACT_THREADS; by default one per core), the ~213 MB row with the default. MB/s (CPU) divides by the CPU seconds of all the process's threads; wall MB/s on a shared machine mostly measures the other work on it (ADR 0103).",
  async run({ quick }) {
    const results: BenchResult[] = [];
    // 16 distinct 1M-character chunks (~1.1 MB of UTF-8 each), redacted over several passes.
    const chunks: string[] = [];
    for (let i = 0; i < (quick ? 4 : 16); i++) chunks.push(makeMixedText(1000 + i, 1_000_000).text);
    const perPass = chunks.reduce((n, t) => n + Buffer.byteLength(t), 0);
    const passes = Math.max(1, Math.ceil((quick ? 20e6 : 120e6) / perPass));
    results.push(measureRedact("redact() 1 MB texts", "whole 1M-character texts, one redactor on a single thread of one process", chunks, passes));
    const small = chunks.flatMap((c) => split(c, 4096));
    results.push(measureRedact("redact() 4 KB texts", "the same corpus as ~4 KB texts (a typical prompt or response)", small, Math.max(1, Math.ceil((quick ? 10e6 : 100e6) / perPass))));
    const cliLines = quick ? 2_000 : 10_000;
    results.push(await measureCli(cliLines, 1));
    results.push(await measureCli(cliLines, Math.max(2, os.availableParallelism())));
    // ~213 MB: large enough that start-up (node, the bundle, the workers' compilation) is small
    results.push(await measureCli(quick ? 10_000 : 50_000, "default"));
    results.push(measureStartup());
    results.push(...measurePathological(quick));
    return results;
  },
};
