import { sql } from "drizzle-orm";
import { selectRows, type Database } from "../db/client.server";
import { eventHash, GENESIS_HASH, linkHash, nextDay, textHash, utcDay, type LinkFields } from "../app/lib/ledger/canonical";
import { canonicalEventJson, parseCanonicalEvent, timestampText } from "../app/lib/ledger/events-sql.server";

/**
 * Appends every stored event that is not yet in the integrity chain, in ingestion order
 * (ingested_at, then event_id), one chain per workspace. Runs right after each sync.
 *
 * Idempotent and restartable: each batch is one transaction holding the ledger lock, so links,
 * heads and the chain's sequence commit together or not at all, and two runs never interleave.
 * Candidates are found from a watermark (the newest ingested_at already chained, minus a day,
 * which covers sync transactions that started earlier and committed later) and an anti-join on
 * ledger_links, so a run costs the window and the new events, not the whole archive.
 *
 * A link's `day` is the UTC day it was appended on, but never a day that already has a digest:
 * signed days are closed for good (jobs/ledger__digest.ts).
 */

export const LEDGER_LOCK_KEY = "codex-ledger:ledger";
export const APPEND_BATCH_SIZE = 2_000;

type Candidate = { ev: string; redacted_text: string | null; workspace: string; event_id: string; occurred_at: string; ingested_key: string };

export async function lockLedger(tx: Pick<Database, "execute">) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${LEDGER_LOCK_KEY}))`);
}

export async function appendToLedger({
  db,
  now = () => new Date(),
  batchSize = APPEND_BATCH_SIZE,
}: {
  db: Database;
  /** The clock that decides a link's day (tests pass a fixed one). */
  now?: () => Date;
  batchSize?: number;
}): Promise<{ appended: number; chains: string[] }> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error("appendToLedger: batchSize must be a positive whole number");
  const [mark] = await selectRows<{ since: string | null }>(
    db,
    sql`select ${timestampText("(max(ingested_at) - interval '1 day')")} as since from ledger_links`,
  );
  let after = { at: mark?.since ?? "-infinity", id: "" };
  let appended = 0;
  const chains = new Set<string>();
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      await lockLedger(tx);
      const [closed] = await selectRows<{ day: string | null }>(tx, sql`select max(day)::text as day from ledger_digests`);
      const today = utcDay(now());
      const day = closed?.day && closed.day >= today ? nextDay(closed.day) : today;
      const rows = await selectRows<Candidate>(
        tx,
        sql`select ${canonicalEventJson("e")} as ev, e.redacted_text, coalesce(e.workspace_id, '') as workspace, e.event_id,
                   ${timestampText("e.occurred_at")} as occurred_at, ${timestampText("e.ingested_at")} as ingested_key
            from events e
            where (e.ingested_at, e.event_id) > (${after.at}::timestamptz, ${after.id})
              and not exists (select 1 from ledger_links l where l.event_id = e.event_id)
            order by e.ingested_at, e.event_id
            limit ${batchSize}`,
      );
      if (rows.length === 0) return null;
      const heads = new Map<string, { seq: number; hash: string }>();
      const links: Array<LinkFields & { link_hash: string; ingested_at: string }> = [];
      for (const row of rows) {
        let head = heads.get(row.workspace);
        if (!head) {
          const [last] = await selectRows<{ seq: string | number; link_hash: string }>(
            tx,
            sql`select seq, link_hash from ledger_links where workspace = ${row.workspace} order by seq desc limit 1`,
          );
          head = last ? { seq: Number(last.seq), hash: last.link_hash } : { seq: 0, hash: GENESIS_HASH };
        }
        const event = parseCanonicalEvent(row.ev)!;
        const fields: LinkFields = {
          workspace: row.workspace,
          seq: head.seq + 1,
          day,
          event_id: row.event_id,
          occurred_at: row.occurred_at,
          event_hash: eventHash(event),
          text_hash: textHash(row.redacted_text),
          prev_hash: head.hash,
        };
        const hash = linkHash(fields);
        links.push({ ...fields, link_hash: hash, ingested_at: row.ingested_key });
        heads.set(row.workspace, { seq: fields.seq, hash });
      }
      await tx.execute(sql`
        insert into ledger_links (workspace, seq, day, event_id, occurred_at, ingested_at, event_hash, text_hash, prev_hash, link_hash)
        select workspace, seq, day, event_id, occurred_at, ingested_at, event_hash, text_hash, prev_hash, link_hash
        from json_to_recordset(${JSON.stringify(links)}::json) as x(workspace text, seq bigint, day date, event_id text,
          occurred_at timestamptz, ingested_at timestamptz, event_hash text, text_hash text, prev_hash text, link_hash text)
        order by seq`);
      const headRows = [...heads].map(([workspace, h]) => ({ workspace, seq: h.seq, link_hash: h.hash, day }));
      await tx.execute(sql`
        insert into ledger_heads (workspace, seq, link_hash, day, updated_at)
        select workspace, seq, link_hash, day, now()
        from json_to_recordset(${JSON.stringify(headRows)}::json) as x(workspace text, seq bigint, link_hash text, day date)
        on conflict (workspace) do update set seq = excluded.seq, link_hash = excluded.link_hash, day = excluded.day, updated_at = now()`);
      const last = rows[rows.length - 1]!;
      return { count: rows.length, after: { at: last.ingested_key, id: last.event_id }, chains: [...heads.keys()] };
    });
    if (!batch) break;
    appended += batch.count;
    for (const c of batch.chains) chains.add(c);
    after = batch.after;
    if (batch.count < batchSize) break;
  }
  return { appended, chains: [...chains] };
}
