import { expect, test } from "@playwright/test";
import { contextAs, csrfToken, openAs } from "./fixtures";

test("a viewer reads the overview, with team, client and model filters kept in the URL and carried by every link", async ({ browser }) => {
  test.setTimeout(120_000);
  const { context, page } = await contextAs(browser, "viewer");
  const stat = (label: string) => page.locator("dl.stats > div").filter({ has: page.getByText(label, { exact: true }) }).locator("dd").first();
  const count = async (label: string) => Number(((await stat(label).textContent()) ?? "").replace(/\D/g, ""));
  await page.goto("/overview");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByRole("img", { name: "Tokens per day" })).toBeVisible();
  const everyone = await count("Active people");
  expect(everyone).toBeGreaterThan(0);
  await page.getByLabel("From", { exact: true }).fill("2026-01-01");
  await page.getByLabel("To", { exact: true }).fill("2026-01-31");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/from=2026-01-01&to=2026-01-31/, { timeout: 30_000 });

  // A team (the demo's teams come from the COSTS identity groups) and a client.
  await page.goto("/overview");
  const team = (await page.locator(`select[name="team"]`).locator("option").nth(1).textContent())!;
  await page.locator(`select[name="team"]`).selectOption(team);
  await page.locator(`select[name="client"]`).selectOption("CODEX_CLI");
  await page.getByRole("button", { name: "Apply" }).click();
  // The URL changes once the filtered loader has answered (client-side navigation).
  await expect(page).toHaveURL(new RegExp(`team=${encodeURIComponent(team).replace(/%20/g, "(\\+|%20)")}.*client=CODEX_CLI`), { timeout: 30_000 });
  await expect(page.locator(`select[name="team"]`)).toHaveValue(team);
  const inTeam = await count("Active people");
  expect(inTeam).toBeGreaterThan(0);
  expect(inTeam).toBeLessThan(everyone);
  await expect(page.getByText(/A day of someone's activity counts for the team they were in on that day/)).toBeVisible();
  await expect(page.getByText(/its client "cli" for CODEX_CLI/)).toBeVisible();

  // Every number links to the people behind it, with the same filters.
  for (const [label, sort] of [["Active people", "activeDays"], ["Threads", "threads"], ["Turns", "turns"], ["Credits (COSTS)", "credits"], ["Output tokens", "tokens"]] as const) {
    const href = new URL((await stat(label).getByRole("link").getAttribute("href"))!, "http://x");
    expect(href.pathname, label).toBe("/people");
    expect(Object.fromEntries(href.searchParams), label).toMatchObject({ team, client: "CODEX_CLI", sort });
    expect(href.searchParams.get("from"), label).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  }
  await expect(stat("Tool calls").getByRole("link")).toHaveAttribute("href", "#tools");
  await expect(stat("Request success").getByRole("link")).toHaveAttribute("href", "#models");
  await stat("Turns").getByRole("link").click();
  await expect(page.getByRole("heading", { name: "People", exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("activity-filter")).toContainText("client CODEX_CLI");
  await expect(page.locator(`select[name="team"]`)).toHaveValue(team);

  // Tools and their approval decisions, from the per-tool rollup.
  await page.goBack();
  const tools = page.getByRole("region", { name: "Tool calls by tool" });
  const shell = tools.locator('tr[data-tool="shell"]');
  await expect(shell).toBeVisible();
  expect(Number(((await shell.locator("td").first().textContent()) ?? "").replace(/\D/g, ""))).toBeGreaterThan(0);
  await expect(page.getByRole("img", { name: "Tool calls by tool and decision" })).toBeVisible();

  for (const bad of ["from=2026-13-01", `team=${"x".repeat(201)}`]) {
    expect((await page.goto(`/overview?${bad}`))?.status(), bad).toBe(400);
  }
  await expect(page.getByText("team: team is too long")).toBeVisible();
  await context.close();
});

test("the engineer has no overview but sees their own activity", async ({ page }) => {
  await openAs(page, "engineer", "/me");
  await expect(page.getByRole("heading", { name: "My activity" })).toBeVisible();
  await expect(page.getByText("Private: only you see this page.")).toBeVisible();
  await page.screenshot({ path: "test-results/screens/my-activity.png", fullPage: true });
  const overview = await page.goto("/overview");
  expect(overview?.status()).toBe(403);
});

test("a share card shows only the chosen numbers and can be withdrawn", async ({ page, browser }) => {
  await openAs(page, "engineer", "/me");
  await page.getByLabel(/Active days/).check();
  await page.getByRole("button", { name: "Create my share card" }).click();
  const link = page.getByRole("link", { name: "your card" });
  await expect(link).toBeVisible();
  const href = (await link.getAttribute("href"))!;

  const colleague = await browser.newContext();
  const other = await colleague.newPage();
  await openAs(other, "viewer");
  const card = await other.request.get(href);
  expect(card.status()).toBe(200);
  const svg = await card.text();
  expect(svg).toContain("Active days");
  expect(svg).not.toContain("Lifetime tokens");

  await page.getByRole("button", { name: "Withdraw the card" }).click();
  // the click submits a form: wait for its answer before asking for the card again
  await expect(link).toBeHidden();
  await expect.poll(async () => (await other.request.get(href)).status()).toBe(404);
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
  await openAs(page, "admin");
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
