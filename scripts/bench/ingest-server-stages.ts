/**
 * Where PostgreSQL spends its CPU when ingest stores CODEX_LOG events, per event: run under a
 * cluster, `bash scripts/lib/pg-cluster.sh node --import tsx scripts/bench/ingest-server-stages.ts [users] [days]`.
 * Prepares the files in this process (generator + prepareLogFile, not timed), then COPYs the same
 * event rows, 8,000 per COPY as the sync's batches, into tables with more and more of the
 * `events` indexes, into the real partitioned `events`, into `event_ids`, runs the dedupe probe,
 * and finally the whole storeComplianceFiles on a fresh database; each figure is the CPU of the
 * one backend doing it (from /proc), in µs per event. A diagnostic for
 * docs/decisions/0008-ingest-path.md, not a registered bench suite.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import postgres from "postgres";
import { Generator } from "../simulator/index";
import { openDatabase } from "../../db/client.server";
import { EVENT_COPY_COLUMNS, EVENT_ID_COPY_COLUMNS, prepareLogFile, type PreparedLogFile } from "../../app/lib/ingest/prepare";
import { SessionSecrets } from "../../app/lib/openai/session-secrets";
import { createRedactor } from "../../app/lib/redaction";
import { storeComplianceFiles, type FileToStore } from "../../app/models/events.server";

const users = Number(process.argv[2] ?? 200);
const days = Number(process.argv[3] ?? 3);
const adminUrl = process.env.TEST_DATABASE_URL;
if (!adminUrl) throw new Error("run under scripts/lib/pg-cluster.sh (TEST_DATABASE_URL)");
const NOW = Date.parse("2026-11-20T12:00:00.000Z");
const generator = new Generator({ seed: 7, users, days: days + 1, start: NOW, bodyCacheBytes: 4 * 1024 ** 3 });
const redactor = createRedactor({ key: Buffer.alloc(32, 7) });
const sessionSecrets = new SessionSecrets();

const files: FileToStore[] = [];
let afterUs = (NOW - days * 86_400_000) * 1000;
for (;;) {
  const page = generator.listFiles("CODEX_LOG", { afterUs, limit: 1000, nowMs: NOW });
  for (const f of page.files) {
    const prepared: PreparedLogFile = prepareLogFile(generator.fileBody(f.eventType, f.hourStart), { fileId: f.id, redactor, textPolicy: "redacted", sessionSecrets });
    files.push({ prepared, ledger: { fileId: f.id, scope: "bench", eventType: "CODEX_LOG", endTime: f.endTime, fileName: f.fileName, fileSize: f.size, fileSha256: f.sha256 } });
  }
  if (!page.hasMore || page.files.length === 0) break;
  afterUs = page.files.at(-1)!.endTimeUs;
}

// The event rows as the sync COPYs them (a person uuid per user in front), in chunks of ~8,000, first occurrence of an id only.
const personOf = new Map<string, string>();
const seen = new Set<string>();
const eventChunks: Buffer[] = [];
const idChunks: Buffer[] = [];
const idLists: string[][] = [];
let rows: string[] = [];
let ids: string[] = [];
let idList: string[] = [];
for (const { prepared } of files) {
  const e = prepared.events;
  const text = Buffer.from(e.rows).toString("utf8").split("\n");
  const idText = Buffer.from(e.idRows).toString("utf8").split("\n");
  for (let i = 0; i < e.count; i++) {
    if (seen.has(e.ids[i]!)) continue;
    seen.add(e.ids[i]!);
    const user = e.dict[e.user[i]!] ?? "";
    let person = personOf.get(user);
    if (!person) personOf.set(user, (person = crypto.randomUUID()));
    rows.push(`${person}\t${text[i]}\n`);
    ids.push(`${idText[i]}\n`);
    idList.push(e.ids[i]!);
  }
  if (rows.length >= 8000) {
    eventChunks.push(Buffer.from(rows.join("")));
    idChunks.push(Buffer.from(ids.join("")));
    idLists.push(idList);
    rows = [];
    ids = [];
    idList = [];
  }
}
if (rows.length > 0) {
  eventChunks.push(Buffer.from(rows.join("")));
  idChunks.push(Buffer.from(ids.join("")));
  idLists.push(idList);
}
const events = seen.size;

function backendCpu(pid: number) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU of every backend connected to `database` (the pool has several). */
function databaseCpu(database: string) {
  let total = 0;
  for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(` ${database} `)) continue;
      total += backendCpu(Number(pid));
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

