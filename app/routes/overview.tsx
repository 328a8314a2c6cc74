import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Chart } from "../components/chart";
import { dailyLines, dailyStackedBars, horizontalBars } from "../lib/charts.server";
import { parseDateRange } from "../lib/date-range";
import { getDb } from "../lib/db.server";
import { requireViewerRole } from "../lib/session.server";
import { getOverview } from "../models/overview.server";

export const meta: MetaFunction = () => [{ title: "Overview · Codex Ledger" }];

const optionalName = z.string().trim().max(100, "is too long").optional().transform((v) => v || undefined);

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewerRole(request);
  const params = new URL(request.url).searchParams;
  const range = parseDateRange(params);
  const extra = z.object({ client: optionalName, model: optionalName }).safeParse({ client: params.get("client") ?? undefined, model: params.get("model") ?? undefined });
  if (!extra.success) throw new Response(`${extra.error.issues[0]!.path.join(".")}: ${extra.error.issues[0]!.message}`, { status: 400 });
  const overview = await getOverview({ db: await getDb(), viewer, filters: { ...range, ...extra.data } });
  const { daily, byModel, sessionsPerDay, bySurface, weekly } = overview;
  return {
    overview,
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
    },
  };
}

const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)} %`);
const num = (v: number) => v.toLocaleString("en-US");

export default function Overview() {
  const { overview, charts } = useLoaderData<typeof loader>();
  const { totals, filters, options } = overview;
  const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as Array<[string, string]>).toString();
  const people = (sort: string) => `/people?${query}&sort=${sort}`;
  return (
    <>
      <section className="card">
        <h1>Overview</h1>
        <Form method="get" className="filters">
          <label>
            From <input type="date" name="from" defaultValue={filters.from} />
          </label>
          <label>
            To <input type="date" name="to" defaultValue={filters.to} />
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
          <Stat label="Active people" value={num(totals.activeUsers)} note={`${pct(totals.knownPeople ? totals.activeUsers / totals.knownPeople : null)} of ${num(totals.knownPeople)} known`} to={people("last_active")} />
          <Stat label="Threads" value={num(totals.threads)} to={people("threads")} />
          <Stat label="Turns" value={num(totals.turns)} to={people("turns")} />
          <Stat label="Credits (COSTS)" value={num(Math.round(totals.credits))} to={people("credits")} />
          <Stat label="Input tokens (uncached)" value={num(totals.inputTokens)} to={people("tokens")} />
          <Stat label="Cached input tokens" value={num(totals.cachedInputTokens)} note={`cache utilisation ${pct(totals.cacheUtilisation)}`} to={people("tokens")} />
          <Stat label="Output tokens" value={num(totals.outputTokens)} note={`${num(totals.reasoningTokens)} reasoning`} to={people("tokens")} />
          <Stat label="Request success" value={pct(totals.successRate)} note={`${num(totals.responses)} responses`} />
          <Stat
            label="Tool calls"
            value={num(totals.toolCalls)}
            note={`${num(totals.toolDecisions.approved)} approved · ${num(totals.toolDecisions.denied)} denied · ${num(totals.toolDecisions.aborted)} aborted`}
          />
        </dl>
        <p className="muted small">
          Compliance logs cover ChatGPT-authenticated Codex only: usage with API keys is not in these numbers. Credits come from OpenAI&apos;s COSTS feed.
        </p>
      </section>
      <section className="card">
        <Chart chart={charts.tokens} table={{ columns: ["Day", "Input (uncached)", "Cached input", "Output"], rows: overview.daily.map((d) => [d.day, d.input, d.cached, d.output]) }} />
        <Chart chart={charts.activity} table={{ columns: ["Day", "Threads"], rows: overview.sessionsPerDay.map((s) => [s.day, s.threads]) }} />
      </section>
      <div className="grid-2">
        <section className="card">
          <Chart chart={charts.models} table={{ columns: ["Model", "Responses", "Tokens"], rows: overview.byModel.map((m) => [m.model, m.responses, m.tokens]) }} />
        </section>
        <section className="card">
          <Chart chart={charts.surfaces} table={{ columns: ["Surface", "People", "Credits"], rows: overview.bySurface.map((s) => [s.surface, s.users, Math.round(s.credits)]) }} />
        </section>
        <section className="card">
          <h2>Clients</h2>
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
                  <td>
                    <Link to={`/overview?${new URLSearchParams({ ...filters, client: c.client } as Record<string, string>)}`}>{c.client}</Link>
                  </td>
                  <td className="num">{num(c.users)}</td>
                  <td className="num">{num(c.turns)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="card">
          <Chart chart={charts.weekly} />
        </section>
      </div>
    </>
  );
}

function Stat({ label, value, note, to }: { label: string; value: string; note?: string; to?: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{to ? <Link to={to}>{value}</Link> : value}</dd>
      {note ? <dd className="muted small">{note}</dd> : null}
    </div>
  );
}
