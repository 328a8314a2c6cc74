import type { PGlite, Transaction as PGliteTransaction } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type postgres from "postgres";
import { selectRows, type Database } from "../../db/client.server";
import { EVENT_COPY_COLUMNS, EVENT_ID_COPY_COLUMNS, FINDING_COPY_COLUMNS, type PreparedEvents, type PreparedLogFile } from "../lib/ingest/prepare";
import type { NormalizedCost } from "../lib/openai/compliance-events";
import { resolvePeopleForActors } from "./person.server";

/**
 * Storing Compliance log files: the events (parsed, redacted and written as COPY rows
 * beforehand by app/lib/ingest/prepare.ts), their findings, sessions, daily rollups, COSTS rows,
 * the file-ledger rows and the cursor, all in one transaction per batch of files. A crash leaves
 * the whole batch or none of it; dedupe by event_id makes a re-run converge to the same rows.
 */

export type { TextPolicy } from "../lib/ingest/prepare";

export type FileLedgerEntry = {
  fileId: string;
  scope: string;
  eventType: string;
  endTime: string;
  fileName: string | null;
  fileSize: number | null;
  fileSha256: string | null;
};

export type CursorAdvance = { source: string; scope: string; stream: string; position: string; positionTime: Date };

export type StoreResult = { events: number; newEvents: number; duplicates: number };

const partitionsCreated = new WeakMap<object, Set<string>>();