async function withDatabase<T>(name: string, run: (url: string, name: string) => Promise<T>): Promise<T> {
  const admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name}`);
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl!);
  url.pathname = `/${name}`;
  try {
    const handle = await openDatabase({ kind: "postgres", url: url.href });
    await handle.migrate();
    await handle.close();
    return await run(url.href, name);
  } finally {
    await admin.unsafe(`drop database if exists ${name}`).catch(() => {});
    await admin.end({ timeout: 5 });
  }
}

async function copyAll(pg: postgres.Sql, table: string, columns: readonly string[], chunks: Buffer[]) {
  for (const chunk of chunks) {
    const stream = await pg.unsafe(`copy ${table} (${columns.map((c) => `"${c}"`).join(", ")}) from stdin`).writable();
    await new Promise<void>((resolve, reject) => {
      stream.on("finish", resolve);
      stream.on("error", reject);
      stream.end(chunk);
    });
  }
}

const report: string[] = [];
const us = (seconds: number) => ((seconds * 1e6) / events).toFixed(1).padStart(7);

await withDatabase(`ingest_stages_${process.pid}`, async (url) => {
  const pg = postgres(url, { max: 1, onnotice: () => {} });
  const pid = (await pg<{ pid: number }[]>`select pg_backend_pid() as pid`)[0]!.pid;
  const measure = async (label: string, run: () => Promise<unknown>) => {
    const before = backendCpu(pid);
    await run();
    report.push(`${us(backendCpu(pid) - before)}  ${label}`);
  };
  const variants: Array<[string, string[]]> = [
    ["heap only (no index)", []],
    ["+ primary key (event_id, occurred_at)", ["alter table t add primary key (event_id, occurred_at)"]],
    ["+ btree (person_id, occurred_at)", ["create index on t (person_id, occurred_at)"]],
    ["+ hash (text_fingerprint)", ["create index on t using hash (text_fingerprint)"]],
    ["+ btree (ingested_at, event_id)", ["create index on t (ingested_at, event_id)"]],
  ];
  const applied: string[] = [];
  for (const [label, ddl] of variants) {
    applied.push(...ddl);
    await pg.unsafe("drop table if exists t");
    await pg.unsafe("create table t (like events including defaults)");
    for (const statement of applied) await pg.unsafe(statement);
    await measure(`COPY into a table like events, ${label}`, () => copyAll(pg, "t", EVENT_COPY_COLUMNS, eventChunks));
  }
  await pg.unsafe("drop table t");
  await pg.unsafe("create table if not exists events_y2026m11 partition of events for values from ('2026-11-01') to ('2026-12-01')");
  await measure("COPY into the real events (partitioned, all its indexes)", () => copyAll(pg, "events", EVENT_COPY_COLUMNS, eventChunks));
  await measure("dedupe probe of event_ids (json_array_elements_text, nothing found)", async () => {
    for (const list of idLists) await pg.unsafe(`select json_agg(e.event_id) from event_ids e where e.event_id in (select value from json_array_elements_text($1::text::json))`, [JSON.stringify(list)]);
  });
  await measure("COPY into event_ids (primary key)", () => copyAll(pg, "event_ids", EVENT_ID_COPY_COLUMNS, idChunks));
  await measure("dedupe probe of event_ids again (every id found)", async () => {
    for (const list of idLists) await pg.unsafe(`select json_agg(e.event_id) from event_ids e where e.event_id in (select value from json_array_elements_text($1::text::json))`, [JSON.stringify(list)]);
  });
  await pg.end();
});

await withDatabase(`ingest_stages_store_${process.pid}`, async (url, name) => {
  const handle = await openDatabase({ kind: "postgres", url });
  const before = databaseCpu(name);
  const cpu = process.cpuUsage();
  let batch: FileToStore[] = [];
  let count = 0;
  for (const file of files) {
    batch.push(file);
    count += file.prepared.events.count;
    if (count >= 8000) {
      await storeComplianceFiles({ db: handle.db, files: batch, cursor: { source: "compliance", scope: "bench", stream: "CODEX_LOG", position: file.ledger.endTime, positionTime: new Date(file.ledger.endTime) } });
      batch = [];
      count = 0;
    }
  }
  if (batch.length > 0) await storeComplianceFiles({ db: handle.db, files: batch, cursor: null });
  const node = process.cpuUsage(cpu);
  report.push(`${us(databaseCpu(name) - before)}  storeComplianceFiles, whole (server: people, probe, event_ids, events, findings, sessions, rollups, ledger, cursor)`);
  report.push(`${us((node.user + node.system) / 1e6)}  storeComplianceFiles, this process's CPU (selecting and prefixing rows, aggregating, driver)`);
  await handle.close();
});

process.stdout.write(`${files.length} files, ${events} distinct events; PostgreSQL backend CPU µs per event:\n${report.join("\n")}\n`);
