/**
 * npm run redact — JSON lines in, JSON lines out, one output line per input line, in order:
 *
 *   stdin:  {"id": "a1", "text": "token ghp_…"}
 *   stdout: {"id":"a1","redacted":"token [SECRET:github_token:4f1a9c2e]","findings":[{"type":"github_token","start":6,"end":46}]}
 *
 * Offsets are JavaScript string indices into the original text. Streaming with constant memory:
 * stdin is read in 1 MB blocks and split into lines as bytes (a line longer than MAX_LINE_BYTES is
 * dropped without being held), and output is gathered in a 1 MB buffer that is written out when
 * full, so memory stays flat whatever the input size.
 *
 * Why bytes and blocking reads and writes: this is how the product is measured, so the loop around
 * the redactor must cost little next to it. Each line is decoded on its own, so an ASCII line stays
 * a one-byte string (scanned and encoded faster) even when its neighbours hold CJK text; writes
 * block, which is the backpressure.
 *
 * A bad line gets a message on stderr naming its line number and the problem — never its text —
 * and, when its id can be read, an output line {"id", "error"}; the run goes on and exits 1 at the end.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, getConfig } from "../app/lib/config.server";
import { isAscii, isUtf8 } from "node:buffer";
import os from "node:os";
import { isMainThread, MessageChannel, parentPort, receiveMessageOnPort, Worker, workerData, type MessagePort } from "node:worker_threads";
import { createRedactor, renderPlaceholder, type Finding, type Redactor } from "../app/lib/redaction";

/** Lines above this size (in bytes of UTF-8) are rejected rather than held in memory. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
const BLOCK_BYTES = 1024 * 1024;

type Id = string | number;

function readId(value: unknown): Id | undefined {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value)) ? value : undefined;
}

/** The id of a line too long to parse, read from its start when it leads the object. */
function idFromPrefix(prefix: string): Id | undefined {
  const match = /^\s*\{\s*"id"\s*:\s*("(?:[^"\\]|\\.){0,512}"|-?\d{1,20}(?:\.\d+)?)\s*[,}]/.exec(prefix);
  if (!match?.[1]) return undefined;
  try {
    return readId(JSON.parse(match[1]));
  } catch {
    return undefined;
  }
}

export type LineOutcome = { output?: string; error?: string };

type ParsedLine = { id: Id; text: string } | { id?: undefined; output?: string; error: string };

/** Reads `{"id", "text"}` from one line. Never puts the text (or any part of it) in an error. */
function parseLine(line: string): ParsedLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    // JSON.parse messages quote the input: do not pass them on.
    return { error: "not valid JSON" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { error: "expected a JSON object with \"id\" and \"text\"" };
  }
  const record = parsed as Record<string, unknown>;
  const id = readId(record.id);
  if (id === undefined) {
    return { error: record.id === undefined ? "missing \"id\"" : "\"id\" must be a string or a number" };
  }
  if (typeof record.text !== "string") {
    const problem = record.text === undefined ? "missing \"text\"" : "\"text\" must be a string";
    return { output: JSON.stringify({ id, error: problem }), error: problem };
  }
  return { id, text: record.text };
}

/** `,"findings":[…]}` — types are snake_case names and offsets integers: nothing to escape. */
function findingsJson(findings: readonly Finding[]): string {
  let json = `,"findings":[`;
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    json += `${i === 0 ? "" : ","}{"type":"${f.type}","start":${f.start},"end":${f.end}}`;
  }
  return `${json}]}`;
}

/** Handles one input line: the output line (the same bytes as JSON.stringify of {id, redacted, findings}), or the problem. */
export function processLine(redactor: Redactor, line: string): LineOutcome {
  const parsed = parseLine(line);
  if (parsed.id === undefined) return { output: parsed.output, error: parsed.error };
  const { redacted, findings } = redactor.redactWithoutTextFingerprint(parsed.text);
  return { output: `{"id":${JSON.stringify(parsed.id)},"redacted":${JSON.stringify(redacted)}${findingsJson(findings)}` };
}

