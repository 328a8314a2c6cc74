import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse, csvStream } from "../lib/csv.server";
import { getDb } from "../lib/db.server";
import { requestMeta, requireRole } from "../lib/session.server";
import { parseTrailParams, startTrailExport, TRAIL_CSV_COLUMNS, TRAIL_ROLES } from "../models/trail.server";

/** "Export this trail" as CSV: every event matching the trail's filters, oldest first; recorded in the access log. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireRole(request, TRAIL_ROLES);
  const parsed = parseTrailParams(new URL(request.url).searchParams);
  if (!parsed.ok) return new Response(`Bad request: ${parsed.problem}.`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const trail = await startTrailExport({
    db: await getDb(),
    viewer,
    personId: params.personId ?? "",
    filters: parsed.filters,
    format: "csv",
    meta: requestMeta(request),
  });
  if (!trail) return new Response("No person with this id.", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return csvResponse(
    csvStream({ columns: TRAIL_CSV_COLUMNS, rows: trail.csvRows() }),
    `trail-${trail.subject.id}-${parsed.filters.from}-to-${parsed.filters.to}.csv`,
  );
}
