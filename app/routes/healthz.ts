import { getConfig } from "../lib/config.server";
import { getDb, isDatabaseReachable } from "../lib/db.server";

/** Public, for load balancers and uptime checks: says only whether the database answers. */
export async function loader() {
  const reachable = await getDb().then(isDatabaseReachable, () => false);
  return Response.json(
    { ok: reachable, database: reachable ? "reachable" : "unreachable", mode: getConfig().mode },
    { status: reachable ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
