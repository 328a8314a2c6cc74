import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Chart } from "../components/chart";
import { TableScroll } from "../components/table-scroll";
import { dailyLines, dailyStackedBars, horizontalBars, stackedHorizontalBars } from "../lib/charts.server";
import { parseDateRange } from "../lib/date-range";
import { getDb } from "../lib/db.server";
import { requireViewerRole } from "../lib/session.server";
import { getOverview } from "../models/overview.server";
import { listTeams } from "../models/teams.server";

export const meta: MetaFunction = () => [{ title: "Overview · Codex Ledger" }];

const optionalName = (name: string) => z.string().trim().max(200, `${name} is too long (at most 200 characters)`).optional().transform((v) => v || undefined);

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewerRole(request);
  const params = new URL(request.url).searchParams;
  const range = parseDateRange(params);
  const extra = z
    .object({ team: optionalName("team"), client: optionalName("client"), model: optionalName("model") })
    .safeParse({ team: params.get("team") ?? undefined, client: params.get("client") ?? undefined, model: params.get("model") ?? undefined });
  if (!extra.success) throw new Response(`${extra.error.issues[0]!.path.join(".")}: ${extra.error.issues[0]!.message}`, { status: 400, statusText: "Bad Request" });
  const db = await getDb();
  const [overview, teams] = await Promise.all([getOverview({ db, viewer, filters: { ...range, ...extra.data } }), listTeams({ db, viewer })]);
  const { daily, byModel, sessionsPerDay, bySurface, weekly, byTool } = overview;
  return {
    overview,
    teams: extra.data.team && !teams.includes(extra.data.team) ? [...teams, extra.data.team].sort() : teams,
    charts: {
      tokens: dailyStackedBars({
        title: "Tokens per day",
        description: "Uncached input, cached input and output tokens per UTC day.",
        yLabel: "Tokens",
        points: daily.flatMap((d) => [
          { date: d.day, series: "input (uncached)", value: d.input },
          { date: d.day, series: "cached input", value: d.cached },
          { date: d.day, series: "output", value: d.output },
        ]),
      }),
      activity: dailyLines({
        title: "Conversations and people per day",
        description: "Codex threads started and people active per UTC day.",
        yLabel: "Count",
        points: [
          ...sessionsPerDay.map((s) => ({ date: s.day, series: "threads", value: s.threads })),
          ...daily.map((d) => ({ date: d.day, series: "active people", value: d.users })),
        ],
      }),
      models: horizontalBars({ title: "Tokens by model", description: "All tokens by model over the range.", items: byModel.map((m) => ({ label: m.model, value: m.tokens })), xLabel: "Tokens" }),
      surfaces: horizontalBars({ title: "Active people by surface", description: "People with Codex spend on each surface (from COSTS).", items: bySurface.map((s) => ({ label: s.surface, value: s.users })), xLabel: "People" }),
      weekly: horizontalBars({ title: "Weekly active people", description: "Distinct people with Codex activity per week (weeks start on Monday).", items: weekly.map((w) => ({ label: `week of ${w.week}`, value: w.users })), xLabel: "People", keepOrder: true }),
      tools: stackedHorizontalBars({
        title: "Tool calls by tool and decision",
        description: `Calls per tool name (the ${Math.min(byTool.length, TOOLS_CHARTED)} most called), split into approved, denied, aborted and calls without a recorded decision.`,
        items: byTool.slice(0, TOOLS_CHARTED).flatMap((t) => [
          { label: t.tool, series: "approved", value: t.approved },
          { label: t.tool, series: "denied", value: t.denied },
          { label: t.tool, series: "aborted", value: t.aborted },
          { label: t.tool, series: "no decision", value: Math.max(0, t.calls - t.approved - t.denied - t.aborted) },
        ]),
        xLabel: "Calls",
        colors: { approved: "#2f9e44", denied: "#c92a2a", aborted: "#f08c00", "no decision": "#adb5bd" },
      }),
    },
  };
}

