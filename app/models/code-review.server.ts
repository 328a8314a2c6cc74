import { sql } from "drizzle-orm";
import { selectRows, type Database } from "../../db/client.server";
import { assertViewerHasRole, type Viewer } from "./viewer";

/**
 * Codex code-review engagement from the Analytics API's workspace-level daily rows
 * (`code_reviews`, `code_review_responses`). The source carries no person and no repository,
 * so nothing here is per person or per repository; the page says so.
 */

export const CODE_REVIEW_ROLES = ["viewer", "finance", "auditor", "admin"] as const;
export const CODE_REVIEW_SOURCE_NOTE =
  "The Codex Analytics API reports code reviews per workspace and day only: it carries no person and no repository, so this report cannot break engagement down by either.";

export type ReviewDay = {
  day: string;
  pullRequests: number;
  comments: number;
  p0: number;
  p1: number;
  p2: number;
  replies: number;
  upvotes: number;
  downvotes: number;
  otherReactions: number;
  engaged: number;
  /** Comments that got a reply or a reaction, as a fraction of comments (null without comments). */
  engagementRate: number | null;
};

type Raw = Omit<ReviewDay, "engagementRate">;
const rate = (engaged: number, comments: number) => (comments > 0 ? Math.round((engaged / comments) * 10_000) / 10_000 : null);

function add(into: Raw, r: Raw) {
  into.pullRequests += r.pullRequests;
  into.comments += r.comments;
  into.p0 += r.p0;
  into.p1 += r.p1;
  into.p2 += r.p2;
  into.replies += r.replies;
  into.upvotes += r.upvotes;
  into.downvotes += r.downvotes;
  into.otherReactions += r.otherReactions;
  into.engaged += r.engaged;
}
const zero = (day: string): Raw => ({ day, pullRequests: 0, comments: 0, p0: 0, p1: 0, p2: 0, replies: 0, upvotes: 0, downvotes: 0, otherReactions: 0, engaged: 0 });

/** Monday of the ISO week of a day. */
export function weekOf(day: string) {
  const t = Date.parse(`${day}T00:00:00Z`);
  const weekday = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - weekday * 86_400_000).toISOString().slice(0, 10);
}

async function loadDays(db: Database, from: string, to: string): Promise<Raw[]> {
  const rows = await selectRows<Record<string, string | number | null>>(
    db,
    sql`with d as (select generate_series(${from}::date, ${to}::date, interval '1 day')::date as day),
        r as (select day, sum(pull_request_reviews)::int as prs, sum(comments)::int as comments, sum(p0)::int as p0, sum(p1)::int as p1, sum(p2)::int as p2
              from analytics_code_reviews_daily where day between ${from}::date and ${to}::date group by day),
        s as (select day, sum(replies)::int as replies, sum(upvotes)::int as upvotes, sum(downvotes)::int as downvotes, sum(other_reactions)::int as other,
                sum(engaged)::int as engaged from analytics_code_review_responses_daily where day between ${from}::date and ${to}::date group by day)
        select d.day::text as day, coalesce(r.prs, 0) as prs, coalesce(r.comments, 0) as comments, coalesce(r.p0, 0) as p0, coalesce(r.p1, 0) as p1,
          coalesce(r.p2, 0) as p2, coalesce(s.replies, 0) as replies, coalesce(s.upvotes, 0) as upvotes, coalesce(s.downvotes, 0) as downvotes,
          coalesce(s.other, 0) as other, coalesce(s.engaged, 0) as engaged
        from d left join r on r.day = d.day left join s on s.day = d.day order by d.day`,
  );
  return rows.map((r) => ({
    day: String(r.day).slice(0, 10),
    pullRequests: Number(r.prs),
    comments: Number(r.comments),
    p0: Number(r.p0),
    p1: Number(r.p1),
    p2: Number(r.p2),
    replies: Number(r.replies),
    upvotes: Number(r.upvotes),
    downvotes: Number(r.downvotes),
    otherReactions: Number(r.other),
    engaged: Number(r.engaged),
  }));
}

async function build(db: Database, from: string, to: string) {
  const days = await loadDays(db, from, to);
  const total = zero(from);
  const weeks = new Map<string, Raw>();
  for (const d of days) {
    add(total, d);
    const w = weekOf(d.day);
    if (!weeks.has(w)) weeks.set(w, zero(w));
    add(weeks.get(w)!, d);
  }
  const withRate = (r: Raw): ReviewDay => ({ ...r, engagementRate: rate(r.engaged, r.comments) });
  const weekly = [...weeks.values()].map(withRate);
  // Trend: engagement rate of the last complete-ish half against the first half of the range.
  const half = Math.floor(days.length / 2);
  const sumOf = (list: Raw[]) => list.reduce((acc, r) => (add(acc, r), acc), zero(""));
  const first = sumOf(days.slice(0, half));
  const second = sumOf(days.slice(half));
  return {
    from,
    to,
    totals: withRate(total),
    daily: days.map(withRate),
    weekly,
    trend: {
      firstHalf: rate(first.engaged, first.comments),
      secondHalf: rate(second.engaged, second.comments),
      pullRequestsFirstHalf: first.pullRequests,
      pullRequestsSecondHalf: second.pullRequests,
    },
    sourceNote: CODE_REVIEW_SOURCE_NOTE,
  };
}

export type CodeReviewReport = Awaited<ReturnType<typeof build>>;

/** Code-review engagement for a date range (viewer and above: workspace aggregates only). */
export async function getCodeReviewReport({ db, viewer, from, to }: { db: Database; viewer: Viewer; from: string; to: string }) {
  assertViewerHasRole(viewer, CODE_REVIEW_ROLES);
  return build(db, from, to);
}

export const getCodeReviewReportForSystem = ({ db, from, to }: { db: Database; from: string; to: string }) => build(db, from, to);
