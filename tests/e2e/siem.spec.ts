import { expect, test } from "@playwright/test";
import { openAs } from "./fixtures";

/** The integrity ledger page, the SIEM export download and the push destinations page. */

test.describe("SIEM and integrity", () => {
  test("an auditor sees the ledger's state and its public key, and downloads an export", async ({ page }) => {
    // The demo's first sync may still be running in the same process.
    test.setTimeout(120_000);
    await openAs(page, "auditor", "/auditor/ledger");
    await expect(page).toHaveURL(/\/auditor\/ledger$/);
    await expect(page.getByRole("heading", { name: "Integrity ledger" })).toBeVisible();
    await expect(page.getByTestId("last-verified")).toBeVisible();
    await expect(page.getByTestId("public-key-id")).toHaveText(/^[0-9a-f]{16}$/);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Ledger" })).toBeVisible();

    await page.goto("/auditor/export");
    await expect(page.getByRole("heading", { name: "Export for a SIEM" })).toBeVisible();
    // A day before the demo data: the download's shape, fast even while the first sync runs.
    const response = await page.request.get("/auditor/export/download?format=ndjson&from=2001-01-01&to=2001-01-02", { timeout: 90_000 });
    expect(response.status()).toBe(200);
    expect(response.headers()["content-disposition"]).toMatch(/attachment; filename="codex-ledger-.*\.ndjson"/);
    for (const line of (await response.text()).split("\n").filter(Boolean)) expect(JSON.parse(line)).toHaveProperty("event_id");
    const bad = await page.request.get("/auditor/export/download?format=xml");
    expect(bad.status()).toBe(400);
    await page.screenshot({ path: "test-results/screens/ledger.png", fullPage: true });
  });

  test("an admin adds a webhook destination; its secret is never shown back", async ({ page }) => {
    test.setTimeout(120_000);
    const secret = "e2e-webhook-secret-0123456789abcdef";
    await openAs(page, "admin", "/admin/destinations");
    await expect(page.getByRole("heading", { name: "SIEM destinations" })).toBeVisible();
    const add = page.locator("form").filter({ has: page.getByRole("button", { name: "Add destination" }) });
    await add.getByRole("textbox", { name: "Name" }).fill("e2e webhook");
    await add.getByLabel("Kind").selectOption("webhook");
    await add.getByLabel("Format").selectOption("ocsf");
    await add.getByRole("textbox", { name: "URL" }).fill("http://127.0.0.1:9/hook");
    await add.getByLabel(/HMAC secret/).fill(secret);
    await add.getByRole("button", { name: "Add destination" }).click();
    await expect(page.getByTestId("destination-result")).toHaveText("Destination saved.");
    await expect(page.getByRole("table", { name: "Destinations" }).locator('tr[data-destination="e2e webhook"]')).toBeVisible();
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    expect(await page.content()).not.toContain(secret);
    await page.screenshot({ path: "test-results/screens/destinations.png", fullPage: true });
  });

  test("a viewer gets 403 from the ledger, the export and the destinations", async ({ page }) => {
    test.setTimeout(120_000);
    await openAs(page, "viewer", "/");
    await expect(page).toHaveURL(/\/$/);
    for (const path of ["/auditor/ledger", "/auditor/export", "/auditor/export/download?format=csv", "/admin/destinations"]) {
      expect((await page.request.get(path)).status(), path).toBe(403);
    }
  });
});