function monthStart(date: Date) {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

/**
 * Creates the monthly partitions of `events` that these timestamps (or month starts, epoch ms)
 * fall in, once per process and database. `cacheKey` names the database when `db` is a
 * transaction (a new object every time): pass the handle the transaction was opened on.
 */
export async function ensureEventPartitions({ db, times = [], months: monthStarts = [], cacheKey = db }: { db: Database; times?: Date[]; months?: number[]; cacheKey?: object }) {
  const cache = partitionsCreated.get(cacheKey) ?? new Set<string>();
  partitionsCreated.set(cacheKey, cache);
  const months = new Map<string, Date>();
  for (const start of [...times.map(monthStart), ...monthStarts.map((ms) => monthStart(new Date(ms)))]) {
    const name = `events_y${start.getUTCFullYear()}m${String(start.getUTCMonth() + 1).padStart(2, "0")}`;
    if (!cache.has(name)) months.set(name, start);
  }
  if (months.size === 0) return;
  // Two sources storing at once must not both create the same partition.
  await db.execute(sql`select pg_advisory_xact_lock(7441022)`);
  for (const [name, start] of months) {
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    await db.execute(
      sql.raw(`create table if not exists ${name} partition of events for values from ('${start.toISOString()}') to ('${end.toISOString()}')`),
    );
  }
  // Only remembered once the transaction commits: a rollback would also undo the DDL.
  return () => {
    for (const name of months.keys()) cache.add(name);
  };
}

const DAY_MS = 86_400_000;
const dayCache = new Map<number, string>();

/** The UTC day (YYYY-MM-DD) of an epoch-millisecond time. */
function dayOf(ms: number) {
  const day = Math.floor(ms / DAY_MS);
  let text = dayCache.get(day);
  if (text === undefined) {
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    dayCache.set(day, text);
  }
  return text;
}

/**
 * Codex reports `approved`, `approved_for_session`, `approved_execpolicy_amendment`, `denied` and
 * `abort`; the rollups count approvals of every flavour as approved, and abort (or aborted) as aborted.
 */
function decisionOf(decision: string | null): "approved" | "denied" | "aborted" | null {
  if (!decision) return null;
  if (decision === "approved" || decision.startsWith("approved_")) return "approved";
  if (decision === "denied") return "denied";
  if (decision === "abort" || decision === "aborted") return "aborted";
  return null;
}

type Rollup = {
  day: string;
  openai_user_id: string;
  person_id: string | null;
  model: string;
  client_id: string;
  events: number;
  prompts: number;
  responses: number;
  failed_responses: number;
  tool_calls: number;
  tool_approved: number;
  tool_denied: number;
  tool_aborted: number;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_output_tokens: number;
  findings: number;
};

type ToolRollup = {
  day: string;
  openai_user_id: string;
  person_id: string | null;
  client_id: string;
  model: string;
  tool_name: string;
  calls: number;
  approved: number;
  denied: number;
  aborted: number;
};

type Session = { session_id: string; person_id: string | null; openai_user_id: string | null; client_id: string | null; model: string | null; first_at: number; last_at: number; turns: number };

/** A file's events that are new (stored by this batch), with the person of each. */
type NewEvents = { events: PreparedEvents; fresh: Uint8Array; personOfUser: Array<string | null> };

/**
 * Sessions, daily rollups and tool rollups of the events this batch stores, in storing order.
 * Within a file the strings are dictionary codes, so each event finds its rollup rows by a number
 * (its day and codes) and the string keys across files are built once per distinct row and file.
 */
function aggregate(batch: NewEvents[]) {
  const rollups = new Map<string, Rollup>();
  const toolRollups = new Map<string, ToolRollup>();
  const sessions = new Map<string, Session>();
  for (const { events: e, fresh, personOfUser } of batch) {
    const d = e.dict;
    const str = (code: number) => (code === 0 ? null : d[code]!);
    const size = d.length;
    // (user, model, client[, tool]) codes as one number while it stays exact, else as a string.
    const exact3 = size ** 3 < Number.MAX_SAFE_INTEGER;
    const exact4 = size ** 4 < Number.MAX_SAFE_INTEGER;
    const rollupKey = (a: number, b: number, c: number) => (exact3 ? (a * size + b) * size + c : `${a},${b},${c}`);
    const toolKeyOf = (a: number, b: number, c: number, t: number) => (exact4 ? ((a * size + b) * size + c) * size + t : `${a},${b},${c},${t}`);
    const rollupsOfDay = new Map<number, Map<number | string, Rollup>>();
    const toolsOfDay = new Map<number, Map<number | string, ToolRollup>>();
    const sessionOfCode = new Map<number, Session>();
    const codexLog = d.indexOf("CODEX_LOG");
    const promptCode = d.indexOf("PROMPT_SENT");
    const responseCode = d.indexOf("PROMPT_RESPONSE_RECEIVED");
    const toolCallCode = d.indexOf("TOOL_CALL");
    for (let i = 0; i < e.count; i++) {
      if (!fresh[i]) continue;
      if (codexLog <= 0 || e.eventType[i] !== codexLog) continue;
      const at = e.at[i]!;
      const userCode = e.user[i]!;
      const modelCode = e.model[i]!;
      const clientCode = e.client[i]!;
      const detailCode = e.detailType[i]!;
      const dayNumber = Math.floor(at / DAY_MS);

      let ofDay = rollupsOfDay.get(dayNumber);
      if (!ofDay) rollupsOfDay.set(dayNumber, (ofDay = new Map()));
      const local = rollupKey(userCode, modelCode, clientCode);
      let r = ofDay.get(local);
      if (!r) {
        const day = dayOf(at);
        const user = str(userCode);
        const model = str(modelCode);
        const client = str(clientCode);
        const key = `${day}\u0000${user ?? ""}\u0000${model ?? ""}\u0000${client ?? ""}`;
        r = rollups.get(key);
        if (!r) {
          r = {
            day,
            openai_user_id: user ?? "",
            person_id: personOfUser[userCode] ?? null,
            model: model ?? "",
            client_id: client ?? "",
            events: 0,
            prompts: 0,
            responses: 0,
            failed_responses: 0,
            tool_calls: 0,
            tool_approved: 0,
            tool_denied: 0,
            tool_aborted: 0,
            input_tokens: 0,
            cached_input_tokens: 0,
            output_tokens: 0,
            reasoning_output_tokens: 0,
            findings: 0,
          };
          rollups.set(key, r);
        }
        ofDay.set(local, r);
      }
      r.events += 1;
      r.findings += e.findingCount[i]!;
      if (detailCode === promptCode) r.prompts += 1;
      if (detailCode === responseCode) {
        r.responses += 1;
        const status = str(e.status[i]!);
        if (status && status !== "completed") r.failed_responses += 1;
      }
      const t = i * 4;
      const tokens = e.tokens;
      if (tokens[t] === tokens[t]) r.input_tokens += tokens[t]!;
      if (tokens[t + 1] === tokens[t + 1]) r.cached_input_tokens += tokens[t + 1]!;
      if (tokens[t + 2] === tokens[t + 2]) r.output_tokens += tokens[t + 2]!;
      if (tokens[t + 3] === tokens[t + 3]) r.reasoning_output_tokens += tokens[t + 3]!;

      if (detailCode === toolCallCode && toolCallCode > 0) {
        const decision = decisionOf(str(e.toolDecision[i]!));
        r.tool_calls += 1;
        if (decision === "approved") r.tool_approved += 1;
        else if (decision === "denied") r.tool_denied += 1;
        else if (decision === "aborted") r.tool_aborted += 1;
        const toolCode = e.toolName[i]!;
        let toolsToday = toolsOfDay.get(dayNumber);
        if (!toolsToday) toolsOfDay.set(dayNumber, (toolsToday = new Map()));
        const toolLocal = toolKeyOf(userCode, modelCode, clientCode, toolCode);
        let tr = toolsToday.get(toolLocal);
        if (!tr) {
          const day = dayOf(at);
          const user = str(userCode) ?? "";
          const client = str(clientCode) ?? "";
          const model = str(modelCode) ?? "";
          const tool = str(toolCode) ?? "";
          const toolKey = `${day}\u0000${user}\u0000${client}\u0000${model}\u0000${tool}`;
          tr = toolRollups.get(toolKey);
          if (!tr) {
            tr = { day, openai_user_id: user, person_id: null, client_id: client, model, tool_name: tool, calls: 0, approved: 0, denied: 0, aborted: 0 };
            toolRollups.set(toolKey, tr);
          }
          toolsToday.set(toolLocal, tr);
        }
        tr.person_id ??= personOfUser[userCode] ?? null;
        tr.calls += 1;
        if (decision) tr[decision] += 1;
      }

      const sessionCode = e.session[i]!;
      if (sessionCode !== 0) {
        const prompt = detailCode === promptCode ? 1 : 0;
        let s = sessionOfCode.get(sessionCode);
        if (!s) {
          const sessionId = d[sessionCode]!;
          s = sessions.get(sessionId);
          if (!s) {
            s = { session_id: sessionId, person_id: personOfUser[userCode] ?? null, openai_user_id: str(userCode), client_id: str(clientCode), model: str(modelCode), first_at: at, last_at: at, turns: prompt };
            sessions.set(sessionId, s);
            sessionOfCode.set(sessionCode, s);
            continue;
          }
          sessionOfCode.set(sessionCode, s);
        }
        if (at < s.first_at) s.first_at = at;
        if (at > s.last_at) s.last_at = at;
        s.turns += prompt;
        s.model ??= str(modelCode);
      }
    }
  }
  return {
    rollups: [...rollups.values()],
    toolRollups: [...toolRollups.values()],
    sessions: [...sessions.values()].map((s) => ({ ...s, first_at: new Date(s.first_at).toISOString(), last_at: new Date(s.last_at).toISOString() })),
  };
}

/** One log file as the sync hands it to storage: its ledger entry and its prepared content. */
export type FileToStore = { ledger: FileLedgerEntry; prepared: PreparedLogFile };

/**
 * Stores several consecutive log files of one stream in one transaction: their events and COSTS
 * rows, one ledger row each, and the cursor (which must not move past the last of them). Either
 * all of them are stored or none. The result is per file, as if they had been stored one by one
 * in this order: an event_id seen in an earlier file of the batch is a duplicate in a later one.
 *
 * Events and findings go in through COPY (prepared as COPY text off this thread): the new
 * event ids are found first, by inserting the batch's ids into event_ids (on conflict do
 * nothing) from a staging table, and only the rows of new ids are copied into events.
 */
export async function storeComplianceFiles({
  db,
  files,
  cursor,
}: {
  db: Database;
  files: FileToStore[];
  cursor: CursorAdvance | null;
}): Promise<StoreResult[]> {
  if (new Set(files.map((f) => f.ledger.fileId)).size !== files.length) throw new Error("storeComplianceFiles: the same file twice in one batch");
  let rememberPartitions: (() => void) | undefined;
  const result = await withUniqueRetry(() => db.transaction(async (tx) => {
    // Each person once per file (the first sighting with an email wins in resolvePeopleForActors, as before).
    const actors: Array<{ openaiUserId: string; email: string | null; name?: string | null }> = [];
    for (const { prepared } of files) {
      const e = prepared.events;
      const seen = new Set<number>();
      for (let i = 0; i < e.count; i++) {
        const user = e.user[i]!;
        if (user === 0) continue;
        const pair = user * 0x100000 + e.email[i]!;
        if (seen.has(pair)) continue;
        seen.add(pair);
        actors.push({ openaiUserId: e.dict[user]!, email: e.email[i] === 0 ? null : e.dict[e.email[i]!]! });
      }
      for (const c of prepared.costs) if (c.openaiUserId) actors.push({ openaiUserId: c.openaiUserId, email: c.email, name: c.name });
    }
    const people = await resolvePeopleForActors({ db: tx, actors });
    const personOf = (openaiUserId: string | null) => (openaiUserId ? (people.get(openaiUserId) ?? null) : null);
    const newCounts = files.map(() => 0);

    // The same event_id can appear twice in one file, or in two files of the batch: the first one wins.
    const owner = new Set<string>();
    const taken = files.map(({ prepared }) => {
      const e = prepared.events;
      const take = new Uint8Array(e.count);
      for (let i = 0; i < e.count; i++) {
        const id = e.ids[i]!;
        if (owner.has(id)) continue;
        owner.add(id);
        take[i] = 1;
      }
      return take;
    });

    const batch: NewEvents[] = [];
    if (owner.size > 0) {
      rememberPartitions = await ensureEventPartitions({ db: tx, months: files.flatMap(({ prepared }) => prepared.events.months), cacheKey: db });
      const raw = rawClientOf(tx);
      // Which ids are stored already: one probe; then the new ones are copied into event_ids.
      // A concurrent run storing the same id makes the copy fail with a unique violation; the
      // whole batch is then tried again (withUniqueRetry) and the probe sees it.
      const known = new Set<string>();
      const [probe] = await selectRows<{ known: string | string[] | null }>(
        tx,
        sql`select json_agg(e.event_id) as known from event_ids e
            where e.event_id in (select value from json_array_elements_text(${JSON.stringify(files.flatMap(({ prepared }, f) => prepared.events.ids.filter((_, i) => taken[f]![i])))}::json))`,
      );
      for (const id of typeof probe?.known === "string" ? (JSON.parse(probe.known) as string[]) : (probe?.known ?? [])) known.add(id);
      if (known.size > 0) {
        files.forEach(({ prepared }, f) => {
          const fresh = taken[f]!;
          for (let i = 0; i < prepared.events.count; i++) if (fresh[i] && known.has(prepared.events.ids[i]!)) fresh[i] = 0;
        });
      }
      await raw.copy("event_ids", EVENT_ID_COPY_COLUMNS, files.flatMap(({ prepared }, f) => selectLines(prepared.events.idRows, prepared.events.idRowEnd, taken[f]!)));
      const eventChunks: Uint8Array[] = [];
      const findingChunks: Uint8Array[] = [];
      files.forEach(({ prepared }, f) => {
        const e = prepared.events;
        const fresh = taken[f]!;
        let count = 0;
        for (let i = 0; i < e.count; i++) count += fresh[i]!;
        newCounts[f] = count;
        if (count === 0) return;
        // The person (and its COPY prefix) of each user code, looked up once per code that is a user.
        const personOfUser: Array<string | null> = new Array<string | null>(e.dict.length).fill(null);
        const prefixes: Buffer[] = new Array<Buffer>(e.dict.length);
        const prefixOf = (userCode: number) => {
          let prefix = prefixes[userCode];
          if (!prefix) {
            const person = userCode === 0 ? null : personOf(e.dict[userCode]!);
            personOfUser[userCode] = person;
            prefixes[userCode] = prefix = Buffer.from(`${person ?? "\\N"}\t`);
          }
          return prefix;
        };
        eventChunks.push(prefixLines(e.rows, e.rowEnd, (i) => (fresh[i] ? prefixOf(e.user[i]!) : null)));
        if (e.findingEvent.length > 0) {
          findingChunks.push(prefixLines(e.findingRows, e.findingRowEnd, (k) => (fresh[e.findingEvent[k]!] ? prefixOf(e.user[e.findingEvent[k]!]!) : null)));
        }
        batch.push({ events: e, fresh, personOfUser });
      });
      if (eventChunks.length > 0) await raw.copy("events", EVENT_COPY_COLUMNS, eventChunks);
      if (findingChunks.some((c) => c.length > 0)) await raw.copy("findings", FINDING_COPY_COLUMNS, findingChunks);
      const agg = aggregate(batch);
      if (batch.length > 0) await upsertAggregates(tx, agg);
    }

    const costOwner = new Map<string, number>();
    const uniqueCosts: Array<NormalizedCost & { sourceFileId: string }> = [];
    files.forEach(({ prepared, ledger }, index) => {
      for (const c of prepared.costs) {
        if (costOwner.has(c.eventId)) continue;
        costOwner.set(c.eventId, index);
        uniqueCosts.push({ ...c, sourceFileId: ledger.fileId });
      }
    });
    if (uniqueCosts.length > 0) {
      for (const id of await insertCosts(tx, uniqueCosts, personOf)) newCounts[costOwner.get(id)!]! += 1;
    }

    const results: StoreResult[] = files.map(({ prepared }, index) => {
      const received = prepared.events.count + prepared.costs.length;
      return { events: received, newEvents: newCounts[index]!, duplicates: received - newCounts[index]! };
    });
    const ledgerRows = files.map(({ ledger, prepared }, index) => ({
      id: ledger.fileId,
      scope: ledger.scope,
      event_type: ledger.eventType,
      end_time: ledger.endTime,
      file_name: ledger.fileName,
      file_size: ledger.fileSize,
      file_sha256: ledger.fileSha256,
      lines: prepared.lines,
      events: results[index]!.events,
      new_events: results[index]!.newEvents,
      duplicate_events: results[index]!.duplicates,
      invalid_lines: prepared.invalidLines,
      unknown_events: prepared.events.unknownType.reduce((n, flag) => n + flag, 0),
    }));
    await tx.execute(sql`
      insert into log_files (id, scope, event_type, end_time, file_name, file_size, file_sha256, status, lines, events, new_events,
                             duplicate_events, invalid_lines, unknown_events, attempts, error, ingested_at)
      select id, scope, event_type, end_time, file_name, file_size, file_sha256, 'ingested', lines, events, new_events,
             duplicate_events, invalid_lines, unknown_events, 1, null, now()
      from json_to_recordset(${JSON.stringify(ledgerRows)}::json) as x(
        id text, scope text, event_type text, end_time text, file_name text, file_size bigint, file_sha256 text, lines integer,
        events integer, new_events integer, duplicate_events integer, invalid_lines integer, unknown_events integer)
      on conflict (id) do update set status = 'ingested', lines = excluded.lines, events = excluded.events,
        new_events = excluded.new_events, duplicate_events = excluded.duplicate_events, invalid_lines = excluded.invalid_lines,
        unknown_events = excluded.unknown_events, attempts = log_files.attempts + 1, error = null, ingested_at = now()`);
    if (cursor) await advanceCursor(tx, cursor, { files: files.length, events: newCounts.reduce((a, b) => a + b, 0) });
    return results;
  }));
  rememberPartitions?.();
  return result;
}

/** A unique violation on event_ids means another run stored some of these ids meanwhile: once more sees them as known. */
async function withUniqueRetry<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    const codeOf = (e: unknown): unknown => (e && typeof e === "object" ? ((e as { code?: unknown }).code ?? codeOf((e as { cause?: unknown }).cause)) : undefined);
    if (codeOf(error) !== "23505") throw error;
    return attempt();
  }
}

