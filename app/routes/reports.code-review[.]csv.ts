import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse } from "../lib/csv.server";
import { parseDateRange } from "../lib/date-range";
import { getDb } from "../lib/db.server";
import { parseChoice, wantsBom } from "../lib/reports/params";
import { codeReviewCsv } from "../lib/reports/spend-csv.server";
import { requireViewerRole } from "../lib/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireViewerRole(request);
  const params = new URL(request.url).searchParams;
  const { from, to } = parseDateRange(params);
  const per = parseChoice(params, "per", ["day", "week"] as const, "day");
  return csvResponse(await codeReviewCsv({ db: await getDb(), viewer, from, to, bom: wantsBom(params), weekly: per === "week" }), `codex-code-review-${from}-${to}-${per}.csv`);
}
