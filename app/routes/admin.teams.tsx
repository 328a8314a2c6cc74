import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "../components/csrf-input";
import { getDb } from "../lib/db.server";
import { requireAdmin } from "../lib/session.server";
import { assignmentCounts, importTeamCsv, previewTeamCsv, refreshCostsGroupAssignments } from "../models/team-assignments.server";
import { TableScroll } from "../components/table-scroll";

export const meta: MetaFunction = () => [{ title: "Teams · Codex Ledger" }];

const MAX_BYTES = 2 * 1024 * 1024;

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireAdmin(request);
  return { counts: await assignmentCounts({ db: await getDb(), viewer }) };
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireAdmin(request);
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BYTES) return Response.json({ error: "The file is larger than 2 MiB: split it." }, { status: 413 });
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const db = await getDb();
  if (intent === "refresh") {
    const periods = await refreshCostsGroupAssignments({ db });
    return Response.json({ message: `Rebuilt ${periods} team periods from the COSTS identity groups.` });
  }
  if (intent !== "preview" && intent !== "import") return Response.json({ error: "intent must be preview, import or refresh" }, { status: 400 });
  const file = form.get("file");
  const pasted = String(form.get("csv") ?? "");
  const text = file instanceof File && file.size > 0 ? await file.text() : pasted;
  if (!text.trim()) return Response.json({ error: "Choose a CSV file or paste its lines." }, { status: 400 });
  if (Buffer.byteLength(text) > MAX_BYTES) return Response.json({ error: "The file is larger than 2 MiB: split it." }, { status: 413 });
  const today = new Date().toISOString().slice(0, 10);
  if (intent === "preview") return Response.json({ preview: previewTeamCsv(text, today), csv: text });
  const { imported, preview } = await importTeamCsv({ db, viewer, text, today });
  if (imported === 0) return Response.json({ error: "Nothing was imported: fix the lines marked below.", preview, csv: text }, { status: 400 });
  return Response.json({ message: `Imported ${imported} lines.`, preview });
}

type ActionResult = {
  error?: string;
  message?: string;
  csv?: string;
  preview?: ReturnType<typeof previewTeamCsv>;
};

export default function Teams() {
  const { counts } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const preview = result?.preview;
  return (
    <>
      <section className="card">
        <h1>Teams and cost centres</h1>
        <p className="muted">
          A person&apos;s team on a day comes from, in order: a CSV import row in force that day; the team their identity provider&apos;s groups claim named when they signed in (the
          first group that is neither in TEAM_IGNORE_GROUPS nor a ROLE_MAP role group, recorded from the day of that sign-in); then the first identity group on that day&apos;s COSTS
          record that is not in TEAM_IGNORE_GROUPS. Cost centres come from CSV imports. Each row has a start date, so moving someone to a new team does not move their past spend. Download every period as{" "}
          <a href="/reports/team-assignments.csv">CSV</a>.
        </p>
        <TableScroll label="Assignment periods by source">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col" className="num">Periods</th>
                <th scope="col" className="num">People</th>
                <th scope="col" className="num">Open periods</th>
              </tr>
            </thead>
            <tbody>
              {counts.map((c) => (
                <tr key={c.source}>
                  <td>{c.source}</td>
                  <td className="num">{c.periods}</td>
                  <td className="num">{c.people}</td>
                  <td className="num">{c.open}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="refresh" />
          <button type="submit" className="button secondary">
            Rebuild periods from COSTS groups
          </button>
        </Form>
      </section>
      <section className="card">
        <h2>Import a CSV</h2>
        <p className="muted small">
          Columns: <code>email,team,cost_centre,valid_from</code> (a header line first; valid_from is optional and defaults to today). Preview first: every line is checked, and nothing is
          written until every line is valid.
        </p>
        {result?.error ? (
          <p className="notice error" role="alert">
            {result.error}
          </p>
        ) : null}
        {result?.message ? (
          <p className="notice" role="status">
            {result.message}
          </p>
        ) : null}
        <Form method="post" encType="multipart/form-data" className="stack">
          <CsrfInput />
          <label>
            CSV file <input type="file" name="file" accept=".csv,text/csv" />
          </label>
          <label>
            or paste the lines
            <textarea name="csv" rows={6} cols={80} defaultValue={result?.csv ?? ""} placeholder={"email,team,cost_centre,valid_from\nrobin@example.com,Platform,CC-100,2026-11-01"} />
          </label>
          <div className="filters">
            <button type="submit" name="intent" value="preview" className="button secondary">
              Preview
            </button>
            <button type="submit" name="intent" value="import" className="button">
              Import
            </button>
          </div>
        </Form>
        {preview?.headerError ? (
          <p className="notice error" role="alert">
            {preview.headerError}
          </p>
        ) : null}
        {preview && preview.lines.length > 0 ? (
          <>
            <p>
              {preview.valid} valid, {preview.invalid} with errors.
            </p>
            <TableScroll label="Import preview">
              <table className="data import-preview">
                <thead>
                  <tr>
                    <th scope="col" className="num">Line</th>
                    <th scope="col">Email</th>
                    <th scope="col">Team</th>
                    <th scope="col">Cost centre</th>
                    <th scope="col">From</th>
                    <th scope="col">Check</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.lines.slice(0, 500).map((l) => (
                    <tr key={l.line} className={l.errors.length ? "line-error" : undefined}>
                      <td className="num">{l.line}</td>
                      <td>{l.email}</td>
                      <td>{l.team ?? "—"}</td>
                      <td>{l.costCentre ?? "—"}</td>
                      <td className="nowrap">{l.validFrom}</td>
                      <td>{l.errors.length ? l.errors.join("; ") : "ok"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </>
        ) : null}
      </section>
    </>
  );
}
