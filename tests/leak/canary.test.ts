import { execFileSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { selectRows, type Database, type DatabaseHandle } from "../../db/client.server";
import { getConfig } from "../../app/lib/config.server";
import { csvStream, ndjsonStream } from "../../app/lib/csv.server";
import { utcDay } from "../../app/lib/ledger/canonical";
import { logger } from "../../app/lib/logger.server";
import type { OpenAIConnection } from "../../app/lib/openai/connection";
import { DEFAULT_RETRY_POLICY } from "../../app/lib/openai/http.server";
import { createRedactor } from "../../app/lib/redaction";
import { downloadMonthlyPdf, generateAndKeepMonthlyPdf, readKeptReport } from "../../app/lib/reports/monthly.server";
import { assignmentsCsv, budgetsCsv, codeReviewCsv, pricesCsv, SPEND_TABLES, spendCsv } from "../../app/lib/reports/spend-csv.server";
import { SIEM_FORMATS } from "../../app/lib/siem/formats";
import { ACCESS_LOG_CSV_COLUMNS, exportAccessLog, parseAccessLogParams } from "../../app/models/access-log-queries.server";
import { checkBudgets, setBudget } from "../../app/models/budgets.server";
import { destinationInput, saveDestination } from "../../app/models/destinations.server";
import { getFindingsPage, lookupValue } from "../../app/models/findings.server";
import { getPeopleExport, parsePeopleParams } from "../../app/models/people.server";
import { exportForViewer, parseExportRequest } from "../../app/models/siem.server";
import { parseTrailParams, startTrailExport, TRAIL_CSV_COLUMNS } from "../../app/models/trail.server";
import type { Viewer } from "../../app/models/viewer";
import { appendToLedger } from "../../jobs/ledger__append";
import { EXPIRE_TEXT_TASK, MAINTENANCE_TASKS, type TaskName } from "../../jobs/crontab";
import { forwardToSiem } from "../../jobs/siem__forward";
import { createSyncTaskRunner, PGBOSS_SCHEMA, startInProcessScheduler, startPgBossScheduler, syncSettingsFromConfig, type SchedulerLogger } from "../../jobs/scheduler";
import { runSyncOnce } from "../../jobs/sync__run_once";
import { CANARY_SECRETS, ENGINEER_EMAIL, SECRET_KINDS, startSimulator, toolFieldForms, type SecretKind, type SimulatorHandle } from "../../scripts/simulator";
import { createTestDatabase } from "../setup/test-database";
import {
  describeLeaks,
  findLeaks,
  findLeaksIgnoringWhitespace,
  findLeaksInDatabase,
  needlesFor,
  pemParts,
  type Leak,
  type Needle,
} from "../setup/leak-search";

/**
 * The end-to-end guarantee (issue 4): the simulator plants canary secrets and personal data of
 * every kind it knows; after a real sync (Compliance + Analytics, then the integrity chain and
 * SIEM forwarding, as the scheduler runs them) none of the values is in any table, any log line
 * the run wrote, any export or any payload sent out, in any common transformed form, while every
 * planted value has its finding (type, person, event, offsets, keyed fingerprint) and its
 * placeholder in the stored redacted text. The canaries are pasted in prompts (and echoed in
 * responses) and also sit in tool calls: in a shell command's or a patch's `arguments` and in
 * the `output` of a command that prints files. Runs on PGlite and on PostgreSQL.
 */

// The configuration is read once, at import (the logger reads its level): set it before any import.
const env = vi.hoisted(() => {
  const dataDir = `${process.env.TMPDIR ?? "/tmp"}/codex-ledger-canary-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dataDir;
  process.env.LOG_LEVEL = "trace";
  process.env.TEXT_POLICY = "redacted";
  process.env.REDACTION_KEY = `canary-test-redaction-key-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  return { dataDir };
});

const NOW = new Date("2026-11-20T12:30:00Z");
const FROM_DAY = "2026-11-18";
const TO_DAY = "2026-11-20";
const MONTH = "2026-11";
/** Small: every canary is still pasted on each working day (Thursday 19th and the morning of the 20th). */
/** Every file gets one cut-off line (all events still whole), so the sync's warning path runs and is logged. */
const SIM = { seed: 31, users: 4, days: 2, now: NOW, faults: ["badline=1"] };
const FAST = { ...DEFAULT_RETRY_POLICY, sleep: async () => {} };
const noSleep = async () => {};
const MAINTENANCE: TaskName[] = [MAINTENANCE_TASKS.digest, MAINTENANCE_TASKS.verify, EXPIRE_TEXT_TASK, MAINTENANCE_TASKS.budgets, MAINTENANCE_TASKS.report];

const FINDING_TYPE: Record<SecretKind, { type: string; kind: "secret" | "pii" }> = {
  aws_access_key: { type: "aws_access_key_id", kind: "secret" },
  github_token: { type: "github_token", kind: "secret" },
  gitlab_token: { type: "gitlab_token", kind: "secret" },
  slack_token: { type: "slack_token", kind: "secret" },
  stripe_key: { type: "stripe_secret_key", kind: "secret" },
  openai_key: { type: "openai_api_key", kind: "secret" },
  private_key: { type: "private_key", kind: "secret" },
  jwt: { type: "jwt", kind: "secret" },
  connection_string_password: { type: "connection_string_password", kind: "secret" },
  email: { type: "email", kind: "pii" },
  phone: { type: "phone_number", kind: "pii" },
  credit_card: { type: "payment_card", kind: "pii" },
  ssn: { type: "us_ssn", kind: "pii" },
  iban: { type: "iban", kind: "pii" },
};

/* ───────────────────────── what to look for ───────────────────────── */

/** Parts of a canary that must not survive on their own either (a half-redacted token, a key line). */
function fragmentsOf(kind: SecretKind, value: string): Array<{ form: string; text: string }> {
  const digits = value.replace(/\D/g, "");
  switch (kind) {
    case "private_key": {
      const { lines, material } = pemParts(value);
      return [...lines.map((text, i) => ({ form: `PEM line ${i + 1}`, text })), { form: "PEM key material", text: material }];
    }
    case "jwt": {
      const [, payload, signature] = value.split(".");
      return [
        { form: "JWT payload", text: payload! },
        { form: "JWT signature", text: signature! },
      ];
    }
    case "email":
      return [{ form: "local part", text: value.split("@")[0]! }];
    case "credit_card":
    case "iban":
      return [
        { form: "grouped by 4", text: value.replace(/\s/g, "").replace(/(.{4})(?=.)/g, "$1 ") },
        { form: "dashed by 4", text: value.replace(/\s/g, "").replace(/(.{4})(?=.)/g, "$1-") },
        ...(kind === "credit_card" ? [{ form: "digits", text: digits }] : []),
      ];
    case "phone":
      return [
        { form: "digits", text: digits },
        { form: "E.164", text: `+${digits}` },
      ];
    case "ssn":
      return [{ form: "digits", text: digits }];
    default:
      return value.length >= 16
        ? [
            { form: "first half", text: value.slice(0, Math.floor(value.length / 2)) },
            { form: "second half", text: value.slice(Math.floor(value.length / 2)) },
          ]
        : [];
  }
}

const canaryNeedles: Needle[] = CANARY_SECRETS.flatMap((c) => needlesFor(`canary ${c.kind}`, c.value, fragmentsOf(c.kind as SecretKind, c.value)));

/** The product's own secrets, which must not land in storage, logs or exports either. */
function productSecretNeedles(extra: Record<string, string>): Needle[] {
  const config = getConfig();
  const signing = pemParts(config.ledgerSigningKey);
  return [
    ...needlesFor("REDACTION_KEY", config.redactionKey.toString("utf8")),
    ...needlesFor("REDACTION_KEY bytes", config.redactionKey.toString("hex")),
    ...needlesFor("LEDGER_SIGNING_KEY", config.ledgerSigningKey, signing.lines.map((text, i) => ({ form: `PEM line ${i + 1}`, text }))),
    ...Object.entries(extra).flatMap(([label, value]) => needlesFor(label, value)),
  ];
}

/* ───────────────────────── capturing what the run writes ───────────────────────── */

/** Every line the product's logger writes, and anything else written to the console meanwhile. */
class OutputCapture {
  readonly logLines: string[] = [];
  readonly console: string[] = [];
  private restore: Array<() => void> = [];

  start() {
    const sink = { write: (chunk: string) => void this.logLines.push(...String(chunk).split("\n").filter(Boolean)) };
    const log = logger as unknown as Record<symbol, unknown>;
    const original = log[pino.symbols.streamSym];
    log[pino.symbols.streamSym] = sink;
    this.restore.push(() => void (log[pino.symbols.streamSym] = original));
    for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
      const saved = console[method];
      console[method] = (...args: unknown[]) => void this.console.push(`console.${method}: ${args.map((a) => (typeof a === "string" ? a : safeJson(a))).join(" ")}`);
      this.restore.push(() => void (console[method] = saved));
    }
    for (const stream of [process.stdout, process.stderr]) {
      const saved = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array) => {
        this.console.push(`${stream === process.stdout ? "stdout" : "stderr"}: ${typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8")}`);
        return true;
      }) as typeof stream.write;
      this.restore.push(() => void (stream.write = saved));
    }
  }

  stop() {
    for (const undo of this.restore.reverse()) undo();
    this.restore = [];
  }
}

