/**
 * npm run redact — JSON lines in, JSON lines out, one output line per input line, in order:
 *
 *   stdin:  {"id": "a1", "text": "token ghp_…"}
 *   stdout: {"id":"a1","redacted":"token [SECRET:github_token:4f1a9c2e]","findings":[{"type":"github_token","start":6,"end":46}]}
 *
 * Offsets are JavaScript string indices into the original text. Streaming with constant memory:
 * stdin is read in 1 MB blocks and split into lines as bytes (a line longer than MAX_LINE_BYTES is
 * dropped without being held), output is written as it is ready, and at most a few batches per
 * thread are in flight, so memory stays flat whatever the input size.
 *
 * Why bytes and blocking writes: this is how the product is measured, so the loop around the
 * redactor must cost little next to it. Each line is decoded on its own, so an ASCII line stays a
 * one-byte string (scanned and encoded faster) even when its neighbours hold CJK text; writes
 * block, which is the backpressure.
 *
 * Threads (REDACT_THREADS, by default one per core the process may use): with one, the main thread
 * reads, redacts and writes. With more, the main thread only reads, cuts the input into ~1 MB
 * batches at newlines (indexOf on the bytes), moves each batch's bytes to the least busy worker and
 * writes the output bytes the workers move back, in input order; the workers
 * (scripts/redact-worker.ts) decode, parse, redact and serialise. See ADR 0103's addenda.
 *
 * A bad line gets a message on stderr naming its line number and the problem — never its text —
 * and, when its id can be read, an output line {"id", "error"}; the run goes on and exits 1 at the end.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ConfigError, getConfig } from "../app/lib/config.server";
import { createRedactor, type Redactor } from "../app/lib/redaction";
import { handleLines, idFromPrefix, type BatchResult, type LineOutput, type LineProblem, type WorkerBatch, type WorkerSetup } from "./redact-lines";

/** Lines above this size (in bytes of UTF-8) are rejected rather than held in memory. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
const BLOCK_BYTES = 1024 * 1024;

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

/** readBlock for the pool's main thread: the event loop runs (workers' results are written) while it waits for input. */
async function readBlockAsync(fd: number, buffer: Buffer, offset: number): Promise<number> {
  for (;;) {
    try {
      return await new Promise<number>((resolve, reject) => fs.read(fd, buffer, offset, buffer.length - offset, null, (error, read) => (error ? reject(error) : resolve(read))));
    } catch (error) {
      if (isAgain(error)) await new Promise((resolve) => setTimeout(resolve, 1));
      else if ((error as NodeJS.ErrnoException).code === "EOF") return 0;
      else throw error;
    }
  }
}

/** Output lines gathered in one buffer and handed to `sink` (blocking writes to stdout) when it fills up. */
class Output implements LineOutput {
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

// ---------------------------------------------------------------------------------------------
// The thread pool. Redaction is CPU-bound and each line is independent, so with more than one
// thread the main thread does no line work at all: it reads, cuts ~1 MB batches at their last
// newline, moves each batch's ArrayBuffer (no copy) to the worker with the fewest batches out,
// and writes the output bytes the workers move back, in input order. Its reads are asynchronous
// so results are written while it waits for input (a slow writer still gets its answers); its
// writes block, which is the backpressure. At most IN_FLIGHT_PER_WORKER batches per worker are out
// at once (one being redacted, one queued), so memory stays bounded.

const IN_FLIGHT_PER_WORKER = 2;
/**
 * Input smaller than this is redacted on the main thread alone: starting a worker costs ~0.1 s of
 * start-up and V8's compilation of the scan (up to ~1 CPU s on compiler threads) per thread.
 */
const POOL_THRESHOLD_BYTES = 2 * BLOCK_BYTES;

/**
 * How many threads redact: REDACT_THREADS, else one per core the process may use
 * (os.availableParallelism(), at most 16). 1 is the main thread alone; n > 1 is n workers, the
 * main thread only moving bytes (a few per cent of one core; ADR 0103 has the measurements).
 */
function threadCount(): number {
  const configured = process.env.REDACT_THREADS;
  if (configured !== undefined && configured.trim() !== "") {
    const n = Number(configured);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new ConfigError(["REDACT_THREADS must be an integer from 1 to 64"]);
    return n;
  }
  return Math.max(1, Math.min(16, os.availableParallelism()));
}

/**
 * The workers' own bundle, built beside this one by scripts/run-bundled.mjs (redact.mjs →
 * redact-worker.mjs). Run from TypeScript source through tsx there is none — a worker would load
 * its modules through tsx's hooks — so from source the main thread redacts alone.
 */
function workerBundle(): URL | undefined {
  if (!import.meta.url.endsWith(".mjs")) return undefined;
  const url = new URL(import.meta.url.replace(/\.mjs$/, "-worker.mjs"));
  return fs.existsSync(fileURLToPath(url)) ? url : undefined;
}

class Pool {
  private readonly workers: Worker[] = [];
  /** batches out per worker */
  private readonly out: number[] = [];
  /** results that came back before an older batch's */
  private readonly done = new Map<number, BatchResult>();
  private nextSeq = 0;
  /** the oldest batch not yet written out */
  private nextOut = 0;
  /** written-out output buffers, to go out again with later batches */
  private readonly spareOutputs: ArrayBuffer[] = [];
  /** input buffers of BLOCK_BYTES back from the workers, for later reads */
  private readonly spareInputs: ArrayBuffer[] = [];
  private failure: unknown;
  private closing = false;
  private wake: (() => void) | undefined;

