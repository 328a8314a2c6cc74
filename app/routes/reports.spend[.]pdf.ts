import type { LoaderFunctionArgs } from "@remix-run/node";
import { downloadHeaders } from "../lib/csv.server";
import { getDb } from "../lib/db.server";
import { downloadMonthlyPdf } from "../lib/reports/monthly.server";
import { parseMonthParam } from "../lib/reports/params";
import { requireFinance } from "../lib/session.server";

/** The leadership PDF of a month, rendered now; people pseudonymised unless `named=1`. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireFinance(request);
  const params = new URL(request.url).searchParams;
  const month = parseMonthParam(params);
  const named = params.get("named") === "1";
  const pdf = await downloadMonthlyPdf({ db: await getDb(), viewer, month, named });
  return new Response(new Uint8Array(pdf), { headers: downloadHeaders(`codex-spend-${month}${named ? "-named" : ""}.pdf`, "application/pdf") });
}
