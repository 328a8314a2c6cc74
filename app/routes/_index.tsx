import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireSignedIn } from "../lib/session.server";
import { ROLES } from "../lib/roles";

export const meta: MetaFunction = () => [{ title: "Codex Ledger" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireSignedIn(request);
  return { viewer };
}

const ROLE_MEANING: Record<(typeof ROLES)[number], string> = {
  admin: "connects the OpenAI keys, maps groups to roles, edits prices and budgets, watches sync health",
  auditor: "reads per-person audit trails, DLP findings, the access log and the integrity chain",
  finance: "reads spend reports, budgets and exports",
  viewer: "reads organisation-wide aggregates",
};

export default function Home() {
  const { viewer } = useLoaderData<typeof loader>();
  return (
    <>
      <section className="card">
        <h1>Welcome, {viewer.name ?? viewer.email}</h1>
        <dl className="facts">
          <dt>Signed in as</dt>
          <dd>{viewer.email}</dd>
          <dt>Roles</dt>
          <dd>
            {viewer.roles.length > 0 ? (
              <ul className="badges" aria-label="Your roles">
                {viewer.roles.map((role) => (
                  <li key={role} className="badge role">
                    {role}
                  </li>
                ))}
              </ul>
            ) : (
              <span data-testid="no-roles">No console role: you see your own activity only.</span>
            )}
          </dd>
        </dl>
      </section>
      <section className="card">
        <h2>What you can do here</h2>
        <ul>
          <li>Your own activity profile: every signed-in person sees their own, and nobody else's.</li>
          {viewer.roles.map((role) => (
            <li key={role}>
              As <strong>{role}</strong>: {ROLE_MEANING[role]}.
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
