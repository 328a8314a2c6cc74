import { sql } from "drizzle-orm";
import { z } from "zod";
import { selectRows, type Database } from "../../db/client.server";
import { resolvePeopleForActors } from "./person.server";
import { assertViewerHasRole, type Viewer } from "./viewer";

/**
 * Codex Analytics API daily rows: validation at the edge, one transaction per API page
 * (rows, people, cursor), and the few reads the console needs. Field reference:
 * ../shared/design/openai-interfaces.md §2. The API revises recent days, so every write
 * is an upsert that converges; a row is rewritten only when something in it changed.
 */

export const ANALYTICS_STREAMS = ["usage", "code_reviews", "code_review_responses"] as const;
export type AnalyticsStream = (typeof ANALYTICS_STREAMS)[number];

export const ANALYTICS_SOURCE = "analytics";
export const analyticsScope = (workspaceId: string) => `workspace:${workspaceId}`;

const DAY_SECONDS = 86_400;

/* ───────────────────────── validation ───────────────────────── */

const NUMERIC_TEXT = /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/;

/** A number, or a string holding one (some exporters quote numbers). Never negative. */
const num = z
  .union([z.number(), z.string().regex(NUMERIC_TEXT).transform(Number)])
  .pipe(z.number().finite().nonnegative());
const count = num.pipe(z.number().int());

/** Unix seconds (the spec) or an ISO-8601 string (one sample in the reference): both accepted. */
const time = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const seconds = typeof value === "number" ? value : NUMERIC_TEXT.test(value) ? Number(value) : Date.parse(value) / 1000;
  if (!Number.isFinite(seconds)) {
    ctx.addIssue({ code: "custom", message: "not Unix seconds or an ISO-8601 time" });
    return z.NEVER;
  }
  return seconds;
});

const tokenFields = {
  uncached_text_input_tokens: count.optional(),
  cached_text_input_tokens: count.optional(),
  text_output_tokens: count.optional(),
  text_total_tokens: count.optional(),
};

const usageTotals = z
  .object({
    threads: count,
    turns: count,
    credits: num,
    cost_usd: num.nullish(),
    estimated_cost_usd: num.nullish(),
    ...tokenFields,
  })
  .loose();

