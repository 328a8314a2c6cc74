import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectRows, type Database, type DatabaseHandle } from "../db/client.server";
import { syncTinyWorkspace } from "../app/lib/ledger/test-evidence";
import { evidencePackLines } from "../app/lib/ledger/pack.server";
import { verifyEvidencePack } from "../app/lib/ledger/pack-verify";
import { verifyLedger, type VerifyResult } from "../app/lib/ledger/verify.server";
import { createTestDatabase } from "../tests/setup/test-database";
import { appendToLedger } from "./ledger__append";
import { writeLedgerDigests } from "./ledger__digest";

/**
 * The chain and its digests over real synced evidence, then each kind of tampering done with
 * direct SQL inside a transaction that rolls back: every one is detected and located.
 */

const NOW = new Date("2026-11-20T12:30:00Z");
const DAY1 = () => new Date("2026-11-20T18:00:00Z");
const DAY2 = () => new Date("2026-11-21T09:00:00Z");
const { privateKey } = generateKeyPairSync("ed25519");
const signingKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();

let handle: DatabaseHandle;
let db: Database;
let sample: { event_id: string; occurred_at: string; day: string; seq: number }[];

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  await syncTinyWorkspace({ db, now: NOW });
  // Two appends on two ledger days (the second run finds nothing new, then new rows arrive).
  const first = await appendToLedger({ db, now: DAY1, batchSize: 50 });
  expect(first.appended).toBeGreaterThan(100);
  expect((await appendToLedger({ db, now: DAY1 })).appended).toBe(0);
  await writeLedgerDigests({ db, signingKeyPem, now: DAY2() });
  sample = (
    await selectRows<{ event_id: string; occurred_at: string; day: string; seq: string }>(
      db,
      sql`select event_id, occurred_at::text, day::text as day, seq from ledger_links order by seq limit 20`,
    )
  ).map((r) => ({ ...r, seq: Number(r.seq) }));
}, 60_000);

afterAll(async () => {
  await handle?.close();
});

const verify = (on: Database = db, now = DAY2()) => verifyLedger({ db: on, trustedKeys: [privateKey], now });

class Rollback extends Error {}

