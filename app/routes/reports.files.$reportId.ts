import type { LoaderFunctionArgs } from "@remix-run/node";
import { downloadHeaders } from "../lib/csv.server";
import { getDb } from "../lib/db.server";
import { readKeptReport } from "../lib/reports/monthly.server";
import { requireFinance } from "../lib/session.server";

/** A kept monthly PDF, served only when it still matches its recorded sha256. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireFinance(request);
  const id = Number(params.reportId);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not found", { status: 404 });
  const kept = await readKeptReport({ db: await getDb(), viewer, id });
  if (!kept) throw new Response("Not found", { status: 404 });
  if ("error" in kept) throw new Response(kept.error, { status: 409 });
  return new Response(new Uint8Array(kept.bytes), { headers: downloadHeaders(kept.fileName, "application/pdf") });
}
