import { expect, type Page } from "@playwright/test";

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
  await expect(page.getByRole("heading", { name: "Demo identity provider" })).toBeVisible();
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill("anything");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

export async function csrfToken(page: Page) {
  return page.locator('input[name="csrf"]').first().inputValue();
}