// ---------------------------------------------------------------------------------------------
// The fast way out: the redacted text is the input's own JSON string literal, copied as bytes,
// with each finding's bytes replaced by its placeholder. That skips re-escaping the text
// (JSON.stringify) and encoding it back to UTF-8, which would cost as much as redacting it. The
// copy is the same JSON string value; escapes the input chose (`\/`, `\u00e9`) are kept.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function skipWhitespace(bytes: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = bytes[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  return i;
}

/** The closing quote of the JSON string whose opening quote is at `open`, or -1. */
function closingQuote(bytes: Buffer, open: number, end: number): number {
  let from = open + 1;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, from);
    if (quote === -1 || quote >= end) return -1;
    let backslashes = 0;
    for (let k = quote - 1; k > open && bytes[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

/** The index after the JSON value at `i` (the line is valid JSON: JSON.parse accepted it), or -1. */
function skipValue(bytes: Buffer, i: number, end: number): number {
  const c = bytes[i];
  if (c === QUOTE) {
    const close = closingQuote(bytes, i, end);
    return close === -1 ? -1 : close + 1;
  }
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    while (i < end) {
      const d = bytes[i]!;
      if (d === QUOTE) {
        const close = closingQuote(bytes, i, end);
        if (close === -1) return -1;
        i = close + 1;
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return -1;
  }
  while (i < end) {
    const d = bytes[i]!;
    if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x09 || d === 0x0a || d === 0x0d) break;
    i++;
  }
  return i;
}

/**
 * Where the string literal of the top-level "text" member is, between its quotes (the last one,
 * as JSON.parse keeps the last of repeated keys), or undefined when the line is shaped otherwise
 * (a key written with escapes, say): then the output is built the slow way.
 */
function textLiteral(bytes: Buffer, start: number, end: number): [number, number] | undefined {
  let i = skipWhitespace(bytes, start, end);
  if (bytes[i] !== 0x7b) return undefined;
  i = skipWhitespace(bytes, i + 1, end);
  let found: [number, number] | undefined;
  while (i < end && bytes[i] === QUOTE) {
    const keyEnd = closingQuote(bytes, i, end);
    if (keyEnd === -1 || bytes.indexOf(BACKSLASH, i) < keyEnd) return undefined;
    const isText = keyEnd - i === 5 && bytes[i + 1] === 0x74 && bytes[i + 2] === 0x65 && bytes[i + 3] === 0x78 && bytes[i + 4] === 0x74;
    i = skipWhitespace(bytes, keyEnd + 1, end);
    if (bytes[i] !== 0x3a) return undefined;
    i = skipWhitespace(bytes, i + 1, end);
    const valueEnd = skipValue(bytes, i, end);
    if (valueEnd === -1) return undefined;
    if (isText) found = bytes[i] === QUOTE ? [i + 1, valueEnd - 1] : undefined;
    i = skipWhitespace(bytes, valueEnd, end);
    if (bytes[i] === 0x2c) i = skipWhitespace(bytes, i + 1, end);
  }
  return found;
}

/**
 * Walks a JSON string literal of an ASCII line from byte `at` (text offset `unit`) to text offset
 * `target` and returns the byte there: only escapes need looking at.
 */
function asciiByteAt(bytes: Buffer, at: number, unit: number, target: number, literalEnd: number): number {
  while (unit < target) {
    let escape = bytes.indexOf(BACKSLASH, at);
    if (escape === -1 || escape >= literalEnd) escape = literalEnd;
    const plain = escape - at;
    if (target - unit <= plain) return at + (target - unit);
    unit += plain;
    at = escape + (bytes[escape + 1] === 0x75 ? 6 : 2); // \uXXXX or \n, \", …
    unit++;
  }
  return at;
}

/**
 * Where a walk through a text literal stands, in the decoded line (`index`), in its UTF-8 bytes
 * (`at`) and in the text (`unit`).
 */
type LiteralCursor = { index: number; at: number; unit: number };

/**
 * Moves `cursor` through the JSON string literal of a line with non-ASCII characters to text
 * offset `target`; returns false when `target` falls between the two halves of a surrogate pair
 * written as one 4-byte UTF-8 character (it cannot be cut there). The walk is done in the decoded
 * line, where a character outside an escape is one code unit of the text: indexOf finds the
 * escapes and Buffer.byteLength counts the UTF-8 bytes of the plain stretches between them,
 * both native, instead of a loop over every byte.
 */
function advanceLiteral(line: string, cursor: LiteralCursor, target: number, literalEnd: number): boolean {
  let { index, at, unit } = cursor;
  while (unit < target) {
    let escape = line.indexOf("\\", index);
    if (escape === -1 || escape >= literalEnd) escape = literalEnd;
    const plain = escape - index;
    if (target - unit <= plain) {
      const to = index + (target - unit);
      const high = line.charCodeAt(to - 1);
      if (high >= 0xd800 && high <= 0xdbff && to > index) {
        const low = line.charCodeAt(to);
        if (low >= 0xdc00 && low <= 0xdfff) return false;
      }
      at += Buffer.byteLength(line.slice(index, to), "utf8");
      index = to;
      unit = target;
      break;
    }
    at += Buffer.byteLength(line.slice(index, escape), "utf8");
    unit += plain;
    const step = line.charCodeAt(escape + 1) === 0x75 ? 6 : 2; // \uXXXX or \n, \", … (ASCII: as many bytes as characters)
    index = escape + step;
    at += step;
    unit++;
  }
  cursor.index = index;
  cursor.at = at;
  cursor.unit = unit;
  return true;
}

/**
 * Writes the output line for an input line at bytes[start, end) whose text was redacted into
 * `findings`, by copying the input's text literal around the placeholders. Returns false, having
 * written nothing, when the line does not allow it (then the caller builds it with JSON.stringify).
 */
function writeSpliced(output: Output, bytes: Buffer, start: number, end: number, line: string, ascii: boolean, id: Id, findings: readonly Finding[]): boolean {
  const literal = textLiteral(bytes, start, end);
  if (literal === undefined || (!ascii && !isUtf8(bytes.subarray(start, end)))) return false;
  const [literalStart, literalEnd] = literal;
  const cuts: number[] = [];
  if (ascii) {
    let at = literalStart;
    let unit = 0;
    for (const f of findings) {
      for (const target of [f.start, f.end]) {
        at = asciiByteAt(bytes, at, unit, target, literalEnd);
        if (at > literalEnd) return false;
        unit = target;
        cuts.push(at);
      }
    }
  } else if (findings.length > 0) {
    // the literal's place in the decoded line: the characters of the bytes before it
    const index = bytes.toString("utf8", start, literalStart).length;
    const cursor: LiteralCursor = { index, at: literalStart, unit: 0 };
    const indexEnd = line.length - bytes.toString("utf8", literalEnd, end).length;
    for (const f of findings) {
      for (const target of [f.start, f.end]) {
        if (!advanceLiteral(line, cursor, target, indexEnd) || cursor.at > literalEnd) return false;
        cuts.push(cursor.at);
      }
    }
  }
  output.text(`{"id":${JSON.stringify(id)},"redacted":"`);
  let from = literalStart;
  for (let k = 0; k < findings.length; k++) {
    output.bytes(bytes, from, cuts[2 * k]!);
    output.text(renderPlaceholder(findings[k]!));
    from = cuts[2 * k + 1]!;
  }
  output.bytes(bytes, from, literalEnd);
  output.text(`"${findingsJson(findings)}`);
  output.newline();
  return true;
}

/** Sleeps without spinning: for a non-blocking stdin or stdout that is not ready (EAGAIN). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isAgain(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "EAGAIN";
}

/** The reader of stdout went away (`npm run redact | head`): nothing more can be delivered. */
class OutputClosed extends Error {}

function readBlock(fd: number, buffer: Buffer, offset: number): number {
  for (;;) {
    try {
      return fs.readSync(fd, buffer, offset, buffer.length - offset, null);
    } catch (error) {
      if (isAgain(error)) pause(1);
      else if ((error as NodeJS.ErrnoException).code === "EOF") return 0;
      else throw error;
    }
  }
}

/**
 * Output lines gathered in one buffer and handed to `sink` when it fills up: blocking writes to a
 * file descriptor (stdout), or, in a pool worker, copies kept until the batch goes back.
 */
class Output {
  private readonly buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  private used = 0;
  constructor(private readonly sink: (bytes: Buffer) => void) {}

  static toFd(fd: number): Output {
    return new Output((bytes) => writeAll(fd, bytes));
  }

  line(text: string): void {
    this.text(text);
    this.newline();
  }

  text(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    if (this.used + text.length * 3 > this.buffer.length) {
      this.flush();
      if (text.length * 3 > this.buffer.length) {
        this.sink(Buffer.from(text, "utf8"));
        return;
      }
    }
    this.used += this.buffer.write(text, this.used, "utf8");
  }

  bytes(source: Buffer, start: number, end: number): void {
    while (end - start > this.buffer.length - this.used) {
      const room = this.buffer.length - this.used;
      source.copy(this.buffer, this.used, start, start + room);
      this.used += room;
      start += room;
      this.flush();
    }
    source.copy(this.buffer, this.used, start, end);
    this.used += end - start;
  }

  newline(): void {
    if (this.used === this.buffer.length) this.flush();
    this.buffer[this.used++] = 10;
  }

  flush(): void {
    if (this.used > 0) this.sink(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if (isAgain(error)) pause(1);
      else if ((error as NodeJS.ErrnoException).code === "EPIPE") throw new OutputClosed();
      else throw error;
    }
  }
}

/** A problem with one input line: its number (from 1) and what is wrong, never its text. */
type LineProblem = { line: number; problem: string };

/**
 * Redacts one input line at bytes[start, end) (no newline) into `output`; returns the problem if
 * the line is bad (its output line, if any, is written).
 */
function handleLine(redactor: Redactor, output: Output, bytes: Buffer, start: number, end: number): string | undefined {
  if (end > start && bytes[end - 1] === 13) end--; // CRLF
  // An ASCII line (found by a native check) decodes as latin1, a copy; it is valid UTF-8 as it is.
  const ascii = isAscii(bytes.subarray(start, end));
  const line = ascii ? bytes.toString("latin1", start, end) : bytes.toString("utf8", start, end);
  if (line.trim() === "") return undefined; // blank lines carry nothing to redact
  const parsed = parseLine(line);
  if (parsed.id === undefined) {
    if (parsed.output) output.line(parsed.output);
    return parsed.error;
  }
  const { redacted, findings } = redactor.redactWithoutTextFingerprint(parsed.text);
  if (!writeSpliced(output, bytes, start, end, line, ascii, parsed.id, findings)) {
    output.line(`{"id":${JSON.stringify(parsed.id)},"redacted":${JSON.stringify(redacted)}${findingsJson(findings)}`);
  }
  return undefined;
}

/**
 * Redacts every line of bytes[start, end): lines end with a newline, except perhaps the last
 * (the end of the input). Returns how many lines there were and the problems, numbered from
 * `firstLine`.
 */
function handleLines(redactor: Redactor, output: Output, bytes: Buffer, start: number, end: number, firstLine: number): { lines: number; problems: LineProblem[] } {
  const problems: LineProblem[] = [];
  let lines = 0;
  let from = start;
  while (from < end) {
    let newline = bytes.indexOf(10, from);
    if (newline === -1 || newline >= end) newline = end;
    const problem = handleLine(redactor, output, bytes, from, newline);
    if (problem !== undefined) problems.push({ line: firstLine + lines, problem });
    lines++;
    from = newline + 1;
  }
  return { lines, problems };
}

// ---------------------------------------------------------------------------------------------
// The thread pool. Redaction is CPU-bound and each text is independent, so batches of whole lines
// (one read block, about 1 MB) are redacted in turn by the main thread and by worker threads of
// this process, and the output is written in input order. The main thread reads, splits blocks at
// their last newline, redacts every n-th batch itself and writes; it stays synchronous (blocking
// reads and writes are the backpressure), receiving results with receiveMessageOnPort and sleeping
// on an Atomics counter the workers bump after each batch. At most IN_FLIGHT_PER_THREAD batches
// per thread are out at once, so memory stays bounded. The main thread redacts too because each
// thread compiles the scan on its own (V8 isolates share no code): a pool of n threads pays that
// n times, so the main thread must not be an extra one.

const IN_FLIGHT_PER_THREAD = 2;
/** Input smaller than this is redacted on the main thread alone: workers would cost more than they save. */
const POOL_THRESHOLD_BYTES = 2 * BLOCK_BYTES;

type WorkerSetup = { redactWorker: true; key: Uint8Array; results: MessagePort; signal: SharedArrayBuffer };
type Batch = { seq: number; bytes: Uint8Array };
type BatchResult = { seq: number; output: Uint8Array[]; lines: number; problems: LineProblem[]; failure?: string };

/**
 * How many threads redact: REDACT_THREADS, else one per core that is idle now (cores the process
 * may use minus the 1-minute load average), at least 1: the main thread alone. A worker only pays
 * when a core is free to run it; on a busy machine it competes with the main thread and adds its
 * own start-up and compilation (measured in docs/benchmarks.md and ADR 0103).
 */
function threadCount(): number {
  const configured = process.env.REDACT_THREADS;
  if (configured !== undefined && configured.trim() !== "") {
    const n = Number(configured);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new ConfigError(["REDACT_THREADS must be an integer from 1 to 64"]);
    return n;
  }
  const cores = os.availableParallelism();
  return Math.max(1, Math.min(16, cores - Math.floor(os.loadavg()[0] ?? 0)));
}

/**
 * Workers start from the bundle `npm run redact` runs. Run from TypeScript source through tsx, a
 * worker would load its modules through tsx's hooks, which Node 20 serves from the main thread's
 * event loop — blocked here by design — so from source the main thread redacts alone.
 */
const CAN_START_WORKERS = !import.meta.url.endsWith(".ts");

/** The output of the batch being redacted on this thread (one buffer, reused from batch to batch). */
let batchChunks: Uint8Array[] = [];
let batchOutput: Output | undefined;

/** Redacts one batch of lines (numbered from 1 within the batch) into a result. */
function redactBatch(redactor: Redactor, seq: number, bytes: Buffer): BatchResult {
  const chunks: Uint8Array[] = (batchChunks = []);
  const output = (batchOutput ??= new Output((b) => batchChunks.push(Uint8Array.prototype.slice.call(b))));
  try {
    const { lines, problems } = handleLines(redactor, output, bytes, 0, bytes.length, 1);
    output.flush();
    return { seq, output: chunks, lines, problems };
  } catch {
    output.flush(); // into this batch's chunks, dropped
    // never the error's message: it may quote input text
    return { seq, output: [], lines: 0, problems: [], failure: "a batch failed" };
  }
}

function runWorker(setup: WorkerSetup): void {
  const redactor = createRedactor({ key: Buffer.from(setup.key) });
  const counter = new Int32Array(setup.signal);
  const { results } = setup;
  parentPort!.on("message", ({ seq, bytes }: Batch) => {
    results.postMessage(redactBatch(redactor, seq, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
    Atomics.add(counter, 0, 1);
    Atomics.notify(counter, 0);
  });
}

class Pool {
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly counter = new Int32Array(new SharedArrayBuffer(4));
  private readonly done = new Map<number, BatchResult>();
  private nextSeq = 0;
  /** the oldest batch not yet written out */
  private nextOut = 0;
  private turn = 0;

  /** `threads` redact: the main thread (with `redactor`) and threads - 1 workers. */
  constructor(threads: number, key: Buffer, private readonly redactor: Redactor, private readonly emit: (result: BatchResult) => void) {
    const url = new URL(import.meta.url);
    for (let i = 1; i < threads; i++) {
      const channel = new MessageChannel();
      const setup: WorkerSetup = { redactWorker: true, key: new Uint8Array(key), results: channel.port2, signal: this.counter.buffer as SharedArrayBuffer };
      const worker = new Worker(url, { workerData: setup, transferList: [channel.port2], stdout: false, stderr: false });
      worker.unref();
      this.workers.push(worker);
      this.ports.push(channel.port1);
    }
  }

  /** Redacts a batch here or hands it (copied) to a worker, first waiting while too many are out. */
  submit(bytes: Buffer, start: number, end: number): void {
    const threads = this.workers.length + 1;
    while (this.nextSeq - this.nextOut >= threads * IN_FLIGHT_PER_THREAD) this.writeOldest(true);
    const seq = this.nextSeq++;
    if (this.turn === this.workers.length) {
      this.done.set(seq, redactBatch(this.redactor, seq, bytes.subarray(start, end)));
    } else {
      const copy = new Uint8Array(end - start);
      copy.set(bytes.subarray(start, end));
      const batch: Batch = { seq, bytes: copy };
      this.workers[this.turn]!.postMessage(batch, [copy.buffer]);
    }
    this.turn = (this.turn + 1) % threads;
    while (this.writeOldest(false));
  }

  /** Waits for every batch out and writes them, in order. */
  drain(): void {
    while (this.nextOut < this.nextSeq) this.writeOldest(true);
  }

  async close(): Promise<void> {
    for (const port of this.ports) port.close();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Writes the oldest batch out if it is done (waiting for it when `wait`); says whether it did. */
  private writeOldest(wait: boolean): boolean {
    for (;;) {
      const seen = Atomics.load(this.counter, 0);
      for (const port of this.ports) {
        for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
          const result = m.message as BatchResult;
          this.done.set(result.seq, result);
        }
      }
      const result = this.done.get(this.nextOut);
      if (result !== undefined) {
        this.done.delete(this.nextOut);
        this.nextOut++;
        this.emit(result);
        return true;
      }
      if (!wait || this.nextOut === this.nextSeq) return false;
      // a worker that died cannot bump the counter: look again now and then
      Atomics.wait(this.counter, 0, seen, 1000);
      if (this.workers.some((w) => w.threadId === -1)) throw new Error("a redaction worker stopped");
    }
  }
}

/** Runs the command; returns its exit code. */
export async function main(): Promise<number> {
  let pool: Pool | undefined;
  try {
    return run((p) => (pool = p));
  } catch (error) {
    process.stderr.write(error instanceof OutputClosed ? "redact: stdout was closed, stopping\n" : "redact: unexpected failure\n");
    return error instanceof OutputClosed ? 1 : 2;
  } finally {
    await (pool as Pool | undefined)?.close();
  }
}

function run(keepPool: (pool: Pool) => void): number {
  let key: Buffer;
  let threads: number;
  try {
    const config = getConfig();
    key = config.redactionKey;
    threads = threadCount();
    if (config.demoSecretsFile) {
      process.stderr.write(`redact: demo mode: fingerprints use the generated redaction key in ${config.demoSecretsFile}\n`);
    }
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : "redact: cannot load the configuration"}\n`);
    return 2;
  }

  const output = Output.toFd(1);
  let failed = 0;
  let lineNumber = 0;
  let redactor: Redactor | undefined;
  let pool: Pool | undefined;
  let bytesSeen = 0;

  const report = (problems: LineProblem[]) => {
    for (const { line, problem } of problems) process.stderr.write(`redact: line ${line}: ${problem}\n`);
    failed += problems.length;
  };

  /** Whole lines at bytes[start, end) (the last one may lack its newline at the end of the input). */
  const handle = (bytes: Buffer, start: number, end: number) => {
    bytesSeen += end - start;
    redactor ??= createRedactor({ key });
    if (pool === undefined && threads > 1 && CAN_START_WORKERS && bytesSeen > POOL_THRESHOLD_BYTES) {
      pool = new Pool(threads, key, redactor, (result) => {
        if (result.failure !== undefined) throw new Error(result.failure);
        for (const chunk of result.output) output.bytes(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), 0, chunk.byteLength);
        report(result.problems.map(({ line, problem }) => ({ line: line + lineNumber, problem })));
        lineNumber += result.lines;
      });
      keepPool(pool);
    }
    if (pool !== undefined) {
      pool.submit(bytes, start, end);
      return;
    }
    const { lines, problems } = handleLines(redactor, output, bytes, start, end, lineNumber + 1);
    report(problems);
    lineNumber += lines;
  };

  const handleOverLong = (prefix: string) => {
    pool?.drain(); // the lines before it come first
    lineNumber++;
    const id = idFromPrefix(prefix);
    const problem = `line longer than ${MAX_LINE_BYTES} bytes`;
    report([{ line: lineNumber, problem }]);
    if (id !== undefined) output.line(JSON.stringify({ id, error: problem }));
  };

  // `buffer[0, filled)` holds the unfinished line; it grows up to MAX_LINE_BYTES, beyond that the
  // line's first KB is kept (for its id) and the rest skipped up to its newline.
  let buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  let filled = 0;
  let skipping: string | undefined;
  for (;;) {
    if (buffer.length - filled < BLOCK_BYTES / 4) {
      const bigger = Buffer.allocUnsafe(Math.min(Math.max(buffer.length * 2, filled + BLOCK_BYTES), MAX_LINE_BYTES + BLOCK_BYTES));
      buffer.copy(bigger, 0, 0, filled);
      buffer = bigger;
    }
    const read = readBlock(0, buffer, filled);
    if (read === 0) break;
    const end = filled + read;
    let from = 0;
    if (skipping !== undefined) {
      const newline = buffer.indexOf(10, filled);
      if (newline === -1 || newline >= end) {
        filled = 0;
        continue;
      }
      handleOverLong(skipping);
      skipping = undefined;
      from = newline + 1;
    }
    // the lines this block completes: up to its last newline (only the new bytes can hold it)
    const last = buffer.subarray(Math.max(from, filled), end).lastIndexOf(10);
    if (last !== -1) {
      const through = Math.max(from, filled) + last + 1;
      handle(buffer, from, through);
      from = through;
    }
    // keep the unfinished line at the start of the buffer
    if (end - from > MAX_LINE_BYTES) {
      skipping = buffer.toString("utf8", from, from + 1024);
      filled = 0;
    } else {
      buffer.copy(buffer, 0, from, end);
      filled = end - from;
    }
    if (buffer.length > 4 * BLOCK_BYTES && filled < BLOCK_BYTES) {
      const smaller = Buffer.allocUnsafe(BLOCK_BYTES * 2);
      buffer.copy(smaller, 0, 0, filled);
      buffer = smaller;
    }
  }
  if (skipping !== undefined) handleOverLong(skipping);
  else if (filled > 0) handle(buffer, 0, filled);
  (pool as Pool | undefined)?.drain();
  output.flush();

  if (failed > 0) process.stderr.write(`redact: ${failed} of ${lineNumber} line${lineNumber === 1 ? "" : "s"} failed\n`);
  return failed > 0 ? 1 : 0;
}

if (isMainThread) {
  if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    void main().then((code) => (process.exitCode = code));
  }
} else if ((workerData as WorkerSetup | undefined)?.redactWorker === true) {
  runWorker(workerData as WorkerSetup);
}
