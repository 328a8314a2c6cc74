import { sql, type SQL } from "drizzle-orm";
import { addDays, isoDayParam, resolveDayRange } from "../lib/date-range";
import { z } from "zod";
import { selectRows, type Database } from "../../db/client.server";
import { assertViewerHasRole, type Viewer } from "./viewer";

/**
 * "Audit the auditors": the access log, filtered by actor, subject, action and date range,
 * newest first, keyset-paged on (at, id) along the index access_log_at (or
 * access_log_subject when a subject id is given). Auditors and admins only.
 */

export const ACCESS_LOG_ROLES = ["auditor", "admin"] as const;
const MAX_RANGE_DAYS = 731;
export const ACCESS_PAGE_SIZE = 100;

export type AccessLogFilters = {
  from: string;
  to: string;
  actor: string | null;
  subject: string | null;
  subjectId: string | null;
  action: string | null;
};
export type AccessLogCursor = { at: string; id: number };

export function encodeAccessCursor(cursor: AccessLogCursor) {
  return Buffer.from(`${cursor.at}\n${cursor.id}`, "utf8").toString("base64url");
}

export function decodeAccessCursor(text: string): AccessLogCursor | null {
  if (text.length > 200 || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const [at, id, ...rest] = Buffer.from(text, "base64url").toString("utf8").split("\n");
  if (!at || !id || rest.length > 0 || !/^\d{1,18}$/.test(id)) return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(at) || Number.isNaN(Date.parse(at))) return null;
  return { at, id: Number(id) };
}

const schema = z.object({
  from: isoDayParam("from").optional(),
  to: isoDayParam("to").optional(),
  actor: z.string().trim().max(200, "actor must be at most 200 characters").optional(),
  subject: z.string().trim().max(200, "subject must be at most 200 characters").optional(),
  subjectId: z.uuid({ error: "subjectId must be a person id" }).optional(),
  action: z
    .string()
    .trim()
    .regex(/^[a-z0-9_]{1,60}$/, "action must be an action name such as trail_viewed")
    .optional(),
  before: z
    .string()
    .transform((v, ctx) => {
      const cursor = decodeAccessCursor(v);
      if (!cursor) {
        ctx.addIssue({ code: "custom", message: "before is not a cursor from this page" });
        return z.NEVER;
      }
      return cursor;
    })
    .optional(),
});

export function parseAccessLogParams(
  params: URLSearchParams,
  now = new Date(),
): { ok: true; filters: AccessLogFilters; before: AccessLogCursor | null } | { ok: false; problem: string } {
  const raw: Record<string, string> = {};
  for (const key of ["from", "to", "actor", "subject", "subjectId", "action", "before"]) {
    const value = params.get(key);
    if (value !== null && value !== "") raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, problem: parsed.error.issues.map((i) => i.message).join("; ") };
  const range = resolveDayRange(parsed.data, { now, maxDays: MAX_RANGE_DAYS });
  if (!range.ok) return range;
  const { from, to } = range;
  return {
    ok: true,
    filters: {
      from,
      to,
      actor: parsed.data.actor || null,
      subject: parsed.data.subject || null,
      subjectId: parsed.data.subjectId ?? null,
      action: parsed.data.action ?? null,
    },
    before: parsed.data.before ?? null,
  };
}

export type AccessLogRow = {
  id: number;
  at: string;
  cursor: string;
  action: string;
  actorPersonId: string | null;
  actorEmail: string | null;
  actorName: string | null;
  subjectPersonId: string | null;
  subjectEmail: string | null;
  subjectName: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
};

type RawRow = {
  id: number | string;
  at: string;
  action: string;
  actor_person_id: string | null;
  actor_email: string | null;
  actor_name: string | null;
  subject_person_id: string | null;
  subject_email: string | null;
  subject_name: string | null;
  details: Record<string, unknown> | string | null;
  ip: string | null;
  user_agent: string | null;
};

