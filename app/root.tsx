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
import { hasRole, type Role } from "./lib/roles";
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

type NavItem = { to: string; label: string; anyOf?: Role[] };

/** The console's sections; a link shows only to the roles its page allows (the server checks again). */
const NAV: Array<{ section: string; items: NavItem[] }> = [
  {
    section: "Activity",
    items: [
      { to: "/overview", label: "Overview", anyOf: ["viewer"] },
      { to: "/people", label: "People", anyOf: ["viewer"] },
      { to: "/reports/code-review", label: "Code review", anyOf: ["viewer"] },
      { to: "/me", label: "My activity" },
    ],
  },
  {
    section: "Audit",
    items: [
      { to: "/auditor/findings", label: "Findings", anyOf: ["auditor"] },
      { to: "/auditor/lookup", label: "Lookup", anyOf: ["auditor"] },
      { to: "/access-log", label: "Access log", anyOf: ["auditor"] },
      { to: "/auditor/ledger", label: "Ledger", anyOf: ["auditor"] },
      { to: "/auditor/export", label: "Export", anyOf: ["auditor"] },
    ],
  },
  {
    section: "Spend",
    items: [
      { to: "/reports/spend", label: "Spend", anyOf: ["finance"] },
      { to: "/reports/budgets", label: "Budgets", anyOf: ["finance"] },
    ],
  },
  {
    section: "Admin",
    items: [
      { to: "/admin/sync", label: "Sync", anyOf: ["admin"] },
      { to: "/admin/sessions", label: "Sessions", anyOf: ["admin"] },
      { to: "/admin/prices", label: "Prices", anyOf: ["admin"] },
      { to: "/admin/teams", label: "Teams", anyOf: ["admin"] },
      { to: "/admin/destinations", label: "Destinations", anyOf: ["admin"] },
    ],
  },
];

function Header({ viewer }: { viewer: RootData["viewer"] }) {
  const sections = viewer
    ? NAV.map(({ section, items }) => ({ section, items: items.filter((i) => !i.anyOf || hasRole(viewer.roles, i.anyOf)) })).filter((s) => s.items.length > 0)
    : [];
  return (
    <header className="topbar">
      <div className="topbar-row">
        <Link to="/" className="brand">
          Codex Ledger
        </Link>
        {viewer ? (
          <div className="whoami">
            <span title={viewer.email}>{viewer.name ?? viewer.email}</span>
            <Form method="post" action="/auth/signout">
              <CsrfInput />
              <button type="submit" className="link-button">
                Sign out
              </button>
            </Form>
          </div>
        ) : null}
      </div>
      {viewer ? (
        <nav aria-label="Main" className="mainnav">
          <NavLink to="/" end>
            Home
          </NavLink>
          {sections.map(({ section, items }) => (
            <div key={section} className="navgroup" role="group" aria-label={section}>
              <span className="navgroup-label" aria-hidden="true">
                {section}
              </span>
              <span className="navgroup-links">
                {items.map((item) => (
                  <NavLink key={item.to} to={item.to}>
                    {item.label}
                  </NavLink>
                ))}
              </span>
            </div>
          ))}
        </nav>
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
