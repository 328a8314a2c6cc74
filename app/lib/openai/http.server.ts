/**
 * HTTP to the OpenAI APIs with what production needs: request timeouts, retries with
 * exponential backoff and full jitter for network errors, 429 and 5xx (honouring
 * Retry-After), and errors that say in words what an operator should do.
 * Error messages carry status codes and API error text, never request or event bodies.
 */

export type RetryPolicy = {
  timeoutMs: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Used when a 429 carries no Retry-After (the reference's clients use 60 s). */
  defaultRetryAfterMs: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  timeoutMs: 60_000,
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  defaultRetryAfterMs: 60_000,
};

export type ApiName = "compliance" | "analytics";

export class OpenAIApiError extends Error {
  override name = "OpenAIApiError";
  constructor(
    message: string,
    readonly status: number | null,
    readonly retriable: boolean,
  ) {
    super(message);
  }
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function backoffMs(attempt: number, policy: RetryPolicy) {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round((policy.random ?? Math.random)() * ceiling);
}

async function errorDetail(response: Response) {
  try {
    const text = (await response.text()).slice(0, 2000);
    try {
      const body = JSON.parse(text) as { detail?: unknown; error?: { message?: unknown }; message?: unknown };
      const detail = body.error?.message ?? body.message ?? body.detail;
      return (typeof detail === "string" ? detail : JSON.stringify(detail ?? "")).slice(0, 300);
    } catch {
      return text.slice(0, 200);
    }
  } catch {
    return "";
  }
}

/** The operator's next step for a non-retriable answer. */
export function explainStatus(status: number, api: ApiName, what: string, detail: string) {
  const keyVar = api === "compliance" ? "OPENAI_COMPLIANCE_API_KEY" : "OPENAI_ANALYTICS_API_KEY";
  const scope = api === "compliance" ? "the Compliance API read scope" : "the codex.enterprise.analytics.read scope";
  const suffix = detail ? ` OpenAI said: ${detail}` : "";
  switch (status) {
    case 401:
      return `OpenAI rejected ${keyVar} while ${what} (401): the key is wrong, revoked, or was never granted ${scope}. OpenAI support grants scopes to a dedicated key.${suffix}`;
    case 403:
      return `${keyVar} lacks ${scope} for this ${api === "compliance" ? "workspace or organisation" : "workspace"} while ${what} (403). OpenAI support grants the scope; the key's organisation must own the workspace.${suffix}`;
    case 404:
      return `Not found while ${what} (404): check OPENAI_WORKSPACE_ID${api === "compliance" ? " and OPENAI_ORG_ID" : ""}, and that the ${api === "compliance" ? "Compliance API" : "Codex Analytics API"} is enabled for it.${suffix}`;
    case 410:
      return `Gone while ${what} (410): the file or its download link expired at the source.${suffix}`;
    case 400:
    case 422:
      return `OpenAI refused the request while ${what} (${status}).${suffix}`;
    default:
      return `Unexpected answer while ${what} (${status}).${suffix}`;
  }
}

/**
 * GET with retries. Returns the first 2xx/3xx response (redirects are followed by fetch
 * unless `redirect: "manual"`); throws OpenAIApiError for a final failure.
 */
export async function getWithRetry(
  url: string,
  { headers, api, what, policy = DEFAULT_RETRY_POLICY }: { headers: Record<string, string>; api: ApiName; what: string; policy?: RetryPolicy },
): Promise<Response> {
  const sleep = policy.sleep ?? sleepFor;
  let lastProblem = "";
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: AbortSignal.timeout(policy.timeoutMs) });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      lastProblem = timedOut ? `no answer within ${policy.timeoutMs / 1000} s` : `network error (${error instanceof Error ? error.message : "unknown"})`;
      if (attempt === policy.maxAttempts) break;
      const delayMs = backoffMs(attempt, policy);
      policy.onRetry?.({ attempt, delayMs, reason: lastProblem });
      await sleep(delayMs);
      continue;
    }
    if (response.ok) return response;
    const retriable = response.status === 429 || response.status >= 500;
    if (!retriable) {
      throw new OpenAIApiError(explainStatus(response.status, api, what, await errorDetail(response)), response.status, false);
    }
    lastProblem = response.status === 429 ? "rate limited (429)" : `server error (${response.status})`;
    const advised = response.status === 429 ? (retryAfterMs(response.headers.get("retry-after")) ?? policy.defaultRetryAfterMs) : null;
    await response.body?.cancel().catch(() => {});
    if (attempt === policy.maxAttempts) break;
    const delayMs = Math.max(advised ?? 0, backoffMs(attempt, policy));
    policy.onRetry?.({ attempt, delayMs, reason: lastProblem });
    await sleep(delayMs);
  }
  throw new OpenAIApiError(`Gave up while ${what} after ${policy.maxAttempts} attempts: ${lastProblem}.`, null, true);
}