/** Tampers inside a transaction, verifies inside it, rolls it back. */
async function tampered(change: (tx: Database) => Promise<void>): Promise<VerifyResult> {
  let result: VerifyResult | undefined;
  try {
    await db.transaction(async (tx) => {
      await change(tx);
      result = await verify(tx);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return result!;
}

describe("integrity ledger", () => {
  it("chains every event once, digests the closed day, and verifies clean", async () => {
    const [counts] = await selectRows<{ events: number; links: number }>(
      db,
      sql`select (select count(*)::int from events) as events, (select count(*)::int from ledger_links) as links`,
    );
    expect(counts!.links).toBe(counts!.events);
    const digests = await selectRows<{ day: string; event_count: number }>(db, sql`select day::text as day, event_count from ledger_digests`);
    expect(digests).toEqual([{ day: "2026-11-20", event_count: counts!.events }]);
    const result = await verify();
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ ok: true, linksChecked: counts!.events, digestsChecked: 1, pendingEvents: 0 });
  });

  it("is idempotent: digests are never rewritten and a new day starts a new digest", async () => {
    const again = await writeLedgerDigests({ db, signingKeyPem, now: DAY2() });
    expect(again.written).toBe(0);
    expect((await verify()).ok).toBe(true);
  });

  it("detects a changed field and names the day and the event", async () => {
    const target = sample[3]!;
    const result = await tampered((tx) => tx.execute(sql`update events set model = 'gpt-tampered' where event_id = ${target.event_id}`).then(() => {}));
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ day: "2026-11-20", eventId: target.event_id, seq: target.seq, problem: expect.stringMatching(/differs/) })]);
  });

  it("detects a deleted event", async () => {
    const target = sample[5]!;
    const result = await tampered((tx) => tx.execute(sql`delete from events where event_id = ${target.event_id}`).then(() => {}));
    expect(result.problems).toEqual([expect.objectContaining({ day: target.day, eventId: target.event_id, problem: expect.stringMatching(/deleted/) })]);
  });

  it("detects an inserted event", async () => {
    const source = sample[2]!;
    const result = await tampered(async (tx) => {
      await tx.execute(sql`
        insert into events (event_id, occurred_at, event_type, detail_type, workspace_id, openai_user_id, flags, attributes, ingested_at)
        select 'evt_forged_1', occurred_at, event_type, detail_type, workspace_id, openai_user_id, flags, attributes, ingested_at
        from events where event_id = ${source.event_id}`);
    });
    expect(result.problems).toEqual([expect.objectContaining({ eventId: "evt_forged_1", problem: expect.stringMatching(/not in the chain/) })]);
  });

  it("detects two reordered links", async () => {
    const [a, b] = [sample[7]!, sample[8]!];
    const result = await tampered(async (tx) => {
      // Swap the two links' places in the chain.
      await tx.execute(sql`update ledger_links set seq = -1 where seq = ${a.seq}`);
      await tx.execute(sql`update ledger_links set seq = ${a.seq} where seq = ${b.seq}`);
      await tx.execute(sql`update ledger_links set seq = ${b.seq} where seq = -1`);
    });
    expect(result.ok).toBe(false);
    const located = result.problems.map((p) => p.seq);
    expect(located).toContain(a.seq);
    expect(located).toContain(b.seq);
    expect(result.problems.every((p) => p.day === "2026-11-20")).toBe(true);
  });

  it("detects an edited digest", async () => {
    const result = await tampered((tx) => tx.execute(sql`update ledger_digests set event_count = event_count - 1`).then(() => {}));
    expect(result.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ day: "2026-11-20", problem: expect.stringMatching(/signature does not match/) })]),
    );
  });

  it("detects a deleted link and text changed after chaining", async () => {
    const gone = sample[10]!;
    const result = await tampered(async (tx) => {
      await tx.execute(sql`delete from ledger_links where seq = ${gone.seq}`);
    });
    expect(result.problems).toEqual(expect.arrayContaining([expect.objectContaining({ day: gone.day, problem: expect.stringMatching(/missing from the chain/) })]));
    const [withText] = await selectRows<{ event_id: string }>(db, sql`select event_id from events where redacted_text is not null limit 1`);
    const textResult = await tampered((tx) => tx.execute(sql`update events set redacted_text = redacted_text || ' (edited)' where event_id = ${withText!.event_id}`).then(() => {}));
    expect(textResult.problems).toEqual([expect.objectContaining({ eventId: withText!.event_id, problem: expect.stringMatching(/redacted text differs/) })]);
    // Retention clearing the text is allowed.
    const expired = await tampered((tx) => tx.execute(sql`update events set redacted_text = null where event_id = ${withText!.event_id}`).then(() => {}));
    expect(expired.ok).toBe(true);
    expect(expired.textsExpired).toBe(1);
  });

  it("rejects digests signed with an untrusted key", async () => {
    const other = generateKeyPairSync("ed25519").privateKey;
    const result = await verifyLedger({ db, trustedKeys: [other], now: DAY2() });
    expect(result.problems).toEqual([expect.objectContaining({ day: "2026-11-20", problem: expect.stringMatching(/not a trusted ledger key/) })]);
  });

  it("appends late events into the next open day, never into a signed one", async () => {
    const result = await tampered(async (tx) => {
      await tx.execute(sql`
        insert into events (event_id, occurred_at, event_type, workspace_id, flags, attributes, ingested_at)
        select 'evt_late_1', occurred_at, event_type, workspace_id, flags, attributes, now() from events limit 1`);
      // The clock still says day 1, but day 1 is signed: the link goes to day 2.
      const appended = await appendToLedger({ db: tx, now: DAY1 });
      expect(appended.appended).toBe(1);
      const [link] = await selectRows<{ day: string }>(tx, sql`select day::text as day from ledger_links where event_id = 'evt_late_1'`);
      expect(link!.day).toBe("2026-11-21");
    });
    expect(result.ok).toBe(true);
  });

  it("exports an evidence pack that verifies offline, and finds tampering inside the file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-pack-"));
    try {
      const file = path.join(dir, "pack.ndjson");
      const lines: string[] = [];
      for await (const line of evidencePackLines({ db, from: "2026-11-01", to: "2026-11-30", signingKeyPem })) lines.push(JSON.stringify(line));
      fs.writeFileSync(file, `${lines.join("\n")}\n`);
      const publicKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      const clean = await verifyEvidencePack({ file, publicKeyPem });
      expect(clean.problems).toEqual([]);
      expect(clean).toMatchObject({ ok: true, digestsChecked: 1, pinned: true });
      expect(clean.linksChecked).toBe(lines.length - 3);

      const linkIndex = lines.findIndex((l) => l.includes('"type":"link"') && l.includes('"model":"'));
      const changed = lines.map((l, i) => (i === linkIndex ? l.replace(/"model":"[^"]*"/, '"model":"gpt-forged"') : l));
      fs.writeFileSync(file, `${changed.join("\n")}\n`);
      const tamperedPack = await verifyEvidencePack({ file });
      const target = JSON.parse(lines[linkIndex]!) as { event_id: string; seq: number };
      expect(tamperedPack.problems).toEqual([expect.objectContaining({ eventId: target.event_id, seq: target.seq, day: "2026-11-20", problem: expect.stringMatching(/differs/) })]);

      fs.writeFileSync(file, `${lines.filter((_, i) => i !== linkIndex).join("\n")}\n`);
      const missing = await verifyEvidencePack({ file });
      expect(missing.ok).toBe(false);
      expect(missing.problems.some((p) => p.seq === target.seq && /missing/.test(p.problem))).toBe(true);

      const otherKey = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
      fs.writeFileSync(file, `${lines.join("\n")}\n`);
      expect((await verifyEvidencePack({ file, publicKeyPem: otherKey })).ok).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
