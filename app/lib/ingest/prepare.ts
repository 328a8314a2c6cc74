import { normalizeLine, type NormalizedCost, type NormalizedEvent } from "../openai/compliance-events";
import type { SessionSecrets } from "../openai/session-secrets";
import type { Finding, Redactor } from "../redaction";

/**
 * Preparing one downloaded Compliance log file for storage: every line parsed and normalized,
 * every event redacted (the only place raw event text is handled), and the rows to store
 * written out as PostgreSQL COPY text. The result holds no raw text and only plain data, typed
 * arrays and byte buffers, so it can be made in a worker thread and handed to the storing
 * thread without copying (app/lib/ingest/prepare-pool.ts). Storage is
 * app/models/events.server.ts (storeComplianceFiles).
 */

export type TextPolicy = "redacted" | "hash-only";

export type StoredFinding = Pick<Finding, "type" | "kind" | "start" | "end" | "fingerprint"> & { field: string };

/** What redaction makes of an event's text and attributes: nothing raw is left in it. */
export type EventRedaction = {
  attributes: Record<string, unknown>;
  textKind: string | null;
  textLength: number | null;
  textFingerprint: string | null;
  redactedText: string | null;
  findings: StoredFinding[];
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The main text (prompt, response or tool arguments) becomes a fingerprint, a length, findings
 * and (policy "redacted") the redacted text; any further text field becomes a fingerprint and
 * length only; every other string anywhere in the attributes is passed through the redactor
 * too, so a secret in an unexpected field is still caught.
 */
export function redactEvent(
  event: NormalizedEvent,
  { redactor, textPolicy, sessionSecrets }: { redactor: Redactor; textPolicy: TextPolicy; sessionSecrets?: SessionSecrets },
): EventRedaction {
  const findings: StoredFinding[] = [];
  let attributes = redactStrings(event.attributes, redactor, findings, { parent: null, key: "attributes" }) as Record<string, unknown>;
  // Copied on write: further text fields are added below, and the event's own object stays as parsed.
  if (attributes === event.attributes && event.texts.length > 1) attributes = { ...attributes };
  const redaction: EventRedaction = { attributes, textKind: null, textLength: null, textFingerprint: null, redactedText: null, findings };
  for (const { field, text } of event.texts) {
    const found = redactor.redact(text);
    const result = sessionSecrets ? sessionSecrets.extend(event.sessionId, text, found) : found;
    sessionSecrets?.remember(event.sessionId, text, found);
    for (const f of result.findings) findings.push({ field, type: f.type, kind: f.kind, start: f.start, end: f.end, fingerprint: f.fingerprint });
    if (redaction.textKind === null) {
      redaction.textKind = field;
      redaction.textLength = result.length;
      redaction.textFingerprint = result.textFingerprint;
      redaction.redactedText = textPolicy === "redacted" ? result.redacted : null;
    } else {
      attributes[field] = { text_length: result.length, text_fingerprint: result.textFingerprint, findings: result.findings.length };
    }
  }
  return redaction;
}

/**
 * Attribute strings repeat a lot (enums such as approval policies, the workspace id, tool
 * names), and redaction is a pure function of the redactor's key and the string, so the
 * outcome for short strings is remembered per redactor. Every string is still redacted the
 * first time it is seen; only the identical string reuses that outcome. Attribute strings keep
 * no whole-text fingerprint, so they skip that HMAC.
 */
type AttributeRedaction = { redacted: string; findings: Finding[] };
const MEMO_MAX_LENGTH = 256;
const MEMO_MAX_ENTRIES = 50_000;
const attributeMemos = new WeakMap<Redactor, Map<string, AttributeRedaction>>();

function redactAttribute(value: string, redactor: Redactor): AttributeRedaction {
  if (value.length > MEMO_MAX_LENGTH) return redactor.redactWithoutTextFingerprint(value);
  let memo = attributeMemos.get(redactor);
  if (!memo) {
    memo = new Map();
    attributeMemos.set(redactor, memo);
  }
  let known = memo.get(value);
  if (!known) {
    const result = redactor.redactWithoutTextFingerprint(value);
    known = { redacted: result.redacted, findings: result.findings };
    if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
    memo.set(value, known);
  }
  return known;
}

/**
 * Every string in `value` redacted, as a new value; objects and arrays are copied only where
 * something in them changed, and a finding's path ("attributes.a.0.b") is spelled out only when
 * there is a finding (most events have none: building every path and copying every object was
 * a measurable share of the preparing thread). `path` is the chain of keys from the root.
 */
function redactStrings(value: unknown, redactor: Redactor, findings: StoredFinding[], path: PathLink): Json {
  if (typeof value === "string") {
    if (value.length < 6) return value;
    const result = redactAttribute(value, redactor);
    if (result.findings.length === 0) return value;
    const field = pathText(path);
    for (const f of result.findings) findings.push({ field, type: f.type, kind: f.kind, start: f.start, end: f.end, fingerprint: f.fingerprint });
    return result.redacted;
  }
  if (Array.isArray(value)) {
    let out: Json[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v = value[i] as unknown;
      const redacted = redactStrings(v, redactor, findings, { parent: path, key: String(i) });
      if (redacted !== v && out === null) out = value.slice(0, i) as Json[];
      if (out !== null) out.push(redacted);
    }
    return out ?? (value as Json[]);
  }
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    let out: Record<string, Json> | null = null;
    for (const k in record) {
      if (!Object.hasOwn(record, k)) continue;
      const v = record[k];
      const redacted = redactStrings(v, redactor, findings, { parent: path, key: k });
      if (redacted !== v && out === null) {
        out = {};
        for (const earlier in record) {
          if (earlier === k) break;
          if (Object.hasOwn(record, earlier)) out[earlier] = record[earlier] as Json;
        }
      }
      if (out !== null) out[k] = redacted;
    }
    return out ?? (record as Record<string, Json>);
  }
  // undefined becomes null, as JSON.stringify of the copy would have had it.
  return (value ?? null) as Json;
}

