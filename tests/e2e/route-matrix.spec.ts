import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext, type Browser } from "@playwright/test";
import { csrfToken, openAs, type DemoUser } from "./fixtures";

/**
 * Every route × every role: allowed roles get their answer, others 403 (never 500), and
 * nobody signed out gets anything but a redirect to sign-in. A route file without a row
 * here fails the last test, so a new route cannot skip the matrix.
 */

type Access = "public" | "signed-in" | Array<"admin" | "auditor" | "finance" | "viewer">;
type Row = { route: string; path: string; method?: "GET" | "POST"; access: Access; ok?: number; form?: Record<string, string> };

const MISSING_PERSON = "00000000-0000-4000-8000-000000000000";
const MATRIX: Row[] = [
  { route: "healthz", path: "/healthz", access: "public" },
  { route: "auth.signin", path: "/auth/signin", access: "public" },
  { route: "auth.signed-out", path: "/auth/signed-out", access: "public" },
  { route: "auth.callback", path: "/auth/callback", access: "public", ok: 302 },
  { route: "auth.signout", path: "/auth/signout", access: "public", ok: 302 },
  { route: "_index", path: "/", access: "signed-in" },
  { route: "me", path: "/me", access: "signed-in" },
  { route: "me", path: "/me", method: "POST", access: "signed-in", ok: 400, form: { intent: "nonsense" } },
  { route: "leaderboard", path: "/leaderboard", access: "signed-in" },
  { route: "share.$token", path: "/share/not-a-real-token-0000", access: "signed-in", ok: 404 },
  { route: "overview", path: "/overview", access: ["viewer"] },
  { route: "people._index", path: "/people", access: ["viewer"] },
  { route: "people[.]csv", path: "/people.csv", access: ["auditor", "finance"] },
  { route: "people.$personId.trail", path: `/people/${MISSING_PERSON}/trail`, access: ["auditor"], ok: 404 },
  { route: "people.$personId.trail[.]csv", path: `/people/${MISSING_PERSON}/trail.csv`, access: ["auditor"], ok: 404 },
  { route: "people.$personId.trail[.]ndjson", path: `/people/${MISSING_PERSON}/trail.ndjson`, access: ["auditor"], ok: 404 },
  { route: "access-log", path: "/access-log", access: ["auditor"] },
  { route: "access-log[.]csv", path: "/access-log.csv", access: ["auditor"] },
  { route: "auditor.findings", path: "/auditor/findings", access: ["auditor"] },
  { route: "auditor.lookup", path: "/auditor/lookup", access: ["auditor"] },
  { route: "auditor.lookup", path: "/auditor/lookup", method: "POST", access: ["auditor"], form: { value: "not-a-secret-value" } },
  { route: "admin.sessions", path: "/admin/sessions", access: ["admin"] },
  { route: "admin.sessions", path: "/admin/sessions", method: "POST", access: ["admin"], ok: 400, form: { sessionId: "nope" } },
  { route: "admin.sync", path: "/admin/sync", access: ["admin"] },
  { route: "admin.prices", path: "/admin/prices", access: ["admin"] },
  { route: "admin.prices", path: "/admin/prices", method: "POST", access: ["admin"], ok: 400, form: { intent: "nonsense" } },
  { route: "admin.teams", path: "/admin/teams", access: ["admin"] },
  { route: "admin.teams", path: "/admin/teams", method: "POST", access: ["admin"], ok: 400, form: { intent: "nonsense" } },
  { route: "admin.destinations", path: "/admin/destinations", access: ["admin"] },
  { route: "auditor.ledger", path: "/auditor/ledger", access: ["auditor"] },
  { route: "auditor.export", path: "/auditor/export", access: ["auditor"] },
  { route: "auditor.export_.download", path: "/auditor/export/download?format=ndjson&from=2026-01-01&to=2026-01-02", access: ["auditor"] },
  { route: "reports.spend", path: "/reports/spend", access: ["finance"] },
  { route: "reports.spend[.]csv", path: "/reports/spend.csv", access: ["finance"] },
  { route: "reports.spend[.]pdf", path: "/reports/spend.pdf?month=2026-01", access: ["finance"] },
  { route: "reports.budgets", path: "/reports/budgets", access: ["finance"] },
  { route: "reports.budgets", path: "/reports/budgets", method: "POST", access: ["finance"], ok: 400, form: { intent: "nonsense" } },
  { route: "reports.budgets[.]csv", path: "/reports/budgets.csv", access: ["finance"] },
  { route: "reports.prices[.]csv", path: "/reports/prices.csv", access: ["finance"] },
  { route: "reports.team-assignments[.]csv", path: "/reports/team-assignments.csv", access: ["finance"] },
  { route: "reports.files.$reportId", path: "/reports/files/999999", access: ["finance"], ok: 404 },
  { route: "reports.code-review", path: "/reports/code-review", access: ["viewer"] },
  { route: "reports.code-review[.]csv", path: "/reports/code-review.csv", access: ["viewer"] },
];

