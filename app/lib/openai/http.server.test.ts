import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_RETRY_POLICY, getWithRetry, OpenAIApiError, retryAfterMs, type RetryPolicy } from "./http.server";

let server: http.Server;
let base = "";
const hits = new Map<string, number>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? "/";
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    if (path === "/flaky" && n < 3) return res.writeHead(n === 1 ? 503 : 429, { "Retry-After": "2" }).end();
    if (path === "/always-500") return res.writeHead(500).end();
    if (path === "/denied") return res.writeHead(403, { "Content-Type": "application/json" }).end(JSON.stringify({ detail: "insufficient_scope" }));
    if (path === "/bad-key") return res.writeHead(401).end();
    // Far past the test's timeout, so a slow machine cannot blur "timed out" and "answered".
    if (path === "/slow" && n === 1) return setTimeout(() => res.writeHead(200).end("late"), 5_000).unref();
    res.writeHead(200).end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

// A timeout no loaded machine reaches, so only the test about timeouts sees one.
function policy(delays: number[]): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, timeoutMs: 10_000, maxAttempts: 4, sleep: async (ms) => void delays.push(ms), random: () => 0.5 };
}

describe("getWithRetry", () => {
  it("retries 5xx and 429, honouring Retry-After", async () => {
    const delays: number[] = [];
    const response = await getWithRetry(`${base}/flaky`, { headers: {}, api: "compliance", what: "listing files", policy: policy(delays) });
    expect(await response.text()).toBe("ok");
    expect(delays).toHaveLength(2);
    expect(delays[1]).toBeGreaterThanOrEqual(2000);
  });

  it("retries a request that times out", async () => {
    const delays: number[] = [];
    // A generous timeout: the retry must be answered within it even on a loaded machine.
    const response = await getWithRetry(`${base}/slow`, { headers: {}, api: "analytics", what: "reading usage", policy: { ...policy(delays), timeoutMs: 1_500 } });
    expect(await response.text()).toBe("ok");
    expect(delays).toHaveLength(1);
  });

  it("gives up after the last attempt with the reason", async () => {
    await expect(getWithRetry(`${base}/always-500`, { headers: {}, api: "compliance", what: "listing files", policy: policy([]) })).rejects.toThrow(
      /Gave up while listing files after 4 attempts: server error \(500\)/,
    );
  });

  it("explains 401 and 403 in words, without retrying", async () => {
    const delays: number[] = [];
    const denied = getWithRetry(`${base}/denied`, { headers: {}, api: "compliance", what: "listing CODEX_LOG files", policy: policy(delays) });
    await expect(denied).rejects.toBeInstanceOf(OpenAIApiError);
    await expect(denied).rejects.toThrow(/OPENAI_COMPLIANCE_API_KEY lacks the Compliance API read scope.*OpenAI support grants the scope.*insufficient_scope/);
    await expect(getWithRetry(`${base}/bad-key`, { headers: {}, api: "analytics", what: "reading usage", policy: policy(delays) })).rejects.toThrow(
      /OpenAI rejected OPENAI_ANALYTICS_API_KEY .*\(401\)/,
    );
    expect(delays).toEqual([]);
  });

  it("reads Retry-After as seconds or as a date", () => {
    expect(retryAfterMs("3")).toBe(3000);
    expect(retryAfterMs(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8000);
    expect(retryAfterMs("soon")).toBeNull();
  });
});
