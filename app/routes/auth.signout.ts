import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getDb } from "../lib/db.server";
import { revokeOwnSession } from "../models/console-session.server";
import { buildIdpLogoutUrl } from "../lib/oidc.server";
import { clearSessionCookie, requestMeta, requireSession } from "../lib/session.server";

// Signing out changes state, so it is a POST with a CSRF token; a GET just goes home.
export function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSession(request);
  await revokeOwnSession({ db: await getDb(), viewer: session.viewer, tokenHash: session.tokenHash, meta: requestMeta(request) });
  const destination = (await buildIdpLogoutUrl({ idToken: session.idToken })) ?? "/auth/signed-out";
  return redirect(destination, { headers: { "Set-Cookie": await clearSessionCookie() } });
}
