import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse } from "../lib/csv.server";
import { getDb } from "../lib/db.server";
import { wantsBom } from "../lib/reports/params";
import { assignmentsCsv } from "../lib/reports/spend-csv.server";
import { requireFinance } from "../lib/session.server";

/** Every effective-dated team and cost-centre period (finance and admin). */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireFinance(request);
  return csvResponse(await assignmentsCsv({ db: await getDb(), viewer, bom: wantsBom(new URL(request.url).searchParams) }), "codex-team-assignments.csv");
}
