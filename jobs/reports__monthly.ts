import type { Database } from "../db/client.server";
import { getConfig } from "../app/lib/config.server";
import { previousMonth } from "../app/lib/cost-math";
import { generateAndKeepMonthlyPdf, hasKeptReport } from "../app/lib/reports/monthly.server";
import { refreshCostsGroupAssignments } from "../app/models/team-assignments.server";

/**
 * On the 1st of a month: generates the leadership PDF of the month before (people
 * pseudonymised), keeps it in REPORTS_DIR and lists it with its sha256 and generation time.
 * Idempotent: a month already kept by this job is not generated again (re-run `npm run report
 * -- --keep` by hand to add a newer copy). Suggested crontab line:
 * { task: "reports__monthly", cron: "30 6 1 * *", comment: "last month's leadership PDF" }
 * (06:30 UTC leaves time for the last day's COSTS and Analytics rows to arrive).
 */
export async function runMonthlyReport({ db, now = new Date() }: { db: Database; now?: Date }) {
  const month = previousMonth(now.toISOString().slice(0, 7));
  if (await hasKeptReport(db, month)) return { month, generated: false as const };
  await refreshCostsGroupAssignments({ db });
  const kept = await generateAndKeepMonthlyPdf({ db, month, dir: getConfig().reports.dir, by: "job", now });
  return { month, generated: true as const, ...kept };
}
