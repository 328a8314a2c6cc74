import type { Database } from "../../../db/client.server";
import { getReconciliation, getSpendReport, monthlyTrend } from "../../models/spend.server";
import type { Viewer } from "../../models/viewer";
import { monthBounds } from "../cost-math";
import { listKeptReports } from "./monthly.server";

/** Everything the spend page shows, in one call for its loader. */
export async function getSpendPage({ db, viewer, month }: { db: Database; viewer: Viewer; month: string }) {
  const { from, to } = monthBounds(month);
  const spend = await getSpendReport({ db, viewer, month });
  const trend = await monthlyTrend({ db, viewer, month, months: 6 });
  const reconciliation = await getReconciliation({ db, viewer, from, to, limit: 50 });
  const kept = await listKeptReports({ db, viewer });
  return { month, spend, trend, reconciliation, kept };
}
