import { sql } from "drizzle-orm";
import { selectRows, type Database } from "../../../db/client.server";
import { DIGEST_FORM, EVENT_FORM, LINK_FORM, loadSigningKey, publicKeyId, publicKeyPem, type CanonicalEvent } from "./canonical";
import type { StoredDigest, StoredLink } from "./chain-checker";
import { readChainLinks, readDigests } from "./chain-read.server";

/**
 * The evidence pack: one NDJSON file that proves a period of the archive offline. Lines, in order:
 * a header (format, period, the public key and how to verify), then per chain its signed digests
 * of the period followed by its links in seq order, each with the event as chained (canonical
 * form) and its redacted text as stored, then an end line with the counts. The period is in
 * ledger days (the UTC day an event was chained, normally the day it was synced); only signed
 * days are included. `npm run verify -- --pack FILE` checks it without a database.
 */

export const PACK_FORMAT = "codex-ledger-evidence-pack/1";

export type PackHeader = {
  type: "header";
  format: typeof PACK_FORMAT;
  generated_at: string;
  from: string;
  to: string;
  public_key_id: string;
  public_key_pem: string;
  forms: { event: string; link: string; digest: string };
  instructions: string[];
};
export type PackDigest = { type: "digest" } & StoredDigest;
export type PackLink = { type: "link"; event: CanonicalEvent | null; redacted_text: string | null } & StoredLink;
export type PackEnd = { type: "end"; chains: number; digests: number; links: number };
export type PackLine = PackHeader | PackDigest | PackLink | PackEnd;

export const PACK_INSTRUCTIONS = [
  "This file is an evidence pack of Codex Ledger: Codex activity records as stored (secrets already redacted, raw text never kept), with the signed daily digests that cover them.",
  "To verify it offline: with a checkout of Codex Ledger, run `npm run verify -- --pack THIS_FILE --public-key KEY.pem`, where KEY.pem is the ledger's public key obtained independently of this file (e.g. from the console's Ledger page or your records). Without --public-key the key in this header is used, and its id is printed for you to compare.",
  "By hand: for each link, sha256(forms.event + \"\\n\" + canonical JSON of `event`) must equal event_hash; sha256(forms.link + \"\\n\" + canonical JSON of the link fields workspace, seq, day, event_id, occurred_at, event_hash, text_hash, prev_hash) must equal link_hash; each prev_hash is the previous link's link_hash; sha256 of redacted_text equals text_hash unless the text was cleared by retention (null).",
  "Each digest's Ed25519 signature covers forms.digest + \"\\n\" + canonical JSON of workspace, day, event_count, first_seq, last_seq, first_event_id, last_event_id, prev_head, chain_head, public_key_id; the day's links must match it. Canonical JSON: keys sorted, no whitespace (RFC 8785). See docs/decisions/0010-integrity-ledger.md.",
];

const BATCH = 1_000;

/** The pack's lines, read in keyset batches (constant memory). `from`/`to` are YYYY-MM-DD ledger days, inclusive. */
export async function* evidencePackLines({
  db,
  from,
  to,
  signingKeyPem,
  now = new Date(),
}: {
  db: Database;
  from: string;
  to: string;
  signingKeyPem: string;
  now?: Date;
}): AsyncGenerator<PackLine> {
  const key = loadSigningKey(signingKeyPem);
  yield {
    type: "header",
    format: PACK_FORMAT,
    generated_at: now.toISOString(),
    from,
    to,
    public_key_id: publicKeyId(key),
    public_key_pem: publicKeyPem(key),
    forms: { event: EVENT_FORM, link: LINK_FORM, digest: DIGEST_FORM },
    instructions: PACK_INSTRUCTIONS,
  };
  const chains = await selectRows<{ workspace: string }>(
    db,
    sql`select distinct workspace from ledger_digests where day between ${from} and ${to} order by workspace`,
  );
  let digestCount = 0;
  let linkCount = 0;
  for (const { workspace } of chains) {
    const digests = await readDigests(db, workspace, { from, to });
    for (const d of digests) yield { type: "digest", ...d };
    digestCount += digests.length;
    const seqs = digests.filter((d) => d.first_seq !== null);
    if (seqs.length === 0) continue;
    const chained = readChainLinks(db, workspace, { afterSeq: seqs[0]!.first_seq! - 1, throughSeq: seqs[seqs.length - 1]!.last_seq!, batchSize: BATCH });
    for await (const { link, event, redactedText } of chained) {
      linkCount += 1;
      yield { type: "link", ...link, event, redacted_text: redactedText };
    }
  }
  yield { type: "end", chains: chains.length, digests: digestCount, links: linkCount };
}