type PathLink = { parent: PathLink | null; key: string };

function pathText(link: PathLink): string {
  const keys: string[] = [];
  for (let at: PathLink | null = link; at; at = at.parent) keys.push(at.key);
  return keys.reverse().join(".");
}

/* ───────────────────────── The prepared file ───────────────────────── */

/**
 * Columns of the `events` COPY rows. person_id (first) is resolved in the storing transaction
 * and put in front of each row there; a row here starts with event_id.
 */
export const EVENT_COPY_COLUMNS = [
  "person_id",
  "event_id",
  "occurred_at",
  "event_type",
  "detail_type",
  "workspace_id",
  "openai_user_id",
  "actor_email",
  "client_id",
  "session_id",
  "turn_id",
  "model",
  "service_tier",
  "reasoning_effort",
  "status",
  "input_tokens",
  "cached_input_tokens",
  "output_tokens",
  "reasoning_output_tokens",
  "tool_name",
  "tool_decision",
  "text_kind",
  "text_length",
  "text_fingerprint",
  "redacted_text",
  "finding_count",
  "flags",
  "attributes",
  "source_file_id",
] as const;

/** Columns of the `findings` COPY rows; person_id first, as for events. */
export const FINDING_COPY_COLUMNS = ["person_id", "event_id", "occurred_at", "field", "type", "kind", "start", "end", "fingerprint"] as const;

/** Columns of the event-id rows the dedupe step copies into its staging table. */
export const EVENT_ID_COPY_COLUMNS = ["event_id", "occurred_at", "event_type"] as const;

/**
 * The events of one file in time order, column by column. Strings that repeat (types, people,
 * clients, models, sessions, tools) are indexes into `dict` (0 is null). `rows`, `idRows` and
 * `findingRows` are COPY text in UTF-8, one line per event (per finding), `…End` the byte offset
 * where each line ends.
 */
export type PreparedEvents = {
  count: number;
  ids: string[];
  /** occurred_at in epoch milliseconds */
  at: Float64Array;
  dict: string[];
  eventType: Int32Array;
  detailType: Int32Array;
  user: Int32Array;
  email: Int32Array;
  client: Int32Array;
  session: Int32Array;
  model: Int32Array;
  status: Int32Array;
  toolName: Int32Array;
  toolDecision: Int32Array;
  /** input, cached input, output, reasoning output per event; NaN where the event has none */
  tokens: Float64Array;
  findingCount: Int32Array;
  unknownType: Uint8Array;
  rows: Uint8Array;
  rowEnd: Int32Array;
  idRows: Uint8Array;
  idRowEnd: Int32Array;
  findingRows: Uint8Array;
  findingRowEnd: Int32Array;
  /** the event (index) each finding row belongs to */
  findingEvent: Int32Array;
  /** the UTC month starts (epoch ms) the events fall in */
  months: number[];
};

export type PreparedLogFile = {
  lines: number;
  invalidLines: number;
  /** Line numbers and problems of skipped lines (never the line itself: it may hold raw text). */
  invalid: Array<{ line: number; problem: string }>;
  events: PreparedEvents;
  costs: NormalizedCost[];
};

export type PrepareOptions = { fileId: string; redactor: Redactor; textPolicy: TextPolicy; sessionSecrets?: SessionSecrets };

