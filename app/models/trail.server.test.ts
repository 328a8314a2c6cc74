import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectRows, type DatabaseHandle } from "../../db/client.server";
import { accessLog, codexSessions, findings, people } from "../../db/schema";
import { createTestDatabase } from "../../tests/setup/test-database";
import { ensureEventPartitions } from "./events.server";
import { decodeCursor, encodeCursor, openTrail, parseTrailParams, startTrailExport, type TrailFilters, type TrailPage } from "./trail.server";
import { Forbidden, type Viewer } from "./viewer";

const auditor: Viewer = { personId: "", email: "auditor@corp.test", name: "Auditor", roles: ["auditor", "viewer"] };
const finance: Viewer = { personId: randomUUID(), email: "finance@corp.test", name: null, roles: ["finance", "viewer"] };
const meta = { ip: "127.0.0.1", userAgent: "vitest" };
const all: TrailFilters = { from: "2026-01-01", to: "2026-03-31", types: [] };
const first = (limit = 50): TrailPage => ({ before: null, after: null, limit });

let handle: DatabaseHandle;
let subjectId = "";
let otherId = "";

type EventSeed = { id: string; at: string; type: string; detail?: string | null; person?: string; session?: string | null; turn?: string | null; text?: string | null; decision?: string | null };

async function insertEvents(rows: EventSeed[]) {
  const db = handle.db;
  await db.transaction(async (tx) => {
    const remember = await ensureEventPartitions({ db: tx, times: rows.map((r) => new Date(r.at)) });
    await tx.execute(sql`
      insert into events (event_id, occurred_at, event_type, detail_type, person_id, session_id, turn_id, model, client_id,
        input_tokens, cached_input_tokens, output_tokens, tool_name, tool_decision, redacted_text, text_kind, text_length, text_fingerprint, finding_count)
      select id, at::timestamptz, type, detail, person::uuid, session, turn, 'gpt-5-codex', 'CODEX_CLI',
        case when detail = 'PROMPT_RESPONSE_RECEIVED' then 100 end, case when detail = 'PROMPT_RESPONSE_RECEIVED' then 40 end,
        case when detail = 'PROMPT_RESPONSE_RECEIVED' then 7 end,
        case when detail = 'TOOL_CALL' then 'shell' end, decision, text, case when text is not null then 'prompt_text' end,
        length(text), case when text is not null then 'fp' end, 0
      from json_to_recordset(${JSON.stringify(rows.map((r) => ({ person: subjectId, session: null, turn: null, text: null, decision: null, detail: null, ...r })))}::json)
        as x(id text, at text, type text, detail text, person text, session text, turn text, text text, decision text)`);
    remember?.();
  });
}

beforeAll(async () => {
  handle = await createTestDatabase();
  const db = handle.db;
  const [a, s, o] = await db
    .insert(people)
    .values([
      { email: "auditor@corp.test", name: "Auditor" },
      { email: "subject@corp.test", name: "Sam Subject", openaiUserId: "user-s" },
      { email: "other@corp.test", name: "Other", openaiUserId: "user-o" },
    ])
    .returning({ id: people.id });
  auditor.personId = a!.id;
  subjectId = s!.id;
  otherId = o!.id;
  await insertEvents([
    { id: "e01", at: "2026-02-27T09:00:00.123456Z", type: "AUTH_LOG", detail: "LOGIN_SUCCEEDED" },
    { id: "e02", at: "2026-02-28T10:00:00Z", type: "CODEX_LOG", detail: "PROMPT_SENT", session: "s1", turn: "t1", text: "deploy with [SECRET:aws_access_key_id:8221539e] for [PII:email:0badcafe]" },
    { id: "e03", at: "2026-02-28T10:00:05Z", type: "CODEX_LOG", detail: "TOOL_CALL", session: "s1", turn: "t1", decision: "denied", text: "rm -rf /" },
    { id: "e04", at: "2026-02-28T10:00:09Z", type: "CODEX_LOG", detail: "PROMPT_RESPONSE_RECEIVED", session: "s1", turn: "t1", text: "=HYPERLINK(\"http://evil\")" },
    // Same instant as e04: the event id breaks the tie.
    { id: "e05", at: "2026-02-28T10:00:09Z", type: "CODEX_SECURITY_LOG", detail: "COMMAND_BLOCKED_BY_POLICY", session: "s1" },
    { id: "e06", at: "2026-03-01T00:00:00Z", type: "AUDIT_LOG", detail: "USER_ROLE_UPDATED" },
    { id: "e07", at: "2026-03-02T08:00:00Z", type: "NEW_LOG_TYPE", detail: null },
    { id: "x01", at: "2026-03-01T12:00:00Z", type: "CODEX_LOG", detail: "PROMPT_SENT", person: "", text: "someone else's" },
    { id: "e00", at: "2025-12-31T23:59:59Z", type: "AUTH_LOG", detail: "LOGOUT" },
  ].map((e) => (e.person === "" ? { ...e, person: otherId } : e)));
  await db.insert(findings).values([
    { eventId: "e02", occurredAt: new Date("2026-02-28T10:00:00Z"), personId: subjectId, field: "prompt_text", type: "aws_access_key_id", kind: "secret", start: 12, end: 32, fingerprint: "8221539e00000000" },
    { eventId: "e02", occurredAt: new Date("2026-02-28T10:00:00Z"), personId: subjectId, field: "prompt_text", type: "email", kind: "pii", start: 37, end: 50, fingerprint: "0badcafe00000000" },
  ]);
  await db.insert(codexSessions).values({ sessionId: "s1", personId: subjectId, clientId: "CODEX_CLI", model: "gpt-5-codex", firstAt: new Date("2026-02-28T10:00:00Z"), lastAt: new Date("2026-02-28T10:00:09Z"), turns: 1 });
});
afterAll(async () => {
  await handle?.close();
});

