import { sql } from "drizzle-orm";
import { selectRows, type Database } from "../../db/client.server";
import type { NormalizedCost, NormalizedEvent } from "../lib/openai/compliance-events";
import type { SessionSecrets } from "../lib/openai/session-secrets";
import type { Finding, Redactor } from "../lib/redaction";
import { resolvePeopleForActors } from "./person.server";

/**
 * Storing Compliance log files: the events (redacted and fingerprinted beforehand by
 * prepareEvent), their findings, sessions, daily rollups, COSTS rows, the file-ledger row
 * and the cursor, all in one transaction per file. A crash leaves the whole file or none
 * of it; dedupe by event_id makes a re-run converge to the same rows.
 */

export type TextPolicy = "redacted" | "hash-only";

export type StoredFinding = Pick<Finding, "type" | "kind" | "start" | "end" | "fingerprint"> & { field: string };

/** A normalized event after redaction: no raw text is left in it. */
export type PreparedEvent = Omit<NormalizedEvent, "texts" | "kind"> & {
  textKind: string | null;
  textLength: number | null;
  textFingerprint: string | null;
  redactedText: string | null;
  findings: StoredFinding[];
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The only place raw event text is handled. The main text (prompt, response or tool
 * arguments) becomes a fingerprint, a length, findings and (policy "redacted") the redacted
 * text; any further text field becomes a fingerprint and length only; every other string
 * anywhere in the attributes is passed through the redactor too, so a secret in an
 * unexpected field is still caught.
 */
export function prepareEvent(
  event: NormalizedEvent,
  { redactor, textPolicy, sessionSecrets }: { redactor: Redactor; textPolicy: TextPolicy; sessionSecrets?: SessionSecrets },
): PreparedEvent {
  const { texts, kind: _kind, ...rest } = event;
  const findings: StoredFinding[] = [];
  let main: { kind: string; length: number; fingerprint: string; redacted: string | null } | null = null;
  const attributes = redactStrings(rest.attributes, redactor, findings, "attributes") as Record<string, unknown>;
  for (const { field, text } of texts) {
    const found = redactor.redact(text);
    const result = sessionSecrets ? sessionSecrets.extend(event.sessionId, text, found) : found;
    sessionSecrets?.remember(event.sessionId, text, found);
    for (const f of result.findings) findings.push({ field, type: f.type, kind: f.kind, start: f.start, end: f.end, fingerprint: f.fingerprint });
    if (!main) {
      main = { kind: field, length: result.length, fingerprint: result.textFingerprint, redacted: textPolicy === "redacted" ? result.redacted : null };
    } else {
      attributes[field] = { text_length: result.length, text_fingerprint: result.textFingerprint, findings: result.findings.length };
    }
  }
  return {
    ...rest,
    attributes,
    textKind: main?.kind ?? null,
    textLength: main?.length ?? null,
    textFingerprint: main?.fingerprint ?? null,
    redactedText: main?.redacted ?? null,
    findings,
  };
}

/**
 * Attribute strings repeat a lot (enums such as approval policies, the workspace id, tool
 * names), and redaction is a pure function of the redactor's key and the string, so the
 * outcome for short strings is remembered per redactor. Every string is still redacted the
 * first time it is seen; only the identical string reuses that outcome.
 */
type AttributeRedaction = { redacted: string; findings: Finding[] };
const MEMO_MAX_LENGTH = 256;
const MEMO_MAX_ENTRIES = 50_000;
const attributeMemos = new WeakMap<Redactor, Map<string, AttributeRedaction>>();

function redactAttribute(value: string, redactor: Redactor): AttributeRedaction {
  if (value.length > MEMO_MAX_LENGTH) {
    const result = redactor.redact(value);
    return { redacted: result.redacted, findings: result.findings };
  }
  let memo = attributeMemos.get(redactor);
  if (!memo) {
    memo = new Map();
    attributeMemos.set(redactor, memo);
  }
  let known = memo.get(value);
  if (!known) {
    const result = redactor.redact(value);
    known = { redacted: result.redacted, findings: result.findings };
    if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
    memo.set(value, known);
  }
  return known;
}

function redactStrings(value: unknown, redactor: Redactor, findings: StoredFinding[], path: string): Json {
  if (typeof value === "string") {
    if (value.length < 6) return value;
    const result = redactAttribute(value, redactor);
    for (const f of result.findings) findings.push({ field: path, type: f.type, kind: f.kind, start: f.start, end: f.end, fingerprint: f.fingerprint });
    return result.findings.length > 0 ? result.redacted : value;
  }
  if (Array.isArray(value)) return value.map((v, i) => redactStrings(v, redactor, findings, `${path}.${i}`));
  if (value && typeof value === "object") {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactStrings(v, redactor, findings, `${path}.${k}`);
    return out;
  }
  return (value ?? null) as Json;
}

export type FileLedgerEntry = {
  fileId: string;
  scope: string;
  eventType: string;
  endTime: string;
  fileName: string | null;
  fileSize: number | null;
  fileSha256: string | null;
  lines: number;
  invalidLines: number;
};

export type CursorAdvance = { source: string; scope: string; stream: string; position: string; positionTime: Date };

export type StoreResult = { events: number; newEvents: number; duplicates: number };

const partitionsCreated = new WeakMap<object, Set<string>>();

function monthStart(date: Date) {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

/**
 * Creates the monthly partitions of `events` that these timestamps fall in, once per process and
 * database. `cacheKey` names the database when `db` is a transaction (a new object every time):
 * pass the handle the transaction was opened on.
 */
export async function ensureEventPartitions({ db, times, cacheKey = db }: { db: Database; times: Date[]; cacheKey?: object }) {
  const cache = partitionsCreated.get(cacheKey) ?? new Set<string>();
  partitionsCreated.set(cacheKey, cache);
  const months = new Map<string, Date>();
  for (const time of times) {
    const start = monthStart(time);
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

function dayOf(date: Date) {
  return date.toISOString().slice(0, 10);
}

type RollupKey = string;
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

function rollupsOf(events: Array<PreparedEvent & { personId: string | null }>) {
  const rollups = new Map<RollupKey, Rollup>();
  for (const e of events) {
    if (e.eventType !== "CODEX_LOG") continue;
    const key = [dayOf(e.occurredAt), e.openaiUserId ?? "", e.model ?? "", e.clientId ?? ""].join("\u0000");
    let r = rollups.get(key);
    if (!r) {
      r = {
        day: dayOf(e.occurredAt),
        openai_user_id: e.openaiUserId ?? "",
        person_id: e.personId,
        model: e.model ?? "",
        client_id: e.clientId ?? "",
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
    r.events += 1;
    r.findings += e.findings.length;
    if (e.detailType === "PROMPT_SENT") r.prompts += 1;
    if (e.detailType === "PROMPT_RESPONSE_RECEIVED") {
      r.responses += 1;
      if (e.status && e.status !== "completed") r.failed_responses += 1;
    }
    if (e.detailType === "TOOL_CALL") {
      r.tool_calls += 1;
      const decision = decisionOf(e.toolDecision);
      if (decision === "approved") r.tool_approved += 1;
      else if (decision === "denied") r.tool_denied += 1;
      else if (decision === "aborted") r.tool_aborted += 1;
    }
    r.input_tokens += e.inputTokens ?? 0;
    r.cached_input_tokens += e.cachedInputTokens ?? 0;
    r.output_tokens += e.outputTokens ?? 0;
    r.reasoning_output_tokens += e.reasoningOutputTokens ?? 0;
  }
  return [...rollups.values()];
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

function toolRollupsOf(events: Array<PreparedEvent & { personId: string | null }>) {
  const rollups = new Map<string, ToolRollup>();
  for (const e of events) {
    if (e.eventType !== "CODEX_LOG" || e.detailType !== "TOOL_CALL") continue;
    const day = dayOf(e.occurredAt);
    const key = [day, e.openaiUserId ?? "", e.clientId ?? "", e.model ?? "", e.toolName ?? ""].join("\u0000");
    let r = rollups.get(key);
    if (!r) {
      r = {
        day,
        openai_user_id: e.openaiUserId ?? "",
        person_id: e.personId,
        client_id: e.clientId ?? "",
        model: e.model ?? "",
        tool_name: e.toolName ?? "",
        calls: 0,
        approved: 0,
        denied: 0,
        aborted: 0,
      };
      rollups.set(key, r);
    }
    r.person_id ??= e.personId;
    r.calls += 1;
    const decision = decisionOf(e.toolDecision);
    if (decision) r[decision] += 1;
  }
  return [...rollups.values()];
}

function sessionsOf(events: Array<PreparedEvent & { personId: string | null }>) {
  const sessions = new Map<string, { session_id: string; person_id: string | null; openai_user_id: string | null; client_id: string | null; model: string | null; first_at: string; last_at: string; turns: number }>();
  for (const e of events) {
    if (e.eventType !== "CODEX_LOG" || !e.sessionId) continue;
    const at = e.occurredAt.toISOString();
    const s = sessions.get(e.sessionId);
    if (!s) {
      sessions.set(e.sessionId, {
        session_id: e.sessionId,
        person_id: e.personId,
        openai_user_id: e.openaiUserId,
        client_id: e.clientId,
        model: e.model,
        first_at: at,
        last_at: at,
        turns: e.detailType === "PROMPT_SENT" ? 1 : 0,
      });
    } else {
      if (at < s.first_at) s.first_at = at;
      if (at > s.last_at) s.last_at = at;
      if (e.detailType === "PROMPT_SENT") s.turns += 1;
      s.model ??= e.model;
    }
  }
  return [...sessions.values()];
}

/** One downloaded, parsed and redacted log file, ready to be stored. */
export type FileToStore = { ledger: FileLedgerEntry; events: PreparedEvent[]; costs: NormalizedCost[] };

/** Stores one log file's events or COSTS rows, its ledger row and the cursor, atomically. */
export async function storeComplianceFile({
  db,
  ledger,
  events,
  costs,
  cursor,
}: {
  db: Database;
  ledger: FileLedgerEntry;
  events: PreparedEvent[];
  costs: NormalizedCost[];
  cursor: CursorAdvance | null;
}): Promise<StoreResult> {
  const [result] = await storeComplianceFiles({ db, files: [{ ledger, events, costs }], cursor });
  return result!;
}

/**
 * Stores several consecutive log files of one stream in one transaction: their events and COSTS
 * rows, one ledger row each, and the cursor (which must not move past the last of them). Either
 * all of them are stored or none. The result is per file, as if they had been stored one by one
 * in this order: an event_id seen in an earlier file of the batch is a duplicate in a later one.
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
  const result = await db.transaction(async (tx) => {
    const actors: Array<{ openaiUserId: string; email: string | null; name?: string | null }> = [];
    for (const { events, costs } of files) {
      for (const e of events) if (e.openaiUserId) actors.push({ openaiUserId: e.openaiUserId, email: e.actorEmail });
      for (const c of costs) if (c.openaiUserId) actors.push({ openaiUserId: c.openaiUserId, email: c.email, name: c.name });
    }
    const people = await resolvePeopleForActors({ db: tx, actors });
    const personOf = (openaiUserId: string | null) => (openaiUserId ? (people.get(openaiUserId) ?? null) : null);
    const newCounts = files.map(() => 0);

    // The same event_id can appear twice in one file, or in two files of the batch: the first one wins.
    const owner = new Map<string, number>();
    const unique: PreparedEvent[] = [];
    files.forEach(({ events }, index) => {
      for (const e of events) {
        if (owner.has(e.eventId)) continue;
        owner.set(e.eventId, index);
        unique.push(e);
      }
    });

    if (unique.length > 0) {
      rememberPartitions = await ensureEventPartitions({ db: tx, times: unique.map((e) => e.occurredAt), cacheKey: db });
      const inserted = await selectRows<{ event_id: string }>(
        tx,
        sql`insert into event_ids (event_id, occurred_at, event_type)
            select event_id, occurred_at, event_type
            from json_to_recordset(${JSON.stringify(unique.map((e) => ({ event_id: e.eventId, occurred_at: e.occurredAt.toISOString(), event_type: e.eventType })))}::json)
              as x(event_id text, occurred_at timestamptz, event_type text)
            on conflict (event_id) do nothing
            returning event_id`,
      );
      const fresh = new Set(inserted.map((r) => r.event_id));
      const toStore: StoredEvent[] = [];
      for (const e of unique) {
        if (!fresh.has(e.eventId)) continue;
        const index = owner.get(e.eventId)!;
        newCounts[index]! += 1;
        toStore.push({ ...e, personId: personOf(e.openaiUserId), sourceFileId: files[index]!.ledger.fileId });
      }
      if (toStore.length > 0) await insertEvents(tx, toStore);
    }

    const costOwner = new Map<string, number>();
    const uniqueCosts: Array<NormalizedCost & { sourceFileId: string }> = [];
    files.forEach(({ costs, ledger }, index) => {
      for (const c of costs) {
        if (costOwner.has(c.eventId)) continue;
        costOwner.set(c.eventId, index);
        uniqueCosts.push({ ...c, sourceFileId: ledger.fileId });
      }
    });
    if (uniqueCosts.length > 0) {
      for (const id of await insertCosts(tx, uniqueCosts, personOf)) newCounts[costOwner.get(id)!]! += 1;
    }

    const results: StoreResult[] = files.map(({ events, costs }, index) => {
      const received = events.length + costs.length;
      return { events: received, newEvents: newCounts[index]!, duplicates: received - newCounts[index]! };
    });
    const ledgerRows = files.map(({ ledger, events }, index) => ({
      id: ledger.fileId,
      scope: ledger.scope,
      event_type: ledger.eventType,
      end_time: ledger.endTime,
      file_name: ledger.fileName,
      file_size: ledger.fileSize,
      file_sha256: ledger.fileSha256,
      lines: ledger.lines,
      events: results[index]!.events,
      new_events: results[index]!.newEvents,
      duplicate_events: results[index]!.duplicates,
      invalid_lines: ledger.invalidLines,
      unknown_events: events.filter((e) => e.flags.includes("unknown_event_type")).length,
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
  });
  rememberPartitions?.();
  return result;
}

type StoredEvent = PreparedEvent & { personId: string | null; sourceFileId: string };

async function insertEvents(tx: Database, rows: StoredEvent[]) {
  const payload = rows.map((e) => ({
    event_id: e.eventId,
    occurred_at: e.occurredAt.toISOString(),
    event_type: e.eventType,
    detail_type: e.detailType,
    workspace_id: e.workspaceId,
    person_id: e.personId,
    openai_user_id: e.openaiUserId,
    actor_email: e.actorEmail,
    client_id: e.clientId,
    session_id: e.sessionId,
    turn_id: e.turnId,
    model: e.model,
    service_tier: e.serviceTier,
    reasoning_effort: e.reasoningEffort,
    status: e.status,
    input_tokens: e.inputTokens,
    cached_input_tokens: e.cachedInputTokens,
    output_tokens: e.outputTokens,
    reasoning_output_tokens: e.reasoningOutputTokens,
    tool_name: e.toolName,
    tool_decision: e.toolDecision,
    text_kind: e.textKind,
    text_length: e.textLength,
    text_fingerprint: e.textFingerprint,
    redacted_text: e.redactedText,
    finding_count: e.findings.length,
    flags: e.flags,
    attributes: e.attributes,
    source_file_id: e.sourceFileId,
  }));
  await tx.execute(sql`
    insert into events (event_id, occurred_at, event_type, detail_type, workspace_id, person_id, openai_user_id, actor_email,
      client_id, session_id, turn_id, model, service_tier, reasoning_effort, status, input_tokens, cached_input_tokens,
      output_tokens, reasoning_output_tokens, tool_name, tool_decision, text_kind, text_length, text_fingerprint,
      redacted_text, finding_count, flags, attributes, source_file_id)
    select event_id, occurred_at, event_type, detail_type, workspace_id, person_id, openai_user_id, actor_email,
      client_id, session_id, turn_id, model, service_tier, reasoning_effort, status, input_tokens, cached_input_tokens,
      output_tokens, reasoning_output_tokens, tool_name, tool_decision, text_kind, text_length, text_fingerprint,
      redacted_text, finding_count, flags, coalesce(attributes, '{}'::jsonb), source_file_id
    from json_to_recordset(${JSON.stringify(payload)}::json) as x(
      event_id text, occurred_at timestamptz, event_type text, detail_type text, workspace_id text, person_id uuid,
      openai_user_id text, actor_email text, client_id text, session_id text, turn_id text, model text, service_tier text,
      reasoning_effort text, status text, input_tokens bigint, cached_input_tokens bigint, output_tokens bigint,
      reasoning_output_tokens bigint, tool_name text, tool_decision text, text_kind text, text_length integer,
      text_fingerprint text, redacted_text text, finding_count integer, flags text[], attributes jsonb, source_file_id text)`);

  const findingRows = rows.flatMap((e) =>
    e.findings.map((f) => ({
      event_id: e.eventId,
      occurred_at: e.occurredAt.toISOString(),
      person_id: e.personId,
      field: f.field,
      type: f.type,
      kind: f.kind,
      start: f.start,
      end: f.end,
      fingerprint: f.fingerprint,
    })),
  );
  if (findingRows.length > 0) {
    await tx.execute(sql`
      insert into findings (event_id, occurred_at, person_id, field, type, kind, start, "end", fingerprint)
      select event_id, occurred_at, person_id, field, type, kind, start, "end", fingerprint
      from json_to_recordset(${JSON.stringify(findingRows)}::json) as x(
        event_id text, occurred_at timestamptz, person_id uuid, field text, type text, kind text, start integer, "end" integer, fingerprint text)`);
  }

  const sessions = sessionsOf(rows);
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

  const rollups = rollupsOf(rows);
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

  const toolRollups = toolRollupsOf(rows);
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
