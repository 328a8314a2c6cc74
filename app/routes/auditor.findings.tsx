import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { parseDateRange } from "../lib/date-range";
import { getDb } from "../lib/db.server";
import { requestMeta, requireAuditor } from "../lib/session.server";
import { FINDING_TYPES } from "../lib/redaction/types";
import { getFindingsPage, type FindingsFilters } from "../models/findings.server";
import { utcDateTime } from "../lib/format";
import { TableScroll } from "../components/table-scroll";

export const meta: MetaFunction = () => [{ title: "Findings · Codex Ledger" }];

// From the plain constants module: the page renders the list too, and *.server modules are empty in the browser.
const KNOWN_FINDING_TYPES = Object.keys(FINDING_TYPES).sort();

const extraFilters = z.object({
  type: z.enum(KNOWN_FINDING_TYPES as [string, ...string[]], { message: "is not a known finding type" }).optional(),
  person: z.string().uuid("must be a person id from this page").optional(),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-11-01").optional(),
  cursor: z.string().max(64).optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireAuditor(request);
  const params = new URL(request.url).searchParams;
  const range = parseDateRange(params);
  const parsed = extraFilters.safeParse({
    type: params.get("type") || undefined,
    person: params.get("person") || undefined,
    day: params.get("day") || undefined,
    cursor: params.get("cursor") || undefined,
  });
  if (!parsed.success) throw new Response(`${parsed.error.issues[0]!.path.join(".")}: ${parsed.error.issues[0]!.message}`, { status: 400 });
  const { cursor, ...rest } = parsed.data;
  const filters: FindingsFilters = { ...range, ...rest };
  return getFindingsPage({ db: await getDb(), viewer, filters, cursor, meta: requestMeta(request) });
}

const dateTime = utcDateTime;
const num = (v: number) => v.toLocaleString("en-US");

/** The page's URL with some filters changed (undefined removes one); the cursor always resets. */
function withFilters(filters: FindingsFilters, change: Partial<Record<keyof FindingsFilters | "cursor", string | undefined>>) {
  const next: Record<string, string | undefined> = { ...filters, ...change };
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(next)) if (v) params.set(k, v);
  return `/auditor/findings?${params}`;
}

