import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CANARIES, ENGINEER_EMAIL, startSimulator, type SimulatorHandle } from "./index.js";

const NOW = new Date("2026-09-15T12:34:56Z"); // a Tuesday
const DAY = 86_400_000;

interface ListPage {
  data: { id: string; event_type: string; end_time: string; file_name: string; file_size: number; file_sha256: string }[];
  has_more: boolean;
  last_end_time: string | null;
}

type Json = Record<string, unknown>;

function logsUrl(sim: SimulatorHandle, scope: "workspace" | "org"): string {
  return scope === "workspace" ? `${sim.baseUrl}/v1/compliance/workspaces/${sim.workspaceId}/logs` : `${sim.baseUrl}/v1/compliance/organizations/${sim.orgId}/logs`;
}

function auth(key: string): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}

async function listAll(sim: SimulatorHandle, type: string, after: string, limit = 100, before?: string): Promise<{ files: ListPage["data"]; pages: number }> {
  const scope = type === "COSTS" ? "org" : "workspace";
  const files: ListPage["data"] = [];
  let cursor = after;
  let pages = 0;
  for (let i = 0; i < 10_000; i++) {
    const q = new URLSearchParams({ event_type: type, after: cursor, limit: String(limit) });
    if (before) q.set("before", before);
    const r = await fetch(`${logsUrl(sim, scope)}?${q}`, { headers: auth(sim.complianceApiKey) });
    expect(r.status).toBe(200);
    const page = (await r.json()) as ListPage;
    pages++;
    files.push(...page.data);
    if (!page.has_more) break;
    expect(page.last_end_time).not.toBeNull();
    expect(Date.parse(page.last_end_time!)).toBeGreaterThanOrEqual(Date.parse(cursor));
    expect(page.last_end_time).not.toBe(cursor);
    cursor = page.last_end_time!;
  }
  return { files, pages };
}

async function download(sim: SimulatorHandle, type: string, id: string): Promise<Buffer> {
  const r = await fetch(`${logsUrl(sim, type === "COSTS" ? "org" : "workspace")}/${id}`, { headers: auth(sim.complianceApiKey) });
  expect(r.status).toBe(200);
  return Buffer.from(await r.arrayBuffer());
}

