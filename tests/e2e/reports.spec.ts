import { expect, test } from "@playwright/test";
import { openAs } from "./fixtures";

test("finance reads the spend report and downloads its CSV and PDF", async ({ page }) => {
  await openAs(page, "finance", "/reports/spend");
  await expect(page.getByRole("heading", { name: /^Spend — \d{4}-\d{2}$/ })).toBeVisible();
  await expect(page.getByText("Credits (COSTS)", { exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Reconciliation: COSTS against the Analytics API" })).toBeVisible();
  await page.screenshot({ path: "test-results/screens/reports-spend.png", fullPage: true });
  const csv = await page.request.get("/reports/spend.csv?table=team&bom=1");
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const body = await csv.body();
  expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(body.subarray(3).toString("utf8")).toMatch(/^month,team,credits,usd,api_equivalent_usd/);
  const pdf = await page.request.get("/reports/spend.pdf");
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
  expect((await page.request.get("/reports/spend.csv?table=nonsense")).status()).toBe(400);
});

test("finance sets a budget and sees it with its forecast", async ({ page }) => {
  await openAs(page, "finance", "/reports/budgets");
  await page.getByLabel("Amount").fill("1");
  await page.getByRole("button", { name: "Save" }).click();
  const row = page.locator('tr[data-budget="Organisation"]');
  await expect(row).toBeVisible();
  await page.screenshot({ path: "test-results/screens/reports-budgets.png", fullPage: true });
});

test("a viewer reads code-review engagement and is told what the source lacks, but not spend", async ({ page }) => {
  await openAs(page, "viewer", "/reports/code-review");
  await expect(page.getByRole("heading", { name: "Code-review engagement" })).toBeVisible();
  await expect(page.getByText(/carries no person and no repository/)).toBeVisible();
  await page.screenshot({ path: "test-results/screens/reports-code-review.png", fullPage: true });
  expect((await page.goto("/reports/spend"))?.status()).toBe(403);
  expect((await page.request.get("/reports/spend.pdf")).status()).toBe(403);
});

test("an admin previews a team CSV with errors per line and edits prices", async ({ page }) => {
  await openAs(page, "admin", "/admin/teams");
  await page.getByLabel("or paste the lines").fill("email,team,cost_centre\nnot-an-email,Ops,\nrobin@example.com,=Ops,CC-1\n");
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("1 valid, 1 with errors.")).toBeVisible();
  await expect(page.getByText("email is not an email address")).toBeVisible();
  await page.screenshot({ path: "test-results/screens/admin-teams.png", fullPage: true });
  await page.goto("/admin/prices");
  await expect(page.getByRole("heading", { name: "API list prices (USD per 1M tokens)" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "gpt-5.3-codex", exact: true })).toBeVisible();
  await page.screenshot({ path: "test-results/screens/admin-prices.png", fullPage: true });
});
