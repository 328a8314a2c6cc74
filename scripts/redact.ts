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
import { isUtf8 } from "node:buffer";
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
 * Walks a JSON string literal from byte `at` (text offset `unit`) to text offset `target`, and
 * returns the byte there, or -1 when `target` falls between the two halves of a surrogate pair
 * written as one 4-byte UTF-8 character (it cannot be cut there). `ascii`: the literal has no byte
 * above 0x7f, so only escapes need looking at.
 */
function byteAt(bytes: Buffer, at: number, unit: number, target: number, literalEnd: number, ascii: boolean): number {
  if (ascii) {
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
  while (unit < target) {
    const c = bytes[at]!;
    if (c === BACKSLASH) {
      at += bytes[at + 1] === 0x75 ? 6 : 2;
      unit++;
    } else if (c < 0x80) {
      at++;
      unit++;
    } else if (c < 0xe0) {
      at += 2;
      unit++;
    } else if (c < 0xf0) {
      at += 3;
      unit++;
    } else {
      if (unit + 1 === target) return -1;
      at += 4;
      unit += 2;
    }
  }
  return at;
}

/**
 * Writes the output line for an input line at bytes[start, end) whose text was redacted into
 * `findings`, by copying the input's text literal around the placeholders. Returns false, having
 * written nothing, when the line does not allow it (then the caller builds it with JSON.stringify).
 */
function writeSpliced(output: Output, bytes: Buffer, start: number, end: number, line: string, id: Id, findings: readonly Finding[]): boolean {
  const literal = textLiteral(bytes, start, end);
  if (literal === undefined || !isUtf8(bytes.subarray(start, end))) return false;
  const [literalStart, literalEnd] = literal;
  const ascii = line.length === end - start; // valid UTF-8 with one character per byte
  const cuts: number[] = [];
  let at = literalStart;
  let unit = 0;
  for (const f of findings) {
    for (const target of [f.start, f.end]) {
      at = byteAt(bytes, at, unit, target, literalEnd, ascii);
      if (at === -1 || at > literalEnd) return false;
      unit = target;
      cuts.push(at);
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

/** Output lines gathered in one buffer and written with blocking writes when it fills up. */
class Output {
  private readonly buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  private used = 0;
  constructor(private readonly fd: number) {}

  line(text: string): void {
    this.text(text);
    this.newline();
  }

  text(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    if (this.used + text.length * 3 > this.buffer.length) {
      this.flush();
      if (text.length * 3 > this.buffer.length) {
        this.writeAll(Buffer.from(text, "utf8"));
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
    const parsed = parseLine(line);
    if (parsed.id === undefined) {
      failed++;
      process.stderr.write(`redact: line ${lineNumber}: ${parsed.error}\n`);
      if (parsed.output) output.line(parsed.output);
      return;
    }
    const { redacted, findings } = redactor.redactWithoutTextFingerprint(parsed.text);
    if (!writeSpliced(output, bytes, start, end, line, parsed.id, findings)) {
      output.line(`{"id":${JSON.stringify(parsed.id)},"redacted":${JSON.stringify(redacted)}${findingsJson(findings)}`);
    }
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
