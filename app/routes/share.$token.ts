import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "../lib/db.server";
import { requireSignedIn } from "../lib/session.server";
import { renderShareCard } from "../lib/share-card.server";
import { findSharedCard } from "../models/my-activity.server";

/** An opted-in share card, for any signed-in colleague; 404 once withdrawn. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireSignedIn(request);
  const token = params.token ?? "";
  if (!/^[\w-]{16,64}$/.test(token)) throw new Response("No such share card.", { status: 404 });
  const card = await findSharedCard({ db: await getDb(), token, today: new Date().toISOString().slice(0, 10) });
  if (!card) throw new Response("No such share card: it was withdrawn or never existed.", { status: 404 });
  return new Response(renderShareCard(card), {
    headers: { "Content-Type": "image/svg+xml; charset=utf-8", "Cache-Control": "private, no-store", "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'" },
  });
}
