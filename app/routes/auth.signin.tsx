import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { getConfig } from "../lib/config.server";
import { DEMO_ACCOUNTS } from "../lib/demo-accounts";
import { logger } from "../lib/logger.server";
import { beginSignIn } from "../lib/oidc.server";
import { getCurrentSession, safeReturnTo, serializeAuthTransaction } from "../lib/session.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Codex Ledger" }];

const REASONS: Record<string, string> = {
  revoked: "Your session was revoked. Sign in again.",
  expired: "Your session reached its maximum length. Sign in again.",
  idle: "Your session ended after a period of inactivity. Sign in again.",
  deactivated: "Your account is deactivated in Codex Ledger. Ask an administrator.",
  missing: "Your session is no longer valid. Sign in again.",
};

const ERRORS: Record<string, string> = {
  transaction: "The sign-in took too long or was started in another tab. Try again.",
  denied: "The identity provider did not sign you in.",
  failed: "Sign-in failed: the identity provider's answer could not be verified. Try again, and tell your administrator if it keeps happening.",
  "no-email": "Your identity provider did not send an email address; Codex Ledger needs one to know who you are.",
  refused: "This sign-in identity cannot be linked to the person with that email. Ask an administrator.",
};

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const returnTo = safeReturnTo(url.searchParams.get("returnTo"));
  if (await getCurrentSession(request)) throw redirect(returnTo);
  const { mode, oidc } = getConfig();
  return {
    returnTo,
    reason: REASONS[url.searchParams.get("reason") ?? ""] ?? null,
    error: ERRORS[url.searchParams.get("error") ?? ""] ?? null,
    demo: mode === "demo",
    issuerHost: new URL(oidc.issuer).host,
    accounts: mode === "demo" ? DEMO_ACCOUNTS.map(({ username, holds }) => ({ username, holds })) : [],
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const returnTo = safeReturnTo(String(form.get("returnTo") ?? ""));
  try {
    const { url, transaction } = await beginSignIn({ returnTo });
    return redirect(url.href, { headers: { "Set-Cookie": await serializeAuthTransaction(transaction) } });
  } catch (error) {
    logger.warn({ err: error }, "identity provider discovery failed");
    return Response.json(
      { error: `The identity provider at ${new URL(getConfig().oidc.issuer).host} did not answer. Try again in a moment.` },
      { status: 502 },
    );
  }
}

export default function SignIn() {
  const { returnTo, reason, error, demo, issuerHost, accounts } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { error?: string } | undefined;
  const problem = actionData?.error ?? error;
  return (
    <section className="card narrow">
      <h1>Sign in to Codex Ledger</h1>
      {reason ? <p className="notice">{reason}</p> : null}
      {problem ? <p className="notice error" role="alert">{problem}</p> : null}
      <Form method="post">
        <input type="hidden" name="returnTo" value={returnTo} />
        <button type="submit" className="button">
          {demo ? "Sign in with the demo identity provider" : `Sign in with single sign-on (${issuerHost})`}
        </button>
      </Form>
      {demo ? (
        <>
          <h2>Demo accounts</h2>
          <p className="muted">Any password works. Each account holds the role its name says.</p>
          <ul className="accounts">
            {accounts.map((account) => (
              <li key={account.username}>
                <code>{account.username}</code> <span className="muted">— {account.holds}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
