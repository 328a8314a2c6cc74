import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { createColumnHelper, rowPaginationFeature, rowSortingFeature, tableFeatures, useTable } from "@tanstack/react-table";
import { getDb } from "../lib/db.server";
import { requireRole } from "../lib/session.server";
import { getPeopleView, PAGE_SIZES, parsePeopleParams, type PersonRow, type TeamAggregate } from "../models/people.server";
import { utcDate } from "../lib/format";
import { TableScroll } from "../components/table-scroll";

export const meta: MetaFunction = () => [{ title: "People · Codex Ledger" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireRole(request, ["viewer", "finance", "auditor", "admin"]);
  const parsed = parsePeopleParams(new URL(request.url).searchParams);
  if (!parsed.ok) throw new Response(`Bad request: ${parsed.problem}.`, { status: 400, statusText: "Bad Request" });
  // PAGE_SIZES lives in a .server module, which the browser bundle does not have: send it along.
  return { ...(await getPeopleView({ db: await getDb(), viewer, query: parsed.query })), pageSizes: PAGE_SIZES };
}

const integer = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat("en-GB", { notation: "compact", maximumFractionDigits: 1 });
const dayFormat = utcDate;

function formatDay(day: string | null) {
  return day ? dayFormat.format(new Date(`${day}T00:00:00Z`)) : "—";
}

/** The current URL with some parameters changed (null removes one). */
function hrefWith(search: string, changes: Record<string, string | number | null>) {
  const params = new URLSearchParams(search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === "") params.delete(key);
    else params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "?";
}

const features = tableFeatures({ rowSortingFeature, rowPaginationFeature });
const column = createColumnHelper<typeof features, PersonRow>();
const NUMERIC = new Set<string>(["credits", "threads", "turns", "tokens", "activeDays", "currentStreak"]);
const columns = column.columns([
  column.accessor((row) => row.name ?? row.email, {
    id: "name",
    header: "Person",
    cell: (info) => <PersonCell row={info.row.original} />,
  }),
  column.accessor("team", { header: "Team", cell: (info) => info.getValue() ?? <span className="muted">—</span> }),
  column.accessor("credits", { header: "Credits", cell: (info) => decimal.format(info.getValue()) }),
  column.accessor("threads", { header: "Threads", cell: (info) => integer.format(info.getValue()) }),
  column.accessor("turns", { header: "Turns", cell: (info) => integer.format(info.getValue()) }),
  column.accessor("tokens", {
    header: "Tokens",
    cell: (info) => {
      const r = info.row.original;
      return (
        <span title={`input (uncached) ${integer.format(r.inputTokens)} · cached ${integer.format(r.cachedInputTokens)} · output ${integer.format(r.outputTokens)}`}>
          {compact.format(info.getValue())}
        </span>
      );
    },
  }),
  column.accessor("activeDays", { header: "Active days", cell: (info) => integer.format(info.getValue()) }),
  column.accessor("currentStreak", { header: "Current streak", cell: (info) => integer.format(info.getValue()) }),
  column.accessor("lastActive", { header: "Last active", cell: (info) => <span className="nowrap">{formatDay(info.getValue())}</span> }),
]);

function PersonCell({ row }: { row: PersonRow }) {
  const { canOpenTrail } = useLoaderData<typeof loader>() as { canOpenTrail?: boolean };
  return (
    <>
      {canOpenTrail ? <Link to={`/people/${row.id}/trail`}>{row.name ?? row.email}</Link> : (row.name ?? row.email)}
      {row.active ? null : <span className="badge">deactivated</span>}
      {row.name ? <div className="muted small">{row.email}</div> : null}
    </>
  );
}

export default function People() {
  const view = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const csvHref = `/people.csv${hrefWith(search, { page: null })}`;
  return (
    <>
      <section className="card">
        <h1>People</h1>
        <p className="muted">
          Codex activity from {formatDay(view.query.from)} to {formatDay(view.query.to)} (UTC days), read from the daily rollups. Credits from the Codex
          Analytics API; threads from the Compliance logs; tokens are uncached input, cached input and output together.
        </p>
        <FilterForm view={view} />
        {view.query.client || view.query.model ? (
          <p className="notice" data-testid="activity-filter">
            Counting only activity with {[view.query.client ? `client ${view.query.client}` : null, view.query.model ? `model ${view.query.model}` : null].filter(Boolean).join(" and ")}{" "}
            (credits: COSTS rows of the same client and model; streaks and last active count everything).{" "}
            <Link to={hrefWith(search, { client: null, model: null, page: null })}>Count everything</Link>
          </p>
        ) : null}
      </section>
      {view.kind === "individuals" ? <Individuals view={view} search={search} csvHref={csvHref} /> : <Aggregates view={view} />}
    </>
  );
}

type View = ReturnType<typeof useLoaderData<typeof loader>>;

function FilterForm({ view }: { view: View }) {
  const q = view.query;
  const teams = view.kind === "individuals" ? view.teams : view.teamNames;
  return (
    <Form method="get" className="filters" aria-label="Filter people">
      <label>
        From <input type="date" name="from" defaultValue={q.from} required />
      </label>
      <label>
        To <input type="date" name="to" defaultValue={q.to} required />
      </label>
      {view.kind === "individuals" ? (
        <label>
          Name or email <input type="search" name="q" defaultValue={q.q ?? ""} maxLength={200} />
        </label>
      ) : null}
      <label>
        Team{" "}
        <select name="team" defaultValue={q.team ?? ""}>
          <option value="">All teams</option>
          {teams.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      {/* Client and model come from the Overview's links: kept while the other filters change. */}
      {q.client ? <input type="hidden" name="client" value={q.client} /> : null}
      {q.model ? <input type="hidden" name="model" value={q.model} /> : null}
      {view.kind === "individuals" ? (
        <>
          <label>
            Rows{" "}
            <select name="pageSize" defaultValue={String(q.pageSize)}>
              {view.pageSizes.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <input type="hidden" name="sort" value={q.sort} />
          <input type="hidden" name="dir" value={q.dir} />
        </>
      ) : null}
      <button type="submit" className="button">
        Apply
      </button>
    </Form>
  );
}

function Individuals({ view, search, csvHref }: { view: Extract<View, { kind: "individuals" }>; search: string; csvHref: string }) {
  const { query, rows, total } = view;
  const table = useTable({
    features,
    columns,
    data: rows as PersonRow[],
    getRowId: (row) => row.id,
    manualSorting: true,
    manualPagination: true,
    enableMultiSort: false,
    rowCount: total,
    state: {
      sorting: [{ id: query.sort, desc: query.dir === "desc" }],
      pagination: { pageIndex: query.page - 1, pageSize: query.pageSize },
    },
  });
  const pageCount = Math.max(1, table.getPageCount());
  const first = total === 0 ? 0 : (query.page - 1) * query.pageSize + 1;
  const last = Math.min(total, query.page * query.pageSize);
  const sortHref = (id: string, sorted: false | "asc" | "desc") => {
    const numericOrDate = id !== "name" && id !== "team";
    const dir = sorted ? (sorted === "asc" ? "desc" : "asc") : numericOrDate ? "desc" : "asc";
    return hrefWith(search, { sort: id, dir, page: null });
  };
  return (
    <section className="card">
      <div className="table-toolbar">
        <p className="muted" aria-live="polite">
          {total === 0 ? "Nobody matches these filters." : `${integer.format(first)}–${integer.format(last)} of ${integer.format(total)} people`}
        </p>
        <a className="button secondary" href={csvHref} download>
          CSV of this view
        </a>
      </div>
      <TableScroll label="People">
        <table className="data people-table">
          <caption className="visually-hidden">People, sorted by {query.sort} {query.dir === "asc" ? "ascending" : "descending"}</caption>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      className={NUMERIC.has(header.column.id) ? "num" : undefined}
                      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}
                    >
                      <Link to={sortHref(header.column.id, sorted)} className="sort-link" preventScrollReset>
                        <table.FlexRender header={header} />
                        <span aria-hidden="true" className="sort-mark">
                          {sorted === "asc" ? " ▲" : sorted === "desc" ? " ▼" : ""}
                        </span>
                      </Link>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id} data-person-id={row.id}>
                {row.getAllCells().map((cell) => (
                  <td key={cell.id} className={NUMERIC.has(cell.column.id) ? "num" : undefined}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <nav className="pager" aria-label="Pages">
        {query.page > 1 ? (
          <Link to={hrefWith(search, { page: query.page - 1 === 1 ? null : query.page - 1 })} rel="prev">
            ← Previous
          </Link>
        ) : (
          <span className="muted">← Previous</span>
        )}
        <span>
          Page {query.page} of {pageCount}
        </span>
        {query.page < pageCount ? (
          <Link to={hrefWith(search, { page: query.page + 1 })} rel="next">
            Next →
          </Link>
        ) : (
          <span className="muted">Next →</span>
        )}
      </nav>
    </section>
  );
}

function Aggregates({ view }: { view: Extract<View, { kind: "aggregates" }> }) {
  const { teams, totals } = view;
  return (
    <section className="card">
      <div className="table-toolbar">
        <p className="muted">
          Your role sees totals per team, not individuals. People without a team and teams with fewer than 3 people are merged into one row, withheld
          when even that row is under 3 people; totals add up the rows shown.
        </p>
      </div>
      <TableScroll label="Activity per team">
        <table className="data people-table">
          <caption className="visually-hidden">Activity per team</caption>
          <thead>
            <tr>
              <th scope="col">Team</th>
              <th scope="col" className="num">People</th>
              <th scope="col" className="num">Active people</th>
              <th scope="col" className="num">Credits</th>
              <th scope="col" className="num">Threads</th>
              <th scope="col" className="num">Turns</th>
              <th scope="col" className="num">Tokens</th>
              <th scope="col" className="num">Active person-days</th>
            </tr>
          </thead>
          <tbody>
            {teams.map((t: TeamAggregate) => (
              <tr key={`${t.kind}:${t.team}`} data-team={t.team}>
                <th scope="row">{t.team}</th>
                {t.withheld ? (
                  <td colSpan={7} className="muted">
                    Withheld: too few people to show without pointing at someone.
                  </td>
                ) : (
                  <>
                    <td className="num">{integer.format(t.people)}</td>
                    <td className="num">{integer.format(t.activePeople)}</td>
                    <td className="num">{decimal.format(t.credits)}</td>
                    <td className="num">{integer.format(t.threads)}</td>
                    <td className="num">{integer.format(t.turns)}</td>
                    <td className="num">{compact.format(t.tokens)}</td>
                    <td className="num">{integer.format(t.activeDays)}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">All shown</th>
              <td className="num">{integer.format(totals.people)}</td>
              <td className="num">{integer.format(totals.activePeople)}</td>
              <td className="num">{decimal.format(totals.credits)}</td>
              <td className="num">{integer.format(totals.threads)}</td>
              <td className="num">{integer.format(totals.turns)}</td>
              <td className="num">{compact.format(totals.tokens)}</td>
              <td className="num">{integer.format(totals.activeDays)}</td>
            </tr>
          </tfoot>
        </table>
      </TableScroll>
    </section>
  );
}

