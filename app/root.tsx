import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { CsrfInput } from "./components/csrf-input";
import { useNonce } from "./components/nonce";
import { getConfig } from "./lib/config.server";
import { csrfTokenFor, getCurrentSession } from "./lib/session.server";
import stylesheet from "./styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Codex Ledger" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await getCurrentSession(request);
  return {
    mode: getConfig().mode,
    viewer: session?.viewer ?? null,
    csrfToken: session ? csrfTokenFor(session.tokenHash) : null,
  };
}

export type RootData = Awaited<ReturnType<typeof loader>>;

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {data?.mode === "demo" ? (
          <div className="demo-banner" role="status">
            Demo mode: simulated OpenAI data and demo sign-in. Never connect real keys without configuring OIDC.
          </div>
        ) : null}
        <Header viewer={data?.viewer ?? null} />
        <main className="page">{children}</main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function Header({ viewer }: { viewer: RootData["viewer"] }) {
  return (
    <header className="topbar">
      <Link to="/" className="brand">
        Codex Ledger
      </Link>
      {viewer ? (
        <>
          <nav aria-label="Main">
            <NavLink to="/" end>
              Home
            </NavLink>
            {viewer.roles.includes("viewer") ? <NavLink to="/overview">Overview</NavLink> : null}
            <NavLink to="/me">My activity</NavLink>
            {viewer.roles.some((r) => ["viewer", "finance", "auditor", "admin"].includes(r)) ? <NavLink to="/people">People</NavLink> : null}
            {viewer.roles.some((r) => ["auditor", "admin"].includes(r)) ? <NavLink to="/access-log">Access log</NavLink> : null}
            {viewer.roles.includes("auditor") ? <NavLink to="/auditor/findings">Findings</NavLink> : null}
            {viewer.roles.includes("auditor") ? <NavLink to="/auditor/lookup">Lookup</NavLink> : null}
            {viewer.roles.some((r) => ["auditor", "admin"].includes(r)) ? <NavLink to="/auditor/ledger">Ledger</NavLink> : null}
            {viewer.roles.some((r) => ["auditor", "admin"].includes(r)) ? <NavLink to="/auditor/export">Export</NavLink> : null}
            {viewer.roles.includes("viewer") ? <NavLink to="/reports/code-review">Code review</NavLink> : null}
            {viewer.roles.some((r) => ["finance", "admin"].includes(r)) ? <NavLink to="/reports/spend">Spend</NavLink> : null}
            {viewer.roles.some((r) => ["finance", "admin"].includes(r)) ? <NavLink to="/reports/budgets">Budgets</NavLink> : null}
            {viewer.roles.includes("admin") ? <NavLink to="/admin/prices">Prices</NavLink> : null}
            {viewer.roles.includes("admin") ? <NavLink to="/admin/teams">Teams</NavLink> : null}
            {viewer.roles.includes("admin") ? <NavLink to="/admin/sessions">Sessions</NavLink> : null}
            {viewer.roles.includes("admin") ? <NavLink to="/admin/sync">Sync</NavLink> : null}
            {viewer.roles.includes("admin") ? <NavLink to="/admin/destinations">Destinations</NavLink> : null}
          </nav>
          <div className="whoami">
            <span title={viewer.email}>{viewer.name ?? viewer.email}</span>
            <Form method="post" action="/auth/signout">
              <CsrfInput />
              <button type="submit" className="link-button">
                Sign out
              </button>
            </Form>
          </div>
        </>
      ) : null}
    </header>
  );
}

export default function App() {
  useLoaderData<typeof loader>();
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) {
    const title = error.status === 403 ? "Not allowed" : error.status === 404 ? "Not found" : `Error ${error.status}`;
    return (
      <section className="card narrow">
        <h1>{title}</h1>
        <p>{typeof error.data === "string" && error.data ? error.data : error.statusText}</p>
        <p>
          <Link to="/">Back to the start page</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="card narrow">
      <h1>Something went wrong</h1>
      <p>The error was logged. Try again, and tell your administrator if it keeps happening.</p>
    </section>
  );
}