async function accessEntries() {
  return handle.db.select().from(accessLog).orderBy(accessLog.id);
}

describe("parseTrailParams", () => {
  const now = new Date("2026-03-31T12:00:00Z");
  it("defaults to the last 30 days, all types, 100 a page", () => {
    expect(parseTrailParams(new URLSearchParams(""), now)).toEqual({
      ok: true,
      filters: { from: "2026-03-02", to: "2026-03-31", types: [] },
      page: { before: null, after: null, limit: 100 },
    });
    const cursor = encodeCursor({ at: "2026-02-28T10:00:09.000000Z", id: "e04" });
    const parsed = parseTrailParams(new URLSearchParams(`type=tool&type=prompt&type=tool&before=${cursor}&limit=50`), now);
    expect(parsed).toMatchObject({ ok: true, filters: { types: ["prompt", "tool"] }, page: { before: { id: "e04" }, limit: 50 } });
  });

  it.each([
    ["type=everything", "type"],
    ["before=not*a*cursor", "before"],
    [`after=${Buffer.from("yesterday\ne1").toString("base64url")}`, "after"],
    ["limit=1000", "limit"],
    ["from=2026-13-01", "from"],
    ["from=2020-01-01&to=2026-01-01", "from and to"],
    [`before=${encodeCursor({ at: "2026-01-01T00:00:00Z", id: "a" })}&after=${encodeCursor({ at: "2026-01-01T00:00:00Z", id: "a" })}`, "before and after"],
  ])("%s is a problem naming the parameter", (search, name) => {
    const parsed = parseTrailParams(new URLSearchParams(search), now);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(name);
  });

  it("round-trips cursors with microseconds", () => {
    const cursor = { at: "2026-02-27T09:00:00.123456Z", id: "e01" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor("")).toBeNull();
  });
});