function safeJson(value: unknown) {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Loopback receivers for the three SIEM transports and the budget webhook; they keep every byte. */
async function startReceivers() {
  const payloads: Array<{ name: string; text: string }> = [];
  const web = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      // The HEC token is in the Authorization header by design; every other header is kept.
      const headers = Object.entries(request.headers)
        .filter(([k]) => k !== "authorization")
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join("\n");
      payloads.push({ name: `${request.method} ${request.url}`, text: `${headers}\n\n${Buffer.concat(chunks).toString("utf8")}` });
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(request.url?.startsWith("/services/collector") ? '{"text":"Success","code":0}' : "{}");
    });
  });
  const syslog = net.createServer((socket) => {
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("end", () => payloads.push({ name: "syslog TCP", text: Buffer.concat(chunks).toString("utf8") }));
  });
  await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => syslog.listen(0, "127.0.0.1", resolve));
  return {
    payloads,
    httpBase: `http://127.0.0.1:${(web.address() as net.AddressInfo).port}`,
    syslogPort: (syslog.address() as net.AddressInfo).port,
    async close() {
      await new Promise((resolve) => web.close(resolve));
      await new Promise((resolve) => syslog.close(resolve));
    },
  };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

/** The PDF's text as pdftotext extracts it, its raw bytes, and its inflated streams. */
function pdfSurfaces(name: string, pdf: Buffer, dir: string): Array<{ name: string; text: string; ignoreWhitespace?: boolean }> {
  const file = path.join(dir, `${name.replace(/\W+/g, "-")}.pdf`);
  fs.writeFileSync(file, pdf);
  const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
  const raw = pdf.toString("latin1");
  const inflated: string[] = [];
  for (let at = raw.indexOf("stream"); at >= 0; at = raw.indexOf("stream", at + 6)) {
    const start = raw[at + 6] === "\r" ? at + 8 : at + 7;
    const end = raw.indexOf("endstream", start);
    if (raw.slice(at - 3, at) === "end" || end < 0) continue;
    try {
      inflated.push(zlib.inflateSync(pdf.subarray(start, end)).toString("latin1"));
    } catch {
      // Not a deflated stream (an image, a font program): its raw bytes are searched above.
    }
  }
  return [
    { name: `${name} (pdftotext)`, text, ignoreWhitespace: true },
    { name: `${name} (raw bytes)`, text: raw },
    { name: `${name} (inflated streams)`, text: inflated.join("\n") },
  ];
}