const usageRowSchema = z
  .object({
    start_time: time,
    end_time: time.nullish(),
    user_id: z.string().nullish(),
    actor: z.object({ user_id: z.string().nullish(), email: z.string().nullish() }).loose().nullish(),
    totals: usageTotals,
    clients: z.array(z.object({ client_id: z.string(), threads: count.optional(), turns: count.optional(), credits: num.optional(), ...tokenFields }).loose()).nullish(),
    models: z.array(z.object({ model: z.string(), speed: z.string().nullish(), credits: num.optional(), ...tokenFields }).loose()).nullish(),
    code_attribution: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();

const codeReviewRowSchema = z
  .object({
    start_time: time,
    end_time: time.nullish(),
    pull_request_reviews: count,
    comments: count,
    comment_details: z.object({ p0: count.optional(), p1: count.optional(), p2: count.optional() }).loose().nullish(),
  })
  .loose();

const codeReviewResponseRowSchema = z
  .object({
    start_time: time,
    end_time: time.nullish(),
    pull_request_reviews: count,
    comments: count,
    replies: count,
    reactions: count,
    reaction_details: z.object({ upvotes: count.optional(), downvotes: count.optional(), other: count.optional() }).loose().nullish(),
    comment_response_details: z
      .object({
        engaged: count.optional(),
        reacted: count.optional(),
        upvoted: count.optional(),
        downvoted: count.optional(),
        reacted_other: count.optional(),
        replied: count.optional(),
      })
      .loose()
      .nullish(),
  })
  .loose();

/** Known keys per object; anything else is kept in `attributes`, never dropped. */
const KNOWN = {
  usage: ["object", "start_time", "end_time", "user_id", "actor", "totals", "clients", "models", "code_attribution"],
  usageTotals: ["threads", "turns", "credits", "cost_usd", "estimated_cost_usd", "uncached_text_input_tokens", "cached_text_input_tokens", "text_output_tokens", "text_total_tokens"],
  usageActor: ["type", "user_id", "email"],
  code_reviews: ["object", "start_time", "end_time", "pull_request_reviews", "comments", "comment_details"],
  commentDetails: ["p0", "p1", "p2"],
  code_review_responses: ["object", "start_time", "end_time", "pull_request_reviews", "comments", "replies", "reactions", "reaction_details", "comment_response_details"],
  reactionDetails: ["upvotes", "downvotes", "other"],
  responseDetails: ["engaged", "reacted", "upvoted", "downvoted", "reacted_other", "replied"],
} as const;

function unknownKeys(value: Record<string, unknown> | null | undefined, known: readonly string[]): Record<string, unknown> | null {
  if (!value) return null;
  const extra = Object.entries(value).filter(([key]) => !known.includes(key));
  return extra.length > 0 ? Object.fromEntries(extra) : null;
}

function attributesOf(parts: Record<string, Record<string, unknown> | null>): Record<string, unknown> {
  const { top, ...nested } = parts;
  const out: Record<string, unknown> = { ...(top ?? {}) };
  for (const [key, extra] of Object.entries(nested)) if (extra) out[`${key}_extra`] = extra;
  return out;
}

export type UsageDayRow = {
  day: string;
  openaiUserId: string;
  email: string | null;
  threads: number;
  turns: number;
  credits: number;
  costUsd: number | null;
  estimatedCostUsd: number | null;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  totalTokens: number;
  clients: unknown[];
  models: unknown[];
  codeAttribution: Record<string, unknown> | null;
  attributes: Record<string, unknown>;
};

export type CodeReviewDayRow = {
  day: string;
  pullRequestReviews: number;
  comments: number;
  p0: number;
  p1: number;
  p2: number;
  attributes: Record<string, unknown>;
};

export type CodeReviewResponseDayRow = {
  day: string;
  pullRequestReviews: number;
  comments: number;
  replies: number;
  reactions: number;
  upvotes: number;
  downvotes: number;
  otherReactions: number;
  engaged: number;
  reacted: number;
  upvoted: number;
  downvoted: number;
  reactedOther: number;
  replied: number;
  attributes: Record<string, unknown>;
};

export type ParsedAnalyticsPage =
  | { stream: "usage"; page: number; received: number; rows: UsageDayRow[]; problems: RowProblem[] }
  | { stream: "code_reviews"; page: number; received: number; rows: CodeReviewDayRow[]; problems: RowProblem[] }
  | { stream: "code_review_responses"; page: number; received: number; rows: CodeReviewResponseDayRow[]; problems: RowProblem[] };

/** A rejected row: where and which field, never the value (it may be free text or an email). */
export type RowProblem = { row: number; day: string | null; fields: string[] };

export function describeProblems(stream: AnalyticsStream, page: number, problems: RowProblem[]): string {
  const shown = problems
    .slice(0, 5)
    .map((p) => `row ${p.row}${p.day ? ` (${p.day})` : ""}: ${p.fields.join(", ")}`)
    .join("; ");
  const more = problems.length > 5 ? `; and ${problems.length - 5} more` : "";
  return `${stream} page ${page}: ${problems.length} ${problems.length === 1 ? "row failed validation and was" : "rows failed validation and were"} not stored (${shown}${more}).`;
}

function dayOfSeconds(seconds: number): string {
  return new Date(Math.floor(seconds / DAY_SECONDS) * DAY_SECONDS * 1000).toISOString().slice(0, 10);
}

/** The UTC day a row describes, or the names of the fields that make it unusable. */
function dayOf(row: { start_time: number; end_time?: number | null }): { day: string } | { fields: string[] } {
  if (row.end_time != null) {
    const span = row.end_time - row.start_time;
    // One day; 23–25 h tolerates a provider that cuts days at a local midnight. A week row would double count.
    if (span < 23 * 3600 || span > 25 * 3600) return { fields: ["end_time (the row does not span one day)"] };
  }
  return { day: dayOfSeconds(row.start_time) };
}

function fieldsOf(error: z.ZodError): string[] {
  const names = error.issues.map((issue) => {
    const path = issue.path.map(String).join(".") || "(row)";
    return issue.code === "invalid_type" ? `${path} (expected ${issue.expected})` : `${path} (invalid)`;
  });
  return [...new Set(names)];
}

/** The day of a row that failed validation, when its start_time at least is readable. */
function dayOfRejected(raw: unknown): string | null {
  const parsed = z.object({ start_time: time }).safeParse(raw);
  return parsed.success ? dayOfSeconds(parsed.data.start_time) : null;
}

/**
 * Validates one API page. Rows that fail are counted and described (page, row, field),
 * the others go on. Two rows for the same key keep the later one (one upsert statement
 * cannot touch a row twice).
 */
export function parseAnalyticsPage({ stream, page, data }: { stream: AnalyticsStream; page: number; data: unknown[] }): ParsedAnalyticsPage {
  const problems: RowProblem[] = [];
  const reject = (index: number, raw: unknown, fields: string[]) => problems.push({ row: index + 1, day: dayOfRejected(raw), fields });

  /** Valid rows by key (a later row for the same key replaces the earlier one); invalid ones are rejected with their fields. */
  const collect = <S extends z.ZodTypeAny, R>(schema: S, build: (row: z.infer<S>, day: string) => [key: string, row: R]): R[] => {
    const rows = new Map<string, R>();
    data.forEach((raw, index) => {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) return reject(index, raw, fieldsOf(parsed.error));
      const when = dayOf(parsed.data as { start_time: number; end_time?: number | null });
      if (!("day" in when)) return reject(index, raw, when.fields);
      const [key, row] = build(parsed.data, when.day);
      rows.set(key, row);
    });
    return [...rows.values()];
  };

  if (stream === "usage") {
    const rows = collect(usageRowSchema, (r, day): [string, UsageDayRow] => {
      const t = r.totals;
      const input = t.uncached_text_input_tokens ?? 0;
      const cached = t.cached_text_input_tokens ?? 0;
      const output = t.text_output_tokens ?? 0;
      const openaiUserId = r.user_id ?? r.actor?.user_id ?? "";
      return [`${day}|${openaiUserId}`, {
        day,
        openaiUserId,
        email: r.actor?.email ?? null,
        threads: t.threads,
        turns: t.turns,
        credits: t.credits,
        costUsd: t.cost_usd ?? null,
        estimatedCostUsd: t.estimated_cost_usd ?? null,
        inputTokens: input,
        cachedInputTokens: cached,
        outputTokens: output,
        totalTokens: t.text_total_tokens ?? input + cached + output,
        clients: r.clients ?? [],
        models: r.models ?? [],
        codeAttribution: r.code_attribution ?? null,
        attributes: attributesOf({
          top: unknownKeys(r, KNOWN.usage),
          totals: unknownKeys(t, KNOWN.usageTotals),
          actor: unknownKeys(r.actor, KNOWN.usageActor),
        }),
      }];
    });
    return { stream, page, received: data.length, rows, problems };
  }

  if (stream === "code_reviews") {
    const rows = collect(codeReviewRowSchema, (r, day): [string, CodeReviewDayRow] => {
      const d = r.comment_details;
      return [day, {
        day,
        pullRequestReviews: r.pull_request_reviews,
        comments: r.comments,
        p0: d?.p0 ?? 0,
        p1: d?.p1 ?? 0,
        p2: d?.p2 ?? 0,
        attributes: attributesOf({ top: unknownKeys(r, KNOWN.code_reviews), comment_details: unknownKeys(d, KNOWN.commentDetails) }),
      }];
    });
    return { stream, page, received: data.length, rows, problems };
  }

  const rows = collect(codeReviewResponseRowSchema, (r, day): [string, CodeReviewResponseDayRow] => {
    const rd = r.reaction_details;
    const cd = r.comment_response_details;
    return [day, {
      day,
      pullRequestReviews: r.pull_request_reviews,
      comments: r.comments,
      replies: r.replies,
      reactions: r.reactions,
      upvotes: rd?.upvotes ?? 0,
      downvotes: rd?.downvotes ?? 0,
      otherReactions: rd?.other ?? 0,
      engaged: cd?.engaged ?? 0,
      reacted: cd?.reacted ?? 0,
      upvoted: cd?.upvoted ?? 0,
      downvoted: cd?.downvoted ?? 0,
      reactedOther: cd?.reacted_other ?? 0,
      replied: cd?.replied ?? 0,
      attributes: attributesOf({
        top: unknownKeys(r, KNOWN.code_review_responses),
        reaction_details: unknownKeys(rd, KNOWN.reactionDetails),
        comment_response_details: unknownKeys(cd, KNOWN.responseDetails),
      }),
    }];
  });
  return { stream, page, received: data.length, rows, problems };
}

/* ───────────────────────── writes ───────────────────────── */

export type AnalyticsCursor = { position: string | null; positionTime: Date | null };

export async function readAnalyticsCursor({ db, workspaceId, stream }: { db: Database; workspaceId: string; stream: AnalyticsStream }): Promise<AnalyticsCursor | null> {
  const [row] = await selectRows<{ position: string | null; position_time: Date | string | null }>(db, sql`
    select position, position_time from sync_cursors
    where source = ${ANALYTICS_SOURCE} and scope = ${analyticsScope(workspaceId)} and stream = ${stream}
  `);
  if (!row) return null;
  return { position: row.position, positionTime: row.position_time === null ? null : new Date(row.position_time) };
}

/**
 * Stores one API page in one transaction: people behind the usage rows, the rows (one
 * upsert statement), and the stream's cursor. `advanceTo` (YYYY-MM-DD, the first day not
 * yet known complete) only ever moves the cursor forward. Returns the number of rows
 * inserted or changed; rows identical to the stored ones are not rewritten.
 */
export async function storeAnalyticsPage({
  db,
  workspaceId,
  page,
  advanceTo,
}: {
  db: Database;
  workspaceId: string;
  page: ParsedAnalyticsPage;
  advanceTo: string | null;
}): Promise<{ changed: number }> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Database;
    let changed = 0;
    if (page.rows.length > 0) {
      if (page.stream === "usage") changed = await upsertUsage(t, workspaceId, page.rows);
      else if (page.stream === "code_reviews") changed = await upsertCodeReviews(t, workspaceId, page.rows);
      else changed = await upsertCodeReviewResponses(t, workspaceId, page.rows);
    }
    await advanceCursor(t, { workspaceId, stream: page.stream, advanceTo, received: page.received });
    return { changed };
  });
}

