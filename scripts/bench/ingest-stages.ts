/**
 * Where the JavaScript side of ingest spends its CPU, stage by stage, per CODEX_LOG event:
 * `node --import tsx scripts/bench/ingest-stages.ts [users] [days]` (defaults 200 people, 3 days).
 * Renders the files with the simulator's generator (not timed), then runs each stage over all of
 * them on this thread alone and prints CPU µs per event: sha256 of the body, splitting and
 * JSON.parse, the envelope check and normalisation, redaction (text fields and attribute strings
 * apart), and the whole of prepareLogFile (the rest of which is sorting and writing COPY text).
 * A diagnostic for docs/decisions/0008-ingest-path.md, not a registered bench suite.
 */
import crypto from "node:crypto";
import { Generator } from "../simulator/index";
import { normalizeLine, type NormalizedEvent } from "../../app/lib/openai/compliance-events";
import { prepareLogFile, redactEvent } from "../../app/lib/ingest/prepare";
import { SessionSecrets } from "../../app/lib/openai/session-secrets";
import { createRedactor } from "../../app/lib/redaction";

const users = Number(process.argv[2] ?? 200);
const days = Number(process.argv[3] ?? 3);
const NOW = Date.parse("2026-11-20T12:00:00.000Z");
const generator = new Generator({ seed: 7, users, days: days + 1, start: NOW, bodyCacheBytes: 4 * 1024 ** 3 });

const bodies: Array<{ id: string; body: Buffer }> = [];
let afterUs = (NOW - days * 86_400_000) * 1000;
for (;;) {
  const page = generator.listFiles("CODEX_LOG", { afterUs, limit: 1000, nowMs: NOW });
  for (const f of page.files) bodies.push({ id: f.id, body: generator.fileBody(f.eventType, f.hourStart) });
  if (!page.hasMore || page.files.length === 0) break;
  afterUs = page.files.at(-1)!.endTimeUs;
}
const bytes = bodies.reduce((n, b) => n + b.body.length, 0);

function cpu<T>(run: () => T): { result: T; seconds: number } {
  const start = process.cpuUsage();
  const result = run();
  const used = process.cpuUsage(start);
  return { result, seconds: (used.user + used.system) / 1e6 };
}

const linesOf = (body: Buffer) => body.toString("utf8").split("\n").filter((l) => l.trim() !== "");

// Warm up the JIT and the attribute memo on one pass of everything, as a long sync run would be.
const key = Buffer.alloc(32, 7);
{
  const redactor = createRedactor({ key });
  for (const { id, body } of bodies.slice(0, 20)) prepareLogFile(body, { fileId: id, redactor, textPolicy: "redacted", sessionSecrets: new SessionSecrets() });
}

const sha = cpu(() => {
  for (const { body } of bodies) crypto.createHash("sha256").update(body).digest("hex");
});
const split = cpu(() => bodies.map(({ body }) => linesOf(body)));
const lines = split.result;
const events = lines.reduce((n, l) => n + l.length, 0);
const parse = cpu(() => {
  for (const file of lines) for (const line of file) JSON.parse(line);
});
const normalize = cpu(() => lines.map((file) => file.map((line, i) => normalizeLine(line, i + 1)).filter((r): r is NormalizedEvent => r.kind === "event")));
const normalized = normalize.result;

const redactAll = cpu(() => {
  const redactor = createRedactor({ key });
  const sessionSecrets = new SessionSecrets();
  for (const file of normalized) for (const e of file) redactEvent(e, { redactor, textPolicy: "redacted", sessionSecrets });
});
const redactTexts = cpu(() => {
  const redactor = createRedactor({ key });
  for (const file of normalized) for (const e of file) for (const t of e.texts) redactor.redact(t.text);
});
const prepare = cpu(() => {
  const redactor = createRedactor({ key });
  const sessionSecrets = new SessionSecrets();
  for (const { id, body } of bodies) prepareLogFile(body, { fileId: id, redactor, textPolicy: "redacted", sessionSecrets });
});

const us = (seconds: number) => ((seconds * 1e6) / events).toFixed(1).padStart(7);
const textBytes = normalized.reduce((n, f) => n + f.reduce((m, e) => m + e.texts.reduce((k, t) => k + t.text.length, 0), 0), 0);
process.stdout.write(
  `${bodies.length} files, ${events} events, ${(bytes / 1e6).toFixed(1)} MB JSONL (${(bytes / events).toFixed(0)} B/event), ${(textBytes / 1e6).toFixed(1)} M chars of prompt/response/tool text\n` +
    `CPU µs per event (this thread alone):\n` +
    `${us(sha.seconds)}  sha256 of the body\n` +
    `${us(split.seconds)}  UTF-8 decode + split into lines\n` +
    `${us(parse.seconds)}  JSON.parse\n` +
    `${us(normalize.seconds - parse.seconds)}  envelope check + normalisation (normalizeLine minus JSON.parse)\n` +
    `${us(redactTexts.seconds)}  redaction of text fields (redactor.redact)\n` +
    `${us(redactAll.seconds - redactTexts.seconds)}  redaction of attribute strings + SessionSecrets (redactEvent minus texts)\n` +
    `${us(prepare.seconds - split.seconds - normalize.seconds - redactAll.seconds)}  sort + COPY text (prepareLogFile minus the stages above)\n` +
    `${us(prepare.seconds)}  prepareLogFile in total (decode, parse, normalise, redact, COPY text)\n`,
);
