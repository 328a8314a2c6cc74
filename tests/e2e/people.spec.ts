import { expect, test } from "@playwright/test";
import { busiestPersonId, openAs } from "./fixtures";

/**
 * People, audit trail and access log: structure, guards, URLs, downloads and the access-log
 * record. sign-in.setup.ts has waited for the demo's first sync, so synced people are there.
 */

const MISSING = "00000000-0000-4000-8000-000000000000";

test("an auditor sorts, searches and pages People through the URL, and downloads the view as CSV", async ({ page }) => {
  await openAs(page, "auditor", "/people");
  await expect(page.getByRole("heading", { name: "People", exact: true })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Access log" })).toBeVisible();
  const table = page.locator("table.people-table");
  await expect(table.getByRole("columnheader", { name: /Credits/ })).toHaveAttribute("aria-sort", "descending");

  await table.getByRole("link", { name: /Current streak/ }).click();
  await expect(page).toHaveURL(/sort=currentStreak&dir=desc/);
  await expect(table.getByRole("columnheader", { name: /Current streak/ })).toHaveAttribute("aria-sort", "descending");
  await table.getByRole("link", { name: /Current streak/ }).click();
  await expect(page).toHaveURL(/sort=currentStreak&dir=asc/);

  await page.getByLabel("Name or email").fill("northwind");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/q=northwind/);
  await expect(page).toHaveURL(/sort=currentStreak/);
  await page.screenshot({ path: "test-results/screens/people-auditor.png", fullPage: true });

  const csvHref = await page.getByRole("link", { name: "CSV of this view" }).getAttribute("href");
  expect(csvHref).toMatch(/^\/people\.csv\?.*q=northwind/);
  const csv = await page.request.get(csvHref!);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(csv.headers()["content-disposition"]).toMatch(/attachment; filename="people-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv"/);
  expect((await csv.text()).split("\n")[0]).toBe(
    "person_id,name,email,active,team,credits,threads,turns,tokens,input_tokens_uncached,cached_input_tokens,output_tokens,active_days,current_streak,last_active,from,to",
  );

  for (const [search, name] of [["sort=salary", "sort"], ["pageSize=7", "pageSize"], ["from=2026-02-30", "from"]] as const) {
    const bad = await page.goto(`/people?${search}`);
    expect(bad?.status()).toBe(400);
    await expect(page.getByText(name, { exact: false }).first()).toBeVisible();
    expect((await page.request.get(`/people.csv?${search}`)).status()).toBe(400);
  }
});

test("People works without JavaScript: sort links and a GET form", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await openAs(page, "finance", "/people");
  await expect(page.getByRole("heading", { name: "People", exact: true })).toBeVisible();
  await page.locator("table.people-table").getByRole("link", { name: /Last active/ }).click();
  await expect(page).toHaveURL(/sort=lastActive&dir=desc/);
  await page.getByLabel("Rows").selectOption("10");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/pageSize=10/);
  await expect(page).toHaveURL(/sort=lastActive/);
  // Finance sees individuals but cannot open trails.
  await expect(page.locator('a[href*="/trail"]')).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Access log" })).toHaveCount(0);
  await context.close();
});

test("a viewer sees team sums only, no names, no CSV, no trails", async ({ page }) => {
  await openAs(page, "viewer", "/people");
  await expect(page.getByRole("heading", { name: "People", exact: true })).toBeVisible();
  await expect(page.getByText("Your role sees totals per team, not individuals.")).toBeVisible();
  await expect(page.getByRole("columnheader", { name: "Team" })).toBeVisible();
  await expect(page.getByLabel("Name or email")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "CSV of this view" })).toHaveCount(0);
  expect(await page.content()).not.toContain("@northwind-labs.example");
  await page.screenshot({ path: "test-results/screens/people-viewer.png", fullPage: true });
  expect((await page.request.get("/people.csv")).status()).toBe(403);
  expect((await page.goto(`/people/${MISSING}/trail`))?.status()).toBe(403);
  expect((await page.goto("/access-log"))?.status()).toBe(403);
});