async function upsertUsage(db: Database, workspaceId: string, rows: UsageDayRow[]): Promise<number> {
  const people = await resolvePeopleForActors({
    db,
    actors: rows.filter((r) => r.openaiUserId !== "").map((r) => ({ openaiUserId: r.openaiUserId, email: r.email })),
  });
  const input = rows.map((r) => ({
    workspace_id: workspaceId,
    day: r.day,
    openai_user_id: r.openaiUserId,
    person_id: people.get(r.openaiUserId) ?? null,
    email: r.email,
    threads: r.threads,
    turns: r.turns,
    credits: r.credits,
    cost_usd: r.costUsd,
    estimated_cost_usd: r.estimatedCostUsd,
    input_tokens: r.inputTokens,
    cached_input_tokens: r.cachedInputTokens,
    output_tokens: r.outputTokens,
    total_tokens: r.totalTokens,
    clients: r.clients,
    models: r.models,
    code_attribution: r.codeAttribution,
    attributes: r.attributes,
  }));
  return upsertChangedRows(db, USAGE_TABLE, input);
}

async function upsertCodeReviews(db: Database, workspaceId: string, rows: CodeReviewDayRow[]): Promise<number> {
  const input = rows.map((r) => ({ workspace_id: workspaceId, day: r.day, pull_request_reviews: r.pullRequestReviews, comments: r.comments, p0: r.p0, p1: r.p1, p2: r.p2, attributes: r.attributes }));
  return upsertChangedRows(db, CODE_REVIEWS_TABLE, input);
}

