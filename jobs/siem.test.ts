import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectRows, type Database, type DatabaseHandle } from "../db/client.server";
import { syncTinyWorkspace } from "../app/lib/ledger/test-evidence";
import { webhookSignature, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from "../app/lib/siem/transports.server";
import { destinationInput, listDestinations, requestDeadLetterRetry, saveDestination } from "../app/models/destinations.server";
import { exportStream, parseExportRequest } from "../app/models/siem.server";
import type { Viewer } from "../app/models/viewer";
import { CANARIES } from "../scripts/simulator";
import { createTestDatabase } from "../tests/setup/test-database";
import { appendToLedger } from "./ledger__append";
import { forwardToSiem } from "./siem__forward";

/**
 * SIEM exports and the three push transports against real receivers on loopback: Debian's
 * rsyslog over TCP (octet-counted RFC 5424), a HEC-compatible HTTP collector, and a webhook
 * receiver that checks signatures. Every event arrives; a forwarder stopped mid-stream and
 * started again loses nothing (duplicates allowed, dropped by event id).
 */

const NOW = new Date("2026-11-20T12:30:00Z");
const redactionKey = randomBytes(32);
const noSleep = async () => {};

let handle: DatabaseHandle;
let db: Database;
let admin: Viewer;
let eventIds: string[];

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  await syncTinyWorkspace({ db, now: NOW, users: 3 });
  await appendToLedger({ db, now: () => NOW });
  eventIds = (await selectRows<{ event_id: string }>(db, sql`select event_id from ledger_links order by pos`)).map((r) => r.event_id);
  const [person] = await selectRows<{ id: string }>(db, sql`insert into people (email, name) values ('siem-admin@example.test', 'SIEM admin') returning id::text as id`);
  admin = { personId: person!.id, email: "siem-admin@example.test", name: "SIEM admin", roles: ["admin", "auditor", "viewer"] };
}, 90_000);

afterAll(async () => {
  await handle?.close();
});

async function exportText(format: string) {
  const parsed = parseExportRequest({ format, from: "2026-11-01", to: "2026-11-30" });
  if (!parsed.ok) throw new Error(parsed.problem);
  const { stream } = exportStream({ db, request: parsed.request, signingKeyPem: "" });
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.fromWeb(stream as unknown as NodeReadableStream<Uint8Array>)) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString("utf8");
}

async function createDestination(form: Record<string, string>) {
  const input = destinationInput.parse({ enabled: "on", ...form });
  const saved = await saveDestination({ db, viewer: admin, input, redactionKey });
  if (!saved.ok) throw new Error(saved.problem);
  return saved.id;
}

async function disableAll() {
  await db.execute(sql`update siem_destinations set enabled = false`);
}

describe("SIEM export", () => {
  it("writes every event in each format, with its stable id, and nothing the database does not hold", async () => {
    const ocsf = (await exportText("ocsf")).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const classes = new Set(ocsf.map((r) => r.class_uid));
    for (const uid of [6003, 3002, 2004]) expect(classes).toContain(uid);
    expect([...classes].some((c) => c === 3001 || c === 3004)).toBe(true);
    const mainIds = ocsf.filter((r) => !String((r.metadata as { uid: string }).uid).includes("#finding-")).map((r) => (r.metadata as { uid: string }).uid);
    expect(new Set(mainIds)).toEqual(new Set(eventIds));
    expect(ocsf.every((r) => r.type_uid === (r.class_uid as number) * 100 + (r.activity_id as number))).toBe(true);

    const ecs = (await exportText("ecs")).trim().split("\n").map((l) => JSON.parse(l) as { event: { id: string }; gen_ai?: { request?: { model?: string } } });
    expect(ecs.map((r) => r.event.id).sort()).toEqual([...eventIds].sort());
    expect(ecs.some((r) => r.gen_ai?.request?.model)).toBe(true);

    const cef = (await exportText("cef")).trim().split("\n");
    expect(cef).toHaveLength(eventIds.length);
    expect(cef.every((l) => /^CEF:0\|Codex Ledger\|Codex Ledger\|[^|]+\|[^|]+\|[^|]+\|\d+\|.*externalId=\S+/.test(l))).toBe(true);

    const ndjson = (await exportText("ndjson")).trim().split("\n").map((l) => JSON.parse(l) as { event_id: string });
    expect(ndjson.map((r) => r.event_id).sort()).toEqual([...eventIds].sort());

    const csv = await exportText("csv");
    expect(csv.startsWith("event_id,occurred_at,event_type")).toBe(true);

    // Exports carry what the database carries, never more: a canary secret appears in an export
    // only if the stored (redacted) row holds it too.
    const [stored] = await selectRows<{ all: string }>(db, sql`select string_agg(coalesce(redacted_text, '') || attributes::text, ' ') as all from events`);
    for (const text of [JSON.stringify(ocsf), JSON.stringify(ecs), cef.join("\n"), csv]) {
      for (const canary of CANARIES) if (text.includes(canary)) expect(stored!.all.includes(canary), canary).toBe(true);
    }
  });
});

