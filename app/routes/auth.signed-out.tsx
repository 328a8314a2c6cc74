import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";

export const meta: MetaFunction = () => [{ title: "Signed out · Codex Ledger" }];

export default function SignedOut() {
  return (
    <section className="card narrow">
      <h1>You are signed out</h1>
      <p>Your console session was revoked on the server.</p>
      <Link to="/auth/signin" className="button">
        Sign in again
      </Link>
    </section>
  );
}