/* ───────────────────────── the truth: where the simulator put each canary ───────────────────────── */

type Planted = {
  eventId: string;
  field: string;
  start: number;
  end: number;
  kind: SecretKind;
  value: string;
  /** the whole text of the field, as the event carries it */
  text: string;
  /** where the canary was put: pasted in a prompt (or echoed in the response), or in a tool call (tool name) */
  source: "prompt" | { tool: string };
};

/** Tool call fields the simulator plants canaries in. */
const TOOL_FIELDS = ["arguments", "output"] as const;

/**
 * Every canary in the events the simulator serves at NOW: in prompt and response texts (found
 * by search), and in tool calls' arguments and output (the generator's account of where it put
 * them, checked against what is served, both ways).
 */
function plantedCanaries(sim: SimulatorHandle): Planted[] {
  const out: Planted[] = [];
  const seen = new Set<string>();
  const toolTexts = new Map<string, string>();
  for (const type of ["CODEX_LOG", "CODEX_SECURITY_LOG"] as const) {
    const { files } = sim.generator.listFiles(type, { afterUs: 0, limit: 10_000, nowMs: NOW.getTime() });
    for (const file of files) {
      for (const line of sim.generator.fileBody(type, file.hourStart).toString("utf8").split("\n")) {
        if (!line.trim()) continue;
        let event: { event_id: string; event_details: Record<string, unknown> };
        try {
          event = JSON.parse(line) as typeof event;
        } catch {
          continue; // a cut-off line (fault), not an event
        }
        if (seen.has(event.event_id)) continue;
        seen.add(event.event_id);
        for (const field of TOOL_FIELDS) {
          const text = event.event_details[field];
          if (typeof text === "string") toolTexts.set(`${event.event_id} ${field}`, text);
        }
        for (const field of ["prompt_text", "response_text"]) {
          const text = event.event_details[field];
          if (typeof text !== "string") continue;
          for (const c of CANARY_SECRETS) {
            for (let at = text.indexOf(c.value); at >= 0; at = text.indexOf(c.value, at + 1)) {
              out.push({ eventId: event.event_id, field, start: at, end: at + c.value.length, kind: c.kind as SecretKind, value: c.value, text, source: "prompt" });
            }
          }
        }
      }
    }
  }
  // Only the tool calls whose hour is published at NOW.
  const inTools = sim.generator.plantedToolSecrets(0, NOW.getTime()).filter((p) => seen.has(p.eventId));
  for (const p of inTools) {
    const text = toolTexts.get(`${p.eventId} ${p.field}`);
    expect(text, `the served ${p.eventType} event ${p.eventId} has the ${p.field} the generator put canary ${p.kind} in`).toBeDefined();
    expect(toolFieldForms(p.value), `canary ${p.kind} is where the generator says, in the ${p.field} of event ${p.eventId}`).toContain(text!.slice(p.start, p.end));
    out.push({ eventId: p.eventId, field: p.field, start: p.start, end: p.end, kind: p.kind as SecretKind, value: p.value, text: text!, source: { tool: p.tool } });
  }
  // And the generator's account is complete: no served tool call holds a canary it did not list.
  const listed = new Set(inTools.map((p) => `${p.eventId} ${p.field} ${p.kind}`));
  for (const [key, text] of toolTexts) {
    for (const c of CANARY_SECRETS) {
      if (toolFieldForms(c.value).some((form) => text.includes(form))) expect(listed, "a canary in a tool call the generator does not list").toContain(`${key} ${c.kind}`);
    }
  }
  return out;
}

const fromTool = (p: Planted) => p.source !== "prompt";

/**
 * A private key in a patch that adds it as a file: every line of the key is marked `+`. Checked
 * in a test of its own (known gap, reported to the redaction owner): the key is found and
 * replaced whole, but its fingerprint is taken over the `+` marks too, so it is not the key's
 * keyed fingerprint and "has this value been seen?" with the key does not find the patch.
 */
const pemAddedByPatch = (p: Planted) => p.kind === "private_key" && p.field === "arguments" && p.source !== "prompt" && p.source.tool === "apply_patch";

/** The fingerprint a finding of this value must carry: HMAC-SHA256 under REDACTION_KEY, 16 hex; PEM keys on their key material. */
function expectedFingerprint(key: Buffer, kind: SecretKind, value: string) {
  let input = value;
  if (kind === "private_key") {
    const label = /BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY/.exec(value)?.[1]?.trim() ?? "";
    input = `${label}|${pemParts(value).material}`;
  }
  return createHmac("sha256", key).update(input, "utf8").digest("hex").slice(0, 16);
}

/* ───────────────────────── the run ───────────────────────── */

type Surface = { name: string; text: string; ignoreWhitespace?: boolean };

type Run = {
  handle: DatabaseHandle;
  db: Database;
  sim: SimulatorHandle;
  planted: Planted[];
  engineerId: string;
  viewer: Viewer;
  logs: OutputCapture;
  /** Sync summaries and other results the run returned (what `npm run sync -- --json` prints). */
  results: Surface[];
  exports: Surface[];
  payloads: Surface[];
  needles: Needle[];
};

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "codex-ledger-canary-pdf-"));

