import { expect, test } from "@playwright/test";
import { findDemoAccount } from "../../app/lib/demo-accounts";
import { csrfToken, DEMO_ROLES, signIn, type DemoUser } from "./fixtures";

test.describe("sign-in through the demo identity provider", () => {
  for (const user of Object.keys(DEMO_ROLES) as DemoUser[]) {
    test(`${user} signs in and sees their roles`, async ({ page }) => {
      await signIn(page, user);
      await expect(page).toHaveURL(/\/$/);
      await expect(page.getByText(findDemoAccount(user)!.email).first()).toBeVisible();
      const roles = DEMO_ROLES[user];
      if (roles.length === 0) {
        await expect(page.getByTestId("no-roles")).toBeVisible();
      } else {
        await expect(page.getByRole("list", { name: "Your roles" }).getByRole("listitem")).toHaveText([...roles]);
      }
      await expect(page.getByRole("status")).toContainText("Demo mode");
      await page.screenshot({ path: `test-results/screens/home-${user}.png`, fullPage: true });
    });
  }

  test("returns to the page that asked for sign-in", async ({ page }) => {
    await signIn(page, "admin", "/admin/sessions");
    await expect(page).toHaveURL(/\/admin\/sessions$/);
    await expect(page.getByRole("heading", { name: "Active console sessions" })).toBeVisible();
  });
});

test("unauthenticated requests are sent to sign-in", async ({ request, page }) => {
  for (const path of ["/", "/admin/sessions"]) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status()).toBe(302);
    expect(response.headers().location).toBe(`/auth/signin?returnTo=${encodeURIComponent(path)}`);
  }
  const post = await request.post("/admin/sessions", { maxRedirects: 0, form: { sessionId: "x" } });
  expect([302, 403]).toContain(post.status());
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Sign in to Codex Ledger" })).toBeVisible();
  await page.screenshot({ path: "test-results/screens/signin.png", fullPage: true });
  const health = await request.get("/healthz");
  expect(await health.json()).toMatchObject({ ok: true, database: "reachable" });
});

test("a hostile returnTo is refused", async ({ page }) => {
  for (const hostile of ["https://evil.example/steal", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]) {
    await page.context().clearCookies();
    await page.goto(`/auth/signin?returnTo=${encodeURIComponent(hostile)}`);
    await page.getByRole("button", { name: /sign in with the demo identity provider/i }).click();
    await page.getByRole("button", { name: /^viewer/ }).click();
    await expect(page).toHaveURL("/");
    expect(new URL(page.url()).host).toBe(new URL(test.info().project.use.baseURL!).host);
  }
});

test("sign-out revokes the session on the server", async ({ page, context }) => {
  await signIn(page, "auditor");
  const cookie = (await context.cookies()).find((c) => c.name.includes("ledger_session"));
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await expect(page.getByRole("heading", { name: "You are signed out" })).toBeVisible();
  // Replaying the old cookie must not bring the session back.
  await context.addCookies([cookie!]);
  await page.goto("/");
  await expect(page).toHaveURL(/\/auth\/signin\?returnTo=%2F&reason=revoked/);
  await expect(page.getByText("Your session was revoked")).toBeVisible();
});

test("a session revoked by an admin is rejected on its next request", async ({ browser }) => {
  const viewerContext = await browser.newContext();
  const viewerPage = await viewerContext.newPage();
  await signIn(viewerPage, "viewer");
  await expect(viewerPage.getByText("viewer@demo.codex-ledger.test").first()).toBeVisible();

  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await signIn(adminPage, "admin", "/admin/sessions");
  const row = adminPage.locator('tr[data-email="viewer@demo.codex-ledger.test"]').first();
  await expect(row).toBeVisible();
  await adminPage.screenshot({ path: "test-results/screens/admin-sessions.png", fullPage: true });
  const before = await adminPage.locator('tr[data-email="viewer@demo.codex-ledger.test"]').count();
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(adminPage.locator('tr[data-email="viewer@demo.codex-ledger.test"]')).toHaveCount(before - 1);

  await viewerPage.reload();
  await expect(viewerPage).toHaveURL(/\/auth\/signin\?.*reason=revoked/);
  await viewerContext.close();
  await adminContext.close();
});

test("a role without access gets 403, not 500, from loader and action", async ({ page }) => {
  await signIn(page, "viewer");
  const token = await csrfToken(page);
  expect(token).not.toBe("");

  const loaderResponse = await page.goto("/admin/sessions");
  expect(loaderResponse?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await page.screenshot({ path: "test-results/screens/forbidden.png", fullPage: true });

  const withToken = await page.request.post("/admin/sessions", { form: { csrf: token, sessionId: "0".repeat(64) }, maxRedirects: 0 });
  expect(withToken.status()).toBe(403);
  const withoutToken = await page.request.post("/admin/sessions", { form: { sessionId: "0".repeat(64) }, maxRedirects: 0 });
  expect(withoutToken.status()).toBe(403);
});

test("state-changing requests need the session's CSRF token", async ({ page }) => {
  await signIn(page, "admin");
  const forged = await page.request.post("/auth/signout", { form: {}, maxRedirects: 0 });
  expect(forged.status()).toBe(403);
  await page.goto("/");
  await expect(page.getByText("admin@demo.codex-ledger.test").first()).toBeVisible();
  const crossSite = await page.request.post("/auth/signout", {
    form: { csrf: await csrfToken(page) },
    headers: { Origin: "https://evil.example" },
    maxRedirects: 0,
  });
  expect(crossSite.status()).toBe(403);
});
