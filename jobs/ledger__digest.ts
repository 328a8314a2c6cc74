import { sql } from "drizzle-orm";
import { selectRows, type Database } from "../db/client.server";
import { GENESIS_HASH, loadSigningKey, nextDay, publicKeyId, signDigest, utcDay, type DigestFields } from "../app/lib/ledger/canonical";
import { lockLedger } from "./ledger__append";

/**
 * Writes the signed digest of every closed UTC ledger day (every day before today) of every
 * chain that has none yet, from the chain's first day on, empty days included (count 0, head
 * unchanged) so that a missing day shows. Runs daily just after midnight UTC, and after syncs.
 *
 * Idempotent: digests are inserted with `on conflict do nothing` and never updated; the ledger
 * lock keeps the append job from adding links to a day while it is being signed, and the append
 * job never writes into a day that has a digest.
 */

type DigestRow = DigestFields & { signature: string };

export async function writeLedgerDigests({
  db,
  signingKeyPem,
  now = new Date(),
}: {
  db: Database;
  signingKeyPem: string;
  now?: Date;
}): Promise<{ written: number; days: string[] }> {
  const key = loadSigningKey(signingKeyPem);
  const keyId = publicKeyId(key);
  const today = utcDay(now);
  return db.transaction(async (tx) => {
    await lockLedger(tx);
    const chains = await selectRows<{ workspace: string }>(tx, sql`select workspace from ledger_heads order by workspace`);
    const written: string[] = [];
    for (const { workspace } of chains) {
      const [last] = await selectRows<{ day: string; chain_head: string }>(
        tx,
        sql`select day::text as day, chain_head from ledger_digests where workspace = ${workspace} order by day desc limit 1`,
      );
      let day: string;
      let prevHead: string;
      if (last) {
        day = nextDay(last.day);
        prevHead = last.chain_head;
      } else {
        const [first] = await selectRows<{ day: string }>(tx, sql`select day::text as day from ledger_links where workspace = ${workspace} order by seq limit 1`);
        if (!first) continue;
        day = first.day;
        prevHead = GENESIS_HASH;
      }
      for (; day < today; day = nextDay(day)) {
        const [stats] = await selectRows<{ n: string | number; first_seq: string | null; last_seq: string | null }>(
          tx,
          sql`select count(*) as n, min(seq)::text as first_seq, max(seq)::text as last_seq from ledger_links where workspace = ${workspace} and day = ${day}`,
        );
        const count = Number(stats?.n ?? 0);
        let digest: DigestFields;
        if (count === 0) {
          digest = { workspace, day, event_count: 0, first_seq: null, last_seq: null, first_event_id: null, last_event_id: null, prev_head: prevHead, chain_head: prevHead, public_key_id: keyId };
        } else {
          const ends = await selectRows<{ seq: string | number; event_id: string; link_hash: string }>(
            tx,
            sql`select seq, event_id, link_hash from ledger_links where workspace = ${workspace} and seq in (${Number(stats!.first_seq)}, ${Number(stats!.last_seq)})`,
          );
          const first = ends.find((r) => Number(r.seq) === Number(stats!.first_seq))!;
          const lastLink = ends.find((r) => Number(r.seq) === Number(stats!.last_seq))!;
          digest = {
            workspace,
            day,
            event_count: count,
            first_seq: Number(first.seq),
            last_seq: Number(lastLink.seq),
            first_event_id: first.event_id,
            last_event_id: lastLink.event_id,
            prev_head: prevHead,
            chain_head: lastLink.link_hash,
            public_key_id: keyId,
          };
        }
        const row: DigestRow = { ...digest, signature: signDigest(digest, key) };
        await tx.execute(sql`
          insert into ledger_digests (workspace, day, event_count, first_seq, last_seq, first_event_id, last_event_id, prev_head, chain_head, public_key_id, signature)
          values (${row.workspace}, ${row.day}, ${row.event_count}, ${row.first_seq}, ${row.last_seq}, ${row.first_event_id}, ${row.last_event_id},
                  ${row.prev_head}, ${row.chain_head}, ${row.public_key_id}, ${row.signature})
          on conflict (workspace, day) do nothing`);
        written.push(`${workspace}/${day}`);
        prevHead = digest.chain_head;
      }
    }
    return { written: written.length, days: written };
  });
}