/* ───────────────────────── receivers ───────────────────────── */

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function ensureRsyslog() {
  try {
    execFileSync("rsyslogd", ["-v"], { stdio: "ignore" });
    return;
  } catch {
    // Missing: install it when we can, otherwise fail saying how.
  }
  const command = "apt-get install -y --no-install-recommends rsyslog";
  if (process.getuid?.() !== 0) throw new Error(`rsyslog is needed for the syslog test and is not installed. Run as root: ${command}`);
  try {
    execFileSync("sh", ["-c", `DEBIAN_FRONTEND=noninteractive ${command} || (apt-get update && DEBIAN_FRONTEND=noninteractive ${command})`], { stdio: "ignore", timeout: 240_000 });
  } catch {
    throw new Error(`rsyslog could not be installed. Run as root: ${command}`);
  }
}

async function startRsyslog(dir: string, port: number): Promise<ChildProcess> {
  const out = path.join(dir, "out.log");
  const conf = path.join(dir, "rsyslog.conf");
  fs.writeFileSync(
    conf,
    `global(workDirectory="${dir}" maxMessageSize="64k")
module(load="imtcp")
template(name="ledgerLine" type="list") {
  property(name="msgid") constant(value="\\t") property(name="structured-data") constant(value="\\t") property(name="msg") constant(value="\\n")
}
ruleset(name="ledger") { action(type="omfile" file="${out}" template="ledgerLine") }
input(type="imtcp" port="${port}" address="127.0.0.1" ruleset="ledger")
`,
  );
  const child = spawn("rsyslogd", ["-n", "-f", conf, "-i", path.join(dir, "rsyslog.pid")], { stdio: ["ignore", "ignore", "pipe"] });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (up) return child;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error("rsyslogd did not start listening");
}

type HttpReceiver = { url: string; requests: Array<{ headers: http.IncomingHttpHeaders; body: string }>; close(): Promise<void> };

