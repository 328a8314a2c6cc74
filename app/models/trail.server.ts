import { sql, type SQL } from "drizzle-orm";
import { addDays, isoDayParam, resolveDayRange } from "../lib/date-range";
import { z } from "zod";
import { selectRows, type Database } from "../../db/client.server";
import { recordAccess } from "./access-log.server";
import { assertViewerHasRole, type Viewer } from "./viewer";

/**
 * The audit trail of one person: their events (Codex prompts, responses and tool calls,
 * sign-ins, admin actions, security events) newest first, as stored by the text policy
 * (redacted text only; raw text never exists here). Auditors and admins only, and every
 * read is written to the access log in the same transaction as the read.
 *
 * Paging is keyset on (occurred_at, event_id) and the time range is always bounded, so a
 * page is one backward walk of events_person_time (person_id, occurred_at) inside the
 * month partitions of the range, however many events the person has.
 */

export const TRAIL_ROLES = ["auditor", "admin"] as const;

export const TRAIL_TYPES = [
  { value: "prompt", label: "Prompts" },
  { value: "response", label: "Responses" },
  { value: "tool", label: "Tool calls" },
  { value: "auth", label: "Sign-ins (AUTH_LOG)" },
  { value: "admin", label: "Admin actions (AUDIT_LOG)" },
  { value: "security", label: "Security (CODEX_SECURITY_LOG)" },
  { value: "other", label: "Other" },
] as const;
export type TrailType = (typeof TRAIL_TYPES)[number]["value"];
const TRAIL_TYPE_VALUES = TRAIL_TYPES.map((t) => t.value) as [TrailType, ...TrailType[]];

const KNOWN_TYPES = ["CODEX_LOG", "AUTH_LOG", "AUDIT_LOG", "CODEX_SECURITY_LOG"];
const CODEX_DETAILS = ["PROMPT_SENT", "PROMPT_RESPONSE_RECEIVED", "TOOL_CALL"];

const TYPE_SQL: Record<TrailType, SQL> = {
  prompt: sql`(e.event_type = 'CODEX_LOG' and e.detail_type = 'PROMPT_SENT')`,
  response: sql`(e.event_type = 'CODEX_LOG' and e.detail_type = 'PROMPT_RESPONSE_RECEIVED')`,
  tool: sql`(e.event_type = 'CODEX_LOG' and e.detail_type = 'TOOL_CALL')`,
  auth: sql`(e.event_type = 'AUTH_LOG')`,
  admin: sql`(e.event_type = 'AUDIT_LOG')`,
  security: sql`(e.event_type = 'CODEX_SECURITY_LOG')`,
  other: sql`(e.event_type not in (${sql.join(KNOWN_TYPES.map((t) => sql`${t}`), sql`, `)})
              or (e.event_type = 'CODEX_LOG' and coalesce(e.detail_type, '') not in (${sql.join(CODEX_DETAILS.map((t) => sql`${t}`), sql`, `)})))`,
};

export const PAGE_LIMITS = [50, 100, 200] as const;
const MAX_RANGE_DAYS = 731;

export type TrailFilters = { from: string; to: string; types: TrailType[] };
export type TrailCursor = { at: string; id: string };
export type TrailPage = { before: TrailCursor | null; after: TrailCursor | null; limit: number };

/** A cursor is the (occurred_at with microseconds, event_id) of a row, base64url-encoded. */
export function encodeCursor(cursor: TrailCursor) {
  return Buffer.from(`${cursor.at}\n${cursor.id}`, "utf8").toString("base64url");
}

export function decodeCursor(text: string): TrailCursor | null {
  if (text.length > 600 || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const [at, id, ...rest] = Buffer.from(text, "base64url").toString("utf8").split("\n");
  if (!at || !id || rest.length > 0 || id.length > 300) return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(at) || Number.isNaN(Date.parse(at))) return null;
  return { at, id };
}

const cursorParam = (name: string) =>
  z
    .string()
    .transform((v, ctx) => {
      const cursor = decodeCursor(v);
      if (!cursor) {
        ctx.addIssue({ code: "custom", message: `${name} is not a cursor from this page` });
        return z.NEVER;
      }
      return cursor;
    })
    .optional();

