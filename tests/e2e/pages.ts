import type { DemoUser } from "./fixtures";

/**
 * Every console page and the demo accounts that may open it, for the specs that visit them all
 * (every-page.spec.ts: content, accessibility and screenshots per page × role). The trail needs a person's id, which the
 * specs look up from the synced demo data: its path here is a template.
 */
export type ConsolePage = { path: string; name: string; roles: readonly DemoUser[] };

const EVERYONE = ["admin", "auditor", "finance", "viewer", "engineer"] as const;
const VIEWERS = ["admin", "auditor", "finance", "viewer"] as const;
const AUDITORS = ["admin", "auditor"] as const;
const FINANCE = ["admin", "finance"] as const;
const ADMINS = ["admin"] as const;

export const TRAIL_PATH = "/people/:personId/trail";

export const CONSOLE_PAGES: readonly ConsolePage[] = [
  { path: "/", name: "home", roles: EVERYONE },
  { path: "/me", name: "my-activity", roles: EVERYONE },
  { path: "/leaderboard", name: "leaderboard", roles: EVERYONE },
  { path: "/overview", name: "overview", roles: VIEWERS },
  { path: "/people", name: "people", roles: VIEWERS },
  { path: "/reports/code-review", name: "code-review", roles: VIEWERS },
  { path: TRAIL_PATH, name: "trail", roles: AUDITORS },
  { path: "/auditor/findings", name: "findings", roles: AUDITORS },
  { path: "/auditor/lookup", name: "lookup", roles: AUDITORS },
  { path: "/access-log", name: "access-log", roles: AUDITORS },
  { path: "/auditor/ledger", name: "ledger", roles: AUDITORS },
  { path: "/auditor/export", name: "export", roles: AUDITORS },
  { path: "/reports/spend", name: "spend", roles: FINANCE },
  { path: "/reports/budgets", name: "budgets", roles: FINANCE },
  { path: "/admin/sync", name: "sync", roles: ADMINS },
  { path: "/admin/sessions", name: "sessions", roles: ADMINS },
  { path: "/admin/prices", name: "prices", roles: ADMINS },
  { path: "/admin/teams", name: "teams", roles: ADMINS },
  { path: "/admin/destinations", name: "destinations", roles: ADMINS },
];

/** Pages anybody can open signed out. */
export const PUBLIC_PAGES: readonly Omit<ConsolePage, "roles">[] = [
  { path: "/auth/signin", name: "signin" },
  { path: "/auth/signed-out", name: "signed-out" },
];

export const DEMO_USERS = EVERYONE;
