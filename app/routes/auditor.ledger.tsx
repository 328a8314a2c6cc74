import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { getConfig } from "../lib/config.server";
import { getDb } from "../lib/db.server";
import { requireRole } from "../lib/session.server";
import { getLedgerState, LEDGER_ROLES } from "../models/ledger.server";
import { utcDateTime } from "../lib/format";
import { TableScroll } from "../components/table-scroll";

export const meta: MetaFunction = () => [{ title: "Integrity ledger · Codex Ledger" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireRole(request, LEDGER_ROLES);
  return getLedgerState({ db: await getDb(), viewer, signingKeyPem: getConfig().ledgerSigningKey });
}

const dateTime = utcDateTime;
const when = (value: string) => dateTime.format(new Date(value));
const count = new Intl.NumberFormat("en-GB");
const short = (hash: string) => `${hash.slice(0, 16)}…`;
const chainName = (workspace: string) => workspace || "(no workspace)";

type Problem = { workspace?: string; day?: string | null; seq?: number | null; eventId?: string | null; problem?: string };

export default function Ledger() {
  const state = useLoaderData<typeof loader>();
  const last = state.verifications[0];
  const today = new Date().toISOString().slice(0, 10);
  return (
    <>
      <section className="card">
        <h1>Integrity ledger</h1>
        <p className="muted">
          Every stored event is hashed into a chain per workspace; each closed UTC day is signed (Ed25519) by a digest. Run{" "}
          <code>npm run verify</code> to recompute everything from the database, or verify an evidence pack offline with{" "}
          <code>npm run verify -- --pack FILE --public-key KEY.pem</code>. Times are UTC.
        </p>
        {last ? (
          <p className={last.ok ? "notice" : "notice error"} role="status" data-testid="last-verified">
            <strong>{last.ok ? "Verified" : "Verification failed"}</strong> {when(last.finishedAt)} ({last.trigger}): {count.format(last.linksChecked)} links,{" "}
            {count.format(last.digestsChecked)} digests, {count.format(last.problemCount)} problems, {count.format(last.pendingEvents)} events waiting to be chained.
          </p>
        ) : (
          <p className="notice" role="status" data-testid="last-verified">
            Not verified yet: run <code>npm run verify</code>.
          </p>
        )}
        {last && !last.ok ? (
          <ul className="ledger-problems">
            {(last.problems as Problem[]).map((p, i) => (
              <li key={i}>
                {p.day ? `day ${p.day}, ` : ""}
                {p.eventId ? `event ${p.eventId}, ` : ""}
                {p.seq != null ? `link ${p.seq}: ` : ""}
                {p.problem}
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <section className="card">
        <h2>Chains</h2>
        {state.chains.length === 0 ? (
          <p className="muted" data-testid="no-chain">
            Nothing is chained yet: the append job runs after each sync.
          </p>
        ) : (
          <TableScroll label="Chains">
            <table className="data" aria-label="Chains">
              <thead>
                <tr>
                  <th scope="col">Workspace</th>
                  <th scope="col" className="num">Links</th>
                  <th scope="col">Head</th>
                  <th scope="col">Last appended</th>
                </tr>
              </thead>
              <tbody>
                {state.chains.map((c) => (
                  <tr key={c.workspace}>
                    <td>{chainName(c.workspace)}</td>
                    <td className="num">{count.format(c.seq)}</td>
                    <td>
                      <code className="sha" title={c.linkHash}>
                        {c.linkHash}
                      </code>
                    </td>
                    <td className="nowrap">{when(c.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>

      <section className="card">
        <h2>Signed daily digests</h2>
        {state.digests.length === 0 ? (
          <p className="muted">No day has been signed yet: a day is signed once it has ended (UTC).</p>
        ) : (
          <TableScroll label="Digests">
            <table className="data" aria-label="Digests">
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">Workspace</th>
                  <th scope="col" className="num">Events</th>
                  <th scope="col">First and last event</th>
                  <th scope="col">Chain head</th>
                  <th scope="col">Key</th>
                </tr>
              </thead>
              <tbody>
                {state.digests.map((d) => (
                  <tr key={`${d.workspace}/${d.day}`}>
                    <td className="nowrap">{d.day}</td>
                    <td>{chainName(d.workspace)}</td>
                    <td className="num">{count.format(d.eventCount)}</td>
                    <td className="muted">{d.firstEventId ? `${d.firstEventId} … ${d.lastEventId}` : "—"}</td>
                    <td>
                      <code className="sha" title={d.chainHead}>
                        {short(d.chainHead)}
                      </code>
                    </td>
                    <td>
                      <code>{d.publicKeyId}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>

      <section className="card">
        <h2>Evidence pack</h2>
        <p className="muted">
          The events chained on the chosen days (ledger days, UTC) with their signed digests and the public key, as one file to verify
          offline. The download is written to the access log. SIEM formats are on the <Link to="/auditor/export">Export</Link> page.
        </p>
        <Form method="get" action="/auditor/export/download" className="filters" reloadDocument>
          <input type="hidden" name="format" value="evidence" />
          <label>
            From <input type="date" name="from" defaultValue={state.digests.at(-1)?.day ?? today} required />
          </label>
          <label>
            To <input type="date" name="to" defaultValue={state.digests[0]?.day ?? today} required />
          </label>
          <button type="submit" className="button">
            Download evidence pack
          </button>
        </Form>
        <h3>Public key</h3>
        <p className="muted">
          Key id <code data-testid="public-key-id">{state.publicKeyId}</code>. Keep a copy outside this system and pass it to{" "}
          <code>--public-key</code>.
        </p>
        <pre className="ledger-key">{state.publicKeyPem}</pre>
      </section>
    </>
  );
}
