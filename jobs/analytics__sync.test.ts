import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { selectRows, type DatabaseHandle } from "../db/client.server";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../app/lib/openai/http.server";
import type { OpenAIConnection } from "../app/lib/openai/connection";
import { codeReviewsByDay, parseAnalyticsPage, usageByDay } from "../app/models/analytics.server";
import { Forbidden, type Viewer } from "../app/models/viewer";
import { startSimulator, USD_PER_CREDIT, type SimulatorHandle } from "../scripts/simulator/index";
import { createTestDatabase } from "../tests/setup/test-database";
import { syncAnalytics, type SourceSummary } from "./analytics__sync";

const NOW = new Date("2026-03-18T09:00:00Z"); // a Wednesday
const DAY = 86_400_000;
const TODAY = Math.floor(NOW.getTime() / DAY);
const BACKFILL = 12;
const SIM = { seed: 11, users: 25, days: 16, now: NOW, slowMaxMs: 40, hangMs: 400 } as const;
const dayText = (d: number) => new Date(d * DAY).toISOString().slice(0, 10);

// Fast retries: the simulator's Retry-After and our backoff are honoured by a sleep that returns at once.
const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, timeoutMs: 5_000, sleep: async () => {} };

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

async function clean() {
  await handle.db.execute(
    sql`truncate analytics_usage_daily, analytics_code_reviews_daily, analytics_code_review_responses_daily, sync_cursors, sync_gaps`,
  );
}

const connectionOf = (sim: SimulatorHandle, over: Partial<OpenAIConnection> = {}): OpenAIConnection => ({
  apiBase: sim.baseUrl,
  analyticsApiKey: sim.analyticsApiKey,
  workspaceId: sim.workspaceId,
  ...over,
});

function run(sim: SimulatorHandle, over: { now?: Date; policy?: RetryPolicy; connection?: OpenAIConnection } = {}) {
  return syncAnalytics({
    db: handle.db,
    connection: over.connection ?? connectionOf(sim),
    now: over.now ?? new Date(sim.clock.now()),
    backfillDays: BACKFILL,
    policy: over.policy ?? policy,
    pageSize: 7,
  });
}

/* ───────────── what the generator says must be stored ───────────── */

type Metrics = { creditUnits: number; uncached: number; cached: number; output: number };
const metricsJson = (m: Metrics) => ({
  credits: m.creditUnits / 1e4,
  uncached_text_input_tokens: m.uncached,
  cached_text_input_tokens: m.cached,
  text_output_tokens: m.output,
  text_total_tokens: m.uncached + m.cached + m.output,
});

function expectedUsage(sim: SimulatorHandle, from: number, to: number) {
  const out = [];
  for (let day = from; day <= to; day++) {
    for (const r of sim.generator.usageRows(day)) {
      out.push({
        day: dayText(day),
        openai_user_id: r.person.id,
        email: r.person.email,
        threads: r.threads,
        turns: r.turns,
        credit_units: r.metrics.creditUnits,
        cost_units: 0,
        estimated_cost_units: Math.round(r.metrics.creditUnits * USD_PER_CREDIT),
        input_tokens: r.metrics.uncached,
        cached_input_tokens: r.metrics.cached,
        output_tokens: r.metrics.output,
        total_tokens: r.metrics.uncached + r.metrics.cached + r.metrics.output,
        clients: r.clients.map((c) => ({ client_id: c.clientId, threads: c.threads, turns: c.turns, ...metricsJson(c.metrics) })),
        models: r.models.map((m) => ({ model: m.model, speed: m.speed, ...metricsJson(m.metrics) })),
        code_attribution: { lines_added: r.linesAdded, lines_removed: r.linesRemoved },
        has_person: true,
      });
    }
  }
  return out.sort((a, b) => (a.day + a.openai_user_id < b.day + b.openai_user_id ? -1 : 1));
}

