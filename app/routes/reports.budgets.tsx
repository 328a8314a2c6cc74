import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "../components/csrf-input";
import { getDb } from "../lib/db.server";
import { parseMonthParam } from "../lib/reports/params";
import { requireFinance } from "../lib/session.server";
import { budgetInput, deleteBudget, getBudgetsReport, setBudget } from "../models/budgets.server";
import { TableScroll } from "../components/table-scroll";
import { groupedDecimal as g } from "../lib/format";

export const meta: MetaFunction = () => [{ title: "Budgets · Codex Ledger" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireFinance(request);
  const month = parseMonthParam(new URL(request.url).searchParams);
  return getBudgetsReport({ db: await getDb(), viewer, month });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireFinance(request);
  const form = Object.fromEntries([...(await request.formData()).entries()].map(([k, v]) => [k, String(v)]));
  const db = await getDb();
  if (form.intent === "delete") {
    const id = Number(form.id);
    if (!Number.isSafeInteger(id) || id <= 0) return Response.json({ error: "id must be a budget from this page" }, { status: 400 });
    await deleteBudget({ db, viewer, id });
    return Response.json({ ok: true });
  }
  if (form.intent !== "set") return Response.json({ error: "intent must be set or delete" }, { status: 400 });
  const parsed = budgetInput.safeParse(form);
  if (!parsed.success) return Response.json({ error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") }, { status: 400 });
  if (parsed.data.scope === "team" && !parsed.data.team) return Response.json({ error: "team: is required for a team budget" }, { status: 400 });
  await setBudget({ db, viewer, input: parsed.data });
  return Response.json({ ok: true });
}

const pct = (v: number | null) => (v === null ? "—" : `${v.toFixed(1)} %`);

export default function Budgets() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as { error?: string; ok?: boolean } | undefined;
  const { month, budgets, teams } = data;
  const amount = (unit: string, v: string) => (unit === "usd" ? `$${g(v)}` : `${g(v)} credits`);
  return (
    <>
      <section className="card">
        <h1>Budgets — {month}</h1>
        <Form method="get" className="filters">
          <label>
            Month <input type="month" name="month" defaultValue={month} />
          </label>
          <button type="submit" className="button secondary">
            Show
          </button>
          <a href={`/reports/budgets.csv?month=${month}`}>CSV</a>
        </Form>
        <p className="muted small">
          Spent this month: {g(data.totals.credits)} credits (${g(data.totals.usd)}). Forecast = spend so far ÷ {data.elapsedDays} elapsed days × {data.daysInMonth} days
          {data.lastDay ? `, with data up to ${data.lastDay}` : ""}. Alerts fire once each at 50, 75, 90 and 100 % and go to the webhook when one is configured.
        </p>
        {result?.error ? (
          <p className="notice error" role="alert">
            {result.error}
          </p>
        ) : null}
        {budgets.length === 0 ? (
          <p className="muted">No budgets for this month yet.</p>
        ) : (
          <TableScroll label="Budgets">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Budget</th>
                  <th scope="col" className="num">Amount</th>
                  <th scope="col" className="num">Spent</th>
                  <th scope="col">Used</th>
                  <th scope="col" className="num">Forecast</th>
                  <th scope="col">Alerts</th>
                  <th scope="col">
                    <span className="visually-hidden">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {budgets.map((b) => (
                  <tr key={b.id} data-budget={b.label}>
                    <td>{b.label}</td>
                    <td className="num">{amount(b.unit, b.amount)}</td>
                    <td className="num">{amount(b.unit, b.spent)}</td>
                    <td>
                      <meter min={0} max={100} low={75} high={90} optimum={0} value={Math.min(100, b.percent ?? 0)} /> {pct(b.percent)}
                    </td>
                    <td className="num">
                      {amount(b.unit, b.forecast)} <span className="muted small">({pct(b.forecastPercent)})</span>
                    </td>
                    <td>
                      {b.alerts.length === 0 ? (
                        <span className="muted">none</span>
                      ) : (
                        <ul className="badges">
                          {b.alerts.map((a) => (
                            <li key={a.threshold} className={`badge ${a.threshold >= 100 ? "budget-over" : a.threshold >= 90 ? "budget-high" : ""}`} title={`fired ${a.firedAt}${a.deliveryError ? `; webhook: ${a.deliveryError}` : a.deliveredAt ? "; sent to the webhook" : ""}`}>
                              {a.threshold} %
                            </li>
                          ))}
                        </ul>
                      )}
                      {b.reached.length > b.alerts.length ? <span className="muted small"> (next check sends {b.reached.filter((t) => !b.alerts.some((a) => a.threshold === t)).join(", ")} %)</span> : null}
                    </td>
                    <td>
                      <Form method="post">
                        <CsrfInput />
                        <input type="hidden" name="intent" value="delete" />
                        <input type="hidden" name="id" value={b.id} />
                        <button type="submit" className="link-button">
                          Remove
                        </button>
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
      <section className="card">
        <h2>Set a budget</h2>
        <Form method="post" className="filters">
          <CsrfInput />
          <input type="hidden" name="intent" value="set" />
          <input type="hidden" name="month" value={month} />
          <label>
            For
            <select name="scope" defaultValue="org">
              <option value="org">the organisation</option>
              <option value="team">a team</option>
            </select>
          </label>
          <label>
            Team
            <input name="team" list="budget-teams" placeholder="(for a team budget)" />
            <datalist id="budget-teams">
              {teams.map((t) => (
                <option key={t} value={t} />
              ))}
            </datalist>
          </label>
          <label>
            Amount <input name="amount" inputMode="decimal" required placeholder="10000" />
          </label>
          <label>
            In
            <select name="unit" defaultValue="credits">
              <option value="credits">credits</option>
              <option value="usd">USD</option>
            </select>
          </label>
          <button type="submit" className="button">
            Save
          </button>
        </Form>
        <p className="muted small">Saving a budget again replaces its amount and re-arms its alerts.</p>
      </section>
    </>
  );
}
