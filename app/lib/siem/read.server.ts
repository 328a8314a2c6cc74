import { sql } from "drizzle-orm";
import { selectRows, type Database } from "../../../db/client.server";
import { nextDay } from "../ledger/canonical";
import { canonicalEventJson, parseCanonicalEvent } from "../ledger/events-sql.server";
import type { EvidenceRecord } from "./formats";

/**
 * Reading events for exports and forwarders, always in bounded batches (keyset), so memory
 * stays flat whatever the period. Rows come in the canonical form the ledger chains, plus the
 * redacted text as stored: an export carries what the database carries, never more.
 */

export const READ_BATCH = 1_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isDay(value: string) {
  return DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/**
 * Events that occurred from `from` to `to` (UTC days, both included), ordered by occurred_at then
 * event_id. Walks one day at a time (one partition, a small sort) with keyset batches inside it.
 */
export async function* readEventsByTime({
  db,
  from,
  to,
  batchSize = READ_BATCH,
}: {
  db: Database;
  from: string;
  to: string;
  batchSize?: number;
}): AsyncGenerator<EvidenceRecord> {
  if (!isDay(from) || !isDay(to)) throw new Error("from and to must be days like 2026-11-01");
  for (let day = from; day <= to; day = nextDay(day)) {
    const end = `${nextDay(day)}T00:00:00Z`;
    let after = { at: `${day}T00:00:00Z`, id: "", first: true };
    for (;;) {
      const rows = await selectRows<{ ev: string; redacted_text: string | null }>(
        db,
        sql`select ${canonicalEventJson("e")} as ev, e.redacted_text
            from events e
            where e.occurred_at >= ${`${day}T00:00:00Z`}::timestamptz and e.occurred_at < ${end}::timestamptz
              and (${after.first} or (e.occurred_at, e.event_id) > (${after.at}::timestamptz, ${after.id}))
            order by e.occurred_at, e.event_id
            limit ${batchSize}`,
      );
      for (const r of rows) yield { event: parseCanonicalEvent(r.ev)!, redactedText: r.redacted_text };
      if (rows.length < batchSize) break;
      const last = parseCanonicalEvent(rows[rows.length - 1]!.ev)!;
      after = { at: last.occurred_at, id: last.event_id, first: false };
    }
  }
}

export type LedgerRecord = { pos: number; record: EvidenceRecord | null; eventId: string };

/** The next chained events after ledger position `afterPos` (delivery order of the forwarders). */
export async function readEventsByLedger({
  db,
  afterPos,
  untilPos,
  limit,
}: {
  db: Database;
  afterPos: number;
  untilPos?: number;
  limit: number;
}): Promise<LedgerRecord[]> {
  const rows = await selectRows<{ pos: string | number; event_id: string; ev: string | null; redacted_text: string | null }>(
    db,
    sql`select l.pos, l.event_id, ev.ev, ev.redacted_text
        from ledger_links l
        left join lateral (
          select ${canonicalEventJson("e")} as ev, e.redacted_text
          from events e where e.event_id = l.event_id and e.occurred_at = l.occurred_at
        ) ev on true
        where l.pos > ${afterPos} ${untilPos === undefined ? sql`` : sql`and l.pos <= ${untilPos}`}
        order by l.pos
        limit ${limit}`,
  );
  return rows.map((r) => ({
    pos: Number(r.pos),
    eventId: r.event_id,
    record: r.ev === null ? null : { event: parseCanonicalEvent(r.ev)!, redactedText: r.redacted_text },
  }));
}
