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
import { createRedactor, type Redactor } from "../app/lib/redaction";

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

/** Handles one input line. Never puts the text (or any part of it) in an error. */
export function processLine(redactor: Redactor, line: string): LineOutcome {
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
  const { redacted, findings } = redactor.redactWithoutTextFingerprint(record.text);
  // Built by hand (same bytes as JSON.stringify of {id, redacted, findings: [{type, start, end}]}):
  // types are snake_case names and offsets integers, so only the id and the text need escaping.
  let output = `{"id":${JSON.stringify(id)},"redacted":${JSON.stringify(redacted)},"findings":[`;
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    output += `${i === 0 ? "" : ","}{"type":"${f.type}","start":${f.start},"end":${f.end}}`;
  }
  return { output: `${output}]}` };
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

/** Output lines gathered in one buffer and written with blocking writes when it fills up. */
class Output {
  private readonly buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  private used = 0;
  constructor(private readonly fd: number) {}

  line(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    if (this.used + text.length * 3 + 1 > this.buffer.length) {
      this.flush();
      if (text.length * 3 + 1 > this.buffer.length) {
        this.writeAll(Buffer.from(`${text}\n`, "utf8"));
        return;
      }
    }
    this.used += this.buffer.write(text, this.used, "utf8");
    this.buffer[this.used++] = 10;
  }

  flush(): void {
    if (this.used > 0) this.writeAll(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private writeAll(bytes: Buffer): void {
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += fs.writeSync(this.fd, bytes, offset, bytes.length - offset);
      } catch (error) {
        if (isAgain(error)) pause(1);
        else if ((error as NodeJS.ErrnoException).code === "EPIPE") throw new OutputClosed();
        else throw error;
      }
    }
  }
}

/** Runs the command; returns its exit code. */
export function main(): number {
  try {
    return run();
  } catch (error) {
    process.stderr.write(error instanceof OutputClosed ? "redact: stdout was closed, stopping\n" : "redact: unexpected failure\n");
    return error instanceof OutputClosed ? 1 : 2;
  }
}

function run(): number {
  let redactor: Redactor;
  try {
    const config = getConfig();
    redactor = createRedactor({ key: config.redactionKey });
    if (config.demoSecretsFile) {
      process.stderr.write(`redact: demo mode: fingerprints use the generated redaction key in ${config.demoSecretsFile}\n`);
    }
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : "redact: cannot load the configuration"}\n`);
    return 2;
  }

  const output = new Output(1);
  let failed = 0;
  let lineNumber = 0;

  const handle = (bytes: Buffer, start: number, end: number) => {
    lineNumber++;
    if (end > start && bytes[end - 1] === 13) end--; // CRLF
    const line = bytes.toString("utf8", start, end);
    if (line.trim() === "") return; // blank lines carry nothing to redact
    const outcome = processLine(redactor, line);
    if (outcome.error) {
      failed++;
      process.stderr.write(`redact: line ${lineNumber}: ${outcome.error}\n`);
    }
    if (outcome.output) output.line(outcome.output);
  };

  const handleOverLong = (prefix: string) => {
    lineNumber++;
    failed++;
    const id = idFromPrefix(prefix);
    const problem = `line longer than ${MAX_LINE_BYTES} bytes`;
    process.stderr.write(`redact: line ${lineNumber}: ${problem}\n`);
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
    let scanFrom = filled;
    for (;;) {
      const newline = buffer.indexOf(10, scanFrom);
      if (newline === -1 || newline >= end) break;
      if (skipping !== undefined) {
        handleOverLong(skipping);
        skipping = undefined;
      } else {
        handle(buffer, from, newline);
      }
      from = newline + 1;
      scanFrom = from;
    }
    // keep the unfinished line at the start of the buffer
    if (skipping !== undefined) {
      filled = 0;
    } else if (end - from > MAX_LINE_BYTES) {
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
  output.flush();

  if (failed > 0) process.stderr.write(`redact: ${failed} of ${lineNumber} line${lineNumber === 1 ? "" : "s"} failed\n`);
  return failed > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