  constructor(threads: number, key: Buffer, url: URL, private readonly emit: (result: BatchResult) => void) {
    for (let i = 0; i < threads; i++) {
      const setup: WorkerSetup = { key: new Uint8Array(key) };
      const worker = new Worker(url, { workerData: setup, stdout: false, stderr: false });
      worker.on("message", (result: BatchResult) => this.receive(i, result));
      // never the error's message: it may quote input text
      worker.on("error", () => this.fail(new Error("a redaction worker failed")));
      worker.on("exit", () => {
        if (!this.closing) this.fail(new Error("a redaction worker stopped"));
      });
      this.workers.push(worker);
      this.out.push(0);
    }
  }

  /**
   * Hands whole lines at bytes[start, end) to a worker, first waiting while too many batches are
   * out. The batch's ArrayBuffer moves to the worker: `bytes` must own it (Buffer.allocUnsafeSlow)
   * and is unusable afterwards.
   */
  async submit(bytes: Buffer, start: number, end: number): Promise<void> {
    while (this.failure === undefined && this.nextSeq - this.nextOut >= this.workers.length * IN_FLIGHT_PER_WORKER) await this.progress();
    if (this.failure !== undefined) throw this.failure;
    let w = 0;
    for (let i = 1; i < this.out.length; i++) if (this.out[i]! < this.out[w]!) w = i;
    const spare = this.spareOutputs.pop();
    const batch: WorkerBatch = { seq: this.nextSeq++, buffer: bytes.buffer as ArrayBuffer, start: bytes.byteOffset + start, end: bytes.byteOffset + end, spare };
    this.out[w]!++;
    this.workers[w]!.postMessage(batch, spare === undefined ? [batch.buffer] : [batch.buffer, spare]);
  }

  /** A BLOCK_BYTES buffer to read into: one a worker gave back, or a new one. */
  takeBlock(): Buffer {
    const spare = this.spareInputs.pop();
    return spare === undefined ? Buffer.allocUnsafeSlow(BLOCK_BYTES) : Buffer.from(spare);
  }