/** Parses, normalizes and redacts one file's JSONL body; nothing raw is left in the result. */
export function prepareLogFile(body: Uint8Array, options: PrepareOptions): PreparedLogFile {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
  const normalized: NormalizedEvent[] = [];
  const costs: NormalizedCost[] = [];
  const invalid: PreparedLogFile["invalid"] = [];
  let lines = 0;
  let lineNumber = 0;
  for (let start = 0; start <= text.length; lineNumber++) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === "") continue;
    lines += 1;
    const record = normalizeLine(line, lineNumber + 1);
    if (record.kind === "invalid") invalid.push({ line: record.line, problem: record.problem });
    else if (record.kind === "cost") costs.push(record);
    else normalized.push(record);
  }
  // In time order, so that a secret pasted in a prompt is known when the response echoes it.
  normalized.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  const writer = new EventsWriter(normalized.length, options.fileId);
  for (const record of normalized) writer.add(record, redactEvent(record, options));
  return { lines, invalidLines: invalid.length, invalid, events: writer.finish(), costs };
}

/** The buffers a PreparedLogFile owns, for postMessage's transfer list. */
export function transferablesOf(file: PreparedLogFile): ArrayBuffer[] {
  const e = file.events;
  const views = [e.at, e.eventType, e.detailType, e.user, e.email, e.client, e.session, e.model, e.status, e.toolName, e.toolDecision, e.tokens, e.findingCount, e.unknownType, e.rows, e.rowEnd, e.idRows, e.idRowEnd, e.findingRows, e.findingRowEnd, e.findingEvent];
  return [...new Set(views.map((v) => v.buffer as ArrayBuffer))];
}

const MONTH_CACHE_HOURS = new Map<number, number>();

function monthStartOf(ms: number) {
  const hour = Math.floor(ms / 3_600_000);
  let start = MONTH_CACHE_HOURS.get(hour);
  if (start === undefined) {
    const d = new Date(ms);
    start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    if (MONTH_CACHE_HOURS.size > 10_000) MONTH_CACHE_HOURS.clear();
    MONTH_CACHE_HOURS.set(hour, start);
  }
  return start;
}

/** COPY text format: backslash, newline, carriage return and tab escaped; null is \N. */
export function copyValue(value: string | null | undefined): string {
  if (value === null || value === undefined) return "\\N";
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, escapeChar) : value;
}
const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPED = /[\\\n\r\t]/g;
const escapeChar = (c: string) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t");

function copyNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? "\\N" : String(value);
}

/** A PostgreSQL array literal of text, as COPY text. */
function copyTextArray(values: readonly string[]): string {
  if (values.length === 0) return "{}";
  return copyValue(`{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(",")}}`);
}

/** Grows a byte buffer of COPY lines and remembers where each line ends. */
class LineBuffer {
  bytes: Buffer;
  length = 0;
  ends: Int32Array;
  count = 0;
  constructor(expectedLines: number, bytesPerLine: number) {
    this.bytes = Buffer.allocUnsafeSlow(Math.max(1024, expectedLines * bytesPerLine));
    this.ends = new Int32Array(Math.max(1, expectedLines));
  }
  push(line: string) {
    const max = line.length * 3 + 1;
    if (this.length + max > this.bytes.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.length + max));
      this.bytes.copy(bigger, 0, 0, this.length);
      this.bytes = bigger;
    }
    this.length += this.bytes.write(line, this.length, "utf8");
    this.bytes[this.length++] = 0x0a;
    if (this.count === this.ends.length) {
      const bigger = new Int32Array(this.ends.length * 2);
      bigger.set(this.ends);
      this.ends = bigger;
    }
    this.ends[this.count++] = this.length;
  }
  /** Exactly-sized copies that own their memory (so they can be transferred). */
  finish(): { bytes: Uint8Array; ends: Int32Array } {
    const bytes = new Uint8Array(this.length);
    bytes.set(this.bytes.subarray(0, this.length));
    return { bytes, ends: this.ends.slice(0, this.count) };
  }
}

class EventsWriter {
  private readonly dictIndex = new Map<string, number>();
  private readonly dict: string[] = [""];
  private readonly ids: string[] = [];
  private readonly at: Float64Array;
  private readonly columns: Record<"eventType" | "detailType" | "user" | "email" | "client" | "session" | "model" | "status" | "toolName" | "toolDecision", Int32Array>;
  private readonly tokens: Float64Array;
  private readonly findingCount: Int32Array;
  private readonly unknownType: Uint8Array;
  private readonly rows: LineBuffer;
  private readonly idRows: LineBuffer;
  private readonly findingRows = new LineBuffer(16, 160);
  private findingEvent = new Int32Array(16);
  private readonly months = new Set<number>();
  private readonly sourceFile: string;
  private n = 0;

