import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse } from "../lib/csv.server";
import { getDb } from "../lib/db.server";
import { parseChoice, parseMonthParam, wantsBom } from "../lib/reports/params";
import { SPEND_TABLES, spendCsv } from "../lib/reports/spend-csv.server";
import { requireFinance } from "../lib/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireFinance(request);
  const params = new URL(request.url).searchParams;
  const month = parseMonthParam(params);
  const table = parseChoice(params, "table", SPEND_TABLES, "team");
  return csvResponse(await spendCsv({ db: await getDb(), viewer, month, table, bom: wantsBom(params) }), `codex-spend-${month}-${table}.csv`);
}
