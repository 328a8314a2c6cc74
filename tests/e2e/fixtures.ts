import fs from "node:fs";
import path from "node:path";
import { expect, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "@playwright/test";

export const DEMO_ROLES = {
  admin: ["admin", "auditor", "finance", "viewer"],
  auditor: ["auditor", "viewer"],
  finance: ["finance", "viewer"],
  viewer: ["viewer"],
  engineer: [],
} as const;
export type DemoUser = keyof typeof DEMO_ROLES;

/**
 * Signs in through the real flow: the console's sign-in page, the demo identity
 * provider's own page, the callback. Starts from `path` and expects to land back on it.
 */
export async function signIn(page: Page, user: DemoUser, path = "/") {
  await page.goto(path);
  await expect(page).toHaveURL(/\/auth\/signin/);
  await page.getByRole("button", { name: /sign in with the demo identity provider/i }).click();
  // The demo's first sync shares the server's event loop: the redirect can take a while under load.
  await expect(page.getByRole("heading", { name: "Demo identity provider" })).toBeVisible({ timeout: 30_000 });
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill("anything");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

export async function csrfToken(page: Page) {
  return page.locator('input[name="csrf"]').first().inputValue();
}

/**
 * Where sign-in.setup.ts keeps each demo account's signed-in cookies for this run (one folder
 * per server port, so parallel runs on other ports do not share sessions).
 */
export function storageStatePath(user: DemoUser) {
  return path.resolve(import.meta.dirname, `../../tmp/e2e-auth-${process.env.E2E_PORT ?? 3100}/${user}.json`);
}

/**
 * Opens `path` in `page` signed in as `user` with the session sign-in.setup.ts made, without a
 * sign-in round trip (auth.spec.ts tests the sign-in itself).
 */
export async function openAs(page: Page, user: DemoUser, path = "/") {
  const state = JSON.parse(fs.readFileSync(storageStatePath(user), "utf8")) as { cookies: Parameters<BrowserContext["addCookies"]>[0] };
  await page.context().addCookies(state.cookies);
  return page.goto(path);
}

/** A browser context already signed in as `user` (the session made once by sign-in.setup.ts). */
export async function contextAs(browser: Browser, user: DemoUser, options: BrowserContextOptions = {}) {
  const context = await browser.newContext({ ...options, storageState: storageStatePath(user) });
  return { context, page: await context.newPage() };
}

/** The id of a synced person with Codex activity (the most threads), read through the People CSV as an auditor. */
export async function busiestPersonId(page: Page): Promise<string> {
  const csv = await page.request.get("/people.csv?sort=threads");
  expect(csv.status()).toBe(200);
  const id = (await csv.text()).split("\n")[1]?.split(",")[0] ?? "";
  expect(id, "the demo sync stored people").toMatch(/^[0-9a-f-]{36}$/);
  return id;
}