/** The daily and monthly tasks, through the scheduler this database uses in production: pg-boss on PostgreSQL, in-process on PGlite. */
async function runMaintenance(handle: DatabaseHandle, connection: OpenAIConnection, log: SchedulerLogger): Promise<Surface[]> {
  const config = getConfig();
  const run = createSyncTaskRunner({ db: handle.db, connection, settings: syncSettingsFromConfig(config), textRetentionDays: config.textRetentionDays, ledgerSigningKey: config.ledgerSigningKey, logger: log });
  // Never due during the test: the tasks are started by hand.
  const entries = MAINTENANCE.map((task) => ({ task, cron: "0 0 1 1 *", comment: "canary test" }));
  if (handle.kind === "pglite") {
    const scheduler = startInProcessScheduler({ entries, run, logger: log });
    try {
      const outcomes: Surface[] = [];
      for (const task of MAINTENANCE) {
        const outcome = await scheduler.runNow(task, "canary-test");
        expect(outcome && "summary" in outcome ? outcome.summary.ok : outcome, `maintenance task ${task}`).toBe(true);
        outcomes.push({ name: `maintenance task ${task} outcome`, text: JSON.stringify(outcome) });
      }
      return outcomes;
    } finally {
      await scheduler.stop({ graceMs: 5_000 });
    }
  }
  const [database] = await selectRows<{ name: string }>(handle.db, sql`select current_database() as name`);
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${database!.name}`;
  const scheduler = await startPgBossScheduler({ url: url.href, entries, run, logger: log, schedule: false, pollingIntervalSeconds: 0.5 });
  try {
    for (const task of MAINTENANCE) expect(await scheduler.boss.send(task, { trigger: "canary-test" }), `pg-boss queued ${task}`).not.toBeNull();
    const until = Date.now() + 60_000;
    for (;;) {
      const { rows } = await scheduler.boss.getDb().executeSql(`select name, state, output::text as output from ${PGBOSS_SCHEMA}.job where name = any($1)`, [MAINTENANCE]);
      const done = (rows as Array<{ name: string; state: string; output: string | null }>).filter((r) => r.state === "completed" || r.state === "failed");
      if (done.length === MAINTENANCE.length) {
        expect(done.filter((r) => r.state !== "completed" || (JSON.parse(r.output ?? "{}") as { ok?: boolean }).ok !== true).map((r) => `${r.name}: ${r.state} ${r.output}`)).toEqual([]);
        return done.map((r) => ({ name: `pg-boss job ${r.name} output`, text: r.output ?? "" }));
      }
      if (Date.now() > until) throw new Error(`pg-boss ran ${done.length} of ${MAINTENANCE.length} maintenance jobs in 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await scheduler.stop({ graceMs: 5_000 });
  }
}

async function syncEverything({
  textPolicy,
  destinations = async () => {},
  maintenance,
}: {
  textPolicy: "redacted" | "hash-only";
  destinations?: (db: Database, viewer: Viewer) => Promise<void>;
  maintenance: boolean;
}): Promise<Omit<Run, "exports" | "payloads" | "needles">> {
  const handle = await createTestDatabase();
  const db = handle.db;
  const sim = await startSimulator({ port: 0, ...SIM });
  const config = getConfig();
  const connection: OpenAIConnection = { apiBase: sim.baseUrl.replace(/\/+$/, ""), complianceApiKey: sim.complianceApiKey, analyticsApiKey: sim.analyticsApiKey, workspaceId: sim.workspaceId, orgId: sim.orgId };
  const [admin] = await selectRows<{ id: string }>(db, sql`insert into people (email, name) values ('leak-auditor@example.test', 'Leak Auditor') returning id::text as id`);
  const viewer: Viewer = { personId: admin!.id, email: "leak-auditor@example.test", name: "Leak Auditor", roles: ["admin", "auditor", "finance", "viewer"] };
  await destinations(db, viewer);

  const logs = new OutputCapture();
  const results: Surface[] = [];
  logs.start();
  try {
    // As the scheduler's task runner does it: the worker's logger, the sync, then chain and forward.
    const log = logger.child({ component: "worker" });
    const summary = await runSyncOnce({
      db,
      connection,
      settings: { backfillDays: 30, textPolicy, redactionKey: config.redactionKey, redactIpAddresses: config.redactIpAddresses },
      trigger: "canary-test",
      now: NOW,
      policy: FAST,
      logger: log,
    });
    results.push({ name: "sync summary (--json)", text: JSON.stringify(summary) });
    expect(summary.sources.flatMap((s) => s.errors)).toEqual([]);
    const appended = await appendToLedger({ db, now: () => NOW });
    const forwarded = await forwardToSiem({ db, redactionKey: config.redactionKey, logger: log, now: () => NOW, sleep: noSleep });
    results.push({ name: "ledger and SIEM summaries", text: JSON.stringify({ appended, forwarded }) });
    expect(forwarded.filter((f) => f.error)).toEqual([]);
    if (maintenance) results.push(...(await runMaintenance(handle, connection, log)));
  } finally {
    logs.stop();
  }
  const [engineer] = await selectRows<{ id: string }>(db, sql`select id::text as id from people where email = ${ENGINEER_EMAIL}`);
  expect(engineer, "the engineer who pastes the canaries was synced").toBeDefined();
  return { handle, db, sim, planted: plantedCanaries(sim), engineerId: engineer!.id, viewer, logs, results };
}

const HEC_TOKEN = `hec-${randomBytes(12).toString("hex")}`;
const WEBHOOK_SECRET = `whk-${randomBytes(12).toString("hex")}`;
const BUDGET_SECRET = `bgt-${randomBytes(12).toString("hex")}`;

