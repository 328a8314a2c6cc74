import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";
import { readDemoIdpSecrets, type Config } from "./config.server";
import { DEMO_ACCOUNTS, findDemoAccount } from "./demo-accounts";

/**
 * The development identity provider: a real OpenID Provider (oidc-provider) with the demo
 * accounts, so the demo and the tests exercise exactly the sign-in code production uses.
 * It runs only in demo mode and in tests, and only on 127.0.0.1.
 */
export async function startDemoIdentityProvider(config: Config) {
  if (config.oidc.kind !== "demo") throw new Error("the demo identity provider never runs in production mode");
  const { cookieKey, jwk } = readDemoIdpSecrets(config);
  const provider = new Provider(config.oidc.issuer, {
    clients: [
      {
        client_id: config.oidc.clientId,
        client_secret: config.oidc.clientSecret,
        client_name: "Codex Ledger (demo)",
        redirect_uris: [`${config.appUrl}/auth/callback`],
        post_logout_redirect_uris: [`${config.appUrl}/auth/signed-out`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    pkce: { required: () => true },
    scopes: ["openid", "email", "profile", "groups"],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    cookies: { keys: [cookieKey] },
    jwks: { keys: [jwk as never] },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const account = findDemoAccount(id);
      if (!account) return undefined;
      return {
        accountId: account.username,
        async claims() {
          return { sub: account.username, email: account.email, email_verified: true, name: account.name, groups: account.groups };
        },
      };
    },
    // The console is this provider's only, first-party client: consent is implied.
    async loadExistingGrant(ctx) {
      const oidc = ctx.oidc;
      const grantId = oidc.result?.consent?.grantId || oidc.session!.grantIdFor(oidc.client!.clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      const grant = new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId! });
      grant.addOIDCScope("openid email profile groups");
      await grant.save();
      return grant;
    },
    renderError(ctx, out) {
      ctx.type = "html";
      ctx.body = page("Sign-in error", `<h1>Sign-in error</h1><p>${escapeHtml(String(out.error_description ?? out.error))}</p>`);
    },
  });
  provider.proxy = false;

  const oidcCallback = provider.callback();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", config.oidc.issuer);
    if (url.pathname === "/favicon.ico") return void res.writeHead(204).end();
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(url.pathname);
    if (!match) return oidcCallback(req, res);
    handleInteraction(provider, req, res, Boolean(match[2])).catch((error: unknown) => {
      res.statusCode = 400;
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      const message = error instanceof Error ? error.message : "unknown error";
      res.end(page("Sign-in error", `<h1>Sign-in error</h1><p>${escapeHtml(message)}</p><p><a href="${escapeHtml(config.appUrl)}/auth/signin">Start again</a></p>`));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.oidc.demoIdpPort, "127.0.0.1", () => resolve());
  });
  return {
    issuer: config.oidc.issuer,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function handleInteraction(provider: Provider, req: http.IncomingMessage, res: http.ServerResponse, isLoginPost: boolean) {
  const details = await provider.interactionDetails(req, res);
  if (isLoginPost) {
    if (req.method !== "POST") throw new Error("the login form must be posted");
    const form = new URLSearchParams(await readBody(req));
    const account = findDemoAccount(form.get("username") ?? "");
    if (!account) {
      return renderLogin(res, details.uid, "Unknown demo account. Use one of the accounts listed below.");
    }
    return provider.interactionFinished(req, res, { login: { accountId: account.username } }, { mergeWithLastSubmission: false });
  }
  if (details.prompt.name === "login") return renderLogin(res, details.uid, null);
  // Any other prompt (consent) is granted by loadExistingGrant; finishing resumes the flow.
  return provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
}

function renderLogin(res: http.ServerResponse, uid: string, error: string | null) {
  const accounts = DEMO_ACCOUNTS.map(
    (a) =>
      `<li><button type="submit" name="username" value="${escapeHtml(a.username)}" class="account">` +
      `<strong>${escapeHtml(a.username)}</strong><span>${escapeHtml(a.name)} · ${escapeHtml(a.holds)}</span></button></li>`,
  ).join("");
  const body = `
    <h1>Demo identity provider</h1>
    <p class="muted">Sign in to Codex Ledger with a demo account. Any password works.</p>
    ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
    <form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
      <label>Username <input name="username" required autofocus></label>
      <label>Password <input name="password" type="password"></label>
      <button type="submit" class="primary">Sign in</button>
    </form>
    <h2>Or pick an account</h2>
    <form method="post" action="/interaction/${escapeHtml(uid)}/login"><ul class="accounts">${accounts}</ul></form>`;
  res.statusCode = error ? 401 : 200;
  res.setHeader("Content-Type", "text/html; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.end(page("Sign in · Demo identity provider", body));
}

async function logoutSource(ctx: KoaContextWithOIDC, form: string) {
  ctx.body = page(
    "Sign out · Demo identity provider",
    `<h1>Sign out of the demo identity provider too?</h1>${form}
     <button autofocus type="submit" form="op.logoutForm" value="yes" name="logout" class="primary">Yes, sign me out</button>
     <button type="submit" form="op.logoutForm" class="secondary">No, stay signed in here</button>`,
  );
}

function readBody(req: http.IncomingMessage, limit = 16_384) {
  return new Promise<string>((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > limit) reject(new Error("the form is too large"));
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function page(title: string, body: string) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>
body{font-family:system-ui,sans-serif;background:#f3f0fa;color:#1b1f24;margin:0;padding:3rem 1rem}
main{max-width:440px;margin:0 auto;background:#fff;border:1px solid #ddd5ee;border-radius:10px;padding:1.5rem 1.75rem}
h1{font-size:1.3rem;margin-top:0}h2{font-size:1rem;margin:1.5rem 0 .5rem}.muted{color:#5b6470}
label{display:block;margin:.6rem 0}input{display:block;width:100%;padding:.45rem;font:inherit;border:1px solid #c9c2da;border-radius:6px;margin-top:.2rem}
button{font:inherit;cursor:pointer;border-radius:6px;padding:.5rem 1rem;border:0;margin:.25rem .25rem .25rem 0}
.primary{background:#5b3fc4;color:#fff;font-weight:600}.secondary{background:#ece8f6}
.accounts{list-style:none;padding:0;margin:0;display:grid;gap:.4rem}
.account{width:100%;text-align:left;background:#f7f5fc;border:1px solid #e3ddf2;display:flex;flex-direction:column}
.account span{color:#5b6470;font-size:.85rem}.error{background:#fdecea;color:#b42318;padding:.5rem .7rem;border-radius:6px}
</style></head><body><main>${body}</main></body></html>`;
}