  constructor(private readonly capacity: number, fileId: string) {
    this.at = new Float64Array(capacity);
    const column = () => new Int32Array(capacity);
    this.columns = { eventType: column(), detailType: column(), user: column(), email: column(), client: column(), session: column(), model: column(), status: column(), toolName: column(), toolDecision: column() };
    this.tokens = new Float64Array(capacity * 4);
    this.findingCount = new Int32Array(capacity);
    this.unknownType = new Uint8Array(capacity);
    this.rows = new LineBuffer(capacity, 1024);
    this.idRows = new LineBuffer(capacity, 96);
    this.sourceFile = copyValue(fileId);
  }

  private code(value: string | null): number {
    if (value === null) return 0;
    let index = this.dictIndex.get(value);
    if (index === undefined) {
      index = this.dict.length;
      this.dict.push(value);
      this.dictIndex.set(value, index);
    }
    return index;
  }

  add(e: NormalizedEvent, r: EventRedaction) {
    const i = this.n++;
    const ms = e.occurredAt.getTime();
    const at = e.occurredAt.toISOString();
    const id = copyValue(e.eventId);
    const type = copyValue(e.eventType);
    this.ids.push(e.eventId);
    this.at[i] = ms;
    this.months.add(monthStartOf(ms));
    const c = this.columns;
    c.eventType[i] = this.code(e.eventType);
    c.detailType[i] = this.code(e.detailType);
    c.user[i] = this.code(e.openaiUserId);
    c.email[i] = this.code(e.actorEmail);
    c.client[i] = this.code(e.clientId);
    c.session[i] = this.code(e.sessionId);
    c.model[i] = this.code(e.model);
    c.status[i] = this.code(e.status);
    c.toolName[i] = this.code(e.toolName);
    c.toolDecision[i] = this.code(e.toolDecision);
    this.tokens[i * 4] = e.inputTokens ?? Number.NaN;
    this.tokens[i * 4 + 1] = e.cachedInputTokens ?? Number.NaN;
    this.tokens[i * 4 + 2] = e.outputTokens ?? Number.NaN;
    this.tokens[i * 4 + 3] = e.reasoningOutputTokens ?? Number.NaN;
    this.findingCount[i] = r.findings.length;
    this.unknownType[i] = e.flags.includes("unknown_event_type") ? 1 : 0;
    this.idRows.push(`${id}\t${at}\t${type}`);
    this.rows.push(
      `${id}\t${at}\t${type}\t${copyValue(e.detailType)}\t${copyValue(e.workspaceId)}\t${copyValue(e.openaiUserId)}\t${copyValue(e.actorEmail)}\t` +
        `${copyValue(e.clientId)}\t${copyValue(e.sessionId)}\t${copyValue(e.turnId)}\t${copyValue(e.model)}\t${copyValue(e.serviceTier)}\t` +
        `${copyValue(e.reasoningEffort)}\t${copyValue(e.status)}\t${copyNumber(e.inputTokens)}\t${copyNumber(e.cachedInputTokens)}\t` +
        `${copyNumber(e.outputTokens)}\t${copyNumber(e.reasoningOutputTokens)}\t${copyValue(e.toolName)}\t${copyValue(e.toolDecision)}\t` +
        `${copyValue(r.textKind)}\t${copyNumber(r.textLength)}\t${copyValue(r.textFingerprint)}\t${copyValue(r.redactedText)}\t` +
        `${r.findings.length}\t${copyTextArray(e.flags)}\t${copyValue(JSON.stringify(r.attributes))}\t${this.sourceFile}`,
    );
    for (const f of r.findings) {
      if (this.findingRows.count === this.findingEvent.length) {
        const bigger = new Int32Array(this.findingEvent.length * 2);
        bigger.set(this.findingEvent);
        this.findingEvent = bigger;
      }
      this.findingEvent[this.findingRows.count] = i;
      this.findingRows.push(`${id}\t${at}\t${copyValue(f.field)}\t${copyValue(f.type)}\t${copyValue(f.kind)}\t${f.start}\t${f.end}\t${copyValue(f.fingerprint)}`);
    }
  }

  finish(): PreparedEvents {
    if (this.n !== this.capacity) throw new Error("prepareLogFile: event count changed while writing");
    const rows = this.rows.finish();
    const idRows = this.idRows.finish();
    const findingRows = this.findingRows.finish();
    return {
      count: this.n,
      ids: this.ids,
      at: this.at,
      dict: this.dict,
      ...this.columns,
      tokens: this.tokens,
      findingCount: this.findingCount,
      unknownType: this.unknownType,
      rows: rows.bytes,
      rowEnd: rows.ends,
      idRows: idRows.bytes,
      idRowEnd: idRows.ends,
      findingRows: findingRows.bytes,
      findingRowEnd: findingRows.ends,
      findingEvent: this.findingEvent.slice(0, findingRows.ends.length),
      months: [...this.months],
    };
  }
}