/** The lines of a COPY buffer whose flag is set: the whole buffer when all are, else the runs that are. */
function selectLines(bytes: Uint8Array, ends: Int32Array, take: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let runStart = -1;
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    if (take[i]) {
      if (runStart === -1) runStart = start;
    } else if (runStart !== -1) {
      out.push(bytes.subarray(runStart, start));
      runStart = -1;
    }
    start = ends[i]!;
  }
  if (runStart !== -1) out.push(bytes.subarray(runStart, start));
  return out;
}

/** Lines of a COPY buffer, each behind the prefix `prefixOf(i)` gives (null leaves the line out), as one buffer. */
function prefixLines(bytes: Uint8Array, ends: Int32Array, prefixOf: (line: number) => Buffer | null): Uint8Array {
  let size = 0;
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const prefix = prefixOf(i);
    if (prefix) size += prefix.length + ends[i]! - start;
    start = ends[i]!;
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  start = 0;
  for (let i = 0; i < ends.length; i++) {
    const prefix = prefixOf(i);
    const end = ends[i]!;
    if (prefix) {
      at += prefix.copy(out, at);
      out.set(bytes.subarray(start, end), at);
      at += end - start;
    }
    start = end;
  }
  return out;
}

type RawClient = {
  copy(table: string, columns: readonly string[], chunks: Uint8Array[]): Promise<void>;
};

