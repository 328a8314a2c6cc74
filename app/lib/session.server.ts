import { createHmac, timingSafeEqual } from "node:crypto";
import { createCookie, redirect } from "@remix-run/node";
import { getDb } from "./db.server";
import { findConsoleSession } from "../models/console-session.server";
import type { Viewer } from "../models/viewer";
import { getConfig } from "./config.server";
import type { AuthTransaction } from "./oidc.server";
import { hasRole, type Role } from "./roles";

/** Set by the HTTP server from the socket (or a trusted proxy); any client-sent value is overwritten. */
export const CLIENT_IP_HEADER = "x-ledger-client-ip";

function cookies() {
  const { session, secureCookies } = getConfig();
  const common = { httpOnly: true, sameSite: "lax" as const, secure: secureCookies, secrets: session.secrets };
  return {
    // __Host- binds the cookie to this exact origin, but browsers accept it only over https.
    session: createCookie(secureCookies ? "__Host-ledger_session" : "ledger_session", {
      ...common,
      path: "/",
      maxAge: session.maxHours * 3600,
    }),
    // Lax, so that it rides along on the identity provider's top-level redirect back to us.
    authTransaction: createCookie("ledger_auth", { ...common, path: "/auth", maxAge: 600 }),
  };
}

export function requestMeta(request: Request) {
  return {
    ip: request.headers.get(CLIENT_IP_HEADER),
    userAgent: request.headers.get("user-agent"),
  };
}

export async function serializeSessionCookie(token: string) {
  return cookies().session.serialize(token);
}

export async function clearSessionCookie() {
  return cookies().session.serialize("", { maxAge: 0 });
}

export async function serializeAuthTransaction(transaction: AuthTransaction) {
  return cookies().authTransaction.serialize(transaction);
}

export async function readAuthTransaction(request: Request): Promise<AuthTransaction | null> {
  const value: unknown = await cookies().authTransaction.parse(request.headers.get("cookie"));
  if (!value || typeof value !== "object") return null;
  const t = value as Record<string, unknown>;
  const fields = [t.state, t.nonce, t.codeVerifier, t.returnTo];
  return fields.every((f) => typeof f === "string") ? (value as AuthTransaction) : null;
}

export async function clearAuthTransaction() {
  return cookies().authTransaction.serialize("", { maxAge: 0 });
}

/**
 * Only paths inside this console are allowed as a destination after sign-in: anything
 * that could leave the origin (//host, /\host, schemes, encoded tricks) becomes "/".
 */
export function safeReturnTo(value: string | null | undefined, fallback = "/") {
  if (!value || typeof value !== "string" || value.length > 2000) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return fallback;
  if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return fallback;
  try {
    const base = new URL("http://ledger.invalid");
    const resolved = new URL(value, base);
    if (resolved.origin !== base.origin) return fallback;
    if (resolved.pathname.startsWith("/auth/")) return fallback;
    return `${resolved.pathname}${resolved.search}${resolved.hash}`;
  } catch {
    return fallback;
  }
}

export type CurrentSession = { viewer: Viewer; tokenHash: string; idToken: string | null };

async function readSession(request: Request): Promise<{ session: CurrentSession | null; hadCookie: boolean; reason?: string }> {
  const token: unknown = await cookies().session.parse(request.headers.get("cookie"));
  if (typeof token !== "string" || token === "") return { session: null, hadCookie: false };
  const lookup = await findConsoleSession({ db: await getDb(), token, idleMinutes: getConfig().session.idleMinutes });
  if (lookup.status !== "active") return { session: null, hadCookie: true, reason: lookup.status };
  return { session: { viewer: lookup.viewer, tokenHash: lookup.tokenHash, idToken: lookup.idToken }, hadCookie: true };
}

/** The signed-in person, or null. Never throws for a missing or dead session. */
export async function getCurrentSession(request: Request) {
  return (await readSession(request)).session;
}

export function csrfTokenFor(tokenHash: string, secret = getConfig().session.secrets[0]!) {
  return createHmac("sha256", secret).update(`csrf:${tokenHash}`).digest("base64url");
}

function isCsrfTokenValid(tokenHash: string, presented: string | null) {
  if (!presented) return false;
  const given = Buffer.from(presented);
  return getConfig().session.secrets.some((secret) => {
    const expected = Buffer.from(csrfTokenFor(tokenHash, secret));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

async function presentedCsrfToken(request: Request) {
  const header = request.headers.get("x-csrf-token");
  if (header) return header;
  const type = request.headers.get("content-type") ?? "";
  if (!type.includes("application/x-www-form-urlencoded") && !type.includes("multipart/form-data")) return null;
  const value = (await request.clone().formData()).get("csrf");
  return typeof value === "string" ? value : null;
}

/**
 * Every route but health, sign-in and callback starts here. Reads (GET/HEAD) need a live
 * session; anything that changes state also needs the session's CSRF token.
 */
export async function requireSession(request: Request): Promise<CurrentSession> {
  const { session, hadCookie, reason } = await readSession(request);
  if (!session) {
    const url = new URL(request.url);
    const params = new URLSearchParams({ returnTo: safeReturnTo(`${url.pathname}${url.search}`) });
    if (reason) params.set("reason", reason);
    const headers = hadCookie ? { "Set-Cookie": await clearSessionCookie() } : undefined;
    throw redirect(`/auth/signin?${params}`, { headers });
  }
  if (!["GET", "HEAD"].includes(request.method.toUpperCase())) {
    if (!isCsrfTokenValid(session.tokenHash, await presentedCsrfToken(request))) {
      throw new Response("The form was stale or did not come from this console (CSRF check failed). Reload the page and try again.", {
        status: 403,
        statusText: "Forbidden",
      });
    }
  }
  return session;
}

export async function requireSignedIn(request: Request): Promise<Viewer> {
  return (await requireSession(request)).viewer;
}

/** 403 (never a redirect loop, never a 500) when the signed-in person lacks every listed role. */
export async function requireRole(request: Request, anyOf: Role | readonly Role[]): Promise<Viewer> {
  const viewer = await requireSignedIn(request);
  if (!hasRole(viewer.roles, anyOf)) {
    const wanted = typeof anyOf === "string" ? [anyOf] : anyOf;
    throw new Response(`This page needs the ${wanted.join(" or ")} role.`, { status: 403, statusText: "Forbidden" });
  }
  return viewer;
}

export const requireAdmin = (request: Request) => requireRole(request, "admin");
export const requireAuditor = (request: Request) => requireRole(request, "auditor");
export const requireFinance = (request: Request) => requireRole(request, "finance");
export const requireViewerRole = (request: Request) => requireRole(request, "viewer");