function expectedReviews(sim: SimulatorHandle, from: number, to: number) {
  const reviews = [];
  const responses = [];
  for (let day = from; day <= to; day++) {
    const { completed: c, merged: m } = sim.generator.reviewDay(day);
    reviews.push({ day: dayText(day), pull_request_reviews: c.reviews, comments: c.comments, p0: c.p0, p1: c.p1, p2: c.p2 });
    const reactions = m.upvoted + m.downvoted + m.reactedOther;
    responses.push({
      day: dayText(day),
      pull_request_reviews: m.reviews,
      comments: m.comments,
      replies: m.replies,
      reactions,
      upvotes: m.upvoted,
      downvotes: m.downvoted,
      other_reactions: m.reactedOther,
      engaged: m.engaged,
      reacted: reactions,
      upvoted: m.upvoted,
      downvoted: m.downvoted,
      reacted_other: m.reactedOther,
      replied: m.replied,
    });
  }
  return { reviews, responses };
}

async function storedUsage() {
  const rows = await selectRows<Record<string, unknown>>(handle.db, sql`
    select to_char(day, 'YYYY-MM-DD') as day, openai_user_id, email, threads, turns,
      (credits * 10000)::float8 as credit_units, (cost_usd * 10000)::float8 as cost_units,
      (estimated_cost_usd * 10000)::float8 as estimated_cost_units, input_tokens::float8 as input_tokens,
      cached_input_tokens::float8 as cached_input_tokens, output_tokens::float8 as output_tokens, total_tokens::float8 as total_tokens,
      clients::text as clients, models::text as models, code_attribution::text as code_attribution,
      (person_id is not null and exists (select 1 from people p where p.id = u.person_id and p.openai_user_id = u.openai_user_id)) as has_person
    from analytics_usage_daily u order by day, openai_user_id
  `);
  return rows.map((r) => ({
    ...r,
    clients: JSON.parse(r.clients as string),
    models: JSON.parse(r.models as string),
    code_attribution: JSON.parse(r.code_attribution as string),
  }));
}

async function storedReviews() {
  const reviews = await selectRows(handle.db, sql`
    select to_char(day, 'YYYY-MM-DD') as day, pull_request_reviews, comments, p0, p1, p2 from analytics_code_reviews_daily order by day
  `);
  const responses = await selectRows(handle.db, sql`
    select to_char(day, 'YYYY-MM-DD') as day, pull_request_reviews, comments, replies, reactions, upvotes, downvotes, other_reactions,
      engaged, reacted, upvoted, downvoted, reacted_other, replied
    from analytics_code_review_responses_daily order by day
  `);
  return { reviews, responses };
}

async function expectExactly(sim: SimulatorHandle, from: number, to: number) {
  const usage = await storedUsage();
  const expected = expectedUsage(sim, from, to);
  expect(usage.length).toBe(expected.length);
  expect(usage).toEqual(expected);
  expect(await storedReviews()).toEqual(expectedReviews(sim, from, to));
}

/** A hash over every stored analytics row in order, fetched_at aside. */
async function contentHash() {
  const [row] = await selectRows<{ h: string }>(handle.db, sql`
    select md5(
      (select coalesce(string_agg((to_jsonb(t) - 'fetched_at')::text, '|' order by t.day, t.openai_user_id), '') from analytics_usage_daily t) ||
      (select coalesce(string_agg((to_jsonb(t) - 'fetched_at')::text, '|' order by t.day), '') from analytics_code_reviews_daily t) ||
      (select coalesce(string_agg((to_jsonb(t) - 'fetched_at')::text, '|' order by t.day), '') from analytics_code_review_responses_daily t)
    ) as h
  `);
  return row!.h;
}

async function cursors() {
  return selectRows<{ stream: string; position: string | null; position_time: string | null; last_error: string | null }>(handle.db, sql`
    select stream, position, to_char(position_time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as position_time, last_error
    from sync_cursors where source = 'analytics' order by stream
  `);
}

const byStream = (summaries: SourceSummary[]) => Object.fromEntries(summaries.map((s) => [s.eventType, s]));

/* ───────────── tests ───────────── */