/**
 * The driver under a drizzle transaction, for what drizzle does not offer: COPY FROM STDIN on
 * postgres.js, COPY FROM '/dev/blob' on PGlite (which also spares PGlite's JavaScript wire
 * encoder the payload).
 */
function rawClientOf(tx: Database): RawClient {
  const client = (tx as unknown as { session?: { client?: unknown } }).session?.client;
  const columnList = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(", ");
  if (client && typeof (client as postgres.Sql).unsafe === "function") {
    const pg = client as postgres.Sql;
    return {
      copy: async (table, columns, chunks) => {
        const stream = await pg.unsafe(`copy ${table} (${columnList(columns)}) from stdin`).writable();
        await new Promise<void>((resolve, reject) => {
          stream.on("finish", resolve);
          stream.on("error", reject);
          for (const chunk of chunks) if (chunk.length > 0) stream.write(chunk);
          stream.end();
        });
      },
    };
  }
  if (client && typeof (client as PGliteTransaction).query === "function") {
    const lite = client as PGliteTransaction | PGlite;
    return {
      copy: async (table, columns, chunks) => {
        await lite.query(`copy ${table} (${columnList(columns)}) from '/dev/blob'`, [], { blob: new Blob(chunks as BlobPart[]) });
      },
    };
  }
  throw new Error("storeComplianceFiles: the transaction's driver is neither postgres.js nor PGlite");
}