async function upsertCodeReviewResponses(db: Database, workspaceId: string, rows: CodeReviewResponseDayRow[]): Promise<number> {
  const input = rows.map((r) => ({
    workspace_id: workspaceId,
    day: r.day,
    pull_request_reviews: r.pullRequestReviews,
    comments: r.comments,
    replies: r.replies,
    reactions: r.reactions,
    upvotes: r.upvotes,
    downvotes: r.downvotes,
    other_reactions: r.otherReactions,
    engaged: r.engaged,
    reacted: r.reacted,
    upvoted: r.upvoted,
    downvoted: r.downvoted,
    reacted_other: r.reactedOther,
    replied: r.replied,
    attributes: r.attributes,
  }));
  return upsertChangedRows(db, CODE_REVIEW_RESPONSES_TABLE, input);
}

type UpsertTable = {
  name: string;
  /** Every input column in order with its SQL type; the first `keyLength` are the conflict key. */
  columns: Array<[column: string, type: string]>;
  keyLength: number;
  /** SQL defaults for columns that must not be null when the API leaves them out. */
  defaults?: Record<string, string>;
};

const USAGE_TABLE: UpsertTable = {
  name: "analytics_usage_daily",
  columns: [
    ["workspace_id", "text"], ["day", "date"], ["openai_user_id", "text"], ["person_id", "uuid"], ["email", "text"],
    ["threads", "integer"], ["turns", "integer"], ["credits", "numeric"], ["cost_usd", "numeric"], ["estimated_cost_usd", "numeric"],
    ["input_tokens", "bigint"], ["cached_input_tokens", "bigint"], ["output_tokens", "bigint"], ["total_tokens", "bigint"],
    ["clients", "jsonb"], ["models", "jsonb"], ["code_attribution", "jsonb"], ["attributes", "jsonb"],
  ],
  keyLength: 3,
  defaults: { clients: "'[]'::jsonb", models: "'[]'::jsonb", attributes: "'{}'::jsonb" },
};

