import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CsrfInput } from "../components/csrf-input";
import { getConfig } from "../lib/config.server";
import { getDb } from "../lib/db.server";
import { requireAdmin } from "../lib/session.server";
// Values from a .server module are empty in the browser: only types are imported, data comes from the loader.
import { getSyncHealth, requestSyncNow, type StreamHealth } from "../models/sync-health.server";
import { utcDateTime } from "../lib/format";
import { TableScroll } from "../components/table-scroll";

export const meta: MetaFunction = () => [{ title: "Sync health · Codex Ledger" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireAdmin(request);
  return getSyncHealth({ db: await getDb(), viewer, lagWarningHours: getConfig().sync.lagWarningHours });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireAdmin(request);
  const { status } = await requestSyncNow({ viewer });
  return Response.json({ status }, { status: status === "unavailable" ? 503 : 202 });
}

const dateTime = utcDateTime;
const when = (value: string | null) => (value ? dateTime.format(new Date(value)) : "—");
const count = new Intl.NumberFormat("en-GB");

function lagText(hours: number | null) {
  if (hours === null) return "—";
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.floor(hours / 24)} days`;
}

const streamName = (s: Pick<StreamHealth, "source" | "stream">) => `${s.source} ${s.stream}`;

const SYNC_NOW_MESSAGES = {
  started: "Sync started. It runs in the background; reload this page to follow the cursors.",
  "already running": "A sync is already running; it was not started again.",
  unavailable: "This process does not run the sync schedule, so it cannot start a sync.",
} as const;

export default function SyncHealth() {
  const health = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { status?: keyof typeof SYNC_NOW_MESSAGES } | undefined;
  const submitting = useNavigation().state === "submitting";
  const warnings = health.streams.filter((s) => s.warning);
  const quarantined = health.streams.flatMap((s) => s.quarantined.map((f) => ({ ...f, stream: streamName(s) })));
  const gaps = health.streams.flatMap((s) => s.gaps.map((g) => ({ ...g, stream: streamName(s) })));

  return (
    <>
      {warnings.length > 0 ? (
        <div className="notice error" role="alert" data-testid="lag-warning">
          <strong>Sync is falling behind.</strong>
          <ul>
            {warnings.map((s) => (
              <li key={`${s.source}/${s.scope}/${s.stream}`}>{s.warning}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <section className="card">
        <h1>Sync health</h1>
        <p className="notice" data-testid="coverage">
          <strong>Coverage:</strong> API-key-authenticated Codex usage is not in the Compliance feed; only ChatGPT-authenticated Codex
          appears here. The Codex Analytics rows count usage by person and day, not individual events.
        </p>
        <p className="muted">
          {health.schedule
            ? `Every source syncs every ${health.schedule.intervalMinutes} minutes (${health.schedule.mode === "pg-boss" ? "pg-boss workers on PostgreSQL" : "in this process"}). `
            : "This process runs no sync schedule. "}
          OpenAI keeps log files for {health.retentionDays} days; a cursor more than {health.lagWarningHours} hours behind is flagged. Times are
          UTC.
        </p>
        <Form method="post">
          <CsrfInput />
          <button type="submit" className="button" disabled={submitting}>
            Sync now
          </button>
        </Form>
        {actionData?.status ? (
          <p className={actionData.status === "unavailable" ? "notice error" : "notice"} role="status" data-testid="sync-now-result">
            {SYNC_NOW_MESSAGES[actionData.status]}
          </p>
        ) : null}
      </section>

      <section className="card">
        <h2>Sources</h2>
        {health.streams.length === 0 ? (
          <p className="muted" data-testid="no-cursors">
            No sync has stored anything yet. The first run starts with the console; its progress appears here.
          </p>
        ) : (
          <TableScroll label="Sources">
            <table className="data" aria-label="Sources">
              <thead>
                <tr>
                  <th scope="col">Source</th>
                  <th scope="col">Event type</th>
                  <th scope="col">Cursor</th>
                  <th scope="col">Lag</th>
                  <th scope="col">Last success</th>
                  <th scope="col">Files</th>
                  <th scope="col">Events</th>
                  <th scope="col">Last error</th>
                </tr>
              </thead>
              <tbody>
                {health.streams.map((s) => (
                  <tr key={`${s.source}/${s.scope}/${s.stream}`} data-stream={streamName(s)}>
                    <td>
                      {s.source}
                      <div className="muted">{s.scope}</div>
                    </td>
                    <td>{s.stream}</td>
                    <td>{when(s.positionTime)}</td>
                    <td>
                      {s.warning ? <strong style={{ color: "var(--danger)" }}>⚠ {lagText(s.lagHours)}</strong> : lagText(s.lagHours)}
                      {s.firstPass ? (
                        <div className="muted">first pass running</div>
                      ) : s.lagHours !== null && s.behindHours !== null && s.lagHours - s.behindHours >= 1 ? (
                        <div className="muted">no newer data at the last check</div>
                      ) : null}
                    </td>
                    <td>{when(s.lastSuccessAt)}</td>
                    <td>
                      {count.format(s.filesTotal)}
                      {s.quarantined.length > 0 ? <div style={{ color: "var(--danger)" }}>{s.quarantined.length} quarantined</div> : null}
                      {s.expiredFiles > 0 ? <div className="muted">{s.expiredFiles} expired</div> : null}
                    </td>
                    <td>{count.format(s.eventsTotal)}</td>
                    <td>
                      {s.lastError ? (
                        <>
                          <span style={{ color: "var(--danger)" }}>{s.lastError}</span>
                          <div className="muted">{when(s.lastErrorAt)}</div>
                        </>
                      ) : (
                        <span className="muted">none</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <p className="muted">
          Lag is the age of the newest stored file or day. A stream whose last check found nothing newer is up to date and is not flagged;
          one that stops being checked is.
        </p>
      </section>

      <section className="card">
        <h2>Quarantined files</h2>
        <p className="muted">Files that failed their checks are kept out whole and retried on every run.</p>
        {quarantined.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <TableScroll label="Quarantined files">
            <table className="data" aria-label="Quarantined files">
              <thead>
                <tr>
                  <th scope="col">Event type</th>
                  <th scope="col">File</th>
                  <th scope="col">Covers up to</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {quarantined.map((f) => (
                  <tr key={f.id}>
                    <td>{f.stream}</td>
                    <td>
                      <code>{f.id}</code>
                    </td>
                    <td>{when(f.endTime)}</td>
                    <td>{f.attempts}</td>
                    <td>{f.error ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}

        <h2>Gaps</h2>
        <p className="muted">Intervals whose data is lost at the source and can never be fetched again.</p>
        {gaps.length === 0 ? (
          <p className="muted">None: the archive has no known holes.</p>
        ) : (
          <TableScroll label="Gaps">
            <table className="data" aria-label="Gaps">
              <thead>
                <tr>
                  <th scope="col">Event type</th>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {gaps.map((g) => (
                  <tr key={`${g.stream}/${g.from}/${g.to}`}>
                    <td>{g.stream}</td>
                    <td>{when(g.from)}</td>
                    <td>{when(g.to)}</td>
                    <td>{g.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>

      <section className="card">
        <h2>Recent runs</h2>
        {health.runs.length === 0 ? (
          <p className="muted">No run yet.</p>
        ) : (
          <TableScroll label="Recent runs">
            <table className="data" aria-label="Recent runs">
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Finished</th>
                  <th scope="col">Trigger</th>
                  <th scope="col">Sources</th>
                  <th scope="col">Result</th>
                  <th scope="col">New events</th>
                </tr>
              </thead>
              <tbody>
                {health.runs.map((r) => (
                  <tr key={r.id}>
                    <td>{when(r.startedAt)}</td>
                    <td>{r.finishedAt ? when(r.finishedAt) : <span className="muted">running, or stopped before the end</span>}</td>
                    <td>{r.trigger}</td>
                    <td>{r.sources.join(", ") || "—"}</td>
                    <td>
                      {r.ok === null ? "—" : r.ok ? "ok" : <span style={{ color: "var(--danger)" }}>failed</span>}
                      {r.errors.map((e, i) => (
                        <div key={i} className="muted">
                          {e}
                        </div>
                      ))}
                    </td>
                    <td>{r.newEvents === null ? "—" : count.format(r.newEvents)}</td>
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
