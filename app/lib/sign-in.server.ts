import { createConsoleSession } from "../models/console-session.server";
import { SignInRefused, upsertPersonForSignIn } from "../models/person.server";
import { recordIdpTeam, teamFromIdpGroups } from "../models/team-assignments.server";
import { getConfig } from "./config.server";
import { getDb } from "./db.server";
import { logger } from "./logger.server";
import { completeSignIn, type AuthTransaction } from "./oidc.server";
import { rolesForGroups } from "./roles";
import { requestMeta } from "./session.server";

export type SignInResult = { ok: true; sessionToken: string } | { ok: false; code: "denied" | "failed" | "no-email" | "refused" };

/**
 * The identity provider sent the browser back: verify its answer, find or create the
 * person, derive their roles from the groups claim, record the team the claim names (from
 * today; see recordIdpTeam) and open a console session.
 */
export async function finishSignIn({ request, transaction }: { request: Request; transaction: AuthTransaction }): Promise<SignInResult> {
  const config = getConfig();
  const query = new URL(request.url).search;
  if (new URLSearchParams(query).has("error")) return { ok: false, code: "denied" };

  let identity;
  try {
    // The URL the provider redirected to, as registered: the request may have passed a proxy.
    identity = await completeSignIn({ callbackUrl: new URL(`${config.appUrl}/auth/callback${query}`), transaction });
  } catch (error) {
    logger.warn({ err: error instanceof Error ? { name: error.name, message: error.message } : "unknown" }, "sign-in callback rejected");
    return { ok: false, code: "failed" };
  }
  if (!identity.email) return { ok: false, code: "no-email" };

  const db = await getDb();
  let person;
  try {
    person = await upsertPersonForSignIn({
      db,
      identity: { issuer: identity.issuer, subject: identity.subject, email: identity.email, emailVerified: identity.emailVerified, name: identity.name },
    });
  } catch (error) {
    if (error instanceof SignInRefused) return { ok: false, code: "refused" };
    throw error;
  }
  const team = teamFromIdpGroups(identity.groups, { ignore: config.teamIgnoreGroups, roleMap: config.roleMap });
  try {
    await recordIdpTeam({ db, email: person.email, personId: person.id, team, day: new Date().toISOString().slice(0, 10) });
  } catch (error) {
    // Spend reports fall back to the COSTS groups; signing in must not fail on team bookkeeping.
    logger.error({ err: error instanceof Error ? { name: error.name, message: error.message } : "unknown", personId: person.id }, "recording the IdP team failed");
  }
  const sessionToken = await createConsoleSession({
    db,
    person,
    roles: rolesForGroups(identity.groups, config.roleMap),
    groups: identity.groups,
    idToken: identity.idToken,
    maxHours: config.session.maxHours,
    meta: requestMeta(request),
  });
  return { ok: true, sessionToken };
}