async function exportEverything(run: Omit<Run, "exports" | "payloads" | "needles">): Promise<Surface[]> {
  const { db, viewer, engineerId } = run;
  const config = getConfig();
  const meta = { ip: "127.0.0.1", userAgent: "canary-test" };
  const out: Surface[] = [];
  const add = async (name: string, stream: ReadableStream<Uint8Array>) => out.push({ name, text: (await readAll(stream)).toString("utf8") });

  // The SIEM export in every format over the synced days, and the evidence pack of the ledger day (console path, access-logged).
  for (const format of SIEM_FORMATS) {
    const parsed = parseExportRequest({ format, from: FROM_DAY, to: TO_DAY }, NOW);
    if (!parsed.ok) throw new Error(parsed.problem);
    await add(`SIEM export ${format}`, (await exportForViewer({ db, viewer, request: parsed.request, signingKeyPem: config.ledgerSigningKey, ...meta })).stream);
  }
  const pack = parseExportRequest({ format: "evidence", from: utcDay(NOW), to: utcDay(NOW) }, NOW);
  if (!pack.ok) throw new Error(pack.problem);
  await add("evidence pack", (await exportForViewer({ db, viewer, request: pack.request, signingKeyPem: config.ledgerSigningKey, ...meta })).stream);

  // The trail of the person who pasted the canaries, as CSV and as the NDJSON case file.
  const trailParams = parseTrailParams(new URLSearchParams({ from: FROM_DAY, to: TO_DAY }), NOW);
  if (!trailParams.ok) throw new Error(trailParams.problem);
  const csvTrail = await startTrailExport({ db, viewer, personId: engineerId, filters: trailParams.filters, format: "csv", meta });
  await add("trail CSV", csvStream({ columns: TRAIL_CSV_COLUMNS, rows: csvTrail!.csvRows() }));
  const caseTrail = await startTrailExport({ db, viewer, personId: engineerId, filters: trailParams.filters, format: "ndjson", meta });
  await add("trail NDJSON case file", ndjsonStream(caseTrail!.caseFile()));

  const peopleParams = parsePeopleParams(new URLSearchParams({ from: FROM_DAY, to: TO_DAY }), NOW);
  if (!peopleParams.ok) throw new Error(peopleParams.problem);
  const people = await getPeopleExport({ db, viewer, query: peopleParams.query });
  await add("people CSV", csvStream({ columns: people.columns, rows: people.rows }));

  // Spend: every table (detailed lines and reconciliation included), budgets (one set, so rows exist), prices, teams, code review.
  await setBudget({ db, viewer, input: { scope: "org", team: "", month: MONTH, unit: "credits", amount: "1" } });
  for (const table of SPEND_TABLES) await add(`spend CSV ${table}`, await spendCsv({ db, viewer, month: MONTH, table, bom: false }));
  await add("budgets CSV", await budgetsCsv({ db, viewer, month: MONTH, bom: false }));
  await add("prices CSV", await pricesCsv({ db, viewer, bom: false }));
  await add("team assignments CSV", await assignmentsCsv({ db, viewer, bom: false }));
  await add("code review CSV (daily)", await codeReviewCsv({ db, viewer, from: FROM_DAY, to: TO_DAY, bom: false, weekly: false }));
  await add("code review CSV (weekly)", await codeReviewCsv({ db, viewer, from: `${MONTH}-01`, to: TO_DAY, bom: false, weekly: true }));

  // The monthly leadership PDF: pseudonymised, named, and the kept copy the monthly job writes.
  for (const named of [false, true]) {
    out.push(...pdfSurfaces(`monthly PDF${named ? " (named)" : ""}`, await downloadMonthlyPdf({ db, viewer, month: MONTH, named }), scratch));
  }
  const kept = await generateAndKeepMonthlyPdf({ db, month: MONTH, dir: config.reports.dir, by: "job", now: NOW });
  const keptBytes = await readKeptReport({ db, viewer, id: kept.id });
  if (!keptBytes || "error" in keptBytes) throw new Error("the kept monthly PDF cannot be read back");
  out.push(...pdfSurfaces("kept monthly PDF", keptBytes.bytes, scratch));

  // The auditor tools: the DLP overview and "has this value been seen?" for every canary (the value is pasted in).
  const findingsPage = await getFindingsPage({ db, viewer, filters: { from: FROM_DAY, to: TO_DAY }, meta });
  out.push({ name: "DLP findings page", text: JSON.stringify(findingsPage) });
  for (const c of CANARY_SECRETS) {
    const found = await lookupValue({ db, viewer, value: c.value, redaction: { key: config.redactionKey, detectIpAddresses: config.redactIpAddresses }, meta });
    out.push({ name: `value lookup result (${c.kind})`, text: JSON.stringify(found) });
  }

  // Last, so that it holds every export above.
  const accessParams = parseAccessLogParams(new URLSearchParams());
  if (!accessParams.ok) throw new Error(accessParams.problem);
  await add("access log CSV", csvStream({ columns: ACCESS_LOG_CSV_COLUMNS, rows: exportAccessLog({ db, viewer, filters: accessParams.filters }) }));
  return out;
}

function scan(surfaces: readonly Surface[], needles: readonly Needle[]): Leak[] {
  return surfaces.flatMap((s) => [...findLeaks(s.name, s.text, needles), ...(s.ignoreWhitespace ? findLeaksIgnoringWhitespace(s.name, s.text, needles) : [])]);
}

function logSurfaces(run: Pick<Run, "logs" | "results">): Surface[] {
  return [
    ...run.logs.logLines.map((text, i) => ({ name: `log line ${i + 1}`, text })),
    { name: "console output", text: run.logs.console.join("\n") },
    ...run.results,
  ];
}

