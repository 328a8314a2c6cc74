import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { getDb } from "../lib/db.server";
import { requireRole } from "../lib/session.server";
import { ACCESS_LOG_ROLES, parseAccessLogParams, searchAccessLog } from "../models/access-log-queries.server";
import { utcDateTimeSeconds } from "../lib/format";
import { TableScroll } from "../components/table-scroll";

export const meta: MetaFunction = () => [{ title: "Access log · Codex Ledger" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireRole(request, ACCESS_LOG_ROLES);
  const parsed = parseAccessLogParams(new URL(request.url).searchParams);
  if (!parsed.ok) throw new Response(`Bad request: ${parsed.problem}.`, { status: 400, statusText: "Bad Request" });
  const result = await searchAccessLog({ db: await getDb(), viewer, filters: parsed.filters, before: parsed.before });
  return { ...result, filters: parsed.filters, paged: parsed.before !== null };
}

const dateTime = utcDateTimeSeconds;

function hrefWith(search: string, changes: Record<string, string | null>) {
  const params = new URLSearchParams(search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) params.delete(key);
    else params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : "?";
}

/** Filters and other details, shown compactly: `from=… to=… types=prompt,tool`. */
function Details({ details }: { details: Record<string, unknown> }) {
  const flat: Array<[string, string]> = [];
  const walk = (prefix: string, value: unknown) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
    } else flat.push([prefix, Array.isArray(value) ? value.join(",") : String(value)]);
  };
  walk("", details);
  if (flat.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="kv">
      {flat.map(([k, v]) => (
        <li key={k}>
          <span className="muted">{k.replace(/^filters\./, "")}</span> {v}
        </li>
      ))}
    </ul>
  );
}

export default function AccessLog() {
  const { rows, older, actions, filters, subject, paged } = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const csvHref = `/access-log.csv${hrefWith(search, { before: null })}`;
  return (
    <>
      <section className="card">
        <h1>Access log</h1>
        <p className="muted">
          Who opened or exported whose audit trail, searched a fingerprint, signed in or revoked a session. Append-only: nobody, admins included, can edit or
          delete an entry. Times are UTC.
        </p>
        <Form method="get" className="filters" aria-label="Filter the access log">
          <label>
            From <input type="date" name="from" defaultValue={filters.from} required />
          </label>
          <label>
            To <input type="date" name="to" defaultValue={filters.to} required />
          </label>
          <label>
            Actor <input type="search" name="actor" defaultValue={filters.actor ?? ""} placeholder="email or name" maxLength={200} />
          </label>
          <label>
            Subject <input type="search" name="subject" defaultValue={filters.subject ?? ""} placeholder="email or name" maxLength={200} />
          </label>
          <label>
            Action{" "}
            <select name="action" defaultValue={filters.action ?? ""}>
              <option value="">Any action</option>
              {actions.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          {filters.subjectId ? <input type="hidden" name="subjectId" value={filters.subjectId} /> : null}
          <button type="submit" className="button">
            Apply
          </button>
        </Form>
        {filters.subjectId ? (
          <p className="notice">
            Only entries about {subject ? (subject.name ?? subject.email) : "one person"}. <Link to={hrefWith(search, { subjectId: null, before: null })}>Show everyone</Link>
          </p>
        ) : null}
      </section>
      <section className="card">
        <div className="table-toolbar">
          <p className="muted">{rows.length === 0 ? "No entries match these filters." : `${rows.length}${older ? "+" : ""} entries${paged ? " (older page)" : ""}`}</p>
          <a className="button secondary" href={csvHref} download>
            CSV of these filters
          </a>
        </div>
        <TableScroll label="Access log entries">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Subject</th>
                <th scope="col">Details</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-action={r.action}>
                  <td>
                    <time dateTime={r.at}>{dateTime.format(new Date(r.at))}</time>
                  </td>
                  <td>
                    {r.actorName ?? r.actorEmail ?? "—"}
                    {r.actorName && r.actorEmail ? <div className="muted small">{r.actorEmail}</div> : null}
                  </td>
                  <td>
                    <code>{r.action}</code>
                  </td>
                  <td>
                    {r.subjectPersonId ? (
                      <Link to={hrefWith(search, { subjectId: r.subjectPersonId, before: null })} title="Only entries about this person">
                        {r.subjectName ?? r.subjectEmail ?? r.subjectPersonId}
                      </Link>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="small">
                    <Details details={r.details} />
                  </td>
                  <td className="muted small">{r.ip ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
        <nav className="pager" aria-label="Pages">
          {paged ? <Link to={hrefWith(search, { before: null })}>« Newest</Link> : <span className="muted">« Newest</span>}
          {older ? (
            <Link to={hrefWith(search, { before: older })} rel="next">
              Older →
            </Link>
          ) : (
            <span className="muted">Older →</span>
          )}
        </nav>
      </section>
    </>
  );
}
