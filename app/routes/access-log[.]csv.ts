import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse, csvStream } from "../lib/csv.server";
import { getDb } from "../lib/db.server";
import { requireRole } from "../lib/session.server";
import { ACCESS_LOG_CSV_COLUMNS, ACCESS_LOG_ROLES, exportAccessLog, parseAccessLogParams } from "../models/access-log-queries.server";

/** The access log as CSV, with the page's filters (all pages), newest first. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireRole(request, ACCESS_LOG_ROLES);
  const parsed = parseAccessLogParams(new URL(request.url).searchParams);
  if (!parsed.ok) return new Response(`Bad request: ${parsed.problem}.`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const rows = exportAccessLog({ db: await getDb(), viewer, filters: parsed.filters });
  return csvResponse(csvStream({ columns: ACCESS_LOG_CSV_COLUMNS, rows }), `access-log-${parsed.filters.from}-to-${parsed.filters.to}.csv`);
}
