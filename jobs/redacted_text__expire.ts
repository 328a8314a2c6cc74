import { sql } from "drizzle-orm";
import { selectRows, type Database } from "../db/client.server";

/**
 * Redacted text has its own, shorter retention than the metadata (TEXT_RETENTION_DAYS, config
 * `textRetentionDays`): this task sets `events.redacted_text` to null on every event that occurred
 * more than `retentionDays` before `now`. Everything else stays: the event row, its length and
 * whole-text fingerprint, and its findings (type, offsets, fingerprint), so "was this value / this
 * exact text seen?" keeps working after the text itself is gone.
 *
 * Idempotent and restartable: it walks the monthly partitions oldest first and, inside each, the
 * rows still holding text in event_id order, `batchSize` rows per statement (each statement commits
 * on its own, so no long transaction holds locks over a whole month). A crash leaves some rows
 * cleared and the rest for the next run; running it twice changes nothing the second time.
 * Returns how many events had their text cleared by this run.
 */

const DAY_MS = 86_400_000;
export const EXPIRE_BATCH_SIZE = 5_000;
const PARTITION_NAME = /^events_y(\d{4})m(\d{2})$/;

type MonthRange = { from: Date; to: Date };

/** The month partitions of `events` (named by ensureEventPartitions), oldest first. */
async function monthPartitions(db: Database): Promise<{ months: MonthRange[]; other: boolean }> {
  const rows = await selectRows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'events'::regclass`,
  );
  const months: MonthRange[] = [];
  let other = false;
  for (const { name } of rows) {
    const m = PARTITION_NAME.exec(name);
    if (!m) {
      other = true; // a partition this code did not name (a default partition, say): covered by one open range below
      continue;
    }
    const year = Number(m[1]);
    const month = Number(m[2]) - 1;
    months.push({ from: new Date(Date.UTC(year, month, 1)), to: new Date(Date.UTC(year, month + 1, 1)) });
  }
  months.sort((a, b) => a.from.getTime() - b.from.getTime());
  return { months, other };
}

/** Clears the text of one range's events in batches; returns how many were cleared. */
async function expireRange(db: Database, from: Date, to: Date, batchSize: number): Promise<number> {
  let cleared = 0;
  let after = "";
  for (;;) {
    const [row] = await selectRows<{ updated: number | string; last: string | null }>(
      db,
      sql`with batch as (
            select event_id, occurred_at from events
            where occurred_at >= ${from.toISOString()}::timestamptz and occurred_at < ${to.toISOString()}::timestamptz
              and redacted_text is not null and event_id > ${after}
            order by event_id
            limit ${batchSize}
          ), cleared as (
            update events e set redacted_text = null
            from batch b
            where e.event_id = b.event_id and e.occurred_at = b.occurred_at
            returning 1
          )
          select (select count(*) from cleared) as updated, (select max(event_id) from batch) as last`,
    );
    const updated = Number(row?.updated ?? 0);
    cleared += updated;
    if (!row?.last) return cleared;
    after = row.last;
  }
}

export async function expireRedactedText({
  db,
  retentionDays,
  now,
  batchSize = EXPIRE_BATCH_SIZE,
}: {
  db: Database;
  retentionDays: number;
  now: Date;
  batchSize?: number;
}): Promise<number> {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new Error("expireRedactedText: retentionDays must be a whole number of days, at least 1");
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error("expireRedactedText: batchSize must be a positive whole number");
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const { months, other } = await monthPartitions(db);
  let cleared = 0;
  for (const month of months) {
    if (month.from >= cutoff) break;
    cleared += await expireRange(db, month.from, month.to < cutoff ? month.to : cutoff, batchSize);
  }
  if (other) cleared += await expireRange(db, new Date("0001-01-01T00:00:00Z"), cutoff, batchSize);
  return cleared;
}
