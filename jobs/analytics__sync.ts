import { z } from "zod";
import type { Database } from "../db/client.server";
import { DEFAULT_RETRY_POLICY, getWithRetry, OpenAIApiError, type RetryPolicy } from "../app/lib/openai/http.server";
import type { OpenAIConnection } from "../app/lib/openai/connection";
import {
  ANALYTICS_STREAMS,
  describeProblems,
  parseAnalyticsPage,
  readAnalyticsCursor,
  recordAnalyticsGap,
  recordAnalyticsRun,
  storeAnalyticsPage,
  type AnalyticsStream,
} from "../app/models/analytics.server";

/**
 * One pass over the Codex Analytics API (usage, code_reviews, code_review_responses) for
 * the configured workspace. Idempotent: every page is upserted with its cursor in one
 * transaction, and recent days are fetched again on every run because the API publishes
 * late (up to 12 h, sometimes days) and revises what it published.
 *
 * Cursor (sync_cursors, source "analytics", scope "workspace:<id>"): `position` is the
 * first UTC day not yet known complete. A day is complete once it ended SETTLE_HOURS ago,
 * the API has published it (a row for it or for a later day came back), none of its rows
 * was rejected, and it is stored.
 */

const DAY_MS = 86_400_000;
/** Days before the cursor fetched again on every run, to pick up late and revised rows. */
export const ANALYTICS_REFETCH_DAYS = 4;
/** A day is not complete before it ended this long ago (the documented lag is up to 12 h). */
export const ANALYTICS_SETTLE_HOURS = 24;
/** The API refuses to look further back than 90 days; one day of slack for clock skew. */
export const ANALYTICS_MAX_LOOKBACK_DAYS = 90;
const MAX_PAGES = 10_000;

export type SourceSummary = {
  source: "analytics";
  eventType: AnalyticsStream;
  files: number;
  events: number;
  newEvents: number;
  errors: string[];
};

export type AnalyticsProgress = { stream: AnalyticsStream; pages: number; rows: number; newRows: number };

const envelope = z.object({
  data: z.array(z.unknown()),
  has_more: z.boolean().nullish(),
  next_page: z.string().nullish(),
});

const dayIndex = (ms: number) => Math.floor(ms / DAY_MS);
const dayText = (index: number) => new Date(index * DAY_MS).toISOString().slice(0, 10);
const dayFromText = (text: string) => dayIndex(Date.parse(`${text}T00:00:00Z`));

export async function syncAnalytics({
  db,
  connection,
  streams = ANALYTICS_STREAMS,
  now = new Date(),
  backfillDays,
  policy = DEFAULT_RETRY_POLICY,
  pageSize = 1000,
  onProgress,
}: {
  db: Database;
  connection: OpenAIConnection;
  streams?: readonly AnalyticsStream[];
  now?: Date;
  /** First run only: how many days back to start. At most 90 (the API's look-back). */
  backfillDays: number;
  policy?: RetryPolicy;
  /** Rows per request (`limit`, 1–30000). */
  pageSize?: number;
  onProgress?: (progress: AnalyticsProgress) => void;
}): Promise<SourceSummary[]> {
  const summaries: SourceSummary[] = [];
  for (const stream of streams) {
    const summary: SourceSummary = { source: "analytics", eventType: stream, files: 0, events: 0, newEvents: 0, errors: [] };
    summaries.push(summary);
    const { workspaceId, analyticsApiKey } = connection;
    if (!workspaceId || !analyticsApiKey) {
      summary.errors.push(
        `Codex Analytics ${stream} not synced: ${[!workspaceId && "OPENAI_WORKSPACE_ID", !analyticsApiKey && "OPENAI_ANALYTICS_API_KEY"].filter(Boolean).join(" and ")} not set.`,
      );
      continue;
    }
    let failure: string | null = null;
    try {
      await syncStream({ db, connection, workspaceId, apiKey: analyticsApiKey, stream, now, backfillDays, policy, pageSize, summary, onProgress });
    } catch (error) {
      failure = describeFailure(error, stream);
      summary.errors.push(failure);
    }
    try {
      await recordAnalyticsRun({ db, workspaceId, stream, error: failure ?? (summary.errors.length > 0 ? summary.errors.join(" ").slice(0, 2000) : null) });
    } catch (error) {
      summary.errors.push(describeFailure(error, stream));
    }
  }
  return summaries;
}

