/**
 * The line work of `npm run redact` (scripts/redact.ts), shared by its main thread and its pool
 * workers (scripts/redact-worker.ts): parse a line `{"id","text"}`, redact the text, and write the
 * output line as bytes. Nothing here reads stdin or writes stdout, and nothing here imports the
 * configuration, so a worker's bundle holds the redaction module and this file only.
 */
import { isAscii, isUtf8 } from "node:buffer";
import { renderPlaceholder, type Finding, type Redactor } from "../app/lib/redaction";

export type Id = string | number;

function readId(value: unknown): Id | undefined {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value)) ? value : undefined;
}


/** The id of a line too long to parse, read from its start when it leads the object. */
export function idFromPrefix(prefix: string): Id | undefined {
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
function writeSpliced(output: LineOutput, bytes: Buffer, start: number, end: number, line: string, ascii: boolean, id: Id, findings: readonly Finding[]): boolean {
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

/** Where output lines go: the bytes of a batch (a worker's, or the main thread's stdout buffer). */
export interface LineOutput {
  text(text: string): void;
  bytes(source: Buffer, start: number, end: number): void;
  newline(): void;
}

function writeLine(output: LineOutput, text: string): void {
  output.text(text);
  output.newline();
}

/**
 * The output lines of one batch, in one growing buffer whose bytes are handed to the main thread
 * as they are (the ArrayBuffer is transferred, not copied): sized for the batch's input plus room
 * for placeholders (or a buffer that came back from the main thread, when it is that large),
 * doubled in the rare batch that needs more.
 */
export class BatchOutput implements LineOutput {
  buffer: Buffer;
  used = 0;
  constructor(expectedBytes: number, spare?: ArrayBuffer) {
    const size = Math.max(64 * 1024, expectedBytes + (expectedBytes >> 3));
    this.buffer = spare !== undefined && spare.byteLength >= size ? Buffer.from(spare) : Buffer.allocUnsafeSlow(size);
  }

  private room(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.used + bytes));
    this.buffer.copy(bigger, 0, 0, this.used);
    this.buffer = bigger;
  }

  text(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    this.room(text.length * 3);
    this.used += this.buffer.write(text, this.used, "utf8");
  }

  bytes(source: Buffer, start: number, end: number): void {
    this.room(end - start);
    source.copy(this.buffer, this.used, start, end);
    this.used += end - start;
  }

  newline(): void {
    this.room(1);
    this.buffer[this.used++] = 10;
  }
}

/** A problem with one input line: its number (from 1) and what is wrong, never its text. */
export type LineProblem = { line: number; problem: string };

/**
 * Redacts one input line at bytes[start, end) (no newline) into `output`; returns the problem if
 * the line is bad (its output line, if any, is written).
 */
function handleLine(redactor: Redactor, output: LineOutput, bytes: Buffer, start: number, end: number): string | undefined {
  if (end > start && bytes[end - 1] === 13) end--; // CRLF
  // An ASCII line (found by a native check) decodes as latin1, a copy; it is valid UTF-8 as it is.
  const ascii = isAscii(bytes.subarray(start, end));
  const line = ascii ? bytes.toString("latin1", start, end) : bytes.toString("utf8", start, end);
  if (line.trim() === "") return undefined; // blank lines carry nothing to redact
  const parsed = parseLine(line);
  if (parsed.id === undefined) {
    if (parsed.output) writeLine(output, parsed.output);
    return parsed.error;
  }
  const { redacted, findings } = redactor.redactWithoutTextFingerprint(parsed.text);
  if (!writeSpliced(output, bytes, start, end, line, ascii, parsed.id, findings)) {
    writeLine(output, `{"id":${JSON.stringify(parsed.id)},"redacted":${JSON.stringify(redacted)}${findingsJson(findings)}`);
  }
  return undefined;
}

/**
 * Redacts every line of bytes[start, end): lines end with a newline, except perhaps the last
 * (the end of the input). Returns how many lines there were and the problems, numbered from
 * `firstLine`.
 */
export function handleLines(redactor: Redactor, output: LineOutput, bytes: Buffer, start: number, end: number, firstLine: number): { lines: number; problems: LineProblem[] } {
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
// The pool's messages (scripts/redact.ts and scripts/redact-worker.ts).

export type WorkerSetup = { key: Uint8Array };

/** Whole lines at buffer[start, end), the last one ending with a newline or the input. */
export type WorkerBatch = {
  seq: number;
  buffer: ArrayBuffer;
  start: number;
  end: number;
  /** an earlier batch's output buffer, written out, for this batch's output: buffers go round instead of being allocated and collected */
  spare?: ArrayBuffer;
};

/** A batch's output lines at output[outputOffset, outputOffset + outputLength); its problems numbered from 1 within the batch. */
export type BatchResult = {
  seq: number;
  /** the batch's input buffer, back for a later read */
  input?: ArrayBuffer;
  output?: ArrayBuffer;
  outputOffset?: number;
  outputLength?: number;
  lines: number;
  problems: LineProblem[];
  failure?: string;
};
