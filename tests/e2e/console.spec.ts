import { expect, test } from "@playwright/test";
import { csrfToken, signIn } from "./fixtures";

test("a viewer reads the overview, with filters kept in the URL", async ({ page }) => {
  await signIn(page, "viewer", "/overview");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByText("Active people", { exact: true })).toBeVisible();
  await expect(page.getByRole("img", { name: "Tokens per day" })).toBeVisible();
  await page.getByLabel("From", { exact: true }).fill("2026-01-01");
  await page.getByLabel("To", { exact: true }).fill("2026-01-31");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/from=2026-01-01&to=2026-01-31/);
  await page.screenshot({ path: "test-results/screens/overview.png", fullPage: true });
  const bad = await page.goto("/overview?from=2026-13-01");
  expect(bad?.status()).toBe(400);
  await expect(page.getByText("from: is not a real date")).toBeVisible();
});

test("the engineer has no overview but sees their own activity", async ({ page }) => {
  await signIn(page, "engineer", "/me");
  await expect(page.getByRole("heading", { name: "My activity" })).toBeVisible();
  await expect(page.getByText("Private: only you see this page.")).toBeVisible();
  await page.screenshot({ path: "test-results/screens/my-activity.png", fullPage: true });
  const overview = await page.goto("/overview");
  expect(overview?.status()).toBe(403);
});

test("a share card shows only the chosen numbers and can be withdrawn", async ({ page, browser }) => {
  await signIn(page, "engineer", "/me");
  await page.getByLabel(/Active days/).check();
  await page.getByRole("button", { name: "Create my share card" }).click();
  const link = page.getByRole("link", { name: "your card" });
  await expect(link).toBeVisible();
  const href = (await link.getAttribute("href"))!;

  const colleague = await browser.newContext();
  const other = await colleague.newPage();
  await signIn(other, "viewer");
  const card = await other.request.get(href);
  expect(card.status()).toBe(200);
  const svg = await card.text();
  expect(svg).toContain("Active days");
  expect(svg).not.toContain("Lifetime tokens");

  await page.getByRole("button", { name: "Withdraw the card" }).click();
  expect((await other.request.get(href)).status()).toBe(404);
  await colleague.close();

  // Changing the profile needs the session's CSRF token.
  const forged = await page.request.post("/me", { form: { intent: "leaderboard", optIn: "on" } });
  expect(forged.status()).toBe(403);
  const real = await page.request.post("/me", { form: { intent: "leaderboard", optIn: "on", csrf: await csrfToken(page) } });
  expect(real.ok()).toBe(true);
});

test("pages hydrate under the CSP: no blocked script, no console error", async ({ page }) => {
  test.setTimeout(180_000);
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  await signIn(page, "admin");
  // Every page: a value imported from a .server module into a component breaks only in the browser.
  const pages = ["/", "/overview", "/people", "/me", "/leaderboard", "/reports/code-review", "/reports/spend", "/reports/budgets",
    "/auditor/findings", "/auditor/lookup", "/access-log", "/auditor/ledger", "/auditor/export",
    "/admin/sync", "/admin/sessions", "/admin/prices", "/admin/teams", "/admin/destinations"];
  for (const path of pages) {
    await page.goto(path);
    // Remix sets its router on window once the page has hydrated.
    await page.waitForFunction(() => "__remixRouter" in window, undefined, { timeout: 10_000 }).catch(() => problems.push(`${path} did not hydrate`));
  }
  // A client-side navigation, which only works with the scripts running.
  await page.getByRole("link", { name: "My activity" }).click();
  await expect(page.getByRole("heading", { name: "My activity" })).toBeVisible();
  expect(problems).toEqual([]);
});