async function httpReceiver(respond: (req: { headers: http.IncomingHttpHeaders; body: string }, n: number) => { status: number; body: string } | Promise<{ status: number; body: string }>): Promise<HttpReceiver> {
  const requests: HttpReceiver["requests"] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(request);
      void Promise.resolve(respond(request, requests.length)).then(({ status, body }) => {
        res.writeHead(status, { "Content-Type": "application/json" }).end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/collector/event`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const HEC_OK = { status: 200, body: JSON.stringify({ text: "Success", code: 0 }) };

describe("SIEM push destinations", () => {
  it("syslog over TCP to Debian's rsyslog: every line arrives and parses", async () => {
    ensureRsyslog();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-rsyslog-"));
    const port = await freePort();
    const rsyslog = await startRsyslog(dir, port);
    try {
      await disableAll();
      const id = await createDestination({ kind: "syslog", name: "rsyslog", format: "cef", host: "127.0.0.1", port: String(port), batchSize: "40" });
      const [result] = await forwardToSiem({ db, redactionKey, destinationId: id, sleep: noSleep });
      expect(result).toMatchObject({ state: "ok", delivered: eventIds.length });
      const out = path.join(dir, "out.log");
      let lines: string[] = [];
      for (let i = 0; i < 100 && lines.length < eventIds.length; i++) {
        await new Promise((r) => setTimeout(r, 100));
        lines = fs.existsSync(out) ? fs.readFileSync(out, "utf8").split("\n").filter(Boolean) : [];
      }
      const parsed = lines.map((line) => {
        const [msgId, sd, msg] = line.split("\t");
        const sdId = /^\[ledger@32473 eventId="([^"]+)"\]$/.exec(sd ?? "")?.[1];
        const cefId = /externalId=(\S+)/.exec(msg ?? "")?.[1];
        return { msgId, sdId, cefId, cef: (msg ?? "").trim().startsWith("CEF:0|") };
      });
      expect(parsed.every((p) => p.cef && p.sdId && p.sdId === p.cefId && /^[A-Z_]+$/.test(p.msgId ?? ""))).toBe(true);
      expect(new Set(parsed.map((p) => p.sdId))).toEqual(new Set(eventIds));
      expect(parsed).toHaveLength(eventIds.length);
    } finally {
      rsyslog.kill("SIGTERM");
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("HEC collector: batched, authenticated, retried after a 503, all events delivered", async () => {
    const token = "hec-token-0123456789abcdef";
    const receiver = await httpReceiver((req, n) => {
      if (req.headers.authorization !== `Splunk ${token}`) return { status: 401, body: JSON.stringify({ text: "Invalid token", code: 4 }) };
      return n === 2 ? { status: 503, body: JSON.stringify({ text: "Server is busy", code: 9 }) } : HEC_OK;
    });
    try {
      await disableAll();
      const id = await createDestination({ kind: "hec", name: "hec", format: "ocsf", url: receiver.url, secret: token, batchSize: "50" });
      const [result] = await forwardToSiem({ db, redactionKey, destinationId: id, sleep: noSleep });
      expect(result!.state).toBe("ok");
      const events = receiver.requests
        .filter((_, i) => i !== 1)
        .flatMap((r) => r.body.split("\n").map((l) => JSON.parse(l) as { fields: { event_id: string }; event: { class_uid: number }; sourcetype: string }));
      expect(new Set(events.map((e) => e.fields.event_id.split("#")[0]))).toEqual(new Set(eventIds));
      expect(events.every((e) => typeof e.event.class_uid === "number" && e.sourcetype === "codex:ledger")).toBe(true);
      // The token is sealed in the database and never listed back.
      const [row] = await selectRows<{ secret_ciphertext: string }>(db, sql`select secret_ciphertext from siem_destinations where id = ${id}::uuid`);
      expect(row!.secret_ciphertext).not.toContain(token);
      const listed = await listDestinations({ db, viewer: admin });
      expect(JSON.stringify(listed)).not.toContain(token);
      expect(listed.destinations.find((d) => d.id === id)).toMatchObject({ hasSecret: true, behind: 0, state: "ok" });
    } finally {
      await receiver.close();
    }
  });

  it("webhook: signed batches; a forwarder stopped mid-stream and restarted loses nothing", async () => {
    const secret = "whsec-0123456789abcdef0123456789";
    const controller = new AbortController();
    const receiver = await httpReceiver((req, n) => {
      const timestamp = String(req.headers[WEBHOOK_TIMESTAMP_HEADER.toLowerCase()]);
      const expected = Buffer.from(webhookSignature(secret, timestamp, req.body));
      const given = Buffer.from(String(req.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()]));
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { status: 401, body: "{}" };
      // Kill the forwarder while the third batch is in flight: it never hears back.
      if (n === 3) controller.abort();
      return { status: 200, body: "{}" };
    });
    try {
      await disableAll();
      const id = await createDestination({ kind: "webhook", name: "webhook", format: "ndjson", url: receiver.url, secret, batchSize: "30" });
      const [stopped] = await forwardToSiem({ db, redactionKey, destinationId: id, signal: controller.signal, sleep: noSleep });
      expect(stopped!.state).toBe("stopped");
      const before = await listDestinations({ db, viewer: admin });
      expect(before.destinations.find((d) => d.id === id)!.behind).toBeGreaterThan(0);

      const [resumed] = await forwardToSiem({ db, redactionKey, destinationId: id, sleep: noSleep });
      expect(resumed!.state).toBe("ok");
      const received = receiver.requests.flatMap((r) => (JSON.parse(r.body) as { records: Array<{ id: string }> }).records.map((x) => x.id));
      expect(new Set(received)).toEqual(new Set(eventIds));
      expect(received.length).toBeGreaterThanOrEqual(eventIds.length);
    } finally {
      await receiver.close();
    }
  });

  it("a refused batch goes to the dead-letter list, and is delivered when an admin retries it", async () => {
    let refuse = true;
    const receiver = await httpReceiver((_req, n) => (refuse && n === 1 ? { status: 400, body: JSON.stringify({ text: "Invalid data format", code: 6 }) } : HEC_OK));
    try {
      await disableAll();
      const id = await createDestination({ kind: "hec", name: "hec-dead", format: "ecs", url: receiver.url, secret: "token-dead-letter-test", batchSize: "25" });
      const [result] = await forwardToSiem({ db, redactionKey, destinationId: id, sleep: noSleep });
      expect(result!.deadLettered).toBe(25);
      const listed = (await listDestinations({ db, viewer: admin })).destinations.find((d) => d.id === id)!;
      expect(listed.deadLetters).toHaveLength(1);
      expect(listed.behind).toBe(0);
      refuse = false;
      await requestDeadLetterRetry({ db, viewer: admin, id: listed.deadLetters[0]!.id });
      await forwardToSiem({ db, redactionKey, destinationId: id, sleep: noSleep });
      expect((await listDestinations({ db, viewer: admin })).destinations.find((d) => d.id === id)!.deadLetters).toHaveLength(0);
      const ids = receiver.requests.slice(1).flatMap((r) => r.body.split("\n").map((l) => (JSON.parse(l) as { fields: { event_id: string } }).fields.event_id));
      expect(new Set(ids)).toEqual(new Set(eventIds));
    } finally {
      await receiver.close();
    }
  });

  it("an unreachable destination waits with backoff and keeps its cursor", async () => {
    await disableAll();
    const port = await freePort();
    const id = await createDestination({ kind: "syslog", name: "down", format: "cef", host: "127.0.0.1", port: String(port) });
    const [result] = await forwardToSiem({ db, redactionKey, destinationId: id, sleep: noSleep, now: () => NOW });
    expect(result!.state).toBe("retrying");
    const d = (await listDestinations({ db, viewer: admin })).destinations.find((x) => x.id === id)!;
    expect(d).toMatchObject({ state: "retrying", cursorPos: 0, attempts: 1 });
    expect(d.lastError).toMatch(/ECONNREFUSED|refused/);
    expect(await forwardToSiem({ db, redactionKey, destinationId: id, now: () => NOW })).toEqual([]);
  });
});