const ROLES_OF: Record<DemoUser, string[]> = {
  admin: ["admin", "auditor", "finance", "viewer"],
  auditor: ["auditor", "viewer"],
  finance: ["finance", "viewer"],
  viewer: ["viewer"],
  engineer: [],
};

function allowed(row: Row, user: DemoUser | null) {
  if (row.access === "public") return true;
  if (!user) return false;
  if (row.access === "signed-in") return true;
  return row.access.some((role) => ROLES_OF[user].includes(role));
}

async function signedInRequest(browser: Browser, user: DemoUser): Promise<{ request: APIRequestContext; csrf: string; close: () => Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await openAs(page, user);
  await expect(page).toHaveURL(/\/$/);
  const csrf = await csrfToken(page);
  return { request: context.request, csrf, close: () => context.close() };
}

async function call(request: APIRequestContext, row: Row, csrf: string) {
  return row.method === "POST"
    ? request.post(row.path, { form: { ...row.form, csrf }, maxRedirects: 0 })
    : request.get(row.path, { maxRedirects: 0 });
}

const existingRoutes = fs
  .readdirSync(path.resolve(import.meta.dirname, "../../app/routes"))
  .map((file) => file.replace(/\.(tsx|ts)$/, ""));

for (const user of ["admin", "auditor", "finance", "viewer", "engineer"] as const) {
  test(`route matrix for ${user}`, async ({ browser }) => {
    const session = await signedInRequest(browser, user);
    try {
      for (const row of MATRIX.filter((r) => existingRoutes.includes(r.route) && r.access !== "public")) {
        const response = await call(session.request, row, session.csrf);
        const expected = allowed(row, user) ? (row.ok ?? 200) : 403;
        expect(response.status(), `${user} ${row.method ?? "GET"} ${row.path}`).toBe(expected);
      }
    } finally {
      await session.close();
    }
  });
}

test("route matrix signed out: public routes answer, the rest redirect to sign-in", async ({ request }) => {
  for (const row of MATRIX.filter((r) => existingRoutes.includes(r.route))) {
    const response = await call(request, row, "");
    const where = `${row.method ?? "GET"} ${row.path}`;
    if (row.access === "public") {
      expect(response.status(), where).toBe(row.ok ?? 200);
    } else if (row.method === "POST") {
      // Without a session there is no CSRF token to check; either way nothing happens.
      expect([302, 403], where).toContain(response.status());
    } else {
      expect(response.status(), where).toBe(302);
      expect(response.headers().location, where).toMatch(/^\/auth\/signin\?returnTo=/);
    }
  }
});

test("every route file has a row in the matrix", () => {
  const covered = new Set(MATRIX.map((r) => r.route));
  expect(existingRoutes.filter((route) => !covered.has(route))).toEqual([]);
});
