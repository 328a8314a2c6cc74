import { expect, test, type Locator, type Page } from "@playwright/test";
import { findDemoAccount } from "../../app/lib/demo-accounts";
import { seriousViolations } from "./a11y";
import { busiestPersonId, contextAs, csrfToken, DEMO_ROLES, type DemoUser } from "./fixtures";
import { CONSOLE_PAGES, PUBLIC_PAGES, TRAIL_PATH, type ConsolePage } from "./pages";

/**
 * Every console page as every role that may open it (the route matrix checks that the
 * others get 403): the page answers 200, shows its heading and something that comes from
 * the synced demo data, and has no serious or critical accessibility violation (axe).
 * sign-in.setup.ts has waited for the first demo sync, so the data is there.
 */

/** One of the simulator's canaries (scripts/simulator/text.ts): planted on working days. */
const CANARY_EMAIL = "leaked.canary.d41f@globex-mail.example";
const DEMO_DOMAIN = "@northwind-labs.example";
/** Synced data reaches up to now: just after midnight (UTC) today, or this month, may still be empty. */
const YESTERDAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

const numberIn = async (locator: Locator) => Number(((await locator.textContent()) ?? "").replace(/[^\d.]/g, ""));
async function expectPositive(locator: Locator, what: string) {
  await expect(locator).toBeVisible();
  expect(await numberIn(locator), `${what}: ${await locator.textContent()}`).toBeGreaterThan(0);
}
/** The value of a stat (dl.stats) by its label. */
const stat = (page: Page, label: string) => page.locator("dl.stats > div").filter({ has: page.getByText(label, { exact: true }) }).locator("dd").first();