export default function Findings() {
  const page = useLoaderData<typeof loader>();
  const { filters } = page;
  const personLabel = (p: { email: string | null; name: string | null }) => p.name ?? p.email ?? "unknown person";
  const person = filters.person ? page.byPerson.find((p) => p.personId === filters.person) : undefined;
  const narrowed = [
    filters.type ? `type ${filters.type}` : null,
    filters.person ? `person ${person ? personLabel(person) : filters.person}` : null,
    filters.day ? `day ${filters.day}` : null,
  ].filter(Boolean);
  return (
    <>
      <section className="card">
        <h1>DLP findings</h1>
        <p className="muted">
          Secrets and personal data found in Codex prompts, responses and tool calls. Values are never stored: each finding keeps its type,
          its place in the text and a keyed fingerprint, shown as a placeholder. Times are UTC. Every visit to this page is written to the
          access log.
        </p>
        <Form method="get" className="filters">
          <label>
            From <input type="date" name="from" defaultValue={filters.from} />
          </label>
          <label>
            To <input type="date" name="to" defaultValue={filters.to} />
          </label>
          <label>
            Type
            <select name="type" defaultValue={filters.type ?? ""}>
              <option value="">All</option>
              {KNOWN_FINDING_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          {filters.person ? <input type="hidden" name="person" value={filters.person} /> : null}
          <button type="submit" className="button secondary">
            Apply
          </button>
          {narrowed.length > 0 ? (
            <Link to={withFilters({ from: filters.from, to: filters.to }, {})} className="small">
              Clear filters
            </Link>
          ) : null}
        </Form>
        <dl className="stats">
          <div>
            <dt>Findings</dt>
            <dd data-testid="findings-total">{num(page.total)}</dd>
          </div>
          <div>
            <dt>Types</dt>
            <dd>{num(page.byType.length)}</dd>
          </div>
          <div>
            <dt>People</dt>
            <dd>{num(page.byPerson.length)}</dd>
          </div>
          <div>
            <dt>Days with findings</dt>
            <dd>{num(page.byDay.length)}</dd>
          </div>
        </dl>
        {page.total === 0 ? <p className="notice">No findings between {filters.from} and {filters.to}{narrowed.length ? ` for ${narrowed.join(", ")}` : ""}.</p> : null}
      </section>
      {page.total > 0 ? (
        <div className="grid-2">
          <section className="card">
            <h2>By type</h2>
            <TableScroll label="Findings by type">
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">Type</th>
                    <th scope="col" className="num">Findings</th>
                  </tr>
                </thead>
                <tbody>
                  {page.byType.map((t) => (
                    <tr key={t.type}>
                      <td style={{ overflowWrap: "anywhere" }}>
                        <code>{t.type}</code> <span className="muted small">{t.kind === "secret" ? "secret" : "personal data"}</span>
                      </td>
                      <td className="num">
                        <Link to={withFilters(filters, { type: t.type, day: undefined })}>{num(t.count)}</Link>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </section>
          <section className="card">
            <h2>By person</h2>
            <TableScroll label="Findings by person">
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">Person</th>
                    <th scope="col" className="num">Findings</th>
                  </tr>
                </thead>
                <tbody>
                  {page.byPerson.slice(0, 25).map((p) => (
                    <tr key={p.personId ?? "unknown"}>
                      <td style={{ overflowWrap: "anywhere" }}>
                        {personLabel(p)}
                        {p.name && p.email ? <div className="muted small">{p.email}</div> : null}
                      </td>
                      <td className="num">
                        {p.personId ? <Link to={withFilters(filters, { person: p.personId, day: undefined })}>{num(p.count)}</Link> : num(p.count)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            {page.byPerson.length > 25 ? <p className="muted small">The 25 people with the most findings; filter by type or day to see others.</p> : null}
          </section>
        </div>
      ) : null}
      {page.total > 0 ? (
        <section className="card">
          <h2>By day (UTC)</h2>
          <ul className="badges" aria-label="Findings by day">
            {page.byDay.map((d) => (
              <li key={d.day} className={filters.day === d.day ? "badge role" : "badge"}>
                <Link to={withFilters(filters, { day: d.day })} data-day={d.day} style={{ color: "inherit", textDecoration: "none" }}>
                  {d.day}: <strong>{num(d.count)}</strong>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {page.total > 0 ? (
        <section className="card" id="events">
          <h2>Findings{narrowed.length ? ` — ${narrowed.join(", ")}` : ""}</h2>
          <p className="muted small">
            Newest first, {page.rows.length} shown, each with the stored redacted text around it (never the value: there is none).
          </p>
          <TableScroll label="Findings">
            <table className="data findings">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Person</th>
                  <th scope="col">Event</th>
                  <th scope="col">Field</th>
                  <th scope="col">Finding</th>
                </tr>
              </thead>
              {page.rows.map((r) => (
                <tbody key={r.id}>
                  <tr>
                    <td style={{ borderBottom: 0 }}>{dateTime.format(new Date(r.occurredAt))}</td>
                    <td style={{ borderBottom: 0 }}>{r.personName ?? r.personEmail ?? "—"}</td>
                    <td style={{ borderBottom: 0 }} title={r.eventId}>
                      {r.eventType}
                    </td>
                    <td style={{ borderBottom: 0 }}>{r.field}</td>
                    <td style={{ borderBottom: 0 }}>
                      <code>{r.placeholder}</code>
                    </td>
                  </tr>
                  <tr>
                    <td colSpan={5} className="small" style={{ paddingTop: 0, overflowWrap: "anywhere" }}>
                      {r.excerpt ? (
                        <>
                          <span className="muted">Redacted text: </span>
                          {r.excerpt.before}
                          <mark>{r.excerpt.placeholder}</mark>
                          {r.excerpt.after}
                        </>
                      ) : (
                        <span className="muted">Redacted text not stored (past TEXT_RETENTION_DAYS, hash-only policy, or a field other than the main text).</span>
                      )}
                    </td>
                  </tr>
                </tbody>
              ))}
            </table>
          </TableScroll>
          {page.rows.length === 0 ? <p className="muted">No findings on that day within the range.</p> : null}
          {page.nextCursor ? (
            <p>
              <Link to={`${withFilters(filters, {})}&cursor=${encodeURIComponent(page.nextCursor)}#events`} className="button secondary">
                Older findings
              </Link>
            </p>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
