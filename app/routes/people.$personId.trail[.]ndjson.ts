import type { LoaderFunctionArgs } from "@remix-run/node";
import { downloadHeaders, ndjsonStream } from "../lib/csv.server";
import { getDb } from "../lib/db.server";
import { requestMeta, requireRole } from "../lib/session.server";
import { parseTrailParams, startTrailExport, TRAIL_ROLES } from "../models/trail.server";

/**
 * "Export this trail" as an NDJSON case file: a header record (subject, exporter, filters),
 * one record per event with its findings, oldest first, and an end record with the count.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireRole(request, TRAIL_ROLES);
  const parsed = parseTrailParams(new URL(request.url).searchParams);
  if (!parsed.ok) return new Response(`Bad request: ${parsed.problem}.`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const trail = await startTrailExport({
    db: await getDb(),
    viewer,
    personId: params.personId ?? "",
    filters: parsed.filters,
    format: "ndjson",
    meta: requestMeta(request),
  });
  if (!trail) return new Response("No person with this id.", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(ndjsonStream(trail.caseFile()), {
    headers: downloadHeaders(`trail-${trail.subject.id}-${parsed.filters.from}-to-${parsed.filters.to}.ndjson`, "application/x-ndjson; charset=utf-8"),
  });
}
