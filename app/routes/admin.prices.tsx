import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "../components/csrf-input";
import { getDb } from "../lib/db.server";
import { requireAdmin } from "../lib/session.server";
import { listPricing, priceInput, rateInput, setContractRate, setModelPrice } from "../models/prices.server";
import { TableScroll } from "../components/table-scroll";

export const meta: MetaFunction = () => [{ title: "Prices · Codex Ledger" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireAdmin(request);
  return listPricing({ db: await getDb(), viewer });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireAdmin(request);
  const form = Object.fromEntries([...(await request.formData()).entries()].map(([k, v]) => [k, String(v)]));
  const db = await getDb();
  const problems = (issues: Array<{ path: PropertyKey[]; message: string }>) => Response.json({ error: issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") }, { status: 400 });
  if (form.intent === "price") {
    const parsed = priceInput.safeParse(form);
    if (!parsed.success) return problems(parsed.error.issues);
    await setModelPrice({ db, viewer, input: parsed.data });
    return Response.json({ ok: `Price of ${parsed.data.model} from ${parsed.data.validFrom} saved.` });
  }
  if (form.intent === "rate") {
    const parsed = rateInput.safeParse(form);
    if (!parsed.success) return problems(parsed.error.issues);
    await setContractRate({ db, viewer, input: parsed.data });
    return Response.json({ ok: `Contract rate from ${parsed.data.validFrom} saved.` });
  }
  return Response.json({ error: "intent must be price or rate" }, { status: 400 });
}

export default function Prices() {
  const { prices, rates } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as { error?: string; ok?: string } | undefined;
  const today = new Date().toISOString().slice(0, 10);
  return (
    <>
      <section className="card">
        <h1>Prices and contract rate</h1>
        <p className="muted">
          Spend in USD is credits × the contract rate in force on each day. The API-equivalent view prices tokens at list prices per model. Both are effective-dated: a new row starts on its
          date and ends the one before, so past months keep the price they had. Download the history as <a href="/reports/prices.csv">CSV</a>.
        </p>
        {result?.error ? (
          <p className="notice error" role="alert">
            {result.error}
          </p>
        ) : null}
        {result?.ok ? (
          <p className="notice" role="status">
            {result.ok}
          </p>
        ) : null}
        <h2>Contract rate (USD per credit)</h2>
        <TableScroll label="Contract rates">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">From</th>
                <th scope="col">Until</th>
                <th scope="col" className="num">USD per credit</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {rates.map((r) => (
                <tr key={r.id}>
                  <td className="nowrap">{r.validFrom}</td>
                  <td className="nowrap">{r.validTo ?? "open"}</td>
                  <td className="num">{r.usdPerCredit}</td>
                  <td className="small">
                    {r.source}
                    {r.createdBy ? <span className="muted"> — {r.createdBy}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
        <Form method="post" className="filters">
          <CsrfInput />
          <input type="hidden" name="intent" value="rate" />
          <label>
            From <input type="date" name="validFrom" required defaultValue={today} />
          </label>
          <label>
            USD per credit <input name="usdPerCredit" inputMode="decimal" required placeholder="0.04" />
          </label>
          <label>
            Source <input name="source" required placeholder="order form 2026-11" />
          </label>
          <button type="submit" className="button">
            Add rate
          </button>
        </Form>
      </section>
      <section className="card">
        <h2>API list prices (USD per 1M tokens)</h2>
        <TableScroll label="API list prices">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">From</th>
                <th scope="col">Until</th>
                <th scope="col" className="num">Input</th>
                <th scope="col" className="num">Cached input</th>
                <th scope="col" className="num">Output</th>
                <th scope="col" className="num">Priority ×</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {prices.map((p) => (
                <tr key={p.id}>
                  <td>{p.model}</td>
                  <td className="nowrap">{p.validFrom}</td>
                  <td className="nowrap">{p.validTo ?? "open"}</td>
                  <td className="num">{p.input}</td>
                  <td className="num">{p.cachedInput}</td>
                  <td className="num">{p.output}</td>
                  <td className="num">{p.priorityMultiplier}</td>
                  <td className="small">
                    {p.source}
                    {p.createdBy ? <span className="muted"> — {p.createdBy}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
        <h3>Add or change a price</h3>
        <Form method="post" className="filters">
          <CsrfInput />
          <input type="hidden" name="intent" value="price" />
          <label>
            Model <input name="model" required placeholder="gpt-5.6-codex-preview" list="price-models" />
            <datalist id="price-models">
              {[...new Set(prices.map((p) => p.model))].map((m) => (
                <option key={m} value={m} />
              ))}
            </datalist>
          </label>
          <label>
            From <input type="date" name="validFrom" required defaultValue={today} />
          </label>
          <label>
            Input <input name="input" inputMode="decimal" required size={7} />
          </label>
          <label>
            Cached input <input name="cachedInput" inputMode="decimal" required size={7} />
          </label>
          <label>
            Output <input name="output" inputMode="decimal" required size={7} />
          </label>
          <label>
            Priority × <input name="priorityMultiplier" inputMode="decimal" required defaultValue="2" size={4} />
          </label>
          <label>
            Source <input name="source" required placeholder="https://openai.com/api/pricing (read 2026-11-21)" />
          </label>
          <button type="submit" className="button">
            Save price
          </button>
        </Form>
      </section>
    </>
  );
}