/** For each of these planted canaries: its finding, and (redacted policy) its placeholder in the stored text. */
async function checkFindings(run: Run, planted: readonly Planted[], textPolicy: "redacted" | "hash-only") {
  const key = getConfig().redactionKey;
  const redactor = createRedactor({ key });
  const ids = [...new Set(planted.map((p) => p.eventId))];
  const findings = await selectRows<{ event_id: string; field: string; type: string; kind: string; start: number; end: number; fingerprint: string; person_id: string | null }>(
    run.db,
    sql`select event_id, field, type, kind, start, "end", fingerprint, person_id::text as person_id from findings
        where event_id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`,
  );
  const events = new Map(
    (
      await selectRows<{ event_id: string; person_id: string | null; redacted_text: string | null; text_fingerprint: string | null; text_length: number | null; text_kind: string | null }>(
        run.db,
        sql`select event_id, person_id::text as person_id, redacted_text, text_fingerprint, text_length, text_kind from events
            where event_id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`,
      )
    ).map((e) => [e.event_id, e]),
  );
  const problems: string[] = [];
  for (const p of planted) {
    const where = `canary ${p.kind} in ${p.field}${p.source === "prompt" ? "" : ` (${p.source.tool} call)`} of event ${p.eventId} at ${p.start}`;
    const { type, kind } = FINDING_TYPE[p.kind];
    const fingerprint = expectedFingerprint(key, p.kind, p.value);
    if (redactor.fingerprintValue(p.value) !== fingerprint) problems.push(`${where}: "has this value been seen?" fingerprints it differently from the finding`);
    const event = events.get(p.eventId);
    if (!event) {
      problems.push(`${where}: the event was not stored`);
      continue;
    }
    if (event.person_id !== run.engineerId) problems.push(`${where}: the event is not attributed to the engineer who pasted it`);
    if (event.text_kind === p.field) {
      const textFingerprint = createHmac("sha256", key).update(p.text, "utf8").digest("hex");
      if (event.text_fingerprint !== textFingerprint) problems.push(`${where}: text_fingerprint is not the keyed HMAC of the original text`);
      if (event.text_length !== p.text.length) problems.push(`${where}: text_length ${event.text_length}, the text has ${p.text.length}`);
    }
    const match = findings.find((f) => f.event_id === p.eventId && f.field === p.field && f.start <= p.start && f.end >= p.end);
    if (!match) {
      problems.push(`${where}: no finding covers it`);
      continue;
    }
    const got = `${match.type}/${match.kind} [${match.start}, ${match.end}) ${match.fingerprint} person ${match.person_id}`;
    const want = `${type}/${kind} [${p.start}, ${p.end}) ${fingerprint} person ${run.engineerId}`;
    if (got !== want) problems.push(`${where}: finding ${got}, expected ${want}${match.fingerprint === fingerprint ? "" : " (not the keyed fingerprint of the canary)"}`);
    const placeholder = `[${kind === "secret" ? "SECRET" : "PII"}:${type}:${fingerprint.slice(0, 8)}]`;
    if (textPolicy === "redacted" && event.text_kind === p.field && !event.redacted_text?.includes(placeholder)) {
      problems.push(`${where}: the stored redacted text lacks ${placeholder}`);
    }
  }
  expect(problems, problems.join("\n")).toEqual([]);
  if (textPolicy === "hash-only") {
    const [stored] = await selectRows<{ n: number }>(run.db, sql`select count(*)::int as n from events where redacted_text is not null`);
    expect(stored!.n, "hash-only stores no text at all").toBe(0);
  }
}

function expectEveryKindIn(planted: readonly Planted[]) {
  const kinds = new Set(planted.map((p) => p.kind));
  expect([...SECRET_KINDS].filter((k) => !kinds.has(k)), "every kind of canary is planted at least once").toEqual([]);
  expect(CANARY_SECRETS.map((c) => c.kind).sort(), "the simulator has a canary of every kind it plants").toEqual([...SECRET_KINDS].sort());
}

/** Not vacuous: every canary sits in a tool call's arguments and in one's output, and the arguments include a shell command and a patch. */
function expectEveryKindInToolFields(inTools: readonly Planted[]) {
  for (const field of TOOL_FIELDS) {
    const kinds = new Set(inTools.filter((p) => p.field === field).map((p) => p.kind));
    expect([...SECRET_KINDS].filter((k) => !kinds.has(k)), `kinds of canary in no tool call's ${field}`).toEqual([]);
  }
  const tools = new Set(inTools.filter((p) => p.field === "arguments").map((p) => (p.source as { tool: string }).tool));
  expect([...tools].sort(), "tools whose arguments carry canaries").toEqual(["apply_patch", "shell"]);
}

/** An auditor pasting a canary ("has this value been seen?") finds every event it was planted in. */
function expectLookupsFind(run: Run, planted: readonly Planted[], { soft = false } = {}) {
  const missed: string[] = [];
  for (const c of CANARY_SECRETS) {
    const result = JSON.parse(run.exports.find((e) => e.name === `value lookup result (${c.kind})`)!.text) as { findingCount: number; findings: Array<{ eventId: string }> };
    const found = new Set(result.findings.map((f) => f.eventId));
    for (const p of planted) {
      if (p.value === c.value && !found.has(p.eventId)) missed.push(`lookup of canary ${c.kind} misses event ${p.eventId} (${p.field}${p.source === "prompt" ? "" : `, ${p.source.tool} call`})`);
    }
  }
  (soft ? expect.soft : expect)(missed, missed.join("\n")).toEqual([]);
}

/* ───────────────────────── the tests ───────────────────────── */

afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.rmSync(env.dataDir, { recursive: true, force: true });
});