async function upsertAggregates(tx: Database, { sessions, rollups, toolRollups }: ReturnType<typeof aggregate>) {
  if (sessions.length > 0) {
    await tx.execute(sql`
      insert into codex_sessions (session_id, person_id, openai_user_id, client_id, model, first_at, last_at, turns)
      select session_id, person_id, openai_user_id, client_id, model, first_at, last_at, turns
      from json_to_recordset(${JSON.stringify(sessions)}::json) as x(
        session_id text, person_id uuid, openai_user_id text, client_id text, model text, first_at timestamptz, last_at timestamptz, turns integer)
      on conflict (session_id) do update set
        first_at = least(codex_sessions.first_at, excluded.first_at),
        last_at = greatest(codex_sessions.last_at, excluded.last_at),
        turns = codex_sessions.turns + excluded.turns,
        person_id = coalesce(codex_sessions.person_id, excluded.person_id),
        model = coalesce(codex_sessions.model, excluded.model)`);
  }
  if (rollups.length > 0) {
    await tx.execute(sql`
      insert into daily_rollups (day, openai_user_id, person_id, model, client_id, events, prompts, responses, failed_responses,
        tool_calls, tool_approved, tool_denied, tool_aborted, input_tokens, cached_input_tokens, output_tokens,
        reasoning_output_tokens, findings)
      select day, openai_user_id, person_id, model, client_id, events, prompts, responses, failed_responses,
        tool_calls, tool_approved, tool_denied, tool_aborted, input_tokens, cached_input_tokens, output_tokens,
        reasoning_output_tokens, findings
      from json_to_recordset(${JSON.stringify(rollups)}::json) as x(
        day date, openai_user_id text, person_id uuid, model text, client_id text, events integer, prompts integer,
        responses integer, failed_responses integer, tool_calls integer, tool_approved integer, tool_denied integer,
        tool_aborted integer, input_tokens bigint, cached_input_tokens bigint, output_tokens bigint,
        reasoning_output_tokens bigint, findings integer)
      on conflict (day, openai_user_id, model, client_id) do update set
        person_id = coalesce(daily_rollups.person_id, excluded.person_id),
        events = daily_rollups.events + excluded.events,
        prompts = daily_rollups.prompts + excluded.prompts,
        responses = daily_rollups.responses + excluded.responses,
        failed_responses = daily_rollups.failed_responses + excluded.failed_responses,
        tool_calls = daily_rollups.tool_calls + excluded.tool_calls,
        tool_approved = daily_rollups.tool_approved + excluded.tool_approved,
        tool_denied = daily_rollups.tool_denied + excluded.tool_denied,
        tool_aborted = daily_rollups.tool_aborted + excluded.tool_aborted,
        input_tokens = daily_rollups.input_tokens + excluded.input_tokens,
        cached_input_tokens = daily_rollups.cached_input_tokens + excluded.cached_input_tokens,
        output_tokens = daily_rollups.output_tokens + excluded.output_tokens,
        reasoning_output_tokens = daily_rollups.reasoning_output_tokens + excluded.reasoning_output_tokens,
        findings = daily_rollups.findings + excluded.findings`);
  }

  if (toolRollups.length > 0) {
    await tx.execute(sql`
      insert into daily_tool_rollups (day, openai_user_id, person_id, client_id, model, tool_name, calls, approved, denied, aborted)
      select day, openai_user_id, person_id, client_id, model, tool_name, calls, approved, denied, aborted
      from json_to_recordset(${JSON.stringify(toolRollups)}::json) as x(
        day date, openai_user_id text, person_id uuid, client_id text, model text, tool_name text,
        calls integer, approved integer, denied integer, aborted integer)
      on conflict (day, openai_user_id, client_id, model, tool_name) do update set
        person_id = coalesce(daily_tool_rollups.person_id, excluded.person_id),
        calls = daily_tool_rollups.calls + excluded.calls,
        approved = daily_tool_rollups.approved + excluded.approved,
        denied = daily_tool_rollups.denied + excluded.denied,
        aborted = daily_tool_rollups.aborted + excluded.aborted`);
  }
}

