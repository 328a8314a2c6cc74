import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse } from "../lib/csv.server";
import { getDb } from "../lib/db.server";
import { parseMonthParam, wantsBom } from "../lib/reports/params";
import { budgetsCsv } from "../lib/reports/spend-csv.server";
import { requireFinance } from "../lib/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireFinance(request);
  const params = new URL(request.url).searchParams;
  const month = parseMonthParam(params);
  return csvResponse(await budgetsCsv({ db: await getDb(), viewer, month, bom: wantsBom(params) }), `codex-budgets-${month}.csv`);
}
