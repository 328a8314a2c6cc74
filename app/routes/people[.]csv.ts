import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse, csvStream } from "../lib/csv.server";
import { getDb } from "../lib/db.server";
import { requireRole } from "../lib/session.server";
import { getPeopleExport, INDIVIDUAL_ROLES, parsePeopleParams } from "../models/people.server";

/** CSV of the People page's current view (same parameters; paging ignored); for those who see individuals. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireRole(request, INDIVIDUAL_ROLES);
  const parsed = parsePeopleParams(new URL(request.url).searchParams);
  if (!parsed.ok) return new Response(`Bad request: ${parsed.problem}.`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const file = await getPeopleExport({ db: await getDb(), viewer, query: parsed.query });
  return csvResponse(csvStream({ columns: file.columns, rows: file.rows }), file.fileName);
}