const CODE_REVIEWS_TABLE: UpsertTable = {
  name: "analytics_code_reviews_daily",
  columns: [
    ["workspace_id", "text"], ["day", "date"], ["pull_request_reviews", "integer"], ["comments", "integer"],
    ["p0", "integer"], ["p1", "integer"], ["p2", "integer"], ["attributes", "jsonb"],
  ],
  keyLength: 2,
  defaults: { attributes: "'{}'::jsonb" },
};

const CODE_REVIEW_RESPONSES_TABLE: UpsertTable = {
  name: "analytics_code_review_responses_daily",
  columns: [
    ["workspace_id", "text"], ["day", "date"], ["pull_request_reviews", "integer"], ["comments", "integer"], ["replies", "integer"],
    ["reactions", "integer"], ["upvotes", "integer"], ["downvotes", "integer"], ["other_reactions", "integer"], ["engaged", "integer"],
    ["reacted", "integer"], ["upvoted", "integer"], ["downvoted", "integer"], ["reacted_other", "integer"], ["replied", "integer"],
    ["attributes", "jsonb"],
  ],
  keyLength: 2,
  defaults: { attributes: "'{}'::jsonb" },
};

/**
 * One statement for a page of daily rows: insert, or update a stored row only when something
 * differs (so a re-fetch of unchanged days writes nothing and counts nothing). Returns the
 * number of rows inserted or changed. Table and column names are the constants above.
 */