const CHECKS: Record<string, (page: Page, user: DemoUser) => Promise<void>> = {
  home: async (page, user) => {
    await expect(page.getByRole("heading", { level: 1, name: /^Welcome, / })).toBeVisible();
    const roles = DEMO_ROLES[user];
    if (roles.length === 0) await expect(page.getByTestId("no-roles")).toBeVisible();
    else await expect(page.getByRole("list", { name: "Your roles" }).getByRole("listitem")).toHaveText([...roles]);
  },
  "my-activity": async (page, user) => {
    await expect(page.getByRole("heading", { level: 1, name: "My activity" })).toBeVisible();
    await expect(page.getByRole("img", { name: "Turns per day, last 12 months" })).toBeVisible();
    // Only `engineer` is one of the simulated people; the console-only accounts have no Codex activity.
    if (user === "engineer") await expectPositive(stat(page, "Lifetime tokens"), "lifetime tokens");
    else await expect(page.getByText("No Codex activity is linked to you yet.")).toBeVisible();
  },
  leaderboard: async (page) => {
    await expect(page.getByRole("heading", { level: 1, name: "Leaderboard" })).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: "Robin Engineer" });
    await expectPositive(row.getByRole("cell").nth(2), "the engineer's tokens on the leaderboard");
  },
  overview: async (page) => {
    await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    await expectPositive(stat(page, "Active people"), "active people");
    await expectPositive(stat(page, "Turns"), "turns");
    await expect(page.getByRole("img", { name: "Tokens per day" })).toBeVisible();
    await expectPositive(page.getByRole("region", { name: "Clients" }).getByRole("row").filter({ hasText: "CODEX_CLI" }).getByRole("cell").first(), "CLI people");
    await expectPositive(page.getByRole("region", { name: "Tool calls by tool" }).locator('tr[data-tool="shell"] td').first(), "shell calls");
  },
  people: async (page, user) => {
    await expect(page.getByRole("heading", { level: 1, name: "People", exact: true })).toBeVisible();
    const table = page.locator("table.people-table");
    if (user === "viewer") {
      await expect(page.getByText("Your role sees totals per team, not individuals.")).toBeVisible();
      await expectPositive(table.locator("tfoot td").first(), "people in the team sums");
      expect(await page.content()).not.toContain(DEMO_DOMAIN);
    } else {
      await expect(table.locator("tbody tr").first()).toContainText(DEMO_DOMAIN);
      await expectPositive(table.locator("tbody tr").first().locator("td.num").first(), "the first person's credits");
    }
  },
  "code-review": async (page) => {
    await expect(page.getByRole("heading", { level: 1, name: "Code-review engagement" })).toBeVisible();
    await expectPositive(stat(page, "Pull requests reviewed"), "pull requests reviewed");
  },
  trail: async (page) => {
    await expect(page.getByRole("heading", { level: 1, name: new RegExp(`^Audit trail: .*${DEMO_DOMAIN}`) })).toBeVisible();
    await expect(page.locator("li.trail-event").first()).toBeVisible();
  },
  findings: async (page) => {
    await expect(page.getByRole("heading", { level: 1, name: "DLP findings" })).toBeVisible();
    await expectPositive(page.getByTestId("findings-total"), "findings");
  },
  lookup: async (page) => {
    await expect(page.getByRole("heading", { level: 1, name: "Has this value been seen?" })).toBeVisible();
    await page.getByLabel("Value").fill(CANARY_EMAIL);
    await page.getByRole("button", { name: "Look up" }).click();
    await expect(page.getByRole("heading", { name: /^The value:/ })).toHaveText(/seen \d+ times?/);
  },
  "access-log": async (page, user) => {
    await expect(page.getByRole("heading", { level: 1, name: "Access log" })).toBeVisible();
    // The sign-in made for this run by sign-in.setup.ts.
    await expect(page.locator('tr[data-action="sign_in"]').filter({ hasText: findDemoAccount(user)!.email }).first()).toBeVisible();
  },
  ledger: async (page) => {
    await expect(page.getByRole("heading", { level: 1, name: "Integrity ledger" })).toBeVisible();
    // The append job runs after each sync: the chain may still be catching up with the first one.
    await expect(async () => {
      await page.reload();
      await expectPositive(page.getByRole("table", { name: "Chains" }).locator("tbody td.num").first(), "chained events");
    }).toPass({ timeout: 60_000 });
  },
  export: async (page) => {
    await expect(page.getByRole("heading", { level: 1, name: "Export for a SIEM" })).toBeVisible();
    const today = new Date().toISOString().slice(0, 10);
    await expect(page.getByLabel("To")).toHaveValue(today);
    const download = await page.request.get(`/auditor/export/download?format=ndjson&from=${YESTERDAY}&to=${YESTERDAY}`, { timeout: 90_000 });
    expect(download.status()).toBe(200);
    expect((await download.text()).split("\n").filter(Boolean).length, "events yesterday").toBeGreaterThan(0);
  },
  spend: async (page) => {
    await expect(page.getByRole("heading", { level: 1, name: /^Spend — \d{4}-\d{2}$/ })).toBeVisible();
    await expectPositive(stat(page, "Credits (COSTS)"), "credits");
  },
  budgets: async (page) => {
    await expect(page.getByRole("heading", { level: 1, name: /^Budgets — \d{4}-\d{2}$/ })).toBeVisible();
    const spent = (await page.getByText(/Spent this month: [\d,.]+ credits/).textContent()) ?? "";
    expect(Number(/Spent this month: ([\d,.]+) credits/.exec(spent)?.[1]?.replaceAll(",", "")), spent).toBeGreaterThan(0);
  },
  sync: async (page) => {
    await expect(page.getByRole("heading", { level: 1, name: "Sync health" })).toBeVisible();
    await expectPositive(page.getByRole("table", { name: "Sources" }).locator('tr[data-stream="compliance CODEX_LOG"] td').nth(6), "CODEX_LOG events");
  },
  sessions: async (page, user) => {
    await expect(page.getByRole("heading", { level: 1, name: "Active console sessions" })).toBeVisible();
    await expect(page.locator(`tr[data-email="${findDemoAccount(user)!.email}"]`).first()).toBeVisible();
  },
  prices: async (page) => {
    await expect(page.getByRole("heading", { level: 1, name: "Prices and contract rate" })).toBeVisible();
    await expect(page.getByRole("cell", { name: "gpt-5.3-codex", exact: true })).toBeVisible();
  },
  teams: async (page) => {
    await expect(page.getByRole("heading", { level: 1, name: "Teams and cost centres" })).toBeVisible();
    // Rebuilding the periods from the synced COSTS groups is idempotent.
    await page.getByRole("button", { name: "Rebuild periods from COSTS groups" }).click();
    await expectPositive(page.getByRole("region", { name: "Assignment periods by source" }).getByRole("row").filter({ hasText: "costs_groups" }).getByRole("cell").nth(2), "people with COSTS teams");
  },
  destinations: async (page) => {
    await expect(page.getByRole("heading", { level: 1, name: "SIEM destinations" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Add a destination" })).toBeVisible();
  },
};

let trailPersonId: string | null = null;
async function pathOf(page: Page, consolePage: ConsolePage) {
  if (consolePage.name === "spend" || consolePage.name === "budgets") return `${consolePage.path}?month=${YESTERDAY.slice(0, 7)}`;
  if (consolePage.path !== TRAIL_PATH) return consolePage.path;
  trailPersonId ??= await busiestPersonId(page);
  return `/people/${trailPersonId}/trail?limit=50`;
}

test.beforeAll(async ({ browser }) => {
  // The leaderboard lists only people who opted in: the engineer does.
  const { context, page } = await contextAs(browser, "engineer");
  await page.goto("/me");
  const joined = await page.request.post("/me", { form: { intent: "leaderboard", optIn: "on", csrf: await csrfToken(page) } });
  expect(joined.ok()).toBe(true);
  await context.close();
});

/**
 * Screenshots at a laptop's and a phone's size, written to test-results/screens/ for a person
 * to look at, for each page as admin (the longest navigation) and the views that differ by
 * role; at the phone's width the page must not scroll sideways (wide tables and charts scroll
 * inside their own box instead).
 */
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const SCREENSHOT_VIEWS = new Set(["admin", "people viewer", "home engineer", "my-activity engineer"]);
const wantsScreens = (name: string, user: DemoUser) => SCREENSHOT_VIEWS.has(user) || SCREENSHOT_VIEWS.has(`${name} ${user}`);

async function expectNoSidewaysScroll(page: Page, where: string) {
  const overflow = await page.evaluate(() => {
    const width = window.innerWidth;
    const wide = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest(".table-scroll, .chart-svg"))
      .slice(0, 5)
      .map((el) => `<${el.tagName.toLowerCase()} class="${el.getAttribute("class") ?? ""}"> ends at ${Math.round(el.getBoundingClientRect().right)} px`);
    return { scrollWidth: document.documentElement.scrollWidth, width, wide };
  });
  expect(overflow.scrollWidth, `${where} scrolls sideways at ${overflow.width} px: ${overflow.wide.join("; ")}`).toBeLessThanOrEqual(overflow.width);
}

async function screens(page: Page, path: string, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}-desktop.png`, fullPage: true });
  await page.setViewportSize(PHONE);
  await page.goto(path);
  await page.screenshot({ path: `test-results/screens/${name}-phone.png`, fullPage: true });
  await expectNoSidewaysScroll(page, path);
}

for (const consolePage of CONSOLE_PAGES) {
  for (const user of consolePage.roles) {
    test(`${consolePage.name} as ${user}`, async ({ browser }) => {
      test.setTimeout(90_000);
      const check = CHECKS[consolePage.name];
      expect(check, `a content check for ${consolePage.name}`).toBeDefined();
      const { context, page } = await contextAs(browser, user, { viewport: DESKTOP });
      try {
        const path = await pathOf(page, consolePage);
        const response = await page.goto(path);
        expect(response?.status(), path).toBe(200);
        expect(await seriousViolations(page, `${path} as ${user}`)).toEqual([]);
        await check!(page, user);
        if (wantsScreens(consolePage.name, user)) await screens(page, path, `${consolePage.name}-${user}`);
      } finally {
        await context.close();
      }
    });
  }
}

test("signed-out pages, the demo identity provider and the 403 page", async ({ page }) => {
  const problems: string[] = [];
  for (const { path, name } of PUBLIC_PAGES) {
    await page.setViewportSize(DESKTOP);
    expect((await page.goto(path))?.status(), path).toBe(200);
    problems.push(...(await seriousViolations(page, path)));
    await screens(page, path, `${name}-signed-out`);
  }
  await page.setViewportSize(DESKTOP);
  await page.goto("/auth/signin");
  await page.getByRole("button", { name: /sign in with the demo identity provider/i }).click();
  await expect(page.getByRole("heading", { name: "Demo identity provider" })).toBeVisible({ timeout: 30_000 });
  problems.push(...(await seriousViolations(page, "demo identity provider")));
  await page.getByLabel("Username").fill("viewer" satisfies DemoUser);
  await page.getByLabel("Password").fill("anything");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  expect((await page.goto("/admin/sessions"))?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1, name: "Not allowed" })).toBeVisible();
  problems.push(...(await seriousViolations(page, "403 page")));
  expect(problems).toEqual([]);
});