/** Inserts COSTS rows not stored before; returns the event ids that were new. */
async function insertCosts(tx: Database, rows: Array<NormalizedCost & { sourceFileId: string }>, personOf: (id: string | null) => string | null) {
  const payload = rows.map((c) => ({
    event_id: c.eventId,
    hour: c.hour.toISOString(),
    organization_id: c.organizationId,
    openai_user_id: c.openaiUserId,
    person_id: personOf(c.openaiUserId),
    email: c.email,
    groups: c.groups,
    product: c.product,
    client: c.client,
    surface: c.surface,
    model: c.model,
    service_tier: c.serviceTier,
    reasoning: c.reasoning,
    input_tokens: c.inputTokens,
    cached_input_tokens: c.cachedInputTokens,
    output_tokens: c.outputTokens,
    credits: c.credits == null ? null : c.credits.toFixed(6),
    billing: c.billing,
    flags: c.flags,
    attributes: c.attributes,
    source_file_id: c.sourceFileId,
  }));
  const inserted = await selectRows<{ event_id: string }>(
    tx,
    sql`insert into costs_hourly (event_id, hour, organization_id, openai_user_id, person_id, email, groups, product, client, surface,
          model, service_tier, reasoning, input_tokens, cached_input_tokens, output_tokens, credits, billing, flags, attributes, source_file_id)
        select event_id, hour, organization_id, openai_user_id, person_id, email, coalesce(groups, '[]'::jsonb), product, client, surface,
          model, service_tier, reasoning, input_tokens, cached_input_tokens, output_tokens, credits, coalesce(billing, '[]'::jsonb),
          coalesce(flags, '{}'::text[]), coalesce(attributes, '{}'::jsonb), source_file_id
        from json_to_recordset(${JSON.stringify(payload)}::json) as x(
          event_id text, hour timestamptz, organization_id text, openai_user_id text, person_id uuid, email text, groups jsonb,
          product text, client text, surface text, model text, service_tier text, reasoning text, input_tokens bigint,
          cached_input_tokens bigint, output_tokens bigint, credits numeric, billing jsonb, flags text[], attributes jsonb, source_file_id text)
        on conflict (event_id) do nothing
        returning event_id`,
  );
  return inserted.map((r) => r.event_id);
}