const trailParamsSchema = z.object({
  from: isoDayParam("from").optional(),
  to: isoDayParam("to").optional(),
  type: z.array(z.enum(TRAIL_TYPE_VALUES, { error: `type must be one of: ${TRAIL_TYPE_VALUES.join(", ")}` })).max(TRAIL_TYPE_VALUES.length * 2, "too many type values"),
  before: cursorParam("before"),
  after: cursorParam("after"),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .refine((n) => (PAGE_LIMITS as readonly number[]).includes(n), `limit must be one of: ${PAGE_LIMITS.join(", ")}`)
    .default(100),
});

/** URL parameters to filters and page, or a problem naming the parameter (for a 400). */
export function parseTrailParams(
  params: URLSearchParams,
  now = new Date(),
): { ok: true; filters: TrailFilters; page: TrailPage } | { ok: false; problem: string } {
  const one = (key: string) => {
    const v = params.get(key);
    return v === null || v === "" ? undefined : v;
  };
  const parsed = trailParamsSchema.safeParse({
    from: one("from"),
    to: one("to"),
    type: params.getAll("type").filter((v) => v !== ""),
    before: one("before"),
    after: one("after"),
    limit: one("limit"),
  });
  if (!parsed.success) return { ok: false, problem: parsed.error.issues.map((i) => i.message).join("; ") };
  const range = resolveDayRange(parsed.data, { now, maxDays: MAX_RANGE_DAYS });
  if (!range.ok) return range;
  const { from, to } = range;
  if (parsed.data.before && parsed.data.after) return { ok: false, problem: "before and after cannot be used together" };
  const types = TRAIL_TYPE_VALUES.filter((t) => parsed.data.type.includes(t));
  return {
    ok: true,
    filters: { from, to, types },
    page: { before: parsed.data.before ?? null, after: parsed.data.after ?? null, limit: parsed.data.limit },
  };
}

export type TrailEvent = {
  eventId: string;
  occurredAt: string;
  cursor: string;
  eventType: string;
  detailType: string | null;
  clientId: string | null;
  sessionId: string | null;
  turnId: string | null;
  model: string | null;
  serviceTier: string | null;
  reasoningEffort: string | null;
  status: string | null;
  /** Uncached input tokens; cached ones are separate. */
  inputTokens: number | null;
  cachedInputTokens: number | null;
  outputTokens: number | null;
  reasoningOutputTokens: number | null;
  toolName: string | null;
  toolDecision: string | null;
  textKind: string | null;
  textLength: number | null;
  textFingerprint: string | null;
  redactedText: string | null;
  findingCount: number;
  flags: string[];
  attributes: Record<string, unknown>;
};

type RawEvent = {
  event_id: string;
  at: string;
  event_type: string;
  detail_type: string | null;
  client_id: string | null;
  session_id: string | null;
  turn_id: string | null;
  model: string | null;
  service_tier: string | null;
  reasoning_effort: string | null;
  status: string | null;
  input_tokens: number | string | null;
  cached_input_tokens: number | string | null;
  output_tokens: number | string | null;
  reasoning_output_tokens: number | string | null;
  tool_name: string | null;
  tool_decision: string | null;
  text_kind: string | null;
  text_length: number | null;
  text_fingerprint: string | null;
  redacted_text: string | null;
  finding_count: number;
  flags: string[] | string | null;
  attributes: Record<string, unknown> | string | null;
};

const num = (v: number | string | null) => (v === null ? null : Number(v));

function toEvent(r: RawEvent): TrailEvent {
  return {
    eventId: r.event_id,
    occurredAt: r.at,
    cursor: encodeCursor({ at: r.at, id: r.event_id }),
    eventType: r.event_type,
    detailType: r.detail_type,
    clientId: r.client_id,
    sessionId: r.session_id,
    turnId: r.turn_id,
    model: r.model,
    serviceTier: r.service_tier,
    reasoningEffort: r.reasoning_effort,
    status: r.status,
    inputTokens: num(r.input_tokens),
    cachedInputTokens: num(r.cached_input_tokens),
    outputTokens: num(r.output_tokens),
    reasoningOutputTokens: num(r.reasoning_output_tokens),
    toolName: r.tool_name,
    toolDecision: r.tool_decision,
    textKind: r.text_kind,
    textLength: r.text_length,
    textFingerprint: r.text_fingerprint,
    redactedText: r.redacted_text,
    findingCount: Number(r.finding_count),
    flags: Array.isArray(r.flags) ? r.flags : [],
    attributes: typeof r.attributes === "string" ? (JSON.parse(r.attributes) as Record<string, unknown>) : (r.attributes ?? {}),
  };
}

