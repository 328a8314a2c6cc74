import type { KeyObject } from "node:crypto";
import { sql } from "drizzle-orm";
import { selectRows, type Database } from "../../../db/client.server";
import { publicKeyId, utcDay, type LedgerProblem } from "./canonical";
import { ChainChecker } from "./chain-checker";
import { readChainLinks, readDigests } from "./chain-read.server";

/**
 * Recomputes every chain and every digest from the database (npm run verify). Read-only;
 * streams links in keyset batches, so memory stays flat however big the archive. Finds:
 * changed, deleted and inserted events, edited, removed or reordered links, edited or missing
 * digests, and text changed after chaining. Each problem names the chain, the ledger day, the
 * link and the event.
 */

export type VerifyResult = {
  ok: boolean;
  problems: LedgerProblem[];
  problemCount: number;
  linksChecked: number;
  digestsChecked: number;
  /** Events stored after the chain's newest link: not yet appended, not a problem. */
  pendingEvents: number;
  /** Closed days whose digest the digest job has not written yet. */
  undigestedDays: string[];
  textsExpired: number;
  heads: Array<{ workspace: string; seq: number; linkHash: string }>;
};

const BATCH = 2_000;
const MAX_PROBLEMS = 1_000;

export async function verifyLedger({
  db,
  trustedKeys,
  now = new Date(),
}: {
  db: Database;
  /** Public (or private) keys whose digests are accepted: the configured signing key, plus any retired ones. */
  trustedKeys: KeyObject[];
  now?: Date;
}): Promise<VerifyResult> {
  const keys = new Map(trustedKeys.map((k) => [publicKeyId(k), k]));
  const keyOf = (id: string) => keys.get(id) ?? null;
  const today = utcDay(now);
  const chains = await selectRows<{ workspace: string }>(
    db,
    sql`select workspace from ledger_links group by workspace
        union select workspace from ledger_digests union select workspace from ledger_heads order by workspace`,
  );
  const problems: LedgerProblem[] = [];
  let linksChecked = 0;
  let digestsChecked = 0;
  let textsExpired = 0;
  const undigestedDays: string[] = [];
  const heads: VerifyResult["heads"] = [];

  for (const { workspace } of chains) {
    const checker = new ChainChecker(workspace, undefined, MAX_PROBLEMS);
    for await (const { link, event, eventJson, redactedText } of readChainLinks(db, workspace, { afterSeq: 0, batchSize: BATCH })) {
      checker.checkLink(link, event, eventJson === null ? undefined : redactedText);
    }
    const digests = await readDigests(db, workspace);
    const digestCheck = checker.checkDigests({ digests, keyOf, today });
    digestsChecked += digestCheck.digestsChecked;
    undigestedDays.push(...digestCheck.undigestedDays.map((d) => `${workspace || "(none)"}/${d}`));

    const [head] = await selectRows<{ seq: string | number; link_hash: string }>(db, sql`select seq, link_hash from ledger_heads where workspace = ${workspace}`);
    const last = checker.lastLink;
    if (last && (!head || Number(head.seq) !== last.seq || head.link_hash !== last.link_hash)) {
      checker.problems.push({ workspace, day: last.day, seq: last.seq, eventId: last.event_id, problem: "the recorded chain head differs from the last link (links were added or removed at the end)" });
    }
    if (last) heads.push({ workspace, seq: last.seq, linkHash: last.link_hash });
    linksChecked += checker.linksChecked;
    textsExpired += checker.textsExpired;
    problems.push(...checker.problems);
  }

  // Events with no link: inserted behind the chain's back, unless newer than everything chained.
  const unchained = sql`select e.event_id, e.ingested_at, coalesce(e.workspace_id, '') as workspace,
        coalesce(e.ingested_at <= (select max(l.ingested_at) from ledger_links l where l.workspace = coalesce(e.workspace_id, '')), false) as behind
      from events e
      where not exists (select 1 from ledger_links l where l.event_id = e.event_id and l.occurred_at = e.occurred_at)`;
  const [counts] = await selectRows<{ pending: string | number; behind: string | number }>(
    db,
    sql`select count(*) filter (where not u.behind) as pending, count(*) filter (where u.behind) as behind from (${unchained}) u`,
  );
  const pendingEvents = Number(counts?.pending ?? 0);
  const behindCount = Number(counts?.behind ?? 0);
  if (behindCount > 0) {
    const inserted = await selectRows<{ event_id: string; workspace: string; ingested_day: string }>(
      db,
      sql`select u.event_id, u.workspace, to_char(u.ingested_at at time zone 'UTC', 'YYYY-MM-DD') as ingested_day
          from (${unchained}) u where u.behind order by u.ingested_at, u.event_id limit ${MAX_PROBLEMS}`,
    );
    for (const u of inserted) {
      problems.push({ workspace: u.workspace, day: u.ingested_day, seq: null, eventId: u.event_id, problem: "the event is not in the chain although events stored after it are (inserted, or its time was changed)" });
    }
  }
  const problemCount = problems.length + Math.max(0, behindCount - MAX_PROBLEMS);
  return { ok: problemCount === 0, problems, problemCount, linksChecked, digestsChecked, pendingEvents, undigestedDays, textsExpired, heads };
}

/** Saves a verification's outcome for the console ("last verified"). */
export async function recordVerification({ db, result, startedAt, trigger }: { db: Database; result: VerifyResult; startedAt: Date; trigger: string }) {
  await db.execute(sql`
    insert into ledger_verifications (started_at, finished_at, trigger, ok, links_checked, digests_checked, pending_events, problem_count, problems)
    values (${startedAt.toISOString()}, now(), ${trigger}, ${result.ok}, ${result.linksChecked}, ${result.digestsChecked}, ${result.pendingEvents},
            ${result.problemCount}, ${JSON.stringify(result.problems.slice(0, 100))}::jsonb)`);
}
