import { sql, type SQL } from "drizzle-orm";
import { selectRows, type Database } from "../../db/client.server";
import { createRedactor, FINDING_TYPES, renderPlaceholder, type FindingKind } from "../lib/redaction";
import { recordAccess } from "./access-log.server";
import { assertViewerHasRole, type Viewer } from "./viewer";

/**
 * Auditor tools over the findings table: the DLP overview (counts by finding type, person and
 * day, with the findings behind each count) and "has this value been seen?". Both are reads of
 * other people's evidence, so both write the access log in the same transaction as the read.
 *
 * Every query on findings constrains `type` (to the one asked for, or to every known type with
 * `= any(…)`) and a time range, so it runs on the (type, occurred_at) index, or on
 * (person_id, occurred_at) / (fingerprint) where those are given.
 */

const AUDITOR_ROLES = ["auditor", "admin"] as const;
const DAY_MS = 86_400_000;
export const FINDINGS_PAGE_SIZE = 25;
/** Characters of redacted text shown on each side of a finding's placeholder. */
export const EXCERPT_CONTEXT = 80;
/** Longest value "has this value been seen?" accepts (a PEM key with its chain fits). */
export const LOOKUP_MAX_LENGTH = 64 * 1024;
const LOOKUP_ROW_LIMIT = 200;

type RequestMeta = { ip: string | null; userAgent: string | null };

export type FindingsFilters = {
  /** UTC days, YYYY-MM-DD, both inclusive. */
  from: string;
  to: string;
  type?: string;
  person?: string;
  /** Narrows the list of findings (not the counts) to one UTC day. */
  day?: string;
};

export type FindingListRow = {
  id: number;
  occurredAt: string;
  personId: string | null;
  personEmail: string | null;
  personName: string | null;
  eventId: string;
  eventType: string;
  field: string;
  type: string;
  kind: FindingKind;
  placeholder: string;
  /** Redacted text around the placeholder, when the event's redacted text is still stored. */
  excerpt: { before: string; placeholder: string; after: string } | null;
};

export type FindingsPage = {
  filters: FindingsFilters;
  total: number;
  byType: Array<{ type: string; kind: string; count: number }>;
  byPerson: Array<{ personId: string | null; email: string | null; name: string | null; count: number }>;
  byDay: Array<{ day: string; count: number }>;
  rows: FindingListRow[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
};

export const KNOWN_FINDING_TYPES = Object.keys(FINDING_TYPES);

function dayStart(day: string) {
  return new Date(`${day}T00:00:00Z`);
}
function nextDay(day: string) {
  return new Date(dayStart(day).getTime() + DAY_MS);
}

/** Keyset cursor: the (occurred_at, id) of the last row shown. */
export function encodeCursor(row: { occurredAt: string; id: number }) {
  return `${row.occurredAt}_${row.id}`;
}
export function decodeCursor(cursor: string | null | undefined): { at: Date; id: number } | null {
  if (!cursor) return null;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z)_(\d{1,18})$/.exec(cursor);
  if (!m) return null;
  const at = new Date(m[1]!);
  return Number.isNaN(at.getTime()) ? null : { at, id: Number(m[2]) };
}

function typeCondition(type: string | undefined): SQL {
  // Always constrain the leading index column, so the range below runs on findings_type_time.
  const types = type ? [type] : KNOWN_FINDING_TYPES;
  return sql`f.type = any(${`{${types.join(",")}}`}::text[])`;
}

function baseConditions(filters: FindingsFilters, range: { from: Date; to: Date }): SQL {
  const parts: SQL[] = [typeCondition(filters.type), sql`f.occurred_at >= ${range.from.toISOString()}::timestamptz`, sql`f.occurred_at < ${range.to.toISOString()}::timestamptz`];
  if (filters.person) parts.push(sql`f.person_id = ${filters.person}::uuid`);
  return sql.join(parts, sql` and `);
}

const isoTime = (value: unknown) => (value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString());