describe("openTrail", () => {
  it("is for auditors and admins only", async () => {
    await expect(openTrail({ db: handle.db, viewer: finance, personId: subjectId, filters: all, page: first(), meta })).rejects.toThrow(Forbidden);
  });

  it("answers null for unknown or malformed ids, and records nothing", async () => {
    const before = (await accessEntries()).length;
    expect(await openTrail({ db: handle.db, viewer: auditor, personId: randomUUID(), filters: all, page: first(), meta })).toBeNull();
    expect(await openTrail({ db: handle.db, viewer: auditor, personId: "not-a-uuid' or 1=1", filters: all, page: first(), meta })).toBeNull();
    expect((await accessEntries()).length).toBe(before);
  });

  it("shows the person's events newest first, with sessions and findings, and logs the look with its filters", async () => {
    const trail = await openTrail({ db: handle.db, viewer: auditor, personId: subjectId, filters: all, page: first(), meta });
    expect(trail).not.toBeNull();
    expect(trail!.events.map((e) => e.eventId)).toEqual(["e07", "e06", "e05", "e04", "e03", "e02", "e01"]);
    expect(trail!.events.find((e) => e.eventId === "e01")?.occurredAt).toBe("2026-02-27T09:00:00.123456Z");
    expect(trail!.events.find((e) => e.eventId === "e03")).toMatchObject({ toolName: "shell", toolDecision: "denied", sessionId: "s1", turnId: "t1" });
    expect(trail!.events.find((e) => e.eventId === "e04")).toMatchObject({ inputTokens: 100, cachedInputTokens: 40, outputTokens: 7 });
    expect(trail!.findings.map((f) => `${f.kind}:${f.type}`)).toEqual(["secret:aws_access_key_id", "pii:email"]);
    expect(trail!.sessions).toEqual([
      { sessionId: "s1", clientId: "CODEX_CLI", model: "gpt-5-codex", firstAt: "2026-02-28T10:00:00.000000Z", lastAt: "2026-02-28T10:00:09.000000Z", turns: 1 },
    ]);
    expect(trail!.newer).toBeNull();
    expect(trail!.older).toBeNull();
    const last = (await accessEntries()).at(-1)!;
    expect(last).toMatchObject({
      action: "trail_viewed",
      actorPersonId: auditor.personId,
      actorEmail: "auditor@corp.test",
      subjectPersonId: subjectId,
      ip: "127.0.0.1",
      details: { filters: { from: "2026-01-01", to: "2026-03-31", types: ["all"] }, page: "newest", limit: 50 },
    });
  });

  it("filters by type and by date range (UTC days, end day included)", async () => {
    const f = async (filters: Partial<TrailFilters>) =>
      (await openTrail({ db: handle.db, viewer: auditor, personId: subjectId, filters: { ...all, ...filters }, page: first(), meta }))!.events.map((e) => e.eventId);
    expect(await f({ types: ["prompt", "tool"] })).toEqual(["e03", "e02"]);
    expect(await f({ types: ["response"] })).toEqual(["e04"]);
    expect(await f({ types: ["auth", "admin", "security"] })).toEqual(["e06", "e05", "e01"]);
    expect(await f({ types: ["other"] })).toEqual(["e07"]);
    expect(await f({ from: "2026-02-28", to: "2026-03-01" })).toEqual(["e06", "e05", "e04", "e03", "e02"]);
    expect(await f({ from: "2025-12-01", to: "2025-12-31" })).toEqual(["e00"]);
  });

  it("pages by keyset both ways without gaps or repeats, ties broken by event id", async () => {
    const seen: string[] = [];
    let page = await openTrail({ db: handle.db, viewer: auditor, personId: subjectId, filters: all, page: { before: null, after: null, limit: 2 }, meta });
    const pages = [page!.events.map((e) => e.eventId)];
    seen.push(...pages[0]!);
    while (page!.older) {
      page = await openTrail({ db: handle.db, viewer: auditor, personId: subjectId, filters: all, page: { before: decodeCursor(page!.older), after: null, limit: 2 }, meta });
      pages.push(page!.events.map((e) => e.eventId));
      seen.push(...pages.at(-1)!);
      expect(page!.newer).not.toBeNull();
    }
    expect(pages).toEqual([["e07", "e06"], ["e05", "e04"], ["e03", "e02"], ["e01"]]);
    // And back up from the last page.
    const newer = await openTrail({ db: handle.db, viewer: auditor, personId: subjectId, filters: all, page: { before: null, after: decodeCursor(page!.newer!), limit: 2 }, meta });
    expect(newer!.events.map((e) => e.eventId)).toEqual(["e03", "e02"]);
    expect(newer!.older).not.toBeNull();
    expect(newer!.newer).not.toBeNull();
    const top = await openTrail({ db: handle.db, viewer: auditor, personId: subjectId, filters: all, page: { before: null, after: decodeCursor(encodeCursor({ at: "2026-02-28T10:00:09.000000Z", id: "e05" })), limit: 2 }, meta });
    expect(top!.events.map((e) => e.eventId)).toEqual(["e07", "e06"]);
    expect(top!.newer).toBeNull();
    const pagesLogged = (await accessEntries()).filter((e) => e.action === "trail_viewed").map((e) => (e.details as { page: string }).page);
    expect(pagesLogged.slice(-6)).toEqual(["newest", "older", "older", "older", "newer", "newer"]);
  });
});