describe("end-to-end guarantee, TEXT_POLICY=redacted: no canary anywhere, every canary found", { timeout: 60_000 }, () => {
  let run: Run;
  let receivers: Awaited<ReturnType<typeof startReceivers>>;

  beforeAll(async () => {
    receivers = await startReceivers();
    const destinations = async (db: Database, viewer: Viewer) => {
      const forms = [
        { kind: "webhook", name: "canary webhook", format: "ocsf", url: `${receivers.httpBase}/webhook/ocsf`, secret: WEBHOOK_SECRET },
        { kind: "hec", name: "canary HEC", format: "ecs", url: `${receivers.httpBase}/services/collector/event`, secret: HEC_TOKEN },
        { kind: "syslog", name: "canary syslog", format: "cef", host: "127.0.0.1", port: String(receivers.syslogPort) },
        { kind: "webhook", name: "canary webhook ndjson", format: "ndjson", url: `${receivers.httpBase}/webhook/ndjson`, secret: WEBHOOK_SECRET },
      ];
      for (const form of forms) {
        const saved = await saveDestination({ db, viewer, input: destinationInput.parse({ enabled: "on", ...form }), redactionKey: getConfig().redactionKey });
        if (!saved.ok) throw new Error(saved.problem);
      }
    };
    const synced = await syncEverything({ textPolicy: "redacted", destinations, maintenance: true });
    const exports = await exportEverything(synced);
    const alerts = await checkBudgets({ db: synced.db, month: MONTH, now: NOW, webhook: { url: `${receivers.httpBase}/budget-alerts`, secret: BUDGET_SECRET } });
    synced.results.push({ name: "budget check results", text: JSON.stringify(alerts) });
    const needles = [
      ...canaryNeedles,
      ...productSecretNeedles({
        "HEC token": HEC_TOKEN,
        "webhook secret": WEBHOOK_SECRET,
        "budget webhook secret": BUDGET_SECRET,
        "compliance API key": synced.sim.complianceApiKey,
        "analytics API key": synced.sim.analyticsApiKey,
      }),
    ];
    run = { ...synced, exports, payloads: receivers.payloads, needles };
  }, 180_000);

  afterAll(async () => {
    await run?.sim.close();
    await run?.handle.close();
    await receivers?.close();
  });

  it("the search is not blind: it finds planted values in every form, in text and in a scratch table", async () => {
    const pem = CANARY_SECRETS.find((c) => c.kind === "private_key")!.value;
    const email = CANARY_SECRETS.find((c) => c.kind === "email")!.value;
    const card = CANARY_SECRETS.find((c) => c.kind === "credit_card")!.value;
    const token = CANARY_SECRETS.find((c) => c.kind === "github_token")!.value;
    const samples: Array<[string, string]> = [
      ["canary private_key", `{"text":${JSON.stringify(`key:\n${pem}\n`)}}`],
      ["canary private_key", `only the second line survived: ${pemParts(pem).lines[1]} …`],
      ["canary private_key", JSON.stringify({ input: `*** Add File: k.pem\n+${pemParts(pem).lines[2]}\n` })],
      ["canary email", `https://x.example/?q=${encodeURIComponent(email)}&y=1`],
      ["canary credit_card", `card ${card.replace(/(\d{4})(?=\d)/g, "$1 ")} declined`],
      ["canary github_token", `Authorization: Basic ${Buffer.from(`x:${token}`).toString("base64")}`],
      ["canary github_token", `token=${token.slice(0, 20)}[SECRET:github_token:00000000]`],
    ];
    for (const [label, text] of samples) expect(findLeaks("sample", text, run.needles).map((l) => l.label), text.slice(0, 30)).toContain(label);

    // A canary in a table of its own (text and bytea columns) is reported by table, column and row.
    await run.db.execute(sql`create table canary_selfcheck (id int, note text, blob bytea)`);
    try {
      await run.db.execute(sql`insert into canary_selfcheck values (1, 'fine', null), (2, ${`x ${encodeURIComponent(email)} y`}, convert_to(${`-- ${pem}`}, 'UTF8'))`);
      const { leaks } = await findLeaksInDatabase(run.db, run.needles);
      const where = leaks.map((l) => `${l.where} ${l.label}`);
      expect(where).toContain("table public.canary_selfcheck.note row 2 (id = 2) canary email");
      expect(where).toContain("table public.canary_selfcheck.blob row 2 (id = 2) canary private_key");
    } finally {
      await run.db.execute(sql`drop table canary_selfcheck`);
    }

    // The product's logger really writes into the capture (a field its redact paths do not cover).
    const capture = new OutputCapture();
    capture.start();
    try {
      logger.trace({ note: token }, "self-check");
    } finally {
      capture.stop();
    }
    expect(findLeaks("captured log", capture.logLines.join("\n"), run.needles).map((l) => l.label)).toContain("canary github_token");
  });

  it("every canary in a prompt or response has its finding (type, person, event, offsets, keyed fingerprint) and placeholder", async () => {
    const inPrompts = run.planted.filter((p) => !fromTool(p));
    expectEveryKindIn(inPrompts);
    await checkFindings(run, inPrompts, "redacted");
    expectLookupsFind(run, inPrompts);
  });

  it("every canary in a tool call's arguments or output has its finding (event, field, offsets, keyed fingerprint) and placeholder, and a lookup finds the call", async () => {
    const inTools = run.planted.filter(fromTool);
    expectEveryKindInToolFields(inTools);
    await checkFindings(run, inTools.filter((p) => !pemAddedByPatch(p)), "redacted");
    expectLookupsFind(run, inTools.filter((p) => !pemAddedByPatch(p)));
  });

  it("a private key added as a file by a patch (lines marked +) has the key's keyed fingerprint and placeholder, and a lookup of the key finds the patch", async () => {
    const inPatches = run.planted.filter(pemAddedByPatch);
    expect(inPatches.length, "the simulator adds the private key canary with a patch").toBeGreaterThan(0);
    expectLookupsFind(run, inPatches, { soft: true });
    await checkFindings(run, inPatches, "redacted");
  });

  it("no canary or product secret in any table (every schema, partitions included)", async () => {
    const { leaks, tables, cells } = await findLeaksInDatabase(run.db, run.needles);
    expect(leaks.length, describeLeaks(leaks)).toBe(0);
    // Not vacuous: the evidence, a month partition and (PostgreSQL) pg-boss's job table were read.
    for (const table of ["public.events", "public.findings", "public.access_log", "public.siem_destinations", ...(run.handle.kind === "postgres" ? [`${PGBOSS_SCHEMA}.job`] : [])]) {
      expect(tables, tables.join(", ")).toContain(table);
    }
    expect(tables.some((t) => /^public\.events_.*2026.*11/.test(t)), tables.join(", ")).toBe(true);
    expect(cells).toBeGreaterThan(10_000);
  });

  it("no canary in any log line of the run (trace level), the console, or the sync summary", () => {
    expect(logger.level).toBe("trace");
    // Not vacuous: the lines the run is known to write were captured.
    const messages = new Set(run.logs.logLines.map((l) => (JSON.parse(l) as { msg: string }).msg));
    for (const msg of ["skipped an invalid log line", "ledger verified", "redacted text expired", "monthly report"]) expect([...messages]).toContain(msg);
    const leaks = scan(logSurfaces(run), run.needles);
    expect(leaks.length, describeLeaks(leaks)).toBe(0);
    expect(run.logs.console.filter((l) => l.startsWith("console.error")).length, "console.error calls during the run").toBe(0);
  });

  it("no canary in any export: SIEM (OCSF, ECS, CEF, NDJSON, CSV), evidence pack, trail CSV/NDJSON, people, access log, spend, budgets, prices, teams, code review, PDF, auditor tools", () => {
    const leaks = scan(run.exports, run.needles);
    expect(leaks.length, describeLeaks(leaks)).toBe(0);
    const names = run.exports.map((e) => e.name);
    for (const format of SIEM_FORMATS) expect(names).toContain(`SIEM export ${format}`);
    // Not vacuous: the exports that carry text carry the canaries' placeholders, the CSVs have rows, and the PDF's text is extracted.
    const placeholders = run.planted.map((p) => {
      const { type, kind } = FINDING_TYPE[p.kind];
      return `[${kind === "secret" ? "SECRET" : "PII"}:${type}:${expectedFingerprint(getConfig().redactionKey, p.kind, p.value).slice(0, 8)}]`;
    });
    for (const name of ["SIEM export ndjson", "SIEM export csv", "evidence pack", "trail CSV", "trail NDJSON case file", "DLP findings page"]) {
      const text = run.exports.find((e) => e.name === name)!.text;
      expect(placeholders.filter((p) => !text.includes(p)), `${name} carries every canary's placeholder`).toEqual([]);
    }
    const empty = run.exports.filter((e) => e.name.includes("CSV") && e.text.trim().split("\n").length < 2).map((e) => e.name);
    expect(empty, "CSV exports with a header only").toEqual([]);
    expect(run.exports.find((e) => e.name === "monthly PDF (pdftotext)")!.text).toContain("Compliance Logs Platform");
    expect(run.exports.find((e) => e.name === "monthly PDF (named) (pdftotext)")!.text.replace(/\s+/g, "")).toContain(ENGINEER_EMAIL);
  });

  it("no canary in what is sent out: SIEM webhook (OCSF, NDJSON), HEC (ECS), syslog (CEF), budget alert webhook", () => {
    const names = new Set(run.payloads.map((p) => p.name));
    for (const name of ["POST /webhook/ocsf", "POST /webhook/ndjson", "POST /services/collector/event", "syslog TCP", "POST /budget-alerts"]) expect(names).toContain(name);
    const sent = run.payloads.map((p) => p.text).join("\n");
    expect(run.planted.some((p) => sent.includes(p.eventId)), "the canary events were forwarded").toBe(true);
    const leaks = scan(
      run.payloads.map((p, i) => ({ name: `payload ${i + 1} (${p.name})`, text: p.text })),
      run.needles,
    );
    expect(leaks.length, describeLeaks(leaks)).toBe(0);
  });
});

