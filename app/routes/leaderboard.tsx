import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "../lib/db.server";
import { requireSignedIn } from "../lib/session.server";
import { getLeaderboard } from "../models/my-activity.server";
import { TableScroll } from "../components/table-scroll";

export const meta: MetaFunction = () => [{ title: "Leaderboard · Codex Ledger" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSignedIn(request);
  return getLeaderboard({ db: await getDb(), today: new Date().toISOString().slice(0, 10) });
}

export default function Leaderboard() {
  const { from, rows } = useLoaderData<typeof loader>();
  return (
    <section className="card">
      <h1>Leaderboard</h1>
      <p className="muted">
        Tokens since {from}, for the people who chose to appear here (opt in or out on <Link to="/me">My activity</Link>).
      </p>
      {rows.length === 0 ? (
        <p className="notice">Nobody has joined the leaderboard yet.</p>
      ) : (
        <TableScroll label="Leaderboard">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Person</th>
                <th scope="col" className="num">Tokens</th>
                <th scope="col" className="num">Active days</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => (
                <tr key={`${row.name}-${i}`}>
                  <td>{i + 1}</td>
                  <td>{row.name}</td>
                  <td className="num">{row.tokens.toLocaleString("en-US")}</td>
                  <td className="num">{row.activeDays}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
