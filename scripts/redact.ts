/**
 * npm run redact — JSON lines in, JSON lines out, one output line per input line, in order:
 *
 *   stdin:  {"id": "a1", "text": "token ghp_…"}
 *   stdout: {"id":"a1","redacted":"token [SECRET:github_token:4f1a9c2e]","findings":[{"type":"github_token","start":6,"end":46}]}
 *
 * Offsets are JavaScript string indices into the original text. Streaming: stdin is read in chunks
 * and split into lines here (not by readline, so an over-long line is dropped without being buffered),
 * and writing waits for stdout to drain, so memory stays flat whatever the input size.
 *
 * A bad line gets a message on stderr naming its line number and the problem — never its text —
 * and, when its id can be read, an output line {"id", "error"}; the run goes on and exits 1 at the end.
 */
import { once } from "node:events";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import { fileURLToPath } from "node:url";
import { ConfigError, getConfig } from "../app/lib/config.server";
import { createRedactor, type Redactor } from "../app/lib/redaction";

/** Lines above this size are rejected rather than held in memory. */
const MAX_LINE_CHARS = 64 * 1024 * 1024;

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
  const result = redactor.redact(record.text);
  return {
    output: JSON.stringify({
      id,
      redacted: result.redacted,
      findings: result.findings.map((f) => ({ type: f.type, start: f.start, end: f.end })),
    }),
  };
}

async function main(): Promise<number> {
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

  const stdout = process.stdout;
  let failed = 0;
  let lineNumber = 0;
  let pending = "";
  let overLong = false;
  let overLongPrefix = "";
  const decoder = new StringDecoder("utf8");

  const write = async (text: string) => {
    if (!stdout.write(text)) await once(stdout, "drain");
  };

  const handle = async (rawLine: string) => {
    lineNumber++;
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === "") return; // blank lines carry nothing to redact
    const outcome = processLine(redactor, line);
    if (outcome.error) {
      failed++;
      process.stderr.write(`redact: line ${lineNumber}: ${outcome.error}\n`);
    }
    if (outcome.output) await write(`${outcome.output}\n`);
  };

  const handleOverLong = async () => {
    lineNumber++;
    failed++;
    const id = idFromPrefix(overLongPrefix);
    const problem = `line longer than ${MAX_LINE_CHARS} characters`;
    process.stderr.write(`redact: line ${lineNumber}: ${problem}\n`);
    if (id !== undefined) await write(`${JSON.stringify({ id, error: problem })}\n`);
  };

  const consume = async (chunk: string) => {
    let from = 0;
    for (;;) {
      const newline = chunk.indexOf("\n", from);
      if (newline === -1) break;
      const piece = chunk.slice(from, newline);
      from = newline + 1;
      if (overLong) {
        overLong = false;
        await handleOverLong();
        continue;
      }
      const line = pending.length > 0 ? pending + piece : piece;
      pending = "";
      if (line.length > MAX_LINE_CHARS) {
        overLongPrefix = line.slice(0, 1024);
        await handleOverLong();
        continue;
      }
      await handle(line);
    }
    const rest = chunk.slice(from);
    if (overLong) return;
    if (pending.length + rest.length > MAX_LINE_CHARS) {
      overLong = true;
      overLongPrefix = (pending + rest.slice(0, 1024)).slice(0, 1024);
      pending = "";
      return;
    }
    pending += rest;
  };

  // for await gives backpressure: no new chunk is read while a write is waiting for drain
  for await (const chunk of process.stdin) {
    await consume(typeof chunk === "string" ? chunk : decoder.write(chunk as Buffer));
  }
  await consume(decoder.end());
  if (overLong) await handleOverLong();
  else if (pending.length > 0) await handle(pending);

  if (failed > 0) process.stderr.write(`redact: ${failed} of ${lineNumber} line${lineNumber === 1 ? "" : "s"} failed\n`);
  return failed > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.stderr.write("redact: unexpected failure\n");
      process.exitCode = 2;
    },
  );
}
