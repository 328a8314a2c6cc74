import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Chart } from "../components/chart";
import { dailyLines, dailyStackedBars } from "../lib/charts.server";
import { parseDateRange } from "../lib/date-range";
import { getDb } from "../lib/db.server";
import { requireViewerRole } from "../lib/session.server";
import { getCodeReviewReport } from "../models/code-review.server";
import { TableScroll } from "../components/table-scroll";

export const meta: MetaFunction = () => [{ title: "Code review · Codex Ledger" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewerRole(request);
  const range = parseDateRange(new URL(request.url).searchParams);
  const report = await getCodeReviewReport({ db: await getDb(), viewer, ...range });
  return {
    report,
    charts: {
      comments: dailyStackedBars({
        title: "Review comments per day by priority",
        description: "Codex code-review comments per UTC day, P0, P1 and P2.",
        yLabel: "Comments",
        points: report.daily.flatMap((d) => [
          { date: d.day, series: "P0", value: d.p0 },
          { date: d.day, series: "P1", value: d.p1 },
          { date: d.day, series: "P2", value: d.p2 },
        ]),
      }),
      engagement: dailyLines({
        title: "Engagement rate per week",
        description: "Share of comments that got a reply or a reaction, per week (weeks start on Monday).",
        yLabel: "Engaged comments (%)",
        points: report.weekly.filter((w) => w.engagementRate !== null).map((w) => ({ date: w.day, series: "engagement %", value: Math.round(w.engagementRate! * 1000) / 10 })),
      }),
    },
  };
}

const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)} %`);
const n = (v: number) => v.toLocaleString("en-US");

export default function CodeReview() {
  const { report, charts } = useLoaderData<typeof loader>();
  const t = report.totals;
  const query = `from=${report.from}&to=${report.to}`;
  return (
    <>
      <section className="card">
        <h1>Code-review engagement</h1>
        <Form method="get" className="filters">
          <label>
            From <input type="date" name="from" defaultValue={report.from} />
          </label>
          <label>
            To <input type="date" name="to" defaultValue={report.to} />
          </label>
          <button type="submit" className="button secondary">
            Apply
          </button>
          <span className="export-links">
            <a href={`/reports/code-review.csv?${query}&per=day`}>CSV per day</a> <a href={`/reports/code-review.csv?${query}&per=week`}>CSV per week</a>
          </span>
        </Form>
        <dl className="stats">
          <Stat label="Pull requests reviewed" value={n(t.pullRequests)} />
          <Stat label="Comments" value={n(t.comments)} note={`P0 ${n(t.p0)} · P1 ${n(t.p1)} · P2 ${n(t.p2)}`} />
          <Stat label="Replies" value={n(t.replies)} />
          <Stat label="Reactions" value={n(t.upvotes + t.downvotes + t.otherReactions)} note={`${n(t.upvotes)} up · ${n(t.downvotes)} down · ${n(t.otherReactions)} other`} />
          <Stat label="Engagement rate" value={pct(t.engagementRate)} note="comments that got a reply or a reaction" />
          <Stat label="Trend" value={`${pct(report.trend.firstHalf)} → ${pct(report.trend.secondHalf)}`} note="engagement, first half of the range → second half" />
        </dl>
        <p className="notice" role="note">
          {report.sourceNote}
        </p>
      </section>
      <section className="card">
        <Chart chart={charts.comments} />
        <Chart chart={charts.engagement} />
      </section>
      <section className="card">
        <h2>Per week</h2>
        <TableScroll label="Code review per week">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Week of</th>
                <th scope="col" className="num">PRs</th>
                <th scope="col" className="num">Comments</th>
                <th scope="col" className="num">P0</th>
                <th scope="col" className="num">P1</th>
                <th scope="col" className="num">P2</th>
                <th scope="col" className="num">Replies</th>
                <th scope="col" className="num">Up</th>
                <th scope="col" className="num">Down</th>
                <th scope="col" className="num">Other</th>
                <th scope="col" className="num">Engagement</th>
              </tr>
            </thead>
            <tbody>
              {report.weekly.map((w) => (
                <tr key={w.day}>
                  <td className="nowrap">{w.day}</td>
                  <td className="num">{n(w.pullRequests)}</td>
                  <td className="num">{n(w.comments)}</td>
                  <td className="num">{n(w.p0)}</td>
                  <td className="num">{n(w.p1)}</td>
                  <td className="num">{n(w.p2)}</td>
                  <td className="num">{n(w.replies)}</td>
                  <td className="num">{n(w.upvotes)}</td>
                  <td className="num">{n(w.downvotes)}</td>
                  <td className="num">{n(w.otherReactions)}</td>
                  <td className="num">{pct(w.engagementRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>
    </>
  );
}

function Stat({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
      {note ? <dd className="muted small">{note}</dd> : null}
    </div>
  );
}
