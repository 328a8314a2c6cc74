import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { finishSignIn } from "../lib/sign-in.server";
import { clearAuthTransaction, readAuthTransaction, serializeSessionCookie } from "../lib/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const transaction = await readAuthTransaction(request);
  const result = transaction ? await finishSignIn({ request, transaction }) : ({ ok: false, code: "transaction" } as const);
  const headers = new Headers({ "Set-Cookie": await clearAuthTransaction() });
  if (!result.ok) return redirect(`/auth/signin?error=${result.code}`, { headers });
  headers.append("Set-Cookie", await serializeSessionCookie(result.sessionToken));
  return redirect(transaction!.returnTo, { headers });
}
