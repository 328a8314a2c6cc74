import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link } from "@remix-run/react";
import { requireRole } from "../lib/session.server";
import { EXPORT_ROLES } from "../models/siem.server";

export const meta: MetaFunction = () => [{ title: "Export · Codex Ledger" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, EXPORT_ROLES);
  return null;
}

const FORMATS = [
  ["ocsf", "OCSF 1.3 (NDJSON)"],
  ["ecs", "Elastic Common Schema (NDJSON)"],
  ["cef", "CEF, one line per event"],
  ["ndjson", "NDJSON, Codex Ledger's own model"],
  ["csv", "CSV"],
] as const;

export default function Export() {
  const today = new Date().toISOString().slice(0, 10);
  const monthStart = `${today.slice(0, 8)}01`;
  return (
    <section className="card">
      <h1>Export for a SIEM</h1>
      <p className="muted">
        Every event that occurred on the chosen days (UTC, both included), as stored: redacted text, fingerprints and findings, never raw
        text. Each record carries its event id, so a receiver can drop duplicates. The field mapping is in <code>docs/siem.md</code>; the
        same export runs from the command line with <code>npm run export</code>. Each download is written to the access log. For continuous
        delivery, an admin configures push destinations; for proof of integrity, see the <Link to="/auditor/ledger">Ledger</Link>.
      </p>
      <Form method="get" action="/auditor/export/download" className="filters" reloadDocument>
        <label>
          Format{" "}
          <select name="format" defaultValue="ocsf">
            {FORMATS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          From <input type="date" name="from" defaultValue={monthStart} required />
        </label>
        <label>
          To <input type="date" name="to" defaultValue={today} required />
        </label>
        <button type="submit" className="button">
          Download
        </button>
      </Form>
    </section>
  );
}