function sha256(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

function parseLines(b: Buffer): Json[] {
  return b
    .toString("utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Json);
}

async function allEvents(sim: SimulatorHandle, type: string): Promise<Map<string, Json>> {
  const { files } = await listAll(sim, type, "2020-01-01T00:00:00Z");
  const events = new Map<string, Json>();
  for (const f of files) for (const e of parseLines(await download(sim, type, f.id))) events.set(e.event_id as string, e);
  return events;
}

describe("OpenAI simulator over HTTP", () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, users: 40, days: 4, now: NOW });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("lists every visible file exactly once, oldest first, with strictly advancing last_end_time", async () => {
    for (const type of ["CODEX_LOG", "COSTS", "AUTH_LOG"]) {
      const small = await listAll(sim, type, "2020-01-01T00:00:00Z", 7);
      const big = await listAll(sim, type, "2020-01-01T00:00:00Z", 1000);
      expect(small.pages).toBeGreaterThan(3);
      const ids = small.files.map((f) => f.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(big.files.map((f) => f.id));
      const ends = small.files.map((f) => Date.parse(f.end_time));
      expect([...ends].sort((a, b) => a - b)).toEqual(ends);
      // exactly the generator's visible files
      const g = sim.generator;
      const want: string[] = [];
      for (let h = g.startHour; h < NOW.getTime(); h += 3_600_000) if (g.visible(type as "COSTS", h, NOW.getTime())) want.push(g.fileId(type as "COSTS", h));
      expect(new Set(ids)).toEqual(new Set(want));
      for (const f of small.files) {
        expect(f.event_type).toBe(type);
        expect(f.file_name).toMatch(new RegExp(`^${type}_\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00\\.jsonl$`));
        expect(f.end_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      }
    }
  });

  it("honours after (strictly later) and before (strictly earlier)", async () => {
    const { files } = await listAll(sim, "CODEX_LOG", "2020-01-01T00:00:00Z");
    const mid = files[5]!;
    const after = await listAll(sim, "CODEX_LOG", mid.end_time);
    expect(after.files[0]!.id).toBe(files[6]!.id);
    const before = await listAll(sim, "CODEX_LOG", "2020-01-01T00:00:00Z", 100, mid.end_time);
    expect(before.files.map((f) => f.id)).toEqual(files.slice(0, 5).map((f) => f.id));
    const offset = await listAll(sim, "CODEX_LOG", mid.end_time.replace("Z", "+00:00"));
    expect(offset.files[0]!.id).toBe(files[6]!.id);
  });

  it("answers 422 without after, without a time zone, and for a bad limit or event type", async () => {
    const base = logsUrl(sim, "workspace");
    const h = { headers: auth(sim.complianceApiKey) };
    let r = await fetch(`${base}?event_type=CODEX_LOG`, h);
    expect(r.status).toBe(422);
    expect(((await r.json()) as { detail: { loc: string[] }[] }).detail[0]!.loc).toEqual(["query", "after"]);
    r = await fetch(`${base}?event_type=CODEX_LOG&after=2026-09-01T00:00:00`, h);
    expect(r.status).toBe(422);
    r = await fetch(`${base}?event_type=CODEX_LOG&after=2026-09-01T00:00:00Z&limit=0`, h);
    expect(r.status).toBe(422);
    r = await fetch(`${base}?event_type=NOPE&after=2026-09-01T00:00:00Z`, h);
    expect(r.status).toBe(422);
    r = await fetch(`${base}?after=2026-09-01T00:00:00Z`, h);
    expect(r.status).toBe(422);
  });

  it("keeps COSTS under the organisation path and explains the wrong scope", async () => {
    const h = { headers: auth(sim.complianceApiKey) };
    let r = await fetch(`${logsUrl(sim, "workspace")}?event_type=COSTS&after=2026-09-01T00:00:00Z`, h);
    expect(r.status).toBe(400);
    expect(JSON.stringify(await r.json())).toContain("COSTS is an organization-scoped event type");
    r = await fetch(`${logsUrl(sim, "org")}?event_type=AUTH_LOG&after=2026-09-01T00:00:00Z`, h);
    expect(r.status).toBe(400);
    expect(JSON.stringify(await r.json())).toContain("AUTH_LOG is a workspace-scoped event type. Use /v1/compliance/workspaces/");
    r = await fetch(`${logsUrl(sim, "org")}?event_type=COSTS&after=2026-09-01T00:00:00Z`, h);
    expect(r.status).toBe(200);
    // a COSTS file id is not downloadable under the workspace path
    const page = (await r.json()) as ListPage;
    r = await fetch(`${logsUrl(sim, "workspace")}/${page.data[0]!.id}`, h);
    expect(r.status).toBe(404);
  });

  it("answers 401 for a missing or wrong key and 403 for a key without the scope", async () => {
    const list = `${logsUrl(sim, "workspace")}?event_type=CODEX_LOG&after=2026-09-01T00:00:00Z`;
    const usage = `${sim.baseUrl}/v1/analytics/codex/workspaces/${sim.workspaceId}/usage`;
    expect((await fetch(list)).status).toBe(401);
    expect((await fetch(list, { headers: auth("sk-wrong") })).status).toBe(401);
    expect((await fetch(list, { headers: auth(sim.analyticsApiKey) })).status).toBe(403);
    expect((await fetch(usage, { headers: auth(sim.complianceApiKey) })).status).toBe(403);
    const r = await fetch(list, { headers: auth(sim.unscopedApiKey) });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("insufficient_scope");
    expect((await fetch(usage, { headers: auth(sim.analyticsApiKey) })).status).toBe(200);
    expect((await fetch(`${sim.baseUrl}/v1/compliance/workspaces/not-mine/logs?event_type=CODEX_LOG&after=2026-09-01T00:00:00Z`, { headers: auth(sim.complianceApiKey) })).status).toBe(404);
  });

  it("downloads through a 307 signed URL whose sha256 and size match the listing", async () => {
    const { files } = await listAll(sim, "CODEX_LOG", "2020-01-01T00:00:00Z");
    for (const f of files.slice(0, 6)) {
      const r = await fetch(`${logsUrl(sim, "workspace")}/${f.id}`, { headers: auth(sim.complianceApiKey), redirect: "manual" });
      expect(r.status).toBe(307);
      const location = r.headers.get("location")!;
      expect(location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_signed\//);
      const body = Buffer.from(await (await fetch(location)).arrayBuffer());
      expect(body.length).toBe(f.file_size);
      expect(sha256(body)).toBe(f.file_sha256);
      for (const e of parseLines(body)) expect(e.type).toBe("CODEX_LOG");
    }
  });
});

describe("clock-dependent behaviour", () => {
  it("expires signed URLs (410) and drops files older than the retention window", async () => {
    const sim = await startSimulator({ seed: 3, users: 10, days: 2, now: NOW, signedUrlTtlSeconds: 60 });
    try {
      const { files } = await listAll(sim, "AUTH_LOG", "2020-01-01T00:00:00Z");
      const first = files[0]!;
      const r = await fetch(`${logsUrl(sim, "workspace")}/${first.id}`, { headers: auth(sim.complianceApiKey), redirect: "manual" });
      const location = r.headers.get("location")!;
      expect((await fetch(location)).status).toBe(200);
      sim.clock.advance(61_000);
      const gone = await fetch(location);
      expect(gone.status).toBe(410);
      // a fresh request gives a fresh URL
      expect((await download(sim, "AUTH_LOG", first.id)).length).toBe(first.file_size);

      // 30 days later the file is gone from the listing, and its id answers 410
      sim.clock.advance(31 * DAY);
      const later = await listAll(sim, "AUTH_LOG", "2020-01-01T00:00:00Z");
      expect(later.files.find((f) => f.id === first.id)).toBeUndefined();
      expect(later.files.length).toBeGreaterThan(0);
      for (const f of later.files) expect(Date.parse(f.end_time)).toBeGreaterThanOrEqual(sim.clock.now() - 30 * DAY);
      const expired = await fetch(`${logsUrl(sim, "workspace")}/${first.id}`, { headers: auth(sim.complianceApiKey) });
      expect(expired.status).toBe(410);
    } finally {
      await sim.close();
    }
  });

  it("publishes new files as the clock advances, behind the previous last_end_time", async () => {
    const sim = await startSimulator({ seed: 3, users: 30, days: 1, now: NOW });
    try {
      const first = await listAll(sim, "CODEX_LOG", "2020-01-01T00:00:00Z");
      const cursor = first.files[first.files.length - 1]!.end_time;
      expect((await listAll(sim, "CODEX_LOG", cursor)).files).toHaveLength(0);
      sim.clock.advance(3 * 3_600_000);
      const next = await listAll(sim, "CODEX_LOG", cursor);
      expect(next.files.length).toBeGreaterThan(0);
      expect(new Set([...first.files, ...next.files].map((f) => f.id)).size).toBe(first.files.length + next.files.length);
    } finally {
      await sim.close();
    }
  });
});

describe("determinism", () => {
  it("gives the same bytes for the same seed, and different bytes for another seed", async () => {
    const a = await startSimulator({ seed: 11, users: 15, days: 2, now: NOW });
    const b = await startSimulator({ seed: 11, users: 15, days: 2, now: NOW });
    const c = await startSimulator({ seed: 12, users: 15, days: 2, now: NOW });
    try {
      const la = await listAll(a, "CODEX_LOG", "2020-01-01T00:00:00Z");
      const lb = await listAll(b, "CODEX_LOG", "2020-01-01T00:00:00Z");
      expect(lb.files).toEqual(la.files);
      const f = la.files[Math.floor(la.files.length / 2)]!;
      const ba = await download(a, "CODEX_LOG", f.id);
      expect((await download(b, "CODEX_LOG", f.id)).equals(ba)).toBe(true);
      expect((await download(a, "CODEX_LOG", f.id)).equals(ba)).toBe(true);
      const lc = await listAll(c, "CODEX_LOG", "2020-01-01T00:00:00Z");
      expect(lc.files.map((x) => x.file_sha256)).not.toEqual(la.files.map((x) => x.file_sha256));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});

describe("analytics", () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, users: 30, days: 6, now: NOW });
  });
  afterAll(async () => {
    await sim.close();
  });

  async function pages(path: string, limit: number, extra = ""): Promise<{ rows: Json[]; pages: number }> {
    const rows: Json[] = [];
    let page: string | null = null;
    let n = 0;
    for (let i = 0; i < 10_000; i++) {
      const q = new URLSearchParams({ limit: String(limit) });
      if (page) q.set("page", page);
      const r = await fetch(`${sim.baseUrl}/v1/analytics/codex/workspaces/${sim.workspaceId}/${path}?${q}${extra}`, { headers: auth(sim.analyticsApiKey) });
      expect(r.status).toBe(200);
      const body = (await r.json()) as { object: string; data: Json[]; has_more: boolean; next_page: string | null };
      expect(body.object).toBe("page");
      n++;
      rows.push(...body.data);
      if (!body.has_more) {
        expect(body.next_page).toBeNull();
        break;
      }
      page = body.next_page;
    }
    return { rows, pages: n };
  }

  it("pages with limit/page/next_page and returns the same rows as one big page", async () => {
    for (const path of ["usage", "code_reviews", "code_review_responses"]) {
      const small = await pages(path, 3);
      const big = await pages(path, 30_000);
      expect(big.pages).toBe(1);
      expect(small.pages).toBeGreaterThan(1);
      expect(small.rows).toEqual(big.rows);
    }
    const reviews = (await pages("code_reviews", 100)).rows;
    const total = reviews.reduce((a, r) => a + (r.pull_request_reviews as number), 0);
    expect(total).toBeGreaterThan(0);
    for (const r of reviews) {
      const d = r.comment_details as { p0: number; p1: number; p2: number };
      expect(d.p0 + d.p1 + d.p2).toBe(r.comments);
    }
  });

  it("validates start_time/end_time/limit and the 90-day look-back", async () => {
    const url = `${sim.baseUrl}/v1/analytics/codex/workspaces/${sim.workspaceId}/usage`;
    const h = { headers: auth(sim.analyticsApiKey) };
    const now = Math.floor(NOW.getTime() / 1000);
    expect((await fetch(`${url}?limit=0`, h)).status).toBe(422);
    expect((await fetch(`${url}?limit=30001`, h)).status).toBe(422);
    expect((await fetch(`${url}?start_time=abc`, h)).status).toBe(422);
    expect((await fetch(`${url}?start_time=${now - 91 * 86_400}`, h)).status).toBe(422);
    expect((await fetch(`${url}?page=garbage`, h)).status).toBe(422);
    const dayStart = Math.floor(now / 86_400) * 86_400 - 86_400;
    const r = await fetch(`${url}?start_time=${dayStart}&end_time=${dayStart + 86_400}`, h);
    const rows = ((await r.json()) as { data: Json[] }).data;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.start_time).toBe(dayStart);
  });

  it("agrees with CODEX_LOG and COSTS per user and day", async () => {
    const codex = await allEvents(sim, "CODEX_LOG");
    const costs = await allEvents(sim, "COSTS");
    const usage = (await pages("usage", 1000)).rows;
    type T = { uncached: number; cached: number; output: number; credits: number; turns: number };
    const zero = (): T => ({ uncached: 0, cached: 0, output: 0, credits: 0, turns: 0 });
    const add = (m: Map<string, T>, k: string, d: Partial<T>) => {
      const t = m.get(k) ?? zero();
      for (const [f, v] of Object.entries(d) as [keyof T, number][]) t[f] += v;
      m.set(k, t);
    };
    const fromLog = new Map<string, T>();
    for (const e of codex.values()) {
      const d = e.event_details as Json;
      if (d.detail_type !== "PROMPT_RESPONSE_RECEIVED") continue;
      const u = d.token_usage as { input_tokens: number; cached_input_tokens: number; output_tokens: number };
      const key = `${(e.actor as Json).user_id}|${(e.timestamp as string).slice(0, 10)}`;
      add(fromLog, key, { uncached: u.input_tokens - u.cached_input_tokens, cached: u.cached_input_tokens, output: u.output_tokens, turns: 1 });
    }
    const fromCostsNoReview = new Map<string, T>();
    const fromCosts = new Map<string, T>();
    let chatgptRows = 0;
    for (const e of costs.values()) {
      const p = e.payload as Json;
      if (p.product !== "codex") {
        chatgptRows++;
        continue;
      }
      const u = (p.measures as Json).usage as { text_input_tokens: number; text_cached_input_tokens: number; text_output_tokens: number };
      const credits = ((p.measures as Json).billing as { cost: { value: number } }[]).reduce((a, b) => a + Math.round(b.cost.value * 1e4), 0);
      const key = `${(p.identity as Json).user_id}|${p.day}`;
      const d = { uncached: u.text_input_tokens, cached: u.text_cached_input_tokens, output: u.text_output_tokens, credits };
      add(fromCosts, key, d);
      if (p.surface !== "github_code_review") add(fromCostsNoReview, key, d);
    }
    expect(chatgptRows).toBeGreaterThan(0);
    expect(fromLog.size).toBeGreaterThan(20);
    // CODEX_LOG (uncached = input - cached) == COSTS without code review, for every user-day
    for (const [k, v] of fromLog) {
      const c = fromCostsNoReview.get(k);
      expect(c, k).toBeDefined();
      expect([c!.uncached, c!.cached, c!.output]).toEqual([v.uncached, v.cached, v.output]);
    }
    expect(fromCostsNoReview.size).toBe(fromLog.size);
    // Analytics totals == COSTS (code review included), credits to the 1e-4
    const fromUsage = new Map<string, T>();
    for (const r of usage) {
      const t = r.totals as { uncached_text_input_tokens: number; cached_text_input_tokens: number; text_output_tokens: number; credits: number; turns: number; text_total_tokens: number };
      expect(t.text_total_tokens).toBe(t.uncached_text_input_tokens + t.cached_text_input_tokens + t.text_output_tokens);
      const day = new Date((r.start_time as number) * 1000).toISOString().slice(0, 10);
      fromUsage.set(`${r.user_id}|${day}`, { uncached: t.uncached_text_input_tokens, cached: t.cached_text_input_tokens, output: t.text_output_tokens, credits: Math.round(t.credits * 1e4), turns: t.turns });
      const clientSum = (r.clients as { credits: number }[]).reduce((a, c) => a + Math.round(c.credits * 1e4), 0);
      expect(clientSum).toBe(Math.round(t.credits * 1e4));
    }
    const today = NOW.toISOString().slice(0, 10);
    for (const [k, v] of fromCosts) {
      if (k.endsWith(today)) continue; // today is not complete: no analytics row yet
      const u = fromUsage.get(k);
      expect(u, k).toBeDefined();
      expect([u!.uncached, u!.cached, u!.output, u!.credits]).toEqual([v.uncached, v.cached, v.output, v.credits]);
    }
    expect(fromUsage.size).toBe([...fromCosts.keys()].filter((k) => !k.endsWith(today)).length);
  });

  it("plants pasted secrets in about 2% of prompts, and every canary", async () => {
    const codex = await allEvents(sim, "CODEX_LOG");
    const prompts = [...codex.values()].filter((e) => (e.event_details as Json).detail_type === "PROMPT_SENT");
    const planted = sim.generator.plantedSecrets(0, NOW.getTime());
    const byEvent = new Map(prompts.map((e) => [e.event_id as string, (e.event_details as Json).prompt_text as string]));
    let checked = 0;
    for (const s of planted) {
      const text = byEvent.get(s.eventId);
      if (text === undefined) continue; // its hour is not published yet
      expect(text).toContain(s.value);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
    const all = prompts.map((e) => (e.event_details as Json).prompt_text as string).join("\n");
    for (const c of CANARIES) expect(all).toContain(c);
    const engineer = prompts.filter((e) => (e.actor as Json).user_email === ENGINEER_EMAIL);
    expect(engineer.length).toBeGreaterThan(5);
  });
});
