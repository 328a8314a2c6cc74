import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectRows, type DatabaseHandle } from "../../db/client.server";
import { people } from "../../db/schema";
import { createTestDatabase } from "../../tests/setup/test-database";
import { createRedactor } from "../lib/redaction";
import { ensureEventPartitions } from "./events.server";
import { decodeCursor, encodeCursor, getFindingsPage, lookupValue } from "./findings.server";
import { Forbidden, type Viewer } from "./viewer";

const key = randomBytes(32);
const redactor = createRedactor({ key, detectIpAddresses: true });
const meta = { ip: "127.0.0.1", userAgent: "vitest" };

// Synthetic values only.
const GITHUB = "ghp_" + "Zq8Rt2Vw6Yx1Ab4Cd7Ef0Gh3Ij5Kl9Mn2Op6Q";
const EMAIL = "carol.tanaka@example.com";

let handle: DatabaseHandle;
let auditor: Viewer;
let viewerOnly: Viewer;
let alice: string;
let bob: string;

async function storeEvent(id: string, at: string, personId: string, text: string, opts: { keepText?: boolean; eventType?: string } = {}) {
  const occurredAt = new Date(at);
  (await ensureEventPartitions({ db: handle.db, times: [occurredAt] }))?.();
  const result = redactor.redact(text);
  await handle.db.execute(sql`
    insert into events (event_id, occurred_at, event_type, person_id, text_kind, text_length, text_fingerprint, redacted_text, finding_count)
    values (${id}, ${at}::timestamptz, ${opts.eventType ?? "CODEX_LOG"}, ${personId}::uuid, 'prompt', ${result.length}, ${result.textFingerprint},
            ${opts.keepText === false ? null : result.redacted}, ${result.findings.length})`);
  for (const f of result.findings) {
    await handle.db.execute(sql`
      insert into findings (event_id, occurred_at, person_id, field, type, kind, start, "end", fingerprint)
      values (${id}, ${at}::timestamptz, ${personId}::uuid, 'prompt', ${f.type}, ${f.kind}, ${f.start}, ${f.end}, ${f.fingerprint})`);
  }
  return result;
}

beforeAll(async () => {
  handle = await createTestDatabase();
  const inserted = await handle.db
    .insert(people)
    .values([
      { email: "auditor@corp.test", name: "Audrey" },
      { email: "alice@corp.test", name: "Alice" },
      { email: "bob@corp.test", name: "Bob" },
    ])
    .returning({ id: people.id, email: people.email });
  const id = (email: string) => inserted.find((p) => p.email === email)!.id;
  auditor = { personId: id("auditor@corp.test"), email: "auditor@corp.test", name: "Audrey", roles: ["auditor", "viewer"] };
  viewerOnly = { personId: id("auditor@corp.test"), email: "auditor@corp.test", name: "Audrey", roles: ["viewer"] };
  alice = id("alice@corp.test");
  bob = id("bob@corp.test");

  await storeEvent("e1", "2026-03-02T10:00:00Z", alice, `mail ${EMAIL} then export GH=${GITHUB} and more`);
  await storeEvent("e2", "2026-03-02T11:00:00Z", bob, `token ${GITHUB}`);
  await storeEvent("e3", "2026-03-05T09:30:00Z", alice, "just the email carol.tanaka@example.com here", { eventType: "CODEX_SECURITY_LOG" });
  await storeEvent("e4", "2026-03-06T08:00:00Z", bob, `old text gone ${GITHUB}`, { keepText: false });
  await storeEvent("e5", "2026-02-01T08:00:00Z", bob, `outside the range ${GITHUB}`);
  await storeEvent("e6", "2026-03-07T08:00:00Z", alice, "the exact text that was pasted, no secrets in it");
});
afterAll(async () => {
  await handle?.close();
});

async function accessLog(action: string) {
  return selectRows<{ action: string; details: Record<string, unknown>; actor_email: string }>(
    handle.db,
    sql`select action, details, actor_email from access_log where action = ${action} order by id`,
  );
}