describe("end-to-end guarantee, TEXT_POLICY=hash-only: no canary anywhere, every canary found", { timeout: 60_000 }, () => {
  let run: Run;

  beforeAll(async () => {
    const synced = await syncEverything({ textPolicy: "hash-only", maintenance: false });
    const parsed = parseExportRequest({ format: "ndjson", from: FROM_DAY, to: TO_DAY }, NOW);
    if (!parsed.ok) throw new Error(parsed.problem);
    const ndjson = (await readAll((await exportForViewer({ db: synced.db, viewer: synced.viewer, request: parsed.request, signingKeyPem: getConfig().ledgerSigningKey })).stream)).toString("utf8");
    const needles = [...canaryNeedles, ...productSecretNeedles({ "compliance API key": synced.sim.complianceApiKey, "analytics API key": synced.sim.analyticsApiKey })];
    run = { ...synced, exports: [{ name: "SIEM export ndjson", text: ndjson }], payloads: [], needles };
  }, 180_000);

  afterAll(async () => {
    await run?.sim.close();
    await run?.handle.close();
  });

  it("every canary in a prompt or response has its finding and no text is stored", async () => {
    const inPrompts = run.planted.filter((p) => !fromTool(p));
    expectEveryKindIn(inPrompts);
    await checkFindings(run, inPrompts, "hash-only");
  });

  it("every canary in a tool call's arguments or output has its finding and no text is stored", async () => {
    const inTools = run.planted.filter(fromTool);
    expectEveryKindInToolFields(inTools);
    await checkFindings(run, inTools.filter((p) => !pemAddedByPatch(p)), "hash-only");
  });

  it("a private key added as a file by a patch (lines marked +) has the key's keyed fingerprint", async () => {
    const inPatches = run.planted.filter(pemAddedByPatch);
    expect(inPatches.length, "the simulator adds the private key canary with a patch").toBeGreaterThan(0);
    await checkFindings(run, inPatches, "hash-only");
  });

  it("no canary in any table, log line or export", async () => {
    expect(run.logs.logLines.some((l) => (JSON.parse(l) as { msg: string }).msg === "skipped an invalid log line"), "the run's warnings were captured").toBe(true);
    const { leaks } = await findLeaksInDatabase(run.db, run.needles);
    const all = [...leaks, ...scan([...logSurfaces(run), ...run.exports], run.needles)];
    expect(all.length, describeLeaks(all)).toBe(0);
  });
});
