import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getDb } from "../lib/db.server";
import { createConsoleSession } from "../models/console-session.server";
import { SignInRefused, upsertPersonForSignIn } from "../models/person.server";
import { getConfig } from "../lib/config.server";
import { logger } from "../lib/logger.server";
import { completeSignIn } from "../lib/oidc.server";
import { rolesForGroups } from "../lib/roles";
import { clearAuthTransaction, readAuthTransaction, requestMeta, serializeSessionCookie } from "../lib/session.server";

async function failed(code: string) {
  return redirect(`/auth/signin?error=${code}`, { headers: { "Set-Cookie": await clearAuthTransaction() } });
}

export async function loader({ request }: LoaderFunctionArgs) {
  const transaction = await readAuthTransaction(request);
  if (!transaction) return failed("transaction");
  const url = new URL(request.url);
  if (url.searchParams.has("error")) return failed("denied");
  const config = getConfig();
  const callbackUrl = new URL(`${config.appUrl}/auth/callback${url.search}`);

  let identity;
  try {
    identity = await completeSignIn({ callbackUrl, transaction });
  } catch (error) {
    logger.warn({ err: error instanceof Error ? { name: error.name, message: error.message } : "unknown" }, "sign-in callback rejected");
    return failed("failed");
  }
  if (!identity.email) return failed("no-email");

  const db = await getDb();
  let person;
  try {
    person = await upsertPersonForSignIn({
      db,
      identity: { issuer: identity.issuer, subject: identity.subject, email: identity.email, emailVerified: identity.emailVerified, name: identity.name },
    });
  } catch (error) {
    if (error instanceof SignInRefused) return failed("refused");
    throw error;
  }
  const roles = rolesForGroups(identity.groups, config.roleMap);
  const token = await createConsoleSession({
    db,
    person,
    roles,
    groups: identity.groups,
    idToken: identity.idToken,
    maxHours: config.session.maxHours,
    meta: requestMeta(request),
  });
  const headers = new Headers();
  headers.append("Set-Cookie", await serializeSessionCookie(token));
  headers.append("Set-Cookie", await clearAuthTransaction());
  return redirect(transaction.returnTo, { headers });
}