/**
 * Where each finding's placeholder sits in the stored redacted text: findings are offsets into
 * the original text, and every earlier finding of the same text was replaced by a placeholder of
 * a different length. Returns the excerpt only when the placeholder is found where expected.
 */
function excerptFor(
  redacted: string,
  finding: { start: number; end: number; type: string; kind: FindingKind; fingerprint: string },
  earlier: Array<{ start: number; end: number; type: string; kind: FindingKind; fingerprint: string }>,
): FindingListRow["excerpt"] {
  let shift = 0;
  for (const e of earlier) shift += renderPlaceholder(e).length - (e.end - e.start);
  const placeholder = renderPlaceholder(finding);
  const at = finding.start + shift;
  if (redacted.slice(at, at + placeholder.length) !== placeholder) return null;
  const from = Math.max(0, at - EXCERPT_CONTEXT);
  const to = Math.min(redacted.length, at + placeholder.length + EXCERPT_CONTEXT);
  return {
    before: (from > 0 ? "…" : "") + redacted.slice(from, at),
    placeholder,
    after: redacted.slice(at + placeholder.length, to) + (to < redacted.length ? "…" : ""),
  };
}

type ListQueryRow = {
  id: number | string;
  occurred_at: Date | string;
  person_id: string | null;
  email: string | null;
  name: string | null;
  event_id: string;
  event_type: string;
  field: string;
  type: string;
  kind: string;
  start: number;
  end: number;
  fingerprint: string;
  text_kind: string | null;
  redacted_text: string | null;
};

