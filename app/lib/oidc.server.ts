import * as client from "openid-client";
import { getConfig } from "./config.server";

const OIDC_KEY = Symbol.for("codex-ledger.oidc");
type GlobalWithOidc = typeof globalThis & { [OIDC_KEY]?: Promise<client.Configuration> };

function isLoopback(url: URL) {
  return ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

/**
 * The identity provider's metadata, discovered once per process. A failed discovery is
 * not cached, so a provider that was down at boot is retried on the next sign-in.
 */
export function getOidcConfiguration(): Promise<client.Configuration> {
  const holder = globalThis as GlobalWithOidc;
  if (!holder[OIDC_KEY]) {
    const { oidc } = getConfig();
    const issuer = new URL(oidc.issuer);
    // Plain http is accepted only for an identity provider on this machine (the demo one, or a local Keycloak).
    const execute = issuer.protocol === "http:" && isLoopback(issuer) ? [client.allowInsecureRequests] : [];
    holder[OIDC_KEY] = client
      .discovery(issuer, oidc.clientId, oidc.clientSecret, undefined, { execute, timeout: 10 })
      .catch((error: unknown) => {
        delete holder[OIDC_KEY];
        throw error;
      });
  }
  return holder[OIDC_KEY];
}

export type AuthTransaction = { state: string; nonce: string; codeVerifier: string; returnTo: string };

export async function beginSignIn({ returnTo }: { returnTo: string }) {
  const config = await getOidcConfiguration();
  const { oidc, appUrl } = getConfig();
  const transaction: AuthTransaction = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    codeVerifier: client.randomPKCECodeVerifier(),
    returnTo,
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: `${appUrl}/auth/callback`,
    scope: oidc.scopes,
    code_challenge: await client.calculatePKCECodeChallenge(transaction.codeVerifier),
    code_challenge_method: "S256",
    state: transaction.state,
    nonce: transaction.nonce,
    // The demo provider asks every time, so that switching demo accounts needs no IdP sign-out.
    ...(oidc.kind === "demo" ? { prompt: "login" } : {}),
  });
  return { url, transaction };
}

export type SignedInIdentity = {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  groups: string[];
  idToken: string | null;
};

/** Exchanges the code (PKCE, state and nonce checked; ID token validated) and reads userinfo. */
export async function completeSignIn({ callbackUrl, transaction }: { callbackUrl: URL; transaction: AuthTransaction }): Promise<SignedInIdentity> {
  const config = await getOidcConfiguration();
  const { oidc } = getConfig();
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: transaction.codeVerifier,
    expectedState: transaction.state,
    expectedNonce: transaction.nonce,
    idTokenExpected: true,
  });
  const idClaims = tokens.claims()!;
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
  const merged: Record<string, unknown> = { ...idClaims, ...userinfo };
  const rawGroups = merged[oidc.groupsClaim];
  const groups = Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === "string") : typeof rawGroups === "string" ? [rawGroups] : [];
  return {
    issuer: config.serverMetadata().issuer,
    subject: idClaims.sub,
    email: typeof merged.email === "string" ? merged.email : null,
    emailVerified: merged.email_verified !== false,
    name: typeof merged.name === "string" ? merged.name : null,
    groups,
    idToken: tokens.id_token ?? null,
  };
}

/** Where to send the browser after our own session is gone, if the IdP offers RP-initiated logout. */
export async function buildIdpLogoutUrl({ idToken }: { idToken: string | null }) {
  const { appUrl } = getConfig();
  let config: client.Configuration;
  try {
    config = await getOidcConfiguration();
  } catch {
    return null;
  }
  if (!config.serverMetadata().end_session_endpoint) return null;
  const params: Record<string, string> = { post_logout_redirect_uri: `${appUrl}/auth/signed-out` };
  if (idToken) params.id_token_hint = idToken;
  return client.buildEndSessionUrl(config, params).href;
}