/** Moves a cursor forward (never back) and counts what came with it. */
export async function advanceCursor(db: Database, cursor: CursorAdvance, added: { files: number; events: number }) {
  await db.execute(sql`
    insert into sync_cursors (source, scope, stream, position, position_time, last_success_at, files_total, events_total, updated_at)
    values (${cursor.source}, ${cursor.scope}, ${cursor.stream}, ${cursor.position}, ${cursor.positionTime.toISOString()}, now(),
            ${added.files}, ${added.events}, now())
    on conflict (source, scope, stream) do update set
      position = case when sync_cursors.position_time is null or excluded.position_time >= sync_cursors.position_time
                      then excluded.position else sync_cursors.position end,
      position_time = greatest(sync_cursors.position_time, excluded.position_time),
      last_success_at = now(),
      files_total = sync_cursors.files_total + excluded.files_total,
      events_total = sync_cursors.events_total + excluded.events_total,
      updated_at = now()`);
}

/** A file that could not be stored whole: recorded so it is shown and retried, never half-stored. */
export async function quarantineFile({ db, ledger, error, cursor }: { db: Database; ledger: FileLedgerEntry; error: string; cursor: CursorAdvance | null }) {
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      insert into log_files (id, scope, event_type, end_time, file_name, file_size, file_sha256, status, attempts, error)
      values (${ledger.fileId}, ${ledger.scope}, ${ledger.eventType}, ${ledger.endTime}, ${ledger.fileName}, ${ledger.fileSize},
              ${ledger.fileSha256}, 'quarantined', 1, ${error})
      on conflict (id) do update set attempts = log_files.attempts + 1, error = excluded.error
      where log_files.status <> 'ingested'`);
    if (cursor) await advanceCursor(tx, cursor, { files: 0, events: 0 });
  });
}
