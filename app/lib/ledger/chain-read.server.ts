import { sql, type SQL } from "drizzle-orm";
import { selectRows, type Database } from "../../../db/client.server";
import type { CanonicalEvent } from "./canonical";
import type { StoredDigest, StoredLink } from "./chain-checker";
import { canonicalEventJson, parseCanonicalEvent, timestampText } from "./events-sql.server";

/** What verification and the evidence pack both read of a chain: its digests, and its links with the events as chained. */

type DigestRow = Omit<StoredDigest, "first_seq" | "last_seq" | "event_count"> & {
  first_seq: string | number | null;
  last_seq: string | number | null;
  event_count: string | number;
};

type LinkRow = Omit<StoredLink, "seq"> & { seq: string | number; ev: string | null; redacted_text: string | null };

export type ChainedLink = {
  link: StoredLink;
  /** The event as it is stored now, in canonical form; null when the event row is gone. */
  event: CanonicalEvent | null;
  /** Canonical JSON text of the event (null when gone), for checks that hash the exact string. */
  eventJson: string | null;
  redactedText: string | null;
};

const numOrNull = (v: string | number | null) => (v === null ? null : Number(v));

/** A chain's digests in day order; `days` limits them to an inclusive range of ledger days. */
export async function readDigests(db: Database, workspace: string, days?: { from: string; to: string }): Promise<StoredDigest[]> {
  const inRange: SQL = days ? sql`and day between ${days.from} and ${days.to}` : sql``;
  const rows = await selectRows<DigestRow>(
    db,
    sql`select workspace, day::text as day, event_count, first_seq, last_seq, first_event_id, last_event_id, prev_head, chain_head,
               public_key_id, signature
        from ledger_digests where workspace = ${workspace} ${inRange} order by day`,
  );
  return rows.map((r) => ({ ...r, event_count: Number(r.event_count), first_seq: numOrNull(r.first_seq), last_seq: numOrNull(r.last_seq) }));
}

/** A chain's links with seq in (afterSeq, throughSeq], in seq order, read in keyset batches (constant memory). */
export async function* readChainLinks(
  db: Database,
  workspace: string,
  { afterSeq, throughSeq, batchSize }: { afterSeq: number; throughSeq?: number; batchSize: number },
): AsyncGenerator<ChainedLink> {
  const upTo: SQL = throughSeq === undefined ? sql`` : sql`and l.seq <= ${throughSeq}`;
  let after = afterSeq;
  for (;;) {
    const rows = await selectRows<LinkRow>(
      db,
      sql`select l.workspace, l.seq, l.day::text as day, l.event_id, ${timestampText("l.occurred_at")} as occurred_at,
                 l.event_hash, l.text_hash, l.prev_hash, l.link_hash, ev.ev, ev.redacted_text
          from ledger_links l
          left join lateral (
            select ${canonicalEventJson("e")} as ev, e.redacted_text
            from events e where e.event_id = l.event_id
            order by (e.occurred_at = l.occurred_at) desc limit 1
          ) ev on true
          where l.workspace = ${workspace} and l.seq > ${after} ${upTo}
          order by l.seq limit ${batchSize}`,
    );
    for (const r of rows) {
      const link: StoredLink = {
        workspace: r.workspace,
        seq: Number(r.seq),
        day: r.day,
        event_id: r.event_id,
        occurred_at: r.occurred_at,
        event_hash: r.event_hash,
        text_hash: r.text_hash,
        prev_hash: r.prev_hash,
        link_hash: r.link_hash,
      };
      yield { link, event: parseCanonicalEvent(r.ev), eventJson: r.ev, redactedText: r.redacted_text };
    }
    if (rows.length < batchSize) return;
    after = Number(rows[rows.length - 1]!.seq);
  }
}