async function syncStream({
  db,
  connection,
  workspaceId,
  apiKey,
  stream,
  now,
  backfillDays,
  policy,
  pageSize,
  summary,
  onProgress,
}: {
  db: Database;
  connection: OpenAIConnection;
  workspaceId: string;
  apiKey: string;
  stream: AnalyticsStream;
  now: Date;
  backfillDays: number;
  policy: RetryPolicy;
  pageSize: number;
  summary: SourceSummary;
  onProgress?: (progress: AnalyticsProgress) => void;
}) {
  const nowMs = now.getTime();
  const today = dayIndex(nowMs);
  // Inside the look-back even if our clock runs a little ahead of OpenAI's.
  const oldestAllowed = today - (ANALYTICS_MAX_LOOKBACK_DAYS - 1);
  const settled = dayIndex(nowMs - ANALYTICS_SETTLE_HOURS * 3_600_000); // first day not yet settled
  const cursor = await readAnalyticsCursor({ db, workspaceId, stream });
  const cursorDay = cursor?.position ? dayFromText(cursor.position) : null;
  let startDay =
    cursorDay === null ? dayIndex(nowMs - Math.min(backfillDays, ANALYTICS_MAX_LOOKBACK_DAYS) * DAY_MS) : cursorDay - ANALYTICS_REFETCH_DAYS;
  if (cursorDay !== null && cursorDay < oldestAllowed) {
    await recordAnalyticsGap({ db, workspaceId, stream, from: dayText(cursorDay), to: dayText(oldestAllowed) });
    summary.errors.push(
      `Codex Analytics ${stream}: the days ${dayText(cursorDay)} to ${dayText(oldestAllowed - 1)} are older than the API's ${ANALYTICS_MAX_LOOKBACK_DAYS}-day look-back and can no longer be fetched (recorded as a gap).`,
    );
  }
  startDay = Math.max(startDay, oldestAllowed);

  const base = `${connection.apiBase.replace(/\/+$/, "")}/v1/analytics/codex/workspaces/${encodeURIComponent(workspaceId)}/${stream}`;
  const query = new URLSearchParams({
    start_time: String((startDay * DAY_MS) / 1000),
    end_time: String(Math.floor(nowMs / 1000)),
    limit: String(pageSize),
  });

  // Every day has a row in the two code-review streams (zeros included), so a missing day
  // there means "not published yet"; usage has rows only for people who used Codex.
  const everyDayHasRow = stream !== "usage";
  let pageToken: string | null = null;
  let lastDaySeen: number | null = null;
  let inOrder = true;
  let heldAt: number | null = null; // earliest day with a rejected row

  for (let page = 1; ; page++) {
    if (page > MAX_PAGES) throw new AnalyticsSyncError(`Codex Analytics ${stream}: stopped after ${MAX_PAGES} pages without reaching the end.`);
    const params = new URLSearchParams(query);
    if (pageToken) params.set("page", pageToken);
    const what = `listing Codex Analytics ${stream} (page ${page})`;
    const response = await getWithRetry(`${base}?${params}`, {
      headers: { authorization: `Bearer ${apiKey}`, accept: "application/json" },
      api: "analytics",
      what,
      policy,
    });
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      // The parser's message quotes the body; say only what went wrong.
      throw new AnalyticsSyncError(`The answer while ${what} was not JSON.`);
    }
    const parsedEnvelope = envelope.safeParse(body);
    if (!parsedEnvelope.success) {
      throw new AnalyticsSyncError(`The answer while ${what} is not a page (expected data[], has_more and next_page).`);
    }
    const { data, has_more: hasMore, next_page: nextPage } = parsedEnvelope.data;

    const parsed = parseAnalyticsPage({ stream, page, data });
    const days = parsed.rows.map((r) => dayFromText(r.day));
    for (const day of days) {
      if (lastDaySeen !== null && day < lastDaySeen) inOrder = false;
      lastDaySeen = lastDaySeen === null ? day : Math.max(lastDaySeen, day);
    }
    if (parsed.problems.length > 0) {
      summary.errors.push(describeProblems(stream, page, parsed.problems));
      const problemDays = parsed.problems.map((p) => (p.day ? dayFromText(p.day) : (Math.min(...days, lastDaySeen ?? startDay) as number)));
      heldAt = Math.min(heldAt ?? Infinity, ...problemDays);
    }

    const last = !hasMore;
    if (hasMore && !nextPage) throw new AnalyticsSyncError(`The answer while ${what} said has_more without a next_page.`);
    if (hasMore && nextPage === pageToken) throw new AnalyticsSyncError(`The answer while ${what} repeated its own page token.`);

    // The first day not known complete after this page.
    let advance: number | null;
    if (last) {
      advance = lastDaySeen !== null ? Math.min(settled, lastDaySeen + 1) : everyDayHasRow ? null : settled;
    } else {
      // Rows come in day order, so every day before this page's last is complete; the last may continue.
      advance = inOrder && lastDaySeen !== null ? Math.min(settled, lastDaySeen) : null;
    }
    if (advance !== null && heldAt !== null) advance = Math.min(advance, heldAt);

    const { changed } = await storeAnalyticsPage({ db, workspaceId, page: parsed, advanceTo: advance === null ? null : dayText(advance) });
    summary.files += 1;
    summary.events += data.length;
    summary.newEvents += changed;
    onProgress?.({ stream, pages: summary.files, rows: summary.events, newRows: summary.newEvents });
    if (last) break;
    pageToken = nextPage ?? null;
  }
}

export class AnalyticsSyncError extends Error {
  override name = "AnalyticsSyncError";
}

/**
 * Errors in words, without response bodies or row values: the HTTP client's explained
 * status, our own messages, and for anything else (the database) only its kind and code,
 * because a driver error can quote the statement's parameters.
 */
function describeFailure(error: unknown, stream: AnalyticsStream): string {
  if (error instanceof OpenAIApiError || error instanceof AnalyticsSyncError) return error.message;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = typeof cause === "object" && cause !== null && "code" in cause ? String((cause as { code: unknown }).code) : null;
  const kind = cause instanceof Error ? cause.name : "unknown error";
  return `Codex Analytics ${stream} failed while storing (${kind}${code ? `, code ${code}` : ""}); the stream's cursor was not moved past what is stored.`;
}
