import { expect, test, type Page } from "@playwright/test";
import { csrfToken, openAs } from "./fixtures";

/** One of the simulator's canaries (scripts/simulator/text.ts, CANARY_SECRETS): planted on working days. */
const CANARY_EMAIL = "leaked.canary.d41f@globex-mail.example";

/** Findings of the last 30 days (sign-in.setup.ts has waited for the demo's first sync). */
async function findingsTotal(page: Page): Promise<number> {
  return Number(((await page.getByTestId("findings-total").textContent()) ?? "").replace(/\D/g, ""));
}

test.describe("auditor tools", () => {
  test("an auditor sees the DLP overview and drills down to the findings behind a count", async ({ page }) => {
    test.setTimeout(120_000);
    await openAs(page, "auditor", "/auditor/findings");
    await expect(page).toHaveURL(/\/auditor\/findings$/);
    await expect(page.getByRole("heading", { name: "DLP findings" })).toBeVisible();
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Findings" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Lookup" })).toBeVisible();

    expect(await findingsTotal(page)).toBeGreaterThan(0);
    const byType = page.getByRole("table").first();
    await expect(byType.getByRole("columnheader", { name: "Type" })).toBeVisible();
    const list = page.locator("#events table");
    await expect(list.locator("tbody tr").first()).toBeVisible();
    // Placeholders only: every row shows [SECRET:…] or [PII:…], never a planted value.
    await expect(list.locator("tbody tr").first().locator("code")).toHaveText(/^\[(SECRET|PII):[a-z0-9_]+:[0-9a-f]{8}\]$/);
    await expect(page.locator("body")).not.toContainText(CANARY_EMAIL);
    await page.locator("#events").scrollIntoViewIfNeeded();
    await page.screenshot({ path: "test-results/screens/auditor-findings-list.png" });

    // Drill down: the count of the first type links to the same page filtered by that type.
    const firstType = (await byType.locator("tbody tr").first().locator("code").textContent())!.trim();
    await byType.locator("tbody tr").first().getByRole("link").click();
    await expect(page).toHaveURL(new RegExp(`[?&]type=${firstType}`));
    await expect(page.getByRole("heading", { name: new RegExp(`Findings — type ${firstType}`) })).toBeVisible();
    const codes = await page.locator("#events table tbody tr td code").allTextContents();
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) expect(code).toContain(`:${firstType}:`);

    // A day's count narrows the list to that day.
    const dayLink = page.getByRole("list", { name: "Findings by day" }).getByRole("link").first();
    const day = (await dayLink.getAttribute("data-day"))!;
    await dayLink.click();
    await expect(page).toHaveURL(new RegExp(`[?&]day=${day}`));
    await page.screenshot({ path: "test-results/screens/auditor-findings-drilldown.png", fullPage: true });
  });

  test("lookup finds a planted value, and the value is not kept on the page, in the URL or in the access log", async ({ page }) => {
    test.setTimeout(120_000);
    await openAs(page, "auditor", "/auditor/findings");
    expect(await findingsTotal(page)).toBeGreaterThan(0);
    await page.goto("/auditor/lookup");
    await expect(page.getByRole("heading", { name: "Has this value been seen?" })).toBeVisible();
    const field = page.getByLabel("Value");
    await field.fill(CANARY_EMAIL);
    await page.getByRole("button", { name: "Look up" }).click();
    const answer = page.getByRole("heading", { name: /^The value:/ });
    await expect(answer).toBeVisible();
    await expect(answer).toHaveText(/seen \d+ times?/);
    await expect(field).toHaveValue("");
    expect(page.url()).not.toContain("canary");
    await expect(page.locator("body")).not.toContainText(CANARY_EMAIL);
    await page.screenshot({ path: "test-results/screens/auditor-lookup.png", fullPage: true });

    // The access log shows the search by fingerprint, never the value.
    await page.goto("/access-log");
    await expect(page.locator("body")).toContainText("fingerprint_searched");
    await expect(page.locator("body")).not.toContainText(CANARY_EMAIL);
  });

  test("a viewer gets 403 from both pages and from the lookup action", async ({ page }) => {
    await openAs(page, "viewer", "/");
    const csrf = await csrfToken(page);
    for (const path of ["/auditor/findings", "/auditor/lookup", "/auditor/findings?_data=routes%2Fauditor.findings"]) {
      const res = await page.request.get(path, { maxRedirects: 0 });
      expect(res.status(), path).toBe(403);
    }
    const post = await page.request.post("/auditor/lookup", { maxRedirects: 0, form: { csrf, value: CANARY_EMAIL } });
    expect(post.status()).toBe(403);
    expect(await post.text()).not.toContain(CANARY_EMAIL);
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Findings" })).toHaveCount(0);
    await expect(nav.getByRole("link", { name: "Lookup" })).toHaveCount(0);
  });
});
