import { sql } from "drizzle-orm";
import { selectRows, type Database } from "../../db/client.server";
import { loadSigningKey, publicKeyId, publicKeyPem } from "../lib/ledger/canonical";
import { assertViewerHasRole, type Viewer } from "./viewer";

/**
 * The integrity ledger as the console shows it (/auditor/ledger): each chain's head, the latest
 * signed digests, the last verifications and the public key to verify with. Reads small tables
 * only (heads, digests, verifications), never the chain itself.
 */

export const LEDGER_ROLES = ["auditor", "admin"] as const;

export type LedgerState = {
  publicKeyId: string;
  publicKeyPem: string;
  chains: Array<{ workspace: string; seq: number; linkHash: string; day: string; updatedAt: string }>;
  digests: Array<{ workspace: string; day: string; eventCount: number; firstEventId: string | null; lastEventId: string | null; chainHead: string; publicKeyId: string; createdAt: string }>;
  verifications: Array<{ startedAt: string; finishedAt: string; trigger: string; ok: boolean; linksChecked: number; digestsChecked: number; pendingEvents: number; problemCount: number; problems: unknown[] }>;
};

const iso = (v: unknown) => new Date(v as string).toISOString();

export async function getLedgerState({ db, viewer, signingKeyPem }: { db: Database; viewer: Viewer; signingKeyPem: string }): Promise<LedgerState> {
  assertViewerHasRole(viewer, LEDGER_ROLES);
  const key = loadSigningKey(signingKeyPem);
  const chains = await selectRows<Record<string, unknown>>(db, sql`select workspace, seq, link_hash, day::text as day, updated_at from ledger_heads order by workspace`);
  const digests = await selectRows<Record<string, unknown>>(
    db,
    sql`select workspace, day::text as day, event_count, first_event_id, last_event_id, chain_head, public_key_id, created_at
        from ledger_digests order by day desc, workspace limit 60`,
  );
  const verifications = await selectRows<Record<string, unknown>>(
    db,
    sql`select started_at, finished_at, trigger, ok, links_checked, digests_checked, pending_events, problem_count, problems
        from ledger_verifications order by started_at desc limit 5`,
  );
  return {
    publicKeyId: publicKeyId(key),
    publicKeyPem: publicKeyPem(key),
    chains: chains.map((r) => ({ workspace: String(r.workspace), seq: Number(r.seq), linkHash: String(r.link_hash), day: String(r.day), updatedAt: iso(r.updated_at) })),
    digests: digests.map((r) => ({
      workspace: String(r.workspace),
      day: String(r.day),
      eventCount: Number(r.event_count),
      firstEventId: (r.first_event_id as string | null) ?? null,
      lastEventId: (r.last_event_id as string | null) ?? null,
      chainHead: String(r.chain_head),
      publicKeyId: String(r.public_key_id),
      createdAt: iso(r.created_at),
    })),
    verifications: verifications.map((r) => ({
      startedAt: iso(r.started_at),
      finishedAt: iso(r.finished_at),
      trigger: String(r.trigger),
      ok: Boolean(r.ok),
      linksChecked: Number(r.links_checked),
      digestsChecked: Number(r.digests_checked),
      pendingEvents: Number(r.pending_events),
      problemCount: Number(r.problem_count),
      problems: ((typeof r.problems === "string" ? JSON.parse(r.problems) : r.problems) as unknown[]).slice(0, 20),
    })),
  };
}
