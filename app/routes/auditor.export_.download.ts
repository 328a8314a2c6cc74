import type { LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "../lib/config.server";
import { downloadHeaders } from "../lib/csv.server";
import { getDb } from "../lib/db.server";
import { requestMeta, requireRole } from "../lib/session.server";
import { EXPORT_ROLES, exportForViewer, parseExportRequest } from "../models/siem.server";

/** The SIEM export or evidence pack as a streamed download; written to the access log before the first byte. */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireRole(request, EXPORT_ROLES);
  const params = new URL(request.url).searchParams;
  const parsed = parseExportRequest({ format: params.get("format"), from: params.get("from"), to: params.get("to") });
  if (!parsed.ok) return new Response(`Bad request: ${parsed.problem}.`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const { stream, fileName, contentType } = await exportForViewer({
    db: await getDb(),
    viewer,
    request: parsed.request,
    signingKeyPem: getConfig().ledgerSigningKey,
    ...requestMeta(request),
  });
  return new Response(stream, { headers: downloadHeaders(fileName, contentType) });
}
