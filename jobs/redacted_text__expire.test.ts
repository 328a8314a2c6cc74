import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { selectRows, type DatabaseHandle } from "../db/client.server";
import { ensureEventPartitions } from "../app/models/events.server";
import { createTestDatabase } from "../tests/setup/test-database";
import { expireRedactedText } from "./redacted_text__expire";

const NOW = new Date("2026-05-20T12:00:00Z");
const DAY = 86_400_000;

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

type Row = { event_id: string; redacted_text: string | null; text_fingerprint: string | null; text_length: number | null; finding_count: number };

async function insertEvent(id: string, occurredAt: Date, redactedText: string | null) {
  const remember = await ensureEventPartitions({ db: handle.db, times: [occurredAt] });
  remember?.();
  await handle.db.execute(sql`
    insert into events (event_id, occurred_at, event_type, text_kind, text_length, text_fingerprint, redacted_text, finding_count)
    values (${id}, ${occurredAt.toISOString()}::timestamptz, 'CODEX_LOG', 'prompt', 42, ${"f".repeat(64)}, ${redactedText}, 1)`);
  await handle.db.execute(sql`
    insert into findings (event_id, occurred_at, field, type, kind, start, "end", fingerprint)
    values (${id}, ${occurredAt.toISOString()}::timestamptz, 'prompt', 'github_token', 'secret', 3, 43, '0123456789abcdef')`);
}

async function rows(): Promise<Row[]> {
  return selectRows<Row>(handle.db, sql`select event_id, redacted_text, text_fingerprint, text_length, finding_count from events order by event_id`);
}

beforeEach(async () => {
  await handle.db.execute(sql`truncate events, findings`);
});

describe("expireRedactedText", () => {
  it("clears the text of events older than the retention, across partitions, and keeps metadata and findings", async () => {
    // 30 days of retention: the cutoff is 2026-04-20T12:00Z, inside the April partition.
    await insertEvent("a-feb", new Date("2026-02-03T10:00:00Z"), "token [SECRET:github_token:01234567] in February");
    await insertEvent("b-mar", new Date("2026-03-31T23:59:59Z"), "March text");
    await insertEvent("c-apr-old", new Date(NOW.getTime() - 31 * DAY), "April, older than the cutoff");
    await insertEvent("d-apr-new", new Date(NOW.getTime() - 29 * DAY), "April, within retention");
    await insertEvent("e-may", new Date("2026-05-19T08:00:00Z"), "May text");
    await insertEvent("f-hash-only", new Date("2026-02-04T10:00:00Z"), null);

    const cleared = await expireRedactedText({ db: handle.db, retentionDays: 30, now: NOW });
    expect(cleared).toBe(3);

    const after = await rows();
    expect(after.map((r) => [r.event_id, r.redacted_text])).toEqual([
      ["a-feb", null],
      ["b-mar", null],
      ["c-apr-old", null],
      ["d-apr-new", "April, within retention"],
      ["e-may", "May text"],
      ["f-hash-only", null],
    ]);
    for (const r of after) {
      expect(r.text_fingerprint).toBe("f".repeat(64));
      expect(r.text_length).toBe(42);
      expect(r.finding_count).toBe(1);
    }
    const findings = await selectRows<{ n: number | string }>(handle.db, sql`select count(*) as n from findings`);
    expect(Number(findings[0]!.n)).toBe(6);
  });

  it("is idempotent: a second run clears nothing", async () => {
    await insertEvent("a", new Date("2026-01-10T00:00:00Z"), "old");
    await insertEvent("b", new Date("2026-05-10T00:00:00Z"), "new");
    expect(await expireRedactedText({ db: handle.db, retentionDays: 30, now: NOW })).toBe(1);
    expect(await expireRedactedText({ db: handle.db, retentionDays: 30, now: NOW })).toBe(0);
    expect((await rows()).map((r) => r.redacted_text)).toEqual([null, "new"]);
  });

  it("works in bounded batches", async () => {
    const times: Date[] = [];
    for (let i = 0; i < 23; i++) times.push(new Date(Date.UTC(2026, 0, 1 + i, 12)));
    for (const [i, t] of times.entries()) await insertEvent(`ev-${String(i).padStart(2, "0")}`, t, `text ${i}`);
    expect(await expireRedactedText({ db: handle.db, retentionDays: 30, now: NOW, batchSize: 5 })).toBe(23);
    expect((await rows()).every((r) => r.redacted_text === null)).toBe(true);
  });

  it("does nothing when there is nothing old enough, or no partition at all", async () => {
    expect(await expireRedactedText({ db: handle.db, retentionDays: 90, now: NOW })).toBe(0);
    await insertEvent("recent", new Date(NOW.getTime() - DAY), "yesterday");
    expect(await expireRedactedText({ db: handle.db, retentionDays: 90, now: NOW })).toBe(0);
    expect((await rows())[0]!.redacted_text).toBe("yesterday");
  });

  it("refuses a retention that is not a whole number of days", async () => {
    await expect(expireRedactedText({ db: handle.db, retentionDays: 0, now: NOW })).rejects.toThrow(/retentionDays/);
    await expect(expireRedactedText({ db: handle.db, retentionDays: 1.5, now: NOW })).rejects.toThrow(/retentionDays/);
  });
});