async function upsertChangedRows(db: Database, table: UpsertTable, input: Array<Record<string, unknown>>): Promise<number> {
  const names = table.columns.map(([column]) => column);
  const key = names.slice(0, table.keyLength);
  const values = names.slice(table.keyLength);
  const list = (items: string[]) => items.join(", ");
  const selected = names.map((c) => (table.defaults?.[c] ? `coalesce(${c}, ${table.defaults[c]})` : c));
  const recordType = table.columns.map(([column, type]) => `${column} ${type}`);
  const written = await selectRows(db, sql`
    insert into ${sql.raw(table.name)} as t (${sql.raw(list(names))}, fetched_at)
    select ${sql.raw(list(selected))}, now()
    from json_to_recordset(${JSON.stringify(input)}::json) as x(${sql.raw(list(recordType))})
    on conflict (${sql.raw(list(key))}) do update set
      ${sql.raw(list([...values, "fetched_at"].map((c) => `${c} = excluded.${c}`)))}
    where (${sql.raw(list(values.map((c) => `t.${c}`)))}) is distinct from (${sql.raw(list(values.map((c) => `excluded.${c}`)))})
    returning 1 as changed
  `);
  return written.length;
}

async function advanceCursor(
  db: Database,
  { workspaceId, stream, advanceTo, received }: { workspaceId: string; stream: AnalyticsStream; advanceTo: string | null; received: number },
) {
  await db.execute(sql`
    insert into sync_cursors as c (source, scope, stream, position, position_time, last_attempt_at, files_total, events_total, updated_at)
    values (${ANALYTICS_SOURCE}, ${analyticsScope(workspaceId)}, ${stream}, ${advanceTo}::text,
            (${advanceTo}::text)::date::timestamp at time zone 'UTC', now(), 1, ${received}, now())
    on conflict (source, scope, stream) do update set
      position = case when excluded.position > coalesce(c.position, '') then excluded.position else c.position end,
      position_time = case when excluded.position > coalesce(c.position, '') then excluded.position_time else c.position_time end,
      last_attempt_at = now(),
      files_total = c.files_total + 1,
      events_total = c.events_total + excluded.events_total,
      updated_at = now()
  `);
}

/** The end of one stream's run, for the sync-health page: success clears the last error. */
export async function recordAnalyticsRun({ db, workspaceId, stream, error }: { db: Database; workspaceId: string; stream: AnalyticsStream; error: string | null }) {
  await db.execute(sql`
    insert into sync_cursors as c (source, scope, stream, last_attempt_at, last_success_at, last_error, last_error_at, updated_at)
    values (${ANALYTICS_SOURCE}, ${analyticsScope(workspaceId)}, ${stream}, now(),
            case when ${error}::text is null then now() end, ${error}::text, case when ${error}::text is not null then now() end, now())
    on conflict (source, scope, stream) do update set
      last_attempt_at = now(),
      last_success_at = coalesce(excluded.last_success_at, c.last_success_at),
      last_error = excluded.last_error,
      last_error_at = coalesce(excluded.last_error_at, c.last_error_at),
      updated_at = now()
  `);
}

/**
 * Days that can no longer be fetched (the cursor fell behind the API's look-back) are a
 * gap, recorded once so the sync-health page can say exactly what was lost.
 */
export async function recordAnalyticsGap({ db, workspaceId, stream, from, to }: { db: Database; workspaceId: string; stream: AnalyticsStream; from: string; to: string }) {
  await db.execute(sql`
    insert into sync_gaps (source, scope, stream, gap_from, gap_to, reason)
    select ${ANALYTICS_SOURCE}, ${analyticsScope(workspaceId)}, ${stream}, (${from}::text)::date::timestamp at time zone 'UTC',
           (${to}::text)::date::timestamp at time zone 'UTC', 'behind the Codex Analytics API look-back window'
    where not exists (
      select 1 from sync_gaps where source = ${ANALYTICS_SOURCE} and scope = ${analyticsScope(workspaceId)} and stream = ${stream}
        and gap_from = (${from}::text)::date::timestamp at time zone 'UTC' and gap_to = (${to}::text)::date::timestamp at time zone 'UTC'
    )
  `);
}