const utcStart = (day: string) => sql`((${day}::date)::timestamp at time zone 'UTC')`;

/**
 * One keyset batch. `direction` "desc" walks back from `before` (newest first); "asc" walks
 * forward from `after`. occurred_at is carried as text with microseconds, so the cursor
 * compares exactly.
 */
async function readBatch(
  db: Database,
  { personId, filters, direction, cursor, limit }: { personId: string; filters: TrailFilters; direction: "asc" | "desc"; cursor: TrailCursor | null; limit: number },
) {
  const conditions: SQL[] = [
    sql`e.person_id = ${personId}`,
    sql`e.occurred_at >= ${utcStart(filters.from)}`,
    sql`e.occurred_at < ${utcStart(addDays(filters.to, 1))}`,
  ];
  if (filters.types.length > 0) conditions.push(sql`(${sql.join(filters.types.map((t) => TYPE_SQL[t]), sql` or `)})`);
  if (cursor) {
    const at = sql`${cursor.at}::timestamptz`;
    // Spelled out rather than a row comparison, so the bound on occurred_at is an index condition.
    conditions.push(
      direction === "desc"
        ? sql`e.occurred_at <= ${at} and (e.occurred_at < ${at} or e.event_id < ${cursor.id})`
        : sql`e.occurred_at >= ${at} and (e.occurred_at > ${at} or e.event_id > ${cursor.id})`,
    );
  }
  const order = direction === "desc" ? sql`e.occurred_at desc, e.event_id desc` : sql`e.occurred_at asc, e.event_id asc`;
  const rows = await selectRows<RawEvent>(
    db,
    sql`select e.event_id, to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at,
          e.event_type, e.detail_type, e.client_id, e.session_id, e.turn_id, e.model, e.service_tier, e.reasoning_effort,
          e.status, e.input_tokens, e.cached_input_tokens, e.output_tokens, e.reasoning_output_tokens, e.tool_name,
          e.tool_decision, e.text_kind, e.text_length, e.text_fingerprint, e.redacted_text, e.finding_count, e.flags, e.attributes
        from events e
        where ${sql.join(conditions, sql` and `)}
        order by ${order}
        limit ${limit}`,
  );
  return rows.map(toEvent);
}

export type TrailFinding = { eventId: string; field: string; type: string; kind: string };
export type TrailSession = { sessionId: string; clientId: string | null; model: string | null; firstAt: string; lastAt: string; turns: number };
export type TrailSubject = { id: string; name: string | null; email: string; active: boolean };

async function findSubject(db: Database, personId: string) {
  if (!z.uuid().safeParse(personId).success) return null;
  const rows = await selectRows<TrailSubject>(db, sql`select id, name, email, active from people where id = ${personId}`);
  return rows[0] ?? null;
}

function describeFilters(filters: TrailFilters) {
  return { from: filters.from, to: filters.to, types: filters.types.length > 0 ? filters.types : ["all"] };
}

/**
 * Opens one page of a person's trail and records the look in the access log, in one
 * transaction: no record, no data. Returns null for an unknown person (nothing is recorded).
 */
