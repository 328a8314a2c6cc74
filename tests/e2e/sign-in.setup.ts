import fs from "node:fs";
import path from "node:path";
import { expect, test as setup } from "@playwright/test";
import { signIn, storageStatePath } from "./fixtures";
import { DEMO_USERS } from "./pages";

/**
 * Runs before every spec (the `setup` project in playwright.config.ts): signs in each demo
 * account once through the real flow and keeps its cookies for the specs that only need a
 * signed-in browser, then waits for the demo's first sync, so that every spec reads synced data.
 */

setup("sign in every demo account and wait for the first demo sync", async ({ browser }) => {
  setup.setTimeout(330_000);
  for (const user of DEMO_USERS) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, user);
    await expect(page).toHaveURL(/\/$/);
    fs.mkdirSync(path.dirname(storageStatePath(user)), { recursive: true });
    await context.storageState({ path: storageStatePath(user) });
    await context.close();
  }

  // `npm start` runs one first sync per source (Compliance, Analytics) in the background;
  // /admin/sync lists the runs (started, finished, trigger, sources, …).
  const admin = await browser.newContext({ storageState: storageStatePath("admin") });
  const page = await admin.newPage();
  const deadline = Date.now() + 300_000;
  for (;;) {
    await page.goto("/admin/sync");
    const runs = await page
      .getByRole("table", { name: "Recent runs" })
      .locator("tbody tr")
      .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll("td")].map((cell) => cell.textContent ?? "")));
    const first = runs.filter((cells) => cells[2] === "first sync");
    const unfinished = first.filter((cells) => cells[1]?.includes("running"));
    const sources = new Set(first.flatMap((cells) => (cells[3] ?? "").split(", ")));
    if (first.length > 0 && unfinished.length === 0 && sources.has("compliance") && sources.has("analytics")) break;
    if (Date.now() > deadline) throw new Error(`the demo's first sync did not finish within 300 s: ${JSON.stringify(first)}`);
    await page.waitForTimeout(2_000);
  }
  await admin.close();
});
