import type { Database } from "../../../db/client.server";
import { DIMENSIONS, getReconciliation, getSpendReport, monthlyTrend, type Dimension, type SpendReport } from "../../models/spend.server";
import type { Viewer } from "../../models/viewer";
import { monthBounds } from "../cost-math";
import { listKeptReports } from "./monthly.server";

/** Rows each table of the page shows; the rest are in its CSV (a 10,000-person month would make a 3 MB page). */
export const SPEND_PAGE_ROWS: Record<Dimension, number> = { team: 100, costCentre: 100, person: 50, model: 100, clientSurface: 100, product: 100 };

/** The report cut to what the page shows: the largest rows of each table, their count, and names only for the people shown. */
function forPage(report: SpendReport) {
  const dimensions = Object.fromEntries(DIMENSIONS.map(({ key }) => [key, report.dimensions[key].slice(0, SPEND_PAGE_ROWS[key])])) as SpendReport["dimensions"];
  const rowCounts = Object.fromEntries(DIMENSIONS.map(({ key }) => [key, report.dimensions[key].length])) as Record<Dimension, number>;
  const names = Object.fromEntries(dimensions.person.map((p) => [p.key, report.names[p.key] ?? null]));
  return { ...report, dimensions, rowCounts, names };
}

/** Everything the spend page shows, in one call for its loader. */
export async function getSpendPage({ db, viewer, month }: { db: Database; viewer: Viewer; month: string }) {
  const { from, to } = monthBounds(month);
  // Independent reads: on PostgreSQL they run side by side on pooled connections.
  const [spend, trend, reconciliation, kept] = await Promise.all([
    getSpendReport({ db, viewer, month }),
    monthlyTrend({ db, viewer, month, months: 6 }),
    getReconciliation({ db, viewer, from, to, limit: 50 }),
    listKeptReports({ db, viewer }),
  ]);
  return { month, spend: forPage(spend), trend, reconciliation, kept };
}
