import type { Database } from "../db/client.server";
import { getConfig } from "../app/lib/config.server";
import { checkBudgets, type WebhookSender } from "../app/models/budgets.server";

/**
 * Checks this month's budgets (and, on the first two days of a month, last month's, so a
 * late-synced day still fires its alert): records every threshold newly reached (once each)
 * and sends undelivered alerts to BUDGET_WEBHOOK_URL, HMAC-signed with BUDGET_WEBHOOK_SECRET.
 * Idempotent: running it again fires nothing new and only retries failed deliveries.
 * Suggested crontab line: hourly at minute 23, { task: "budgets__check", cron: "23 * * * *" }.
 */
export async function runBudgetsCheck({ db, now = new Date(), send }: { db: Database; now?: Date; send?: WebhookSender }) {
  const { budgetWebhookUrl, budgetWebhookSecret } = getConfig().reports;
  const webhook = budgetWebhookUrl && budgetWebhookSecret ? { url: budgetWebhookUrl, secret: budgetWebhookSecret } : undefined;
  const month = now.toISOString().slice(0, 7);
  const months = [month];
  if (now.getUTCDate() <= 2) months.unshift(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7));
  const results = [];
  for (const m of months) results.push(await checkBudgets({ db, month: m, now, webhook, send }));
  return results;
}
