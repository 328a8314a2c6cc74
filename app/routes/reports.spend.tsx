import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Chart } from "../components/chart";
import { dailyStackedBars, horizontalBars } from "../lib/charts.server";
import { getDb } from "../lib/db.server";
import { parseMonthParam } from "../lib/reports/params";
import { getSpendPage } from "../lib/reports/spend-page.server";
import { requireFinance } from "../lib/session.server";
import { TableScroll } from "../components/table-scroll";
import { groupedDecimal as g } from "../lib/format";

export const meta: MetaFunction = () => [{ title: "Spend · Codex Ledger" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireFinance(request);
  const month = parseMonthParam(new URL(request.url).searchParams);
  const page = await getSpendPage({ db: await getDb(), viewer, month });
  const { spend, trend } = page;
  return {
    ...page,
    charts: {
      daily: dailyStackedBars({ title: "Credits per day", description: "Credits from COSTS per UTC day of the month.", yLabel: "Credits", points: spend.days.map((d) => ({ date: d.day, series: "credits", value: d.creditsValue })) }),
      trend: horizontalBars({ title: "USD per month", description: "USD at the contract rate per month, last six months.", items: trend.map((m) => ({ label: m.month, value: m.usdValue, text: m.daysWithData ? undefined : "no data" })), xLabel: "USD", keepOrder: true, format: (v) => `$${Math.round(v).toLocaleString("en-US")}` }),
      teams: horizontalBars({ title: "Credits by team", description: "Credits per team (team as in force on each day).", items: spend.dimensions.team.slice(0, 15).map((t) => ({ label: t.key, value: t.creditsValue })), xLabel: "Credits", format: (v) => Math.round(v).toLocaleString("en-US") }),
      models: horizontalBars({ title: "Credits by model", description: "Credits per model.", items: spend.dimensions.model.map((t) => ({ label: t.key || "(no model)", value: t.creditsValue })), xLabel: "Credits", format: (v) => Math.round(v).toLocaleString("en-US") }),
    },
  };
}

const pct = (v: number | null) => (v === null ? "—" : `${v > 0 ? "+" : ""}${(v * 100).toFixed(1)} %`);
const n = (v: string | number) => Number(v).toLocaleString("en-US");
const TABLES: Array<{ key: "team" | "costCentre" | "person" | "model" | "clientSurface" | "product"; title: string }> = [
  { key: "team", title: "By team" },
  { key: "costCentre", title: "By cost centre" },
  { key: "model", title: "By model" },
  { key: "clientSurface", title: "By client / surface" },
  { key: "product", title: "By product" },
  { key: "person", title: "By person" },
];

export default function SpendReport() {
  const { month, spend, reconciliation, kept, charts } = useLoaderData<typeof loader>();
  const t = spend.totals;
  const csv = (table: string) => `/reports/spend.csv?month=${month}&table=${table}`;
  return (
    <>
      <section className="card">
        <h1>Spend — {month}</h1>
        <Form method="get" className="filters">
          <label>
            Month <input type="month" name="month" defaultValue={month} />
          </label>
          <button type="submit" className="button secondary">
            Show
          </button>
          <a className="button" href={`/reports/spend.pdf?month=${month}`}>
            Download PDF
          </a>
          <a className="button secondary" href={`/reports/spend.pdf?month=${month}&named=1`}>
            PDF with names
          </a>
        </Form>
        <dl className="stats">
          <Stat label="Credits (COSTS)" value={g(t.credits)} note={`${pct(t.change)} vs ${spend.previousMonth}`} />
          <Stat label="USD at contract rate" value={`$${g(t.usd)}`} note={`$${spend.usdPerCredit} per credit${spend.rateChanges.length ? " (changed this month)" : ""}`} />
          <Stat label="API-equivalent USD" value={`$${g(t.apiUsd)}`} note={t.unpricedTokens === "0" ? "all usage priced" : `+ ${n(t.unpricedTokens)} unpriced tokens`} />
          <Stat label="Active users" value={n(t.codexActiveUsers)} note={`${g(t.creditsPerActiveUser ?? "—")} credits each`} />
          <Stat label="Cache savings" value={`$${g(t.cacheSavingsUsd)}`} note="cached input at API list prices" />
          <Stat label="Last day with data" value={spend.lastDay ?? "—"} note={`${spend.daysWithData} days with COSTS records`} />
        </dl>
        {spend.unpriced.length > 0 ? (
          <p className="notice error" role="status">
            Unpriced usage — no list price for: {spend.unpriced.map((u) => `${u.model} (${n(u.tokens)} tokens)`).join(", ")}. It is left out of the API-equivalent USD, never counted as $0.{" "}
            <Link to="/admin/prices">Add a price</Link>.
          </p>
        ) : null}
        <p className="muted small">
          Credits from OpenAI&apos;s COSTS feed are the authoritative spend; USD is credits × the contract rate in force on each day. The API-equivalent prices the same tokens at list prices
          (cached input once, reasoning inside output, priority tier multiplied). Compliance logs cover ChatGPT-authenticated Codex only.
        </p>
      </section>
      <div className="grid-2">
        <section className="card">
          <Chart chart={charts.trend} />
        </section>
        <section className="card">
          <Chart chart={charts.daily} table={{ columns: ["Day", "Credits", "USD"], rows: spend.days.map((d) => [d.day, d.credits, d.usd]) }} />
        </section>
        <section className="card">
          <Chart chart={charts.teams} />
        </section>
        <section className="card">
          <Chart chart={charts.models} />
        </section>
      </div>
      {TABLES.map(({ key, title }) => (
        <section className="card" key={key}>
          <div className="table-toolbar">
            <h2>{title}</h2>
            <p className="export-links">
              <a href={csv(key)}>CSV</a> <a href={`${csv(key)}&bom=1`}>CSV for Excel</a>
            </p>
          </div>
          <TableScroll label={title}>
            <table className="data spend-table">
              <thead>
                <tr>
                  <th scope="col">{title.replace("By ", "")}</th>
                  <th scope="col" className="num">Credits</th>
                  <th scope="col" className="num">USD</th>
                  <th scope="col" className="num">API-equiv. USD</th>
                  <th scope="col" className="num">Active users</th>
                  <th scope="col" className="num">Credits / user</th>
                  <th scope="col" className="num">{spend.previousMonth}</th>
                  <th scope="col" className="num">Change</th>
                </tr>
              </thead>
              <tbody>
                {spend.dimensions[key].map((r) => (
                  <tr key={r.key}>
                    <td>{key === "person" && spend.names[r.key] ? `${spend.names[r.key]} (${r.key})` : r.key || "(none)"}</td>
                    <td className="num">{g(r.credits)}</td>
                    <td className="num">${g(r.usd)}</td>
                    <td className="num">{r.unpricedTokens !== "0" ? <span className="badge unpriced" title={`${n(r.unpricedTokens)} unpriced tokens: ${r.unpricedModels.join(", ")}`}>${g(r.apiUsd)} + unpriced</span> : `$${g(r.apiUsd)}`}</td>
                    <td className="num">{r.activeUsers}</td>
                    <td className="num">{g(r.creditsPerActiveUser ?? "—")}</td>
                    <td className="num">{g(r.previousCredits)}</td>
                    <td className="num">{pct(r.change)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          {spend.rowCounts[key] > spend.dimensions[key].length ? (
            <p className="muted small">
              The {spend.dimensions[key].length} largest of {n(spend.rowCounts[key])}; <a href={csv(key)}>the CSV</a> has all of them.
            </p>
          ) : null}
        </section>
      ))}
      <div className="grid-2">
        <section className="card">
          <h2>Top movers</h2>
          <TableScroll label="Top movers">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Team or person</th>
                  <th scope="col" className="num">Credits</th>
                  <th scope="col" className="num">Change</th>
                </tr>
              </thead>
              <tbody>
                {[...spend.movers.team, ...spend.movers.person].map((m) => (
                  <tr key={`${m.dimension}:${m.key}`}>
                    <td>
                      <span className="badge">{m.dimension}</span> {m.key}
                    </td>
                    <td className="num">{g(m.credits)}</td>
                    <td className="num">
                      {m.deltaValue > 0 ? "+" : ""}
                      {g(m.delta)} ({pct(m.change)})
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <p className="export-links small">
            <a href={csv("movers")}>CSV</a> <a href={csv("daily")}>Daily CSV</a> <a href={csv("lines")}>All lines CSV</a>
          </p>
        </section>
        <section className="card">
          <h2>Cache savings</h2>
          <p className="muted small">What the cached input tokens would have cost as uncached input, minus what they cost, at API list prices.</p>
          <TableScroll label="Cache savings">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col" className="num">Cached input tokens</th>
                  <th scope="col" className="num">Saved</th>
                </tr>
              </thead>
              <tbody>
                {spend.cacheSavingsByModel.map((m) => (
                  <tr key={m.model}>
                    <td>{m.model}</td>
                    <td className="num">{n(m.cachedInputTokens)}</td>
                    <td className="num">${g(m.cacheSavingsUsd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </section>
      </div>
      <section className="card">
        <div className="table-toolbar">
          <h2>Reconciliation: COSTS against the Analytics API</h2>
          <p className="export-links">
            <a href={csv("reconciliation")}>CSV (every person-day)</a>
          </p>
        </div>
        <p>
          COSTS <strong>{reconciliation.costsCredits}</strong> credits, Analytics <strong>{reconciliation.analyticsCredits}</strong> credits: difference <strong>{reconciliation.difference}</strong> over{" "}
          {n(reconciliation.rows)} person-days; {reconciliation.differing} differ ({reconciliation.onlyCosts} only in COSTS, {reconciliation.onlyAnalytics} only in Analytics). Recent days differ
          until both feeds have published them.
        </p>
        {reconciliation.differences.length > 0 ? (
          <TableScroll label="Reconciliation differences">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">Person</th>
                  <th scope="col" className="num">COSTS</th>
                  <th scope="col" className="num">Analytics</th>
                  <th scope="col" className="num">Difference</th>
                </tr>
              </thead>
              <tbody>
                {reconciliation.differences.map((d) => (
                  <tr key={`${d.day}:${d.openaiUserId}`}>
                    <td className="nowrap">{d.day}</td>
                    <td>{d.email ?? d.openaiUserId}</td>
                    <td className="num">{d.costsCredits}</td>
                    <td className="num">{d.analyticsCredits}</td>
                    <td className="num">{d.difference}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        ) : null}
      </section>
      <section className="card">
        <h2>Kept monthly reports</h2>
        <p className="muted small">Generated on the 1st for the month before, kept in REPORTS_DIR. Times are UTC.</p>
        {kept.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <TableScroll label="Kept monthly reports">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Month</th>
                  <th scope="col">Generated</th>
                  <th scope="col">By</th>
                  <th scope="col">sha256</th>
                  <th scope="col" className="num">Size</th>
                </tr>
              </thead>
              <tbody>
                {kept.map((k) => (
                  <tr key={k.id}>
                    <td>
                      <a href={`/reports/files/${k.id}`}>{k.month}</a> {k.named ? <span className="badge">named</span> : null}
                    </td>
                    <td className="nowrap">{k.generatedAt.slice(0, 16).replace("T", " ")}</td>
                    <td>{k.generatedBy}</td>
                    <td>
                      <code className="sha">{k.sha256}</code>
                    </td>
                    <td className="num">{Math.round(k.bytes / 1024)} KiB</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
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