/** The chart shows the most called tools; the table below it lists every one. */
const TOOLS_CHARTED = 12;

const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)} %`);
const num = (v: number) => v.toLocaleString("en-US");

type Filters = { from: string; to: string; team?: string; client?: string; model?: string };

/** A URL with the overview's filters (the ones People understands, or all of them) and extra parameters. */
function withFilters(path: string, filters: Filters, extra: Record<string, string> = {}) {
  const params = new URLSearchParams();
  for (const key of ["from", "to", "team", "client", "model"] as const) if (filters[key]) params.set(key, filters[key]!);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return `${path}?${params}`;
}

export default function Overview() {
  const { overview, charts, teams } = useLoaderData<typeof loader>();
  const { totals, filters, options } = overview;
  const people = (sort: string) => withFilters("/people", filters, { sort });
  const decisions = totals.toolDecisions;
  return (
    <>
      <section className="card">
        <h1>Overview</h1>
        <Form method="get" className="filters" aria-label="Filter the overview">
          <label>
            From <input type="date" name="from" defaultValue={filters.from} />
          </label>
          <label>
            To <input type="date" name="to" defaultValue={filters.to} />
          </label>
          <label>
            Team
            <select name="team" defaultValue={filters.team ?? ""}>
              <option value="">All teams</option>
              {teams.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          <label>
            Client
            <select name="client" defaultValue={filters.client ?? ""}>
              <option value="">All</option>
              {options.clients.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <label>
            Model
            <select name="model" defaultValue={filters.model ?? ""}>
              <option value="">All</option>
              {options.models.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
          <button type="submit" className="button secondary">
            Apply
          </button>
        </Form>
        <dl className="stats">
          <Stat label="Active people" value={num(totals.activeUsers)} note={`${pct(totals.knownPeople ? totals.activeUsers / totals.knownPeople : null)} of ${num(totals.knownPeople)} known${filters.team ? " in the team" : ""}`} to={people("activeDays")} />
          <Stat label="Threads" value={num(totals.threads)} to={people("threads")} />
          <Stat label="Turns" value={num(totals.turns)} to={people("turns")} />
          <Stat label="Credits (COSTS)" value={overview.costsClient === null ? "—" : num(Math.round(totals.credits))} to={people("credits")} />
          <Stat label="Input tokens (uncached)" value={num(totals.inputTokens)} to={people("tokens")} />
          <Stat label="Cached input tokens" value={num(totals.cachedInputTokens)} note={`cache utilisation ${pct(totals.cacheUtilisation)}`} to={people("tokens")} />
          <Stat label="Output tokens" value={num(totals.outputTokens)} note={`${num(totals.reasoningTokens)} reasoning`} to={people("tokens")} />
          <Stat label="Request success" value={pct(totals.successRate)} note={`${num(totals.failedResponses)} of ${num(totals.responses)} responses failed`} to="#models" />
          <Stat label="Tool calls" value={num(totals.toolCalls)} note={`${num(decisions.approved)} approved · ${num(decisions.denied)} denied · ${num(decisions.aborted)} aborted`} to="#tools" />
        </dl>
        <p className="muted small">
          Compliance logs cover ChatGPT-authenticated Codex only: usage with API keys is not in these numbers. Credits come from OpenAI&apos;s COSTS feed
          {overview.costsClient === null
            ? `, which has no client matching ${filters.client}: credits cannot be split by it`
            : overview.costsClient
              ? ` (its client "${overview.costsClient}" for ${filters.client})`
              : ""}
          .{filters.team ? " A day of someone's activity counts for the team they were in on that day. People lists people by their team today." : ""}
        </p>
      </section>
      <section className="card">
        <Chart chart={charts.tokens} table={{ columns: ["Day", "Input (uncached)", "Cached input", "Output"], rows: overview.daily.map((d) => [d.day, d.input, d.cached, d.output]) }} />
        <Chart chart={charts.activity} table={{ columns: ["Day", "Threads"], rows: overview.sessionsPerDay.map((s) => [s.day, s.threads]) }} />
      </section>
      <div className="grid-2">
        <section className="card" id="models">
          <Chart chart={charts.models} table={{ columns: ["Model", "Responses", "Failed", "Tokens"], rows: overview.byModel.map((m) => [m.model, m.responses, m.failed, m.tokens]) }} />
          <TableScroll label="Models">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col" className="num">Responses</th>
                  <th scope="col" className="num">Success</th>
                </tr>
              </thead>
              <tbody>
                {overview.byModel.map((m) => (
                  <tr key={m.model}>
                    <th scope="row">
                      <Link to={withFilters("/overview", { ...filters, model: m.model })}>{m.model}</Link>
                    </th>
                    <td className="num">{num(m.responses)}</td>
                    <td className="num">{pct(m.responses > 0 ? 1 - m.failed / m.responses : null)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </section>
        <section className="card">
          <Chart chart={charts.surfaces} table={{ columns: ["Surface", "People", "Credits"], rows: overview.bySurface.map((s) => [s.surface, s.users, Math.round(s.credits)]) }} />
        </section>
        <section className="card">
          <h2>Clients</h2>
          <TableScroll label="Clients">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Client</th>
                  <th scope="col" className="num">People</th>
                  <th scope="col" className="num">Turns</th>
                </tr>
              </thead>
              <tbody>
                {overview.byClient.map((c) => (
                  <tr key={c.client}>
                    <th scope="row">
                      <Link to={withFilters("/overview", { ...filters, client: c.client })}>{c.client}</Link>
                    </th>
                    <td className="num">
                      <Link to={withFilters("/people", { ...filters, client: c.client }, { sort: "activeDays" })}>{num(c.users)}</Link>
                    </td>
                    <td className="num">
                      <Link to={withFilters("/people", { ...filters, client: c.client }, { sort: "turns" })}>{num(c.turns)}</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </section>
        <section className="card">
          <Chart chart={charts.weekly} />
        </section>
      </div>
      <section className="card" id="tools">
        <h2>Tools and approval decisions</h2>
        <p className="muted small">
          Tool calls by tool name from the Compliance logs, with the approval decision the logs carry: approved (once, for the session, or by an
          exec-policy amendment), denied, or aborted. A call without a decision carries none in the logs.
        </p>
        {overview.byTool.length === 0 ? (
          <p className="muted">No tool calls with these filters.</p>
        ) : (
          <>
            <Chart chart={charts.tools} />
            <TableScroll label="Tool calls by tool">
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">Tool</th>
                    <th scope="col" className="num">Calls</th>
                    <th scope="col" className="num">Approved</th>
                    <th scope="col" className="num">Denied</th>
                    <th scope="col" className="num">Aborted</th>
                    <th scope="col" className="num">No decision</th>
                    <th scope="col" className="num">People</th>
                  </tr>
                </thead>
                <tbody>
                  {overview.byTool.map((t) => (
                    <tr key={t.tool} data-tool={t.tool}>
                      <th scope="row">
                        <code>{t.tool}</code>
                      </th>
                      <td className="num">{num(t.calls)}</td>
                      <td className="num">{num(t.approved)}</td>
                      <td className="num">{num(t.denied)}</td>
                      <td className="num">{num(t.aborted)}</td>
                      <td className="num">{num(Math.max(0, t.calls - t.approved - t.denied - t.aborted))}</td>
                      <td className="num">{num(t.people)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </>
        )}
      </section>
    </>
  );
}

function Stat({ label, value, note, to }: { label: string; value: string; note?: string; to?: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{to ? to.startsWith("#") ? <a href={to}>{value}</a> : <Link to={to}>{value}</Link> : value}</dd>
      {note ? <dd className="muted small">{note}</dd> : null}
    </div>
  );
}