test("the engineer has no People page and cannot read a trail by changing the id", async ({ page }) => {
  await openAs(page, "engineer", "/");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" })).toHaveCount(0);
  expect((await page.goto("/people"))?.status()).toBe(403);
  for (const path of [`/people/${MISSING}/trail`, `/people/${MISSING}/trail.csv`, `/people/${MISSING}/trail.ndjson`, "/access-log.csv"]) {
    expect((await page.request.get(path)).status(), path).toBe(403);
  }
});

test("unknown or malformed person ids are 404 for an auditor, never 500", async ({ page }) => {
  await openAs(page, "auditor", "/");
  for (const id of [MISSING, "not-a-uuid", "1%27%20or%201%3D1"]) {
    expect((await page.request.get(`/people/${id}/trail`)).status(), id).toBe(404);
    expect((await page.request.get(`/people/${id}/trail.csv`)).status(), id).toBe(404);
    expect((await page.request.get(`/people/${id}/trail.ndjson`)).status(), id).toBe(404);
  }
  expect((await page.request.get(`/people/${MISSING}/trail?type=everything`)).status()).toBe(400);
  expect((await page.request.get(`/people/${MISSING}/trail?before=%2A%2A`)).status()).toBe(400);
});

test("an auditor opens and exports a trail, and the access log shows it", async ({ page }) => {
  test.setTimeout(120_000);
  await openAs(page, "auditor", "/people");
  const personId = await busiestPersonId(page);

  await page.goto(`/people/${personId}/trail?type=prompt&type=tool&limit=50`);
  await expect(page.getByRole("heading", { name: /^Audit trail:/ })).toBeVisible();
  await expect(page.getByLabel("Prompts")).toBeChecked();
  await expect(page.getByLabel("Responses")).not.toBeChecked();
  const types = await page.locator("li.trail-event").evaluateAll((items) => items.map((i) => i.getAttribute("data-event-type")));
  expect(types.every((t) => t === "CODEX_LOG")).toBe(true);
  await page.screenshot({ path: "test-results/screens/trail.png" });
  const older = page.getByRole("link", { name: "Older →" });
  if (await older.count()) {
    await older.click();
    await expect(page).toHaveURL(/before=/);
    await expect(page.getByRole("link", { name: "← Newer" })).toBeVisible();
  }

  const csv = await page.request.get(`/people/${personId}/trail.csv?type=prompt&type=tool`);
  expect(csv.status()).toBe(200);
  expect((await csv.text()).split("\n")[0]).toMatch(/^occurred_at,event_id,event_type,detail_type,session_id/);
  const ndjson = await page.request.get(`/people/${personId}/trail.ndjson?type=prompt`);
  expect(ndjson.status()).toBe(200);
  const lines = (await ndjson.text()).trim().split("\n").map((l) => JSON.parse(l) as { record: string; events?: number });
  expect(lines[0]).toMatchObject({ record: "case_file", subject: { person_id: personId } });
  expect(lines.at(-1)).toMatchObject({ record: "end", events: lines.length - 2 });

  await page.goto(`/access-log?subjectId=${personId}`);
  await expect(page.getByRole("heading", { name: "Access log" })).toBeVisible();
  await expect(page.locator('tr[data-action="trail_viewed"]').first()).toBeVisible();
  await expect(page.locator('tr[data-action="trail_exported"]').first()).toBeVisible();
  await page.screenshot({ path: "test-results/screens/access-log.png", fullPage: true });
  const log = await page.request.get(`/access-log.csv?subjectId=${personId}&action=trail_exported`);
  expect(log.status()).toBe(200);
  const rows = (await log.text()).trim().split("\n");
  expect(rows[0]).toBe("at,action,actor_email,actor_person_id,subject_email,subject_person_id,details,ip,user_agent");
  expect(rows.length).toBeGreaterThanOrEqual(3);
});

test("the access log filters through the URL for an admin", async ({ page }) => {
  await openAs(page, "admin", "/access-log");
  await expect(page.getByRole("heading", { name: "Access log" })).toBeVisible();
  await page.getByLabel("Action").selectOption("sign_in");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/action=sign_in/);
  await expect(page.locator('tr[data-action="sign_in"]').first()).toBeVisible();
  await expect(page.locator("tbody tr:not([data-action='sign_in'])")).toHaveCount(0);
  expect((await page.goto("/access-log?subjectId=42"))?.status()).toBe(400);
});