function likePattern(text: string) {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const utcStart = (day: string) => sql`((${day}::date)::timestamp at time zone 'UTC')`;

async function readBatch(db: Database, filters: AccessLogFilters, before: AccessLogCursor | null, limit: number) {
  const conditions: SQL[] = [sql`l.at >= ${utcStart(filters.from)}`, sql`l.at < ${utcStart(addDays(filters.to, 1))}`];
  if (filters.action) conditions.push(sql`l.action = ${filters.action}`);
  if (filters.subjectId) conditions.push(sql`l.subject_person_id = ${filters.subjectId}`);
  if (filters.actor) {
    const pattern = likePattern(filters.actor);
    conditions.push(sql`(l.actor_email ilike ${pattern} or coalesce(a.name, '') ilike ${pattern})`);
  }
  if (filters.subject) {
    const pattern = likePattern(filters.subject);
    conditions.push(sql`(s.email ilike ${pattern} or coalesce(s.name, '') ilike ${pattern})`);
  }
  if (before) {
    const at = sql`${before.at}::timestamptz`;
    conditions.push(sql`l.at <= ${at} and (l.at < ${at} or l.id < ${before.id})`);
  }
  const rows = await selectRows<RawRow>(
    db,
    sql`select l.id, to_char(l.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, l.action,
          l.actor_person_id, l.actor_email, a.name as actor_name,
          l.subject_person_id, s.email as subject_email, s.name as subject_name,
          l.details, l.ip, l.user_agent
        from access_log l
        left join people a on a.id = l.actor_person_id
        left join people s on s.id = l.subject_person_id
        where ${sql.join(conditions, sql` and `)}
        order by l.at desc, l.id desc
        limit ${limit}`,
  );
  return rows.map(
    (r): AccessLogRow => ({
      id: Number(r.id),
      at: r.at,
      cursor: encodeAccessCursor({ at: r.at, id: Number(r.id) }),
      action: r.action,
      actorPersonId: r.actor_person_id,
      actorEmail: r.actor_email,
      actorName: r.actor_name,
      subjectPersonId: r.subject_person_id,
      subjectEmail: r.subject_email,
      subjectName: r.subject_name,
      details: typeof r.details === "string" ? (JSON.parse(r.details) as Record<string, unknown>) : (r.details ?? {}),
      ip: r.ip,
      userAgent: r.user_agent,
    }),
  );
}

/** One page (newest first) plus the action names in use, for the filter menu. */
export async function searchAccessLog({
  db,
  viewer,
  filters,
  before,
}: {
  db: Database;
  viewer: Viewer;
  filters: AccessLogFilters;
  before: AccessLogCursor | null;
}) {
  assertViewerHasRole(viewer, ACCESS_LOG_ROLES);
  const batch = await readBatch(db, filters, before, ACCESS_PAGE_SIZE + 1);
  const rows = batch.slice(0, ACCESS_PAGE_SIZE);
  const actions = await selectRows<{ action: string }>(db, sql`select distinct action from access_log order by action`);
  const subject = filters.subjectId
    ? ((await selectRows<{ email: string; name: string | null }>(db, sql`select email, name from people where id = ${filters.subjectId}`))[0] ?? null)
    : null;
  return {
    rows,
    older: batch.length > ACCESS_PAGE_SIZE ? (rows[rows.length - 1]?.cursor ?? null) : null,
    actions: actions.map((a) => a.action),
    subject,
  };
}

export type AccessLogCsvRow = {
  at: string;
  action: string;
  actor_email: string | null;
  actor_person_id: string | null;
  subject_email: string | null;
  subject_person_id: string | null;
  details: string;
  ip: string | null;
  user_agent: string | null;
};

export const ACCESS_LOG_CSV_COLUMNS: ReadonlyArray<{ key: keyof AccessLogCsvRow & string; header: string }> = (
  ["at", "action", "actor_email", "actor_person_id", "subject_email", "subject_person_id", "details", "ip", "user_agent"] as const
).map((key) => ({ key, header: key }));

/** Every matching entry, newest first, read in keyset batches as the download is consumed. */
export function exportAccessLog({ db, viewer, filters }: { db: Database; viewer: Viewer; filters: AccessLogFilters }) {
  assertViewerHasRole(viewer, ACCESS_LOG_ROLES);
  const BATCH = 1000;
  return (async function* rows(): AsyncGenerator<AccessLogCsvRow> {
    let before: AccessLogCursor | null = null;
    for (;;) {
      const batch = await readBatch(db, filters, before, BATCH);
      for (const r of batch) {
        yield {
          at: r.at,
          action: r.action,
          actor_email: r.actorEmail,
          actor_person_id: r.actorPersonId,
          subject_email: r.subjectEmail,
          subject_person_id: r.subjectPersonId,
          details: JSON.stringify(r.details),
          ip: r.ip,
          user_agent: r.userAgent,
        };
      }
      const last = batch[batch.length - 1];
      if (batch.length < BATCH || !last) return;
      before = { at: last.at, id: last.id };
    }
  })();
}