  /** Waits until every batch out is written. */
  async drain(): Promise<void> {
    while (this.failure === undefined && this.nextOut < this.nextSeq) await this.progress();
    if (this.failure !== undefined) throw this.failure;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private receive(worker: number, result: BatchResult): void {
    this.out[worker]!--;
    this.done.set(result.seq, result);
    const keep = this.workers.length * IN_FLIGHT_PER_WORKER;
    if (result.input?.byteLength === BLOCK_BYTES && this.spareInputs.length < keep) this.spareInputs.push(result.input);
    try {
      for (let next = this.done.get(this.nextOut); next !== undefined; next = this.done.get(this.nextOut)) {
        this.done.delete(this.nextOut);
        this.nextOut++;
        this.emit(next);
        if (next.output !== undefined && this.spareOutputs.length < keep) this.spareOutputs.push(next.output);
      }
    } catch (error) {
      this.fail(error);
    }
    this.notify();
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private progress(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }
}

/** Runs the command; returns its exit code. */
export async function main(): Promise<number> {
  let pool: Pool | undefined;
  try {
    return await run((p) => (pool = p));
  } catch (error) {
    process.stderr.write(error instanceof OutputClosed ? "redact: stdout was closed, stopping\n" : "redact: unexpected failure\n");
    return error instanceof OutputClosed ? 1 : 2;
  } finally {
    await (pool as Pool | undefined)?.close();
  }
}

async function run(keepPool: (pool: Pool) => void): Promise<number> {
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
  const workerUrl = threads > 1 ? workerBundle() : undefined;
  let pool: Pool | undefined;
  /** With workers: the first batches, kept until the input proves longer than POOL_THRESHOLD_BYTES (or ends). */
  let pending: Array<[Buffer, number, number]> | undefined = workerUrl === undefined ? undefined : [];
  let pendingBytes = 0;

  const report = (problems: LineProblem[], firstLine: number) => {
    for (const { line, problem } of problems) process.stderr.write(`redact: line ${firstLine + line - 1}: ${problem}\n`);
    failed += problems.length;
  };

  const redactHere = (bytes: Buffer, start: number, end: number) => {
    redactor ??= createRedactor({ key });
    const { lines, problems } = handleLines(redactor, output, bytes, start, end, 1);
    report(problems, lineNumber + 1);
    lineNumber += lines;
  };

  const redactPendingHere = () => {
    for (const [bytes, start, end] of pending ?? []) redactHere(bytes, start, end);
    pending = pending && [];
    pendingBytes = 0;
  };

  const emit = (result: BatchResult) => {
    if (result.failure !== undefined) throw new Error(result.failure);
    output.flush(); // the lines written here before this batch's
    writeAll(1, new Uint8Array(result.output!, result.outputOffset, result.outputLength));
    report(result.problems, lineNumber + 1);
    lineNumber += result.lines;
  };

  /**
   * Whole lines at bytes[start, end) (the last one may lack its newline at the end of the input).
   * With workers it takes `bytes` (its ArrayBuffer moves to a worker).
   */
  const handle = async (bytes: Buffer, start: number, end: number) => {
    if (pool !== undefined) return pool.submit(bytes, start, end);
    if (pending === undefined) return redactHere(bytes, start, end);
    pending.push([bytes, start, end]);
    pendingBytes += end - start;
    if (pendingBytes <= POOL_THRESHOLD_BYTES) return;
    pool = new Pool(threads, key, workerUrl!, emit);
    keepPool(pool);
    const batches = pending;
    pending = undefined;
    for (const [b, s, e] of batches) await pool.submit(b, s, e);
  };

  const handleOverLong = async (prefix: string) => {
    // the lines before it come first
    if (pool !== undefined) await pool.drain();
    else redactPendingHere();
    lineNumber++;
    const id = idFromPrefix(prefix);
    const problem = `line longer than ${MAX_LINE_BYTES} bytes`;
    report([{ line: 1, problem }], lineNumber);
    if (id !== undefined) output.line(JSON.stringify({ id, error: problem }));
  };

  // `buffer[0, filled)` holds the unfinished line; it grows up to MAX_LINE_BYTES, beyond that the
  // line's first KB is kept (for its id) and the rest skipped up to its newline. With workers each
  // batch leaves with the buffer it was read into (allocUnsafeSlow: it owns its ArrayBuffer, which
  // can be moved), and the unfinished line is copied to the next one: a buffer a worker gave back.
  // Input and output buffers go round between the threads, so the steady state allocates none.
  const moveBatches = workerUrl !== undefined;
  let buffer: Buffer = Buffer.allocUnsafeSlow(BLOCK_BYTES);
  let filled = 0;
  let skipping: string | undefined;
  for (;;) {
    if (buffer.length - filled < BLOCK_BYTES / 4) {
      const bigger = Buffer.allocUnsafeSlow(Math.min(Math.max(buffer.length * 2, filled + BLOCK_BYTES), MAX_LINE_BYTES + BLOCK_BYTES));
      buffer.copy(bigger, 0, 0, filled);
      buffer = bigger;
    }
    const read = moveBatches ? await readBlockAsync(0, buffer, filled) : readBlock(0, buffer, filled);
    if (read === 0) break;
    const end = filled + read;
    let from = 0;
    if (skipping !== undefined) {
      const newline = buffer.indexOf(10, filled);
      if (newline === -1 || newline >= end) {
        filled = 0;
        continue;
      }
      await handleOverLong(skipping);
      skipping = undefined;
      from = newline + 1;
    }
    // the lines this block completes: up to its last newline (only the new bytes can hold it)
    const last = buffer.subarray(Math.max(from, filled), end).lastIndexOf(10);
    const through = last === -1 ? from : Math.max(from, filled) + last + 1;
    const unfinished = end - through;
    const overLong = unfinished > MAX_LINE_BYTES;
    if (overLong) skipping = buffer.toString("utf8", through, through + 1024);
    if (moveBatches && through > from) {
      const size = overLong ? BLOCK_BYTES : Math.max(BLOCK_BYTES, unfinished + BLOCK_BYTES / 2);
      const next = pool !== undefined && size === BLOCK_BYTES ? (pool as Pool).takeBlock() : Buffer.allocUnsafeSlow(size);
      if (!overLong) buffer.copy(next, 0, through, end);
      const batch = buffer;
      buffer = next;
      filled = overLong ? 0 : unfinished;
      await handle(batch, from, through);
      continue;
    }
    if (through > from) await handle(buffer, from, through);
    // keep the unfinished line at the start of the buffer
    if (overLong) {
      filled = 0;
    } else {
      buffer.copy(buffer, 0, through, end);
      filled = unfinished;
    }
    if (buffer.length > 4 * BLOCK_BYTES && filled < BLOCK_BYTES) {
      const smaller = Buffer.allocUnsafeSlow(BLOCK_BYTES * 2);
      buffer.copy(smaller, 0, 0, filled);
      buffer = smaller;
    }
  }
  if (skipping !== undefined) await handleOverLong(skipping);
  else if (filled > 0) await handle(buffer, 0, filled);
  redactPendingHere();
  if (pool !== undefined) await (pool as Pool).drain();
  output.flush();

  if (failed > 0) process.stderr.write(`redact: ${failed} of ${lineNumber} line${lineNumber === 1 ? "" : "s"} failed\n`);
  return failed > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main().then((code) => (process.exitCode = code));
}
