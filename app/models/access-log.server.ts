import { desc } from "drizzle-orm";
import type { Database } from "../../db/client.server";
import { accessLog } from "../../db/schema";
import { assertViewerHasRole, type Viewer } from "./viewer";

export type AccessAction =
  | "sign_in"
  | "sign_out"
  | "session_revoked"
  | "sessions_listed"
  | "trail_viewed"
  | "trail_exported"
  | "dlp_findings_viewed"
  | "fingerprint_searched"
  | "siem_exported"
  | "evidence_pack_exported"
  | "destination_saved"
  | "destination_deleted"
  | "dead_letter_retried";

export type AccessLogWrite = {
  actorPersonId: string | null;
  actorEmail: string | null;
  action: AccessAction;
  subjectPersonId?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
  userAgent?: string | null;
};

/**
 * Appends to the access log. Pass the transaction of the change being recorded, so that
 * the record and the change commit together or not at all.
 */
export async function recordAccess({ db, entry }: { db: Database; entry: AccessLogWrite }) {
  await db.insert(accessLog).values({
    actorPersonId: entry.actorPersonId,
    actorEmail: entry.actorEmail,
    action: entry.action,
    subjectPersonId: entry.subjectPersonId ?? null,
    details: entry.details ?? {},
    ip: entry.ip ?? null,
    userAgent: entry.userAgent?.slice(0, 300) ?? null,
  });
}

/** Audit the auditors: readable by auditors and admins only. */
export async function listRecentAccess({ db, viewer, limit }: { db: Database; viewer: Viewer; limit: number }) {
  assertViewerHasRole(viewer, ["auditor", "admin"]);
  return db.select().from(accessLog).orderBy(desc(accessLog.at), desc(accessLog.id)).limit(limit);
}
