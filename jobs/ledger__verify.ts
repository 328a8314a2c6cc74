import { createPublicKey, type KeyObject } from "node:crypto";
import type { Database } from "../db/client.server";
import { loadSigningKey } from "../app/lib/ledger/canonical";
import { recordVerification, verifyLedger, type VerifyResult } from "../app/lib/ledger/verify.server";

/**
 * Recomputes the whole ledger from the database and records the outcome (ledger_verifications),
 * which the console shows as "last verified". Read-only apart from that one row; safe to run
 * at any time and in parallel with the sync (it sees one consistent snapshot per batch).
 */
export async function runLedgerVerification({
  db,
  signingKeyPem,
  extraPublicKeys = [],
  trigger,
  now = new Date(),
}: {
  db: Database;
  signingKeyPem: string;
  /** Retired signing keys (public halves, PEM) whose digests are still trusted. */
  extraPublicKeys?: string[];
  trigger: string;
  now?: Date;
}): Promise<VerifyResult> {
  const trustedKeys: KeyObject[] = [loadSigningKey(signingKeyPem), ...extraPublicKeys.map((pem) => createPublicKey(pem))];
  const startedAt = new Date();
  const result = await verifyLedger({ db, trustedKeys, now });
  await recordVerification({ db, result, startedAt, trigger });
  return result;
}