/* ───────────────────────── reads ───────────────────────── */

const toNumber = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

export type UsageDay = {
  day: string;
  people: number;
  threads: number;
  turns: number;
  credits: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  totalTokens: number;
};

/** Workspace usage per UTC day, summed over people, `from` and `to` inclusive (YYYY-MM-DD). */
export async function usageByDay({ db, viewer, from, to }: { db: Database; viewer: Viewer; from: string; to: string }): Promise<UsageDay[]> {
  assertViewerHasRole(viewer, ["viewer", "finance", "auditor", "admin"]);
  const rows = await selectRows<Record<string, unknown>>(db, sql`
    select to_char(day, 'YYYY-MM-DD') as day, count(distinct openai_user_id) as people, sum(threads) as threads, sum(turns) as turns,
      sum(credits) as credits, sum(input_tokens) as input_tokens, sum(cached_input_tokens) as cached_input_tokens,
      sum(output_tokens) as output_tokens, sum(total_tokens) as total_tokens
    from analytics_usage_daily
    where day between ${from}::date and ${to}::date and openai_user_id <> ''
    group by day order by day
  `);
  return rows.map((r) => ({
    day: String(r.day),
    people: toNumber(r.people),
    threads: toNumber(r.threads),
    turns: toNumber(r.turns),
    credits: toNumber(r.credits),
    inputTokens: toNumber(r.input_tokens),
    cachedInputTokens: toNumber(r.cached_input_tokens),
    outputTokens: toNumber(r.output_tokens),
    totalTokens: toNumber(r.total_tokens),
  }));
}

export type CodeReviewDay = {
  day: string;
  pullRequestReviews: number;
  comments: number;
  p0: number;
  p1: number;
  p2: number;
  /** From code_review_responses, which counts PRs merged that day (a different population). */
  replies: number;
  reactions: number;
  upvotes: number;
  downvotes: number;
};

/** Codex code review per UTC day, `from` and `to` inclusive (YYYY-MM-DD). */
export async function codeReviewsByDay({ db, viewer, from, to }: { db: Database; viewer: Viewer; from: string; to: string }): Promise<CodeReviewDay[]> {
  assertViewerHasRole(viewer, ["viewer", "finance", "auditor", "admin"]);
  const rows = await selectRows<Record<string, unknown>>(db, sql`
    select to_char(coalesce(r.day, s.day), 'YYYY-MM-DD') as day,
      sum(coalesce(r.pull_request_reviews, 0)) as pull_request_reviews, sum(coalesce(r.comments, 0)) as comments,
      sum(coalesce(r.p0, 0)) as p0, sum(coalesce(r.p1, 0)) as p1, sum(coalesce(r.p2, 0)) as p2,
      sum(coalesce(s.replies, 0)) as replies, sum(coalesce(s.reactions, 0)) as reactions,
      sum(coalesce(s.upvotes, 0)) as upvotes, sum(coalesce(s.downvotes, 0)) as downvotes
    from analytics_code_reviews_daily r
    full join analytics_code_review_responses_daily s on s.workspace_id = r.workspace_id and s.day = r.day
    where coalesce(r.day, s.day) between ${from}::date and ${to}::date
    group by 1 order by 1
  `);
  return rows.map((r) => ({
    day: String(r.day),
    pullRequestReviews: toNumber(r.pull_request_reviews),
    comments: toNumber(r.comments),
    p0: toNumber(r.p0),
    p1: toNumber(r.p1),
    p2: toNumber(r.p2),
    replies: toNumber(r.replies),
    reactions: toNumber(r.reactions),
    upvotes: toNumber(r.upvotes),
    downvotes: toNumber(r.downvotes),
  }));
}