export async function openTrail({
  db,
  viewer,
  personId,
  filters,
  page,
  meta,
}: {
  db: Database;
  viewer: Viewer;
  personId: string;
  filters: TrailFilters;
  page: TrailPage;
  meta: { ip: string | null; userAgent: string | null };
}) {
  assertViewerHasRole(viewer, TRAIL_ROLES);
  return db.transaction(async (tx) => {
    const subject = await findSubject(tx, personId);
    if (!subject) return null;
    await recordAccess({
      db: tx,
      entry: {
        actorPersonId: viewer.personId,
        actorEmail: viewer.email,
        action: "trail_viewed",
        subjectPersonId: subject.id,
        details: { filters: describeFilters(filters), page: page.before ? "older" : page.after ? "newer" : "newest", limit: page.limit },
        ...meta,
      },
    });
    const forward = page.after !== null;
    const batch = await readBatch(tx, {
      personId: subject.id,
      filters,
      direction: forward ? "asc" : "desc",
      cursor: page.after ?? page.before,
      limit: page.limit + 1,
    });
    const more = batch.length > page.limit;
    const events = batch.slice(0, page.limit);
    if (forward) events.reverse();
    // Newest first on screen: "newer" exists when we came from an older page or walked forward and found more.
    const hasNewer = forward ? more : page.before !== null;
    const hasOlder = forward ? true : more;
    const first = events[0];
    const last = events[events.length - 1];

    const sessionIds = [...new Set(events.map((e) => e.sessionId).filter((s): s is string => Boolean(s)))];
    const findings = await findingsOf(tx, subject.id, events);
    const sessions =
      sessionIds.length === 0
        ? []
        : await selectRows<{ session_id: string; client_id: string | null; model: string | null; first_at: string; last_at: string; turns: number }>(
            tx,
            sql`select s.session_id, s.client_id, s.model,
                  to_char(s.first_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as first_at,
                  to_char(s.last_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as last_at, s.turns
                from codex_sessions s
                where s.session_id in (select jsonb_array_elements_text(${JSON.stringify(sessionIds)}::jsonb)) and s.person_id = ${subject.id}`,
          );
    return {
      subject,
      filters,
      limit: page.limit,
      events,
      findings: [...findings.values()].flat(),
      sessions: sessions.map(
        (s): TrailSession => ({ sessionId: s.session_id, clientId: s.client_id, model: s.model, firstAt: s.first_at, lastAt: s.last_at, turns: Number(s.turns) }),
      ),
      newer: hasNewer && first ? first.cursor : null,
      older: hasOlder && last ? last.cursor : null,
    };
  });
}

export type TrailExportFormat = "csv" | "ndjson";
const EXPORT_BATCH = 1000;

/** A row of the CSV export: what the database holds, redacted text only. */
export type TrailCsvRow = {
  occurred_at: string;
  event_id: string;
  event_type: string;
  detail_type: string | null;
  session_id: string | null;
  turn_id: string | null;
  client_id: string | null;
  model: string | null;
  service_tier: string | null;
  status: string | null;
  input_tokens_uncached: number | null;
  cached_input_tokens: number | null;
  output_tokens: number | null;
  reasoning_output_tokens: number | null;
  tool_name: string | null;
  tool_decision: string | null;
  text_kind: string | null;
  text_length: number | null;
  text_fingerprint: string | null;
  redacted_text: string | null;
  finding_types: string;
  flags: string;
};

export const TRAIL_CSV_COLUMNS: ReadonlyArray<{ key: keyof TrailCsvRow & string; header: string }> = [
  "occurred_at",
  "event_id",
  "event_type",
  "detail_type",
  "session_id",
  "turn_id",
  "client_id",
  "model",
  "service_tier",
  "status",
  "input_tokens_uncached",
  "cached_input_tokens",
  "output_tokens",
  "reasoning_output_tokens",
  "tool_name",
  "tool_decision",
  "text_kind",
  "text_length",
  "text_fingerprint",
  "redacted_text",
  "finding_types",
  "flags",
].map((key) => ({ key: key as keyof TrailCsvRow & string, header: key }));

async function findingsOf(db: Database, personId: string, events: TrailEvent[]) {
  const byEvent = new Map<string, TrailFinding[]>();
  if (events.length === 0) return byEvent;
  const rows = await selectRows<{ event_id: string; field: string; type: string; kind: string }>(
    db,
    sql`select f.event_id, f.field, f.type, f.kind from findings f
        where f.event_id in (select jsonb_array_elements_text(${JSON.stringify(events.map((e) => e.eventId))}::jsonb)) and f.person_id = ${personId}
        order by f.event_id, f.start`,
  );
  for (const r of rows) {
    const list = byEvent.get(r.event_id) ?? [];
    list.push({ eventId: r.event_id, field: r.field, type: r.type, kind: r.kind });
    byEvent.set(r.event_id, list);
  }
  return byEvent;
}