describe("trail exports", () => {
  async function collect<T>(items: AsyncIterable<T>) {
    const out: T[] = [];
    for await (const item of items) out.push(item);
    return out;
  }

  it("records the export, then streams every event oldest first as CSV rows and as a case file", async () => {
    const exp = await startTrailExport({ db: handle.db, viewer: auditor, personId: subjectId, filters: { ...all, types: ["prompt", "tool", "response"] }, format: "ndjson", meta });
    const entry = (await accessEntries()).at(-1)!;
    expect(entry).toMatchObject({ action: "trail_exported", subjectPersonId: subjectId, details: { format: "ndjson", filters: { types: ["prompt", "tool", "response"] } } });
    const rows = await collect(exp!.csvRows());
    expect(rows.map((r) => r.event_id)).toEqual(["e02", "e03", "e04"]);
    expect(rows[0]).toMatchObject({ finding_types: "secret:aws_access_key_id;pii:email", text_kind: "prompt_text" });
    const records = await collect(exp!.caseFile());
    expect(records[0]).toMatchObject({ record: "case_file", subject: { person_id: subjectId, email: "subject@corp.test" }, generated_by: { email: "auditor@corp.test" } });
    expect(records.slice(1, -1).map((r) => r.eventId)).toEqual(["e02", "e03", "e04"]);
    expect(records.at(-1)).toEqual({ record: "end", events: 3 });
    expect(JSON.stringify(records)).not.toContain("someone else");
  });

  it("answers null for an unknown person and refuses finance", async () => {
    expect(await startTrailExport({ db: handle.db, viewer: auditor, personId: randomUUID(), filters: all, format: "csv", meta })).toBeNull();
    await expect(startTrailExport({ db: handle.db, viewer: finance, personId: subjectId, filters: all, format: "csv", meta })).rejects.toThrow(Forbidden);
  });
});

describe("a person with 100,000 events", () => {
  it("pages through a bounded range in the same few reads, whatever the depth", async () => {
    const db = handle.db;
    const [big] = await db.insert(people).values({ email: "busy@corp.test", openaiUserId: "user-busy" }).returning({ id: people.id });
    await db.transaction(async (tx) => {
      const remember = await ensureEventPartitions({ db: tx, times: [new Date("2026-01-15T00:00:00Z"), new Date("2026-02-15T00:00:00Z")] });
      // 100,000 events, one every 45 seconds from 2026-01-15: about 52 days across two month partitions.
      await tx.execute(sql`
        insert into events (event_id, occurred_at, event_type, detail_type, person_id, session_id)
        select 'busy-' || lpad(g::text, 6, '0'), '2026-01-15T00:00:00Z'::timestamptz + (g * interval '45 seconds'),
          'CODEX_LOG', case when g % 3 = 0 then 'PROMPT_SENT' when g % 3 = 1 then 'PROMPT_RESPONSE_RECEIVED' else 'TOOL_CALL' end,
          ${big!.id}::uuid, 'busy-s' || (g / 30)
        from generate_series(1, 100000) g`);
      remember?.();
    });
    await db.execute(sql`analyze events`);
    const filters: TrailFilters = { from: "2026-01-01", to: "2026-03-31", types: [] };
    const time = async (page: TrailPage) => {
      const started = performance.now();
      const trail = await openTrail({ db, viewer: auditor, personId: big!.id, filters, page, meta });
      return { trail: trail!, ms: performance.now() - started };
    };
    const top = await time({ before: null, after: null, limit: 100 });
    expect(top.trail.events[0]?.eventId).toBe("busy-100000");
    const deep = await time({ before: { at: "2026-01-15T00:45:00.000000Z", id: "busy-000060" }, after: null, limit: 100 });
    expect(deep.trail.events.map((e) => e.eventId).slice(0, 2)).toEqual(["busy-000059", "busy-000058"]);
    expect(deep.trail.events).toHaveLength(59);
    expect(deep.trail.older).toBeNull();
    // Generous bounds for a shared test machine; the point is that depth does not matter.
    expect(top.ms).toBeLessThan(3000);
    expect(deep.ms).toBeLessThan(3000);
    if (handle.kind === "postgres") {
      const plan = await selectRows<{ "QUERY PLAN": string }>(
        db,
        sql`explain select event_id from events e where e.person_id = ${big!.id} and e.occurred_at >= '2026-01-01' and e.occurred_at < '2026-04-01'
            and e.occurred_at <= '2026-02-01T00:00:00Z' and (e.occurred_at < '2026-02-01T00:00:00Z' or e.event_id < 'busy-050000')
            order by e.occurred_at desc, e.event_id desc limit 101`,
      );
      expect(plan.map((r) => r["QUERY PLAN"]).join("\n")).toMatch(/events_y2026m0[12]_person_id_occurred_at_idx|person_time/);
    }
  }, 120_000);
});
