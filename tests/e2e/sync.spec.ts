import { expect, test } from "@playwright/test";
import { csrfToken, openAs } from "./fixtures";

test.describe("sync health", () => {
  test("admin sees every source after the first demo sync, with the coverage statement", async ({ page }) => {
    test.setTimeout(120_000);
    await openAs(page, "admin", "/admin/sync");
    await expect(page).toHaveURL(/\/admin\/sync$/);
    await expect(page.getByRole("heading", { name: "Sync health" })).toBeVisible();
    await expect(page.getByTestId("coverage")).toContainText(
      "API-key-authenticated Codex usage is not in the Compliance feed; only ChatGPT-authenticated Codex appears here",
    );
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sync" })).toBeVisible();

    // sign-in.setup.ts has waited for the first sync of every source (`npm start` runs it in the background).
    const sources = page.getByRole("table", { name: "Sources" });
    await expect(sources.locator('tr[data-stream="analytics usage"] td').nth(6)).not.toHaveText("0");
    await expect(sources.locator('tr[data-stream="compliance CODEX_LOG"] td').nth(6)).not.toHaveText("0");
    await expect(page.getByText(/OpenAI keeps log files for 30 days/)).toBeVisible();
    await expect(page.getByRole("table", { name: "Recent runs" }).getByRole("row").filter({ hasText: "first sync" }).first()).toBeVisible();
    await expect(page.getByTestId("lag-warning")).toHaveCount(0);

    // Sync now: returns at once, started (or already running if a scheduled tick beat us).
    await page.getByRole("button", { name: "Sync now" }).click();
    await expect(page.getByTestId("sync-now-result")).toContainText(/Sync started|already running/);
    await page.screenshot({ path: "test-results/screens/sync.png", fullPage: true });
  });

  test("a viewer gets 403 from the page and from Sync now", async ({ page }) => {
    await openAs(page, "viewer", "/");
    const csrf = await csrfToken(page);
    const get = await page.request.get("/admin/sync", { maxRedirects: 0 });
    expect(get.status()).toBe(403);
    const post = await page.request.post("/admin/sync", { maxRedirects: 0, form: { csrf } });
    expect(post.status()).toBe(403);
    const data = await page.request.get("/admin/sync?_data=routes%2Fadmin.sync", { maxRedirects: 0 });
    expect(data.status()).toBe(403);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sync" })).toHaveCount(0);
  });
});