/**
 * Starts an export of the whole filtered trail, oldest first. The access-log record and the
 * first batch are written and read in one transaction; later batches are read as the
 * download is consumed (a transaction held open for a slow download would block PGlite's
 * single connection), each a keyset step on the same index. Returns null for an unknown person.
 */
export async function startTrailExport({
  db,
  viewer,
  personId,
  filters,
  format,
  meta,
}: {
  db: Database;
  viewer: Viewer;
  personId: string;
  filters: TrailFilters;
  format: TrailExportFormat;
  meta: { ip: string | null; userAgent: string | null };
}) {
  assertViewerHasRole(viewer, TRAIL_ROLES);
  const opened = await db.transaction(async (tx) => {
    const subject = await findSubject(tx, personId);
    if (!subject) return null;
    await recordAccess({
      db: tx,
      entry: {
        actorPersonId: viewer.personId,
        actorEmail: viewer.email,
        action: "trail_exported",
        subjectPersonId: subject.id,
        details: { filters: describeFilters(filters), format },
        ...meta,
      },
    });
    const batch = await readBatch(tx, { personId: subject.id, filters, direction: "asc", cursor: null, limit: EXPORT_BATCH });
    const recordedAt = await selectRows<{ now: string }>(tx, sql`select to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as now`);
    return { subject, batch, generatedAt: recordedAt[0]?.now ?? new Date().toISOString() };
  });
  if (!opened) return null;
  const { subject, generatedAt } = opened;

  async function* batches(): AsyncGenerator<{ event: TrailEvent; findings: TrailFinding[] }> {
    let batch = opened!.batch;
    for (;;) {
      const findings = await findingsOf(db, subject.id, batch);
      for (const event of batch) yield { event, findings: findings.get(event.eventId) ?? [] };
      const last = batch[batch.length - 1];
      if (batch.length < EXPORT_BATCH || !last) return;
      batch = await readBatch(db, { personId: subject.id, filters, direction: "asc", cursor: { at: last.occurredAt, id: last.eventId }, limit: EXPORT_BATCH });
    }
  }

  async function* csvRows(): AsyncGenerator<TrailCsvRow> {
    for await (const { event: e, findings } of batches()) {
      yield {
        occurred_at: e.occurredAt,
        event_id: e.eventId,
        event_type: e.eventType,
        detail_type: e.detailType,
        session_id: e.sessionId,
        turn_id: e.turnId,
        client_id: e.clientId,
        model: e.model,
        service_tier: e.serviceTier,
        status: e.status,
        input_tokens_uncached: e.inputTokens,
        cached_input_tokens: e.cachedInputTokens,
        output_tokens: e.outputTokens,
        reasoning_output_tokens: e.reasoningOutputTokens,
        tool_name: e.toolName,
        tool_decision: e.toolDecision,
        text_kind: e.textKind,
        text_length: e.textLength,
        text_fingerprint: e.textFingerprint,
        redacted_text: e.redactedText,
        finding_types: findings.map((f) => `${f.kind}:${f.type}`).join(";"),
        flags: e.flags.join(";"),
      };
    }
  }

  /** The case file: a header record, one record per event (with its findings), a trailer with the count. */
  async function* caseFile(): AsyncGenerator<Record<string, unknown>> {
    yield {
      record: "case_file",
      version: 1,
      generated_at: generatedAt,
      generated_by: { person_id: viewer.personId, email: viewer.email },
      subject: { person_id: subject.id, email: subject.email, name: subject.name },
      filters: describeFilters(filters),
      text_policy_note: "Texts are as stored: redacted, with [SECRET:type:xxxxxxxx] and [PII:type:xxxxxxxx] placeholders; raw text is never kept.",
    };
    let count = 0;
    for await (const { event: e, findings } of batches()) {
      count += 1;
      const { cursor: _cursor, ...rest } = e;
      yield { record: "event", ...rest, findings: findings.map(({ eventId: _id, ...f }) => f) };
    }
    yield { record: "end", events: count };
  }

  return { subject, generatedAt, csvRows, caseFile };
}

