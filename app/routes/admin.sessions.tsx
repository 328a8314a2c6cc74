import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { getDb } from "../lib/db.server";
import { CsrfInput } from "../components/csrf-input";
import { listActiveSessions, revokeSessionAsAdmin } from "../models/console-session.server";
import { requestMeta, requireAdmin } from "../lib/session.server";
import { utcDateTime } from "../lib/format";
import { TableScroll } from "../components/table-scroll";

export const meta: MetaFunction = () => [{ title: "Sessions · Codex Ledger" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireAdmin(request);
  return { sessions: await listActiveSessions({ db: await getDb(), viewer }) };
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireAdmin(request);
  const sessionId = String((await request.formData()).get("sessionId") ?? "");
  if (!/^[0-9a-f]{64}$/.test(sessionId)) return Response.json({ error: "sessionId must be a session id from this page" }, { status: 400 });
  const revoked = await revokeSessionAsAdmin({ db: await getDb(), viewer, sessionId, meta: requestMeta(request) });
  return Response.json({ revoked }, { status: revoked ? 200 : 404 });
}

const dateTime = utcDateTime;

export default function Sessions() {
  const { sessions } = useLoaderData<typeof loader>();
  return (
    <section className="card">
      <h1>Active console sessions</h1>
      <p className="muted">Revoking a session signs that person out on their next request. Times are UTC.</p>
      <TableScroll label="Active sessions">
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Roles</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last seen</th>
              <th scope="col">Expires</th>
              <th scope="col">From</th>
              <th scope="col"><span className="visually-hidden">Action</span></th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id} data-email={s.email}>
                <td>
                  {s.name ?? s.email}
                  <div className="muted">{s.email}</div>
                </td>
                <td>{s.roles.join(", ") || "—"}</td>
                <td className="nowrap">{dateTime.format(new Date(s.createdAt))}</td>
                <td className="nowrap">{dateTime.format(new Date(s.lastSeenAt))}</td>
                <td className="nowrap">{dateTime.format(new Date(s.expiresAt))}</td>
                <td className="muted">{s.ip ?? "—"}</td>
                <td>
                  <Form method="post">
                    <CsrfInput />
                    <input type="hidden" name="sessionId" value={s.id} />
                    <button type="submit" className="button danger">
                      Revoke
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}