describe("syncAnalytics against the simulator", () => {
  let sim: SimulatorHandle;
  let cleanHash = "";
  beforeAll(async () => {
    sim = await startSimulator(SIM);
    await clean();
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("stores exactly the generator's rows, with people, and advances the cursors", async () => {
    const summaries = await run(sim);
    const s = byStream(summaries);
    for (const summary of summaries) {
      expect(Object.keys(summary).sort()).toEqual(["errors", "eventType", "events", "files", "newEvents", "source"]);
      expect(summary.source).toBe("analytics");
      expect(summary.errors).toEqual([]);
      expect(summary.files).toBeGreaterThan(1);
      expect(summary.newEvents).toBe(summary.events);
    }
    const from = TODAY - BACKFILL;
    await expectExactly(sim, from, TODAY - 1);
    expect(s.usage!.events).toBe(expectedUsage(sim, from, TODAY - 1).length);
    expect(s.code_reviews!.events).toBe(BACKFILL);
    // Yesterday ended only 9 h ago: not settled, so it is the first day not known complete.
    const position = dayText(TODAY - 1);
    expect(await cursors()).toEqual(
      ["code_review_responses", "code_reviews", "usage"].map((stream) => ({ stream, position, position_time: `${position}T00:00:00`, last_error: null })),
    );
    cleanHash = await contentHash();
  });

  it("a second run adds nothing and changes nothing", async () => {
    const summaries = await run(sim);
    for (const summary of summaries) {
      expect(summary.errors).toEqual([]);
      expect(summary.newEvents).toBe(0);
      expect(summary.events).toBeGreaterThan(0); // the re-fetch margin was read again
    }
    expect(await contentHash()).toBe(cleanHash);
  });

  it("reads for the console are scoped by the viewer's role", async () => {
    const viewer: Viewer = { personId: "00000000-0000-0000-0000-000000000000", email: "v@x.test", name: null, roles: ["finance", "viewer"] };
    const from = dayText(TODAY - BACKFILL);
    const to = dayText(TODAY - 1);
    const usage = await usageByDay({ db: handle.db, viewer, from, to });
    const expected = expectedUsage(sim, TODAY - BACKFILL, TODAY - 1);
    expect(usage.reduce((a, d) => a + d.turns, 0)).toBe(expected.reduce((a, r) => a + r.turns, 0));
    expect(usage.reduce((a, d) => a + d.cachedInputTokens, 0)).toBe(expected.reduce((a, r) => a + r.cached_input_tokens, 0));
    const reviews = await codeReviewsByDay({ db: handle.db, viewer, from, to });
    expect(reviews.map((d) => d.p0 + d.p1 + d.p2)).toEqual(reviews.map((d) => d.comments));
    expect(reviews).toHaveLength(BACKFILL);
    await expect(usageByDay({ db: handle.db, viewer: { ...viewer, roles: [] }, from, to })).rejects.toBeInstanceOf(Forbidden);
  });

  it("a later run starts from the cursor and stores the new days", async () => {
    sim.clock.set(new Date(NOW.getTime() + 2 * DAY));
    const summaries = await run(sim);
    for (const summary of summaries) expect(summary.errors).toEqual([]);
    await expectExactly(sim, TODAY - BACKFILL, TODAY + 1);
    expect((await cursors()).map((c) => c.position)).toEqual([dayText(TODAY + 1), dayText(TODAY + 1), dayText(TODAY + 1)]);
  });

  it("converges after a stored row was changed behind its back (a revised day)", async () => {
    const before = await contentHash();
    await handle.db.execute(sql`update analytics_usage_daily set turns = turns + 1000 where day = ${dayText(TODAY - 2)}::date`);
    await handle.db.execute(sql`update analytics_code_reviews_daily set p0 = p0 + 7 where day = ${dayText(TODAY)}::date`);
    const s = byStream(await run(sim));
    expect(s.usage!.newEvents).toBe(expectedUsage(sim, TODAY - 2, TODAY - 2).length);
    expect(s.code_reviews!.newEvents).toBe(1);
    expect(await contentHash()).toBe(before);
  });

  it("a cursor behind the 90-day look-back records a gap instead of a 422", async () => {
    sim.clock.set(NOW);
    await clean();
    await handle.db.execute(sql`
      insert into sync_cursors (source, scope, stream, position) values ('analytics', ${`workspace:${sim.workspaceId}`}, 'code_reviews', ${dayText(TODAY - 120)})
    `);
    const [summary] = await syncAnalytics({ db: handle.db, connection: connectionOf(sim), now: NOW, backfillDays: BACKFILL, policy, streams: ["code_reviews"] });
    expect(summary!.errors).toHaveLength(1);
    expect(summary!.errors[0]).toContain("look-back");
    expect(summary!.files).toBeGreaterThan(0);
    const gaps = await selectRows(handle.db, sql`select stream, to_char(gap_from at time zone 'UTC', 'YYYY-MM-DD') as gap_from from sync_gaps`);
    expect(gaps).toEqual([{ stream: "code_reviews", gap_from: dayText(TODAY - 120) }]);
  });

  it("explains a key without the scope (403) and a wrong key (401) in words, per stream", async () => {
    await clean();
    const forbidden = await run(sim, { connection: connectionOf(sim, { analyticsApiKey: sim.unscopedApiKey }) });
    for (const summary of forbidden) {
      expect(summary.errors).toHaveLength(1);
      expect(summary.errors[0]).toContain("OPENAI_ANALYTICS_API_KEY lacks the codex.enterprise.analytics.read scope");
      expect(summary.errors[0]).toContain("(403)");
      expect(summary.files).toBe(0);
    }
    const wrong = await run(sim, { connection: connectionOf(sim, { analyticsApiKey: "sk-wrong" }) });
    expect(wrong[0]!.errors[0]).toContain("OpenAI rejected OPENAI_ANALYTICS_API_KEY");
    const recorded = await cursors();
    expect(recorded.map((c) => c.position)).toEqual([null, null, null]);
    expect(recorded[0]!.last_error).toContain("(401)");
    const missing = await run(sim, { connection: { apiBase: sim.baseUrl } });
    expect(missing.map((s) => s.errors)).toEqual(
      ["usage", "code_reviews", "code_review_responses"].map((stream) => [
        `Codex Analytics ${stream} not synced: OPENAI_WORKSPACE_ID and OPENAI_ANALYTICS_API_KEY not set.`,
      ]),
    );
  });

  for (const fault of ["ratelimit", "5xx", "slow", "timeout", "analytics-iso-time", "schema-drift"]) {
    it(`ends in exactly the expected rows under the "${fault}" fault`, async () => {
      await clean();
      const faulty = await startSimulator({ ...SIM, faults: [fault] });
      try {
        const retries: string[] = [];
        const faultPolicy: RetryPolicy = { ...policy, timeoutMs: fault === "timeout" ? 200 : 5_000, onRetry: (r) => retries.push(r.reason) };
        const summaries = await run(faulty, { policy: faultPolicy });
        for (const summary of summaries) expect(summary.errors).toEqual([]);
        if (["ratelimit", "5xx", "timeout"].includes(fault)) expect(retries.length).toBeGreaterThan(0);
        await expectExactly(faulty, TODAY - BACKFILL, TODAY - 1);
        expect(await contentHash()).toBe(cleanHash);
        const again = await run(faulty, { policy: faultPolicy });
        expect(again.map((s) => s.newEvents)).toEqual([0, 0, 0]);
      } finally {
        await faulty.close();
      }
    });
  }

  it("analytics-lag: a later run picks up the days published late", async () => {
    await clean();
    const lagging = await startSimulator({ ...SIM, faults: ["analytics-lag"] });
    try {
      const first = await run(lagging);
      for (const summary of first) expect(summary.errors).toEqual([]);
      const cursorAfterFirst = (await cursors())[0]!.position!;
      const stored = await storedReviews();
      // The lag publishes a prefix of days: whatever is stored is exact, and the cursor waits at the first missing day.
      const lastStored = Date.parse(`${stored.reviews.at(-1)!.day as string}T00:00:00Z`) / DAY;
      expect(lastStored).toBeLessThan(TODAY - 1);
      expect(cursorAfterFirst).toBe(dayText(lastStored + 1));
      expect(stored).toEqual(expectedReviews(lagging, TODAY - BACKFILL, lastStored));

      lagging.clock.advance(7 * DAY);
      const second = await run(lagging);
      for (const summary of second) expect(summary.errors).toEqual([]);
      expect(byStream(second).code_reviews!.newEvents).toBeGreaterThan(0);
      const published = Date.parse(`${(await storedReviews()).reviews.at(-1)!.day as string}T00:00:00Z`) / DAY;
      expect(published).toBeGreaterThanOrEqual(TODAY); // every day the first run missed has arrived
      await expectExactly(lagging, TODAY - BACKFILL, published);
    } finally {
      await lagging.close();
    }
  });
});

describe("rows that fail validation", () => {
  let server: Server;
  let base = "";
  const day0 = Date.UTC(2026, 2, 10) / 1000;
  const rows = [
    { start_time: day0, end_time: day0 + 86_400, user_id: "user-ok-1", actor: { user_id: "user-ok-1", email: "ok1@corp.test" }, totals: { threads: 1, turns: "3", credits: "1.5" }, trace_id: "t-1" },
    { start_time: day0 + 86_400, end_time: day0 + 2 * 86_400, user_id: "user-bad", actor: { email: "secret-person@corp.test" }, totals: { threads: 1, turns: "three", credits: 1 } },
    { start_time: new Date((day0 + 2 * 86_400) * 1000).toISOString(), end_time: new Date((day0 + 3 * 86_400) * 1000).toISOString(), user_id: "user-ok-2", totals: { threads: 2, turns: 4, credits: 2, text_total_tokens: 9, extra_metric: 1 } },
  ];
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "page", data: rows, has_more: false, next_page: null }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(clean);

  it("are counted and named (page, row, field, never the value), the others stored, the cursor held", async () => {
    const [summary] = await syncAnalytics({
      db: handle.db,
      connection: { apiBase: base, analyticsApiKey: "k", workspaceId: "ws-edge" },
      now: new Date(Date.UTC(2026, 2, 20, 12)),
      backfillDays: 30,
      policy,
      streams: ["usage"],
    });
    expect(summary!.events).toBe(3);
    expect(summary!.newEvents).toBe(2);
    expect(summary!.errors).toEqual(["usage page 1: 1 row failed validation and was not stored (row 2 (2026-03-11): totals.turns (invalid))."]);
    expect(summary!.errors.join(" ")).not.toContain("secret-person");
    const stored = await selectRows(handle.db, sql`
      select openai_user_id, to_char(day, 'YYYY-MM-DD') as day, turns, credits::text as credits, total_tokens::int as total, attributes::text as attributes
      from analytics_usage_daily order by day
    `);
    expect(stored.map((r) => ({ ...r, attributes: JSON.parse(r.attributes as string) }))).toEqual([
      { openai_user_id: "user-ok-1", day: "2026-03-10", turns: 3, credits: "1.500000", total: 0, attributes: { trace_id: "t-1" } },
      { openai_user_id: "user-ok-2", day: "2026-03-12", turns: 4, credits: "2.000000", total: 9, attributes: { totals_extra: { extra_metric: 1 } } },
    ]);
    // The day with the rejected row is not complete: the cursor waits there and the next run fetches it again.
    expect((await cursors()).map((c) => c.position)).toEqual(["2026-03-11"]);
  });

  it("parses Unix seconds and ISO times alike and rejects rows that are not one day", () => {
    const page = parseAnalyticsPage({
      stream: "code_reviews",
      page: 4,
      data: [
        { start_time: "2026-03-10T00:00:00+00:00", end_time: "2026-03-11T00:00:00.000+00:00", pull_request_reviews: 2, comments: 3, comment_details: { p0: 1, p1: 1, p2: 1, p3: 9 } },
        { start_time: day0, end_time: day0 + 7 * 86_400, pull_request_reviews: 1, comments: 0 },
        { end_time: day0, pull_request_reviews: 1, comments: 0 },
      ],
    });
    expect(page.rows).toEqual([
      { day: "2026-03-10", pullRequestReviews: 2, comments: 3, p0: 1, p1: 1, p2: 1, attributes: { comment_details_extra: { p3: 9 } } },
    ]);
    expect(page.problems).toEqual([
      { row: 2, day: "2026-03-10", fields: ["end_time (the row does not span one day)"] },
      { row: 3, day: null, fields: ["start_time (invalid)"] },
    ]);
  });
});
