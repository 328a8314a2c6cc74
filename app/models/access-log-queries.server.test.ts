import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.server";
import { accessLog, people } from "../../db/schema";
import { createTestDatabase } from "../../tests/setup/test-database";
import { ACCESS_PAGE_SIZE, decodeAccessCursor, exportAccessLog, parseAccessLogParams, searchAccessLog, type AccessLogFilters } from "./access-log-queries.server";
import { Forbidden, type Viewer } from "./viewer";

const admin: Viewer = { personId: randomUUID(), email: "admin@corp.test", name: null, roles: ["admin", "auditor", "finance", "viewer"] };
const finance: Viewer = { personId: randomUUID(), email: "finance@corp.test", name: null, roles: ["finance", "viewer"] };
const all: AccessLogFilters = { from: "2026-03-01", to: "2026-03-31", actor: null, subject: null, subjectId: null, action: null };

let handle: DatabaseHandle;
let auditorId = "";
let subjectId = "";
beforeAll(async () => {
  handle = await createTestDatabase();
  const [a, s] = await handle.db
    .insert(people)
    .values([
      { email: "ann.auditor@corp.test", name: "Ann Auditor" },
      { email: "sam@corp.test", name: "Sam Subject" },
    ])
    .returning({ id: people.id });
  auditorId = a!.id;
  subjectId = s!.id;
  const at = (day: number, minute = 0) => new Date(Date.UTC(2026, 2, day, 12, minute));
  await handle.db.insert(accessLog).values([
    { at: at(1), actorPersonId: auditorId, actorEmail: "ann.auditor@corp.test", action: "sign_in" },
    { at: at(2), actorPersonId: auditorId, actorEmail: "ann.auditor@corp.test", action: "trail_viewed", subjectPersonId: subjectId, details: { filters: { from: "2026-02-01", types: ["all"] } } },
    { at: at(2), actorPersonId: auditorId, actorEmail: "ann.auditor@corp.test", action: "trail_exported", subjectPersonId: subjectId, details: { format: "csv" } },
    { at: at(3), actorPersonId: null, actorEmail: "=cmd|' /C calc'!A0", action: "fingerprint_searched", details: { fingerprint: "8221539e" } },
    { at: new Date("2026-04-01T00:00:00Z"), actorEmail: "late@corp.test", action: "sign_in" },
  ]);
  // Enough rows in one instant to need two pages: keyset ties are broken by id.
  await handle.db.insert(accessLog).values(Array.from({ length: ACCESS_PAGE_SIZE + 5 }, () => ({ at: at(4), actorEmail: "bulk@corp.test", action: "sessions_listed" })));
});
afterAll(async () => {
  await handle?.close();
});

describe("access log queries", () => {
  it("parses filters, naming a bad parameter", () => {
    const ok = parseAccessLogParams(new URLSearchParams(`actor=ann&action=trail_viewed&subjectId=${subjectId}`), new Date("2026-03-31T00:00:00Z"));
    expect(ok).toMatchObject({ ok: true, filters: { from: "2026-03-02", to: "2026-03-31", actor: "ann", action: "trail_viewed", subjectId }, before: null });
    for (const [search, name] of [["subjectId=42", "subjectId"], ["action=DROP TABLE", "action"], ["before=zz!", "before"], ["from=2026-04-01&to=2026-03-01", "from"]]) {
      const bad = parseAccessLogParams(new URLSearchParams(search));
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.problem).toContain(name);
    }
  });

  it("is for auditors and admins only", async () => {
    await expect(searchAccessLog({ db: handle.db, viewer: finance, filters: all, before: null })).rejects.toThrow(Forbidden);
    expect(() => exportAccessLog({ db: handle.db, viewer: finance, filters: all })).toThrow(Forbidden);
  });

  it("filters by actor, subject, subject id, action and range, newest first with names", async () => {
    const search = async (f: Partial<AccessLogFilters>) => (await searchAccessLog({ db: handle.db, viewer: admin, filters: { ...all, ...f }, before: null })).rows;
    const bySubject = await search({ subject: "sam" });
    expect(bySubject.map((r) => r.action)).toEqual(["trail_exported", "trail_viewed"]);
    expect(bySubject[1]).toMatchObject({ actorName: "Ann Auditor", subjectName: "Sam Subject", subjectEmail: "sam@corp.test", details: { filters: { from: "2026-02-01" } } });
    expect((await search({ subjectId })).length).toBe(2);
    expect((await search({ actor: "Ann" })).map((r) => r.action)).toEqual(["trail_exported", "trail_viewed", "sign_in"]);
    expect((await search({ action: "fingerprint_searched" })).map((r) => r.actorEmail)).toEqual(["=cmd|' /C calc'!A0"]);
    expect((await search({ from: "2026-03-01", to: "2026-03-01" })).map((r) => r.action)).toEqual(["sign_in"]);
    expect((await search({ actor: "100%" })).length).toBe(0);
    const result = await searchAccessLog({ db: handle.db, viewer: admin, filters: { ...all, subjectId }, before: null });
    expect(result.subject).toEqual({ email: "sam@corp.test", name: "Sam Subject" });
    expect(result.actions).toEqual(["fingerprint_searched", "sessions_listed", "sign_in", "trail_exported", "trail_viewed"]);
  });

  it("pages by keyset through ties, and exports every matching row", async () => {
    const page1 = await searchAccessLog({ db: handle.db, viewer: admin, filters: all, before: null });
    expect(page1.rows).toHaveLength(ACCESS_PAGE_SIZE);
    const page2 = await searchAccessLog({ db: handle.db, viewer: admin, filters: all, before: decodeAccessCursor(page1.older!) });
    expect(page2.older).toBeNull();
    const ids = [...page1.rows, ...page2.rows].map((r) => r.id);
    expect(new Set(ids).size).toBe(ACCESS_PAGE_SIZE + 5 + 4);
    const exported: unknown[] = [];
    for await (const row of exportAccessLog({ db: handle.db, viewer: admin, filters: all })) exported.push(row);
    expect(exported).toHaveLength(ids.length);
    expect(exported.at(-1)).toMatchObject({ action: "sign_in", actor_email: "ann.auditor@corp.test", details: "{}" });
  });
});
