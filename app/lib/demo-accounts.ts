/**
 * The demo identity provider's accounts (any password), one per role and one engineer.
 * Their groups go through the demo ROLE_MAP in config.server.ts, exactly as a real
 * identity provider's groups claim would.
 */
export type DemoAccount = { username: string; name: string; email: string; groups: string[]; holds: string };

export const DEMO_EMAIL_DOMAIN = "demo.codex-ledger.test";

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { username: "admin", name: "Ada Admin", email: `admin@${DEMO_EMAIL_DOMAIN}`, groups: ["ledger-admins"], holds: "admin" },
  { username: "auditor", name: "Avery Auditor", email: `auditor@${DEMO_EMAIL_DOMAIN}`, groups: ["ledger-auditors"], holds: "auditor" },
  { username: "finance", name: "Fran Finance", email: `finance@${DEMO_EMAIL_DOMAIN}`, groups: ["ledger-finance"], holds: "finance" },
  { username: "viewer", name: "Vic Viewer", email: `viewer@${DEMO_EMAIL_DOMAIN}`, groups: ["ledger-viewers"], holds: "viewer" },
  {
    // One of the simulated people (scripts/simulator ENGINEER_EMAIL), so "My activity" has data.
    username: "engineer",
    name: "Robin Engineer",
    email: "engineer@northwind-labs.example",
    // "Platform" is their team, as in the simulated COSTS groups (recorded at sign-in).
    groups: ["engineering", "Platform"],
    holds: "no role: their own activity only",
  },
];

export function findDemoAccount(username: string) {
  return DEMO_ACCOUNTS.find((account) => account.username === username.trim().toLowerCase());
}