describe("getFindingsPage", () => {
  const range = { from: "2026-03-01", to: "2026-03-31" };

  it("counts findings by type, person and day in the range, and lists them newest first with placeholders and excerpts", async () => {
    const page = await getFindingsPage({ db: handle.db, viewer: auditor, filters: range, meta });
    expect(page.total).toBe(5);
    expect(page.byType).toEqual([
      { type: "github_token", kind: "secret", count: 3 },
      { type: "email", kind: "pii", count: 2 },
    ]);
    expect(page.byPerson.map((p) => [p.email, p.count])).toEqual([
      ["alice@corp.test", 3],
      ["bob@corp.test", 2],
    ]);
    expect(page.byDay).toEqual([
      { day: "2026-03-02", count: 3 },
      { day: "2026-03-05", count: 1 },
      { day: "2026-03-06", count: 1 },
    ]);
    expect(page.rows.map((r) => [r.eventId, r.type])).toEqual([
      ["e4", "github_token"],
      ["e3", "email"],
      ["e2", "github_token"],
      ["e1", "github_token"],
      ["e1", "email"],
    ]);
    const gh = redactor.redact(GITHUB).findings[0]!;
    const e1token = page.rows.find((r) => r.eventId === "e1" && r.type === "github_token")!;
    expect(e1token.placeholder).toBe(`[SECRET:github_token:${gh.fingerprint.slice(0, 8)}]`);
    // The second finding of e1 sits after the email's placeholder, which has another length than the email.
    expect(e1token.excerpt).toEqual({ before: `mail [PII:email:${redactor.fingerprintValue(EMAIL).slice(0, 8)}] then export GH=`, placeholder: e1token.placeholder, after: " and more" });
    expect(page.rows.find((r) => r.eventId === "e4")!.excerpt).toBeNull(); // text expired
    expect(page.rows.find((r) => r.eventId === "e3")!.eventType).toBe("CODEX_SECURITY_LOG");
    expect(page.rows.find((r) => r.eventId === "e2")!.personEmail).toBe("bob@corp.test");
    for (const r of page.rows) {
      expect(JSON.stringify(r)).not.toContain(GITHUB);
      expect(JSON.stringify(r)).not.toContain(EMAIL);
    }
    const [logged] = (await accessLog("dlp_findings_viewed")).slice(-1);
    expect(logged).toMatchObject({ actor_email: "auditor@corp.test", details: { from: "2026-03-01", to: "2026-03-31", rows: 5 } });
  });

  it("filters by type and person, narrows the list to a day, and pages with a keyset cursor", async () => {
    const byType = await getFindingsPage({ db: handle.db, viewer: auditor, filters: { ...range, type: "github_token", person: bob }, meta });
    expect(byType.total).toBe(2);
    expect(byType.rows.map((r) => r.eventId)).toEqual(["e4", "e2"]);
    const day = await getFindingsPage({ db: handle.db, viewer: auditor, filters: { ...range, day: "2026-03-02" }, meta });
    expect(day.total).toBe(5); // the counts keep the whole range
    expect(day.rows.map((r) => r.eventId)).toEqual(["e2", "e1", "e1"]);

    const first = await getFindingsPage({ db: handle.db, viewer: auditor, filters: range, limit: 2, meta });
    expect(first.rows).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await getFindingsPage({ db: handle.db, viewer: auditor, filters: range, cursor: first.nextCursor, limit: 2, meta });
    const third = await getFindingsPage({ db: handle.db, viewer: auditor, filters: range, cursor: second.nextCursor, limit: 2, meta });
    expect([...first.rows, ...second.rows, ...third.rows].map((r) => r.id)).toEqual((await getFindingsPage({ db: handle.db, viewer: auditor, filters: range, meta })).rows.map((r) => r.id));
    expect(third.nextCursor).toBeNull();
    const logged = await accessLog("dlp_findings_viewed");
    expect(logged.some((l) => l.details.type === "github_token" && l.details.person === bob)).toBe(true);
  });

  it("round-trips the cursor and rejects junk", () => {
    const cursor = encodeCursor({ occurredAt: "2026-03-02T10:00:00.000Z", id: 12 });
    expect(decodeCursor(cursor)).toEqual({ at: new Date("2026-03-02T10:00:00.000Z"), id: 12 });
    expect(decodeCursor("nonsense")).toBeNull();
    expect(decodeCursor("2026-03-02T10:00:00Z_1; drop table findings")).toBeNull();
  });

  it("is for auditors and admins only", async () => {
    await expect(getFindingsPage({ db: handle.db, viewer: viewerOnly, filters: range, meta })).rejects.toBeInstanceOf(Forbidden);
    const admin: Viewer = { ...auditor, roles: ["admin"] };
    expect((await getFindingsPage({ db: handle.db, viewer: admin, filters: range, meta })).total).toBe(5);
  });
});

describe("lookupValue", () => {
  const redaction = { key, detectIpAddresses: true };

  it("finds every finding of a value by its fingerprint and logs the fingerprint and count, never the value", async () => {
    const result = await lookupValue({ db: handle.db, viewer: auditor, value: `  ${GITHUB}\n`, redaction, meta });
    expect(result.findingCount).toBe(4);
    expect(result.findings.map((f) => f.eventId)).toEqual(["e4", "e2", "e1", "e5"]);
    expect(result.findings[0]).toMatchObject({ type: "github_token", field: "prompt", eventType: "CODEX_LOG", personEmail: "bob@corp.test" });
    expect(result.textCount).toBe(0);
    expect(JSON.stringify(result)).not.toContain(GITHUB);
    const [logged] = (await accessLog("fingerprint_searched")).slice(-1);
    expect(logged!.details).toEqual({ fingerprint: redactor.fingerprintValue(GITHUB), matches: 4, textMatches: 0 });
    const everything = await selectRows<{ row: string }>(handle.db, sql`select row_to_json(a)::text as row from access_log a`);
    expect(everything.some((r) => r.row.includes(GITHUB))).toBe(false);
  });

  it("answers 'was this exact text sent?' from the whole-text fingerprint", async () => {
    const text = "the exact text that was pasted, no secrets in it";
    const result = await lookupValue({ db: handle.db, viewer: auditor, value: text, redaction, meta });
    expect(result.textCount).toBe(1);
    expect(result.texts[0]).toMatchObject({ eventId: "e6", textKind: "prompt", personEmail: "alice@corp.test" });
    expect(result.findingCount).toBe(0);
    const nothing = await lookupValue({ db: handle.db, viewer: auditor, value: `${text}.`, redaction, meta });
    expect(nothing).toMatchObject({ findingCount: 0, textCount: 0 });
  });

  it("is for auditors and admins only, and a wrong key finds nothing", async () => {
    await expect(lookupValue({ db: handle.db, viewer: viewerOnly, value: GITHUB, redaction, meta })).rejects.toBeInstanceOf(Forbidden);
    const other = await lookupValue({ db: handle.db, viewer: auditor, value: GITHUB, redaction: { key: randomBytes(32), detectIpAddresses: true }, meta });
    expect(other.findingCount).toBe(0);
  });
});
