import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { selectRows, type DatabaseHandle } from "../../db/client.server";
import { setDatabaseHandle } from "../../db/index.server";
import { createTestDatabase } from "../../tests/setup/test-database";
import { getSpendReport } from "../models/spend.server";
import { importTeamCsv, teamFromIdpGroups } from "../models/team-assignments.server";
import type { Viewer } from "../models/viewer";
import { getConfig } from "./config.server";
import { startDemoIdentityProvider } from "./demo-idp.server";
import { beginSignIn } from "./oidc.server";
import { parseRoleMap } from "./roles";
import { finishSignIn } from "./sign-in.server";

/**
 * Sign-in through the real OpenID provider the demo runs (oidc-provider on 127.0.0.1), driven
 * over HTTP the way a browser would: authorization request, login form, redirects, callback.
 * Then what it records: the team the groups claim names, from the day of the sign-in.
 */

async function freePort() {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const appPort = await freePort();
const idpPort = await freePort();
vi.stubEnv("DATA_DIR", fs.mkdtempSync(path.join(os.tmpdir(), "ledger-sign-in-test-")));
vi.stubEnv("PORT", String(appPort));
vi.stubEnv("DEMO_IDP_PORT", String(idpPort));
for (const name of ["OIDC_ISSUER", "APP_URL", "ROLE_MAP", "TEAM_IGNORE_GROUPS", "OPENAI_COMPLIANCE_API_KEY", "OPENAI_ANALYTICS_API_KEY", "DATABASE_URL"]) vi.stubEnv(name, undefined);

const ENGINEER = "engineer@northwind-labs.example";
const finance: Viewer = { personId: "00000000-0000-4000-8000-0000000000f1", email: "fin@x.example", name: "Fin", roles: ["finance", "admin", "viewer"] };

let handle: DatabaseHandle;
let idp: Awaited<ReturnType<typeof startDemoIdentityProvider>>;

beforeAll(async () => {
  handle = await createTestDatabase();
  setDatabaseHandle(handle);
  await handle.db.execute(sql`insert into people (id, email, name) values (${finance.personId}::uuid, ${finance.email}, ${finance.name})`);
  idp = await startDemoIdentityProvider(getConfig());
});
afterAll(async () => {
  await idp?.close();
  await handle?.close();
});

/** Follows the provider's redirects with a cookie jar, signs in as `username`, and hands the callback to finishSignIn. */
async function signIn(username: string) {
  const { url, transaction } = await beginSignIn({ returnTo: "/" });
  const jar = new Map<string, string>();
  const request = async (target: string, init: RequestInit = {}) => {
    const response = await fetch(target, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const at = pair!.indexOf("=");
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return response;
  };
  let next = url.href;
  let loggedIn = false;
  for (let hop = 0; hop < 12; hop++) {
    if (next.startsWith(`${getConfig().appUrl}/auth/callback`)) {
      return finishSignIn({ request: new Request(next), transaction });
    }
    const response = await request(next);
    if (response.status === 200 && !loggedIn) {
      const html = await response.text();
      const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
      expect(action, "the demo provider shows its login form").toBeTruthy();
      const posted = await request(new URL(action!.replace(/&amp;/g, "&"), idp.issuer).href, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username, password: "any" }).toString(),
      });
      loggedIn = true;
      next = new URL(posted.headers.get("location")!, idp.issuer).href;
      continue;
    }
    const location = response.headers.get("location");
    if (!location) throw new Error(`the provider answered ${response.status} without a redirect at ${next}`);
    next = new URL(location, next).href;
  }
  throw new Error("too many redirects");
}

const today = () => new Date().toISOString().slice(0, 10);
const idpRows = (email: string) =>
  selectRows<{ team: string | null; valid_from: string; valid_to: string | null }>(
    handle.db,
    sql`select team, valid_from::text as valid_from, valid_to::text as valid_to from team_assignments where email = ${email} and source = 'idp_groups' order by valid_from`,
  );

describe("the team rule for the IdP's groups claim", () => {
  const parsed = parseRoleMap("admin:ledger-admins;viewer:everyone-ro");
  if (!parsed.ok) throw new Error("the role map must parse");
  const roleMap = parsed.map;
  it.each([
    [["engineering", "Platform"], "Platform"],
    [["ledger-admins", "everyone-ro", "Payments", "Data"], "Payments"],
    [["codex-users", "engineering"], null],
    [[" ", "ledger-admins"], null],
    [[], null],
  ])("%j names %j", (groups, team) => {
    expect(teamFromIdpGroups(groups, { ignore: ["codex-users", "engineering"], roleMap })).toBe(team);
  });
});

describe("signing in through the demo identity provider", () => {
  it("records the team the groups claim names from today, keeps the COSTS history, and a CSV import still wins", async () => {
    // COSTS billed the engineer as Data yesterday and today; the IdP says Platform.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    for (const [id, day] of [
      ["c-yesterday", yesterday],
      ["c-today", today()],
    ] as const) {
      await handle.db.execute(sql`insert into costs_hourly (event_id, hour, openai_user_id, email, groups, product, client, surface, model, service_tier, input_tokens, cached_input_tokens, output_tokens, credits)
        values (${id}, ${`${day}T00:30:00Z`}::timestamptz, 'user-engineer', 'Engineer@Northwind-Labs.example', ${JSON.stringify([{ name: "Data" }, { name: "engineering" }])}::jsonb,
          'codex', 'cli', 'cli', 'gpt-5.3-codex', 'default', 1000, 0, 100, 10)`);
    }

    const result = await signIn("engineer");
    expect(result).toMatchObject({ ok: true });
    expect(await idpRows(ENGINEER)).toEqual([{ team: "Platform", valid_from: today(), valid_to: null }]);

    // Signing in again with the same claim changes nothing.
    expect(await signIn("engineer")).toMatchObject({ ok: true });
    expect(await idpRows(ENGINEER)).toHaveLength(1);

    // Reports: today's credits are Platform's, yesterday's stay with Data (the COSTS groups of that day).
    const teamsOf = async (month: string) => Object.fromEntries((await getSpendReport({ db: handle.db, viewer: finance, month })).dimensions.team.map((t) => [t.key, t.credits]));
    const months = [...new Set([yesterday.slice(0, 7), today().slice(0, 7)])];
    const merged: Record<string, number> = {};
    for (const m of months) for (const [team, credits] of Object.entries(await teamsOf(m))) merged[team] = (merged[team] ?? 0) + Number(credits);
    expect(merged).toEqual({ Platform: 10, Data: 10 });

    // An admin's CSV import in force today outranks the IdP; the IdP row stays as history.
    await importTeamCsv({ db: handle.db, viewer: finance, text: `email,team,cost_centre,valid_from\n${ENGINEER},Infra,CC-9,${today()}\n`, today: today() });
    expect(Object.keys(await teamsOf(today().slice(0, 7)))).toContain("Infra");
    expect(await teamsOf(today().slice(0, 7))).not.toHaveProperty("Platform");
    expect(await idpRows(ENGINEER)).toEqual([{ team: "Platform", valid_from: today(), valid_to: null }]);
  });

  it("records nothing for an account whose groups are all role or spanning groups", async () => {
    expect(await signIn("admin")).toMatchObject({ ok: true });
    expect(await idpRows("admin@demo.codex-ledger.test")).toEqual([]);
  });
});