async function listFindings(db: Database, filters: FindingsFilters, range: { from: Date; to: Date }, cursor: { at: Date; id: number } | null, limit: number) {
  const conditions = [baseConditions(filters, range)];
  if (cursor) conditions.push(sql`(f.occurred_at, f.id) < (${cursor.at.toISOString()}::timestamptz, ${cursor.id})`);
  const rows = await selectRows<ListQueryRow>(
    db,
    // The page of findings first, then its events and people: joined before the limit, the planner
    // misjudges the events join (one row) and loops over every finding of the range.
    sql`select f.id, f.occurred_at, f.person_id, p.email, p.name, f.event_id, e.event_type, f.field, f.type, f.kind, f.start, f."end", f.fingerprint,
               e.text_kind, e.redacted_text
        from (select * from findings f where ${sql.join(conditions, sql` and `)} order by f.occurred_at desc, f.id desc limit ${limit + 1}) f
        join events e on e.event_id = f.event_id and e.occurred_at = f.occurred_at
        left join people p on p.id = f.person_id
        order by f.occurred_at desc, f.id desc`,
  );
  const page = rows.slice(0, limit);
  // The earlier findings of the same texts, to place each placeholder in the redacted text.
  const withText = page.filter((r) => r.redacted_text !== null && r.field === r.text_kind);
  const earlierByText = new Map<string, Array<{ start: number; end: number; type: string; kind: FindingKind; fingerprint: string }>>();
  if (withText.length > 0) {
    const keys = [...new Set(withText.map((r) => JSON.stringify([r.event_id, isoTime(r.occurred_at), r.field])))].map((k) => JSON.parse(k) as [string, string, string]);
    const others = await selectRows<{ event_id: string; field: string; start: number; end: number; type: string; kind: string; fingerprint: string }>(
      db,
      sql`select f.event_id, f.field, f.start, f."end", f.type, f.kind, f.fingerprint
          from findings f
          join json_to_recordset(${JSON.stringify(keys.map(([event_id, occurred_at, field]) => ({ event_id, occurred_at, field })))}::json)
            as k(event_id text, occurred_at timestamptz, field text)
            on f.event_id = k.event_id and f.occurred_at = k.occurred_at and f.field = k.field
          order by f.start`,
    );
    for (const o of others) {
      const key = `${o.event_id}\u0000${o.field}`;
      const list = earlierByText.get(key) ?? [];
      list.push({ start: o.start, end: o.end, type: o.type, kind: o.kind as FindingKind, fingerprint: o.fingerprint });
      earlierByText.set(key, list);
    }
  }
  const out: FindingListRow[] = page.map((r) => {
    const finding = { start: r.start, end: r.end, type: r.type, kind: r.kind as FindingKind, fingerprint: r.fingerprint };
    let excerpt: FindingListRow["excerpt"] = null;
    if (r.redacted_text !== null && r.field === r.text_kind) {
      const earlier = (earlierByText.get(`${r.event_id}\u0000${r.field}`) ?? []).filter((o) => o.start < r.start);
      excerpt = excerptFor(r.redacted_text, finding, earlier);
    }
    return {
      id: Number(r.id),
      occurredAt: isoTime(r.occurred_at),
      personId: r.person_id,
      personEmail: r.email,
      personName: r.name,
      eventId: r.event_id,
      eventType: r.event_type,
      field: r.field,
      type: r.type,
      kind: finding.kind,
      placeholder: renderPlaceholder(finding),
      excerpt,
    };
  });
  const last = out[out.length - 1];
  return { rows: out, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/**
 * The DLP overview for a date range: counts by finding type, by person and by UTC day (filtered
 * by type and person when given), and one page of the findings behind them, newest first
 * (further narrowed to `day` when given). Writes `dlp_findings_viewed` with the filters.
 */
export async function getFindingsPage({
  db,
  viewer,
  filters,
  cursor,
  limit = FINDINGS_PAGE_SIZE,
  meta,
}: {
  db: Database;
  viewer: Viewer;
  filters: FindingsFilters;
  cursor?: string | null;
  limit?: number;
  meta: RequestMeta;
}): Promise<FindingsPage> {
  assertViewerHasRole(viewer, AUDITOR_ROLES);
  const range = { from: dayStart(filters.from), to: nextDay(filters.to) };
  const where = baseConditions(filters, range);
  const listRange =
    filters.day && filters.day >= filters.from && filters.day <= filters.to ? { from: dayStart(filters.day), to: nextDay(filters.day) } : filters.day ? null : range;
  return db.transaction(async (tx) => {
    const byType = await selectRows<{ type: string; kind: string; count: number | string }>(
      tx,
      sql`select f.type, min(f.kind) as kind, count(*) as count from findings f where ${where} group by f.type order by count(*) desc, f.type`,
    );
    const byPerson = await selectRows<{ person_id: string | null; email: string | null; name: string | null; count: number | string }>(
      tx,
      sql`select c.person_id, p.email, p.name, c.count
          from (select f.person_id, count(*) as count from findings f where ${where} group by f.person_id) c
          left join people p on p.id = c.person_id
          order by c.count desc, p.email nulls last
          limit 100`,
    );
    const byDay = await selectRows<{ day: string; count: number | string }>(
      tx,
      sql`select to_char(f.occurred_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*) as count
          from findings f where ${where} group by 1 order by 1`,
    );
    const list = listRange ? await listFindings(tx, filters, listRange, decodeCursor(cursor), limit) : { rows: [], nextCursor: null };
    await recordAccess({
      db: tx,
      entry: {
        actorPersonId: viewer.personId,
        actorEmail: viewer.email,
        action: "dlp_findings_viewed",
        subjectPersonId: filters.person ?? null,
        details: { ...filters, ...(cursor ? { cursor } : {}), rows: list.rows.length },
        ...meta,
      },
    });
    return {
      filters,
      total: byType.reduce((n, r) => n + Number(r.count), 0),
      byType: byType.map((r) => ({ type: r.type, kind: r.kind, count: Number(r.count) })),
      byPerson: byPerson.map((r) => ({ personId: r.person_id, email: r.email, name: r.name, count: Number(r.count) })),
      byDay: byDay.map((r) => ({ day: r.day, count: Number(r.count) })),
      rows: list.rows,
      nextCursor: list.nextCursor,
    };
  });
}

export type ValueLookupResult = {
  /** Findings whose fingerprint is the value's (the same secret or datum, anywhere in any text). */
  findings: Array<{ occurredAt: string; personId: string | null; personEmail: string | null; personName: string | null; eventId: string; eventType: string; field: string; type: string; placeholder: string }>;
  findingCount: number;
  /** Events whose whole text had exactly this value's fingerprint ("was this exact text sent?"). */
  texts: Array<{ occurredAt: string; personId: string | null; personEmail: string | null; personName: string | null; eventId: string; eventType: string; textKind: string | null }>;
  textCount: number;
};

/**
 * "Has this value been seen?" The value is fingerprinted in memory with the redaction key and
 * never stored, logged or returned: the access log gets the finding fingerprint and the match
 * counts. Leading and trailing whitespace is ignored for the value (a pasted secret often carries
 * a newline); the whole-text check uses the value exactly as given.
 */
export async function lookupValue({
  db,
  viewer,
  value,
  redaction,
  meta,
}: {
  db: Database;
  viewer: Viewer;
  value: string;
  redaction: { key: Buffer; detectIpAddresses: boolean };
  meta: RequestMeta;
}): Promise<ValueLookupResult> {
  assertViewerHasRole(viewer, AUDITOR_ROLES);
  const redactor = createRedactor({ key: redaction.key, detectIpAddresses: redaction.detectIpAddresses });
  const fingerprint = redactor.fingerprintValue(value.trim());
  const textFingerprint = redactor.redact(value).textFingerprint;
  return db.transaction(async (tx) => {
    const findingRows = await selectRows<{ occurred_at: Date | string; person_id: string | null; email: string | null; name: string | null; event_id: string; event_type: string; field: string; type: string; kind: string; fingerprint: string; total: number | string }>(
      tx,
      sql`select f.occurred_at, f.person_id, p.email, p.name, f.event_id, e.event_type, f.field, f.type, f.kind, f.fingerprint, count(*) over () as total
          from findings f
          join events e on e.event_id = f.event_id and e.occurred_at = f.occurred_at
          left join people p on p.id = f.person_id
          where f.fingerprint = ${fingerprint}
          order by f.occurred_at desc, f.id desc
          limit ${LOOKUP_ROW_LIMIT}`,
    );
    const textRows = await selectRows<{ occurred_at: Date | string; person_id: string | null; email: string | null; name: string | null; event_id: string; event_type: string; text_kind: string | null; total: number | string }>(
      tx,
      sql`select e.occurred_at, e.person_id, p.email, p.name, e.event_id, e.event_type, e.text_kind, count(*) over () as total
          from events e
          left join people p on p.id = e.person_id
          where e.text_fingerprint = ${textFingerprint}
          order by e.occurred_at desc, e.event_id
          limit ${LOOKUP_ROW_LIMIT}`,
    );
    const findingCount = Number(findingRows[0]?.total ?? 0);
    const textCount = Number(textRows[0]?.total ?? 0);
    await recordAccess({
      db: tx,
      entry: {
        actorPersonId: viewer.personId,
        actorEmail: viewer.email,
        action: "fingerprint_searched",
        details: { fingerprint, matches: findingCount, textMatches: textCount },
        ...meta,
      },
    });
    return {
      findings: findingRows.map((r) => ({
        occurredAt: isoTime(r.occurred_at),
        personId: r.person_id,
        personEmail: r.email,
        personName: r.name,
        eventId: r.event_id,
        eventType: r.event_type,
        field: r.field,
        type: r.type,
        placeholder: renderPlaceholder({ type: r.type, kind: r.kind as FindingKind, fingerprint: r.fingerprint }),
      })),
      findingCount,
      texts: textRows.map((r) => ({
        occurredAt: isoTime(r.occurred_at),
        personId: r.person_id,
        personEmail: r.email,
        personName: r.name,
        eventId: r.event_id,
        eventType: r.event_type,
        textKind: r.text_kind,
      })),
      textCount,
    };
  });
}
