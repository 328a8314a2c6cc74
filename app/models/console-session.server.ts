import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client.server";
import { consoleSessions, people, type Person } from "../../db/schema";
import { ROLES, type Role } from "../lib/roles";
import { recordAccess } from "./access-log.server";
import { assertViewerHasRole, type Viewer } from "./viewer";

export function hashSessionToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}

type RequestMeta = { ip: string | null; userAgent: string | null };

export async function createConsoleSession({
  db,
  person,
  roles,
  groups,
  idToken,
  maxHours,
  meta,
}: {
  db: Database;
  person: Person;
  roles: Role[];
  groups: string[];
  idToken: string | null;
  maxHours: number;
  meta: RequestMeta;
}) {
  const token = randomBytes(32).toString("base64url");
  await db.transaction(async (tx) => {
    await tx.insert(consoleSessions).values({
      tokenHash: hashSessionToken(token),
      personId: person.id,
      roles,
      groups: groups.slice(0, 200),
      expiresAt: new Date(Date.now() + maxHours * 3_600_000),
      idToken,
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    });
    await recordAccess({
      db: tx,
      entry: { actorPersonId: person.id, actorEmail: person.email, action: "sign_in", details: { roles }, ...meta },
    });
  });
  return token;
}

export type SessionLookup =
  | { status: "active"; viewer: Viewer; tokenHash: string; idToken: string | null }
  | { status: "missing" | "revoked" | "expired" | "idle" | "deactivated" };

// Writing last_seen_at on every request would turn every page view into a write.
const TOUCH_INTERVAL_MS = 60_000;

export async function findConsoleSession({
  db,
  token,
  idleMinutes,
  now = new Date(),
}: {
  db: Database;
  token: string;
  idleMinutes: number;
  now?: Date;
}): Promise<SessionLookup> {
  const tokenHash = hashSessionToken(token);
  const [row] = await db
    .select({ session: consoleSessions, person: people })
    .from(consoleSessions)
    .innerJoin(people, eq(people.id, consoleSessions.personId))
    .where(eq(consoleSessions.tokenHash, tokenHash));
  if (!row) return { status: "missing" };
  const { session, person } = row;
  if (session.revokedAt) return { status: "revoked" };
  if (session.expiresAt <= now) return { status: "expired" };
  if (session.lastSeenAt.getTime() + idleMinutes * 60_000 <= now.getTime()) return { status: "idle" };
  if (!person.active) return { status: "deactivated" };
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db
      .update(consoleSessions)
      .set({ lastSeenAt: now })
      .where(and(eq(consoleSessions.tokenHash, tokenHash), isNull(consoleSessions.revokedAt)));
  }
  return {
    status: "active",
    tokenHash,
    idToken: session.idToken,
    viewer: {
      personId: person.id,
      email: person.email,
      name: person.name,
      roles: session.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
    },
  };
}

/** Revokes the caller's own session (sign-out). */
export async function revokeOwnSession({ db, viewer, tokenHash, meta }: { db: Database; viewer: Viewer; tokenHash: string; meta: RequestMeta }) {
  await db.transaction(async (tx) => {
    await tx
      .update(consoleSessions)
      .set({ revokedAt: sql`now()`, revokedReason: "signed out" })
      .where(and(eq(consoleSessions.tokenHash, tokenHash), eq(consoleSessions.personId, viewer.personId), isNull(consoleSessions.revokedAt)));
    await recordAccess({
      db: tx,
      entry: { actorPersonId: viewer.personId, actorEmail: viewer.email, action: "sign_out", ...meta },
    });
  });
}

/** Admin: the sessions that could still be used. */
export async function listActiveSessions({ db, viewer, now = new Date() }: { db: Database; viewer: Viewer; now?: Date }) {
  assertViewerHasRole(viewer, ["admin"]);
  return db
    .select({
      id: consoleSessions.tokenHash,
      email: people.email,
      name: people.name,
      roles: consoleSessions.roles,
      createdAt: consoleSessions.createdAt,
      lastSeenAt: consoleSessions.lastSeenAt,
      expiresAt: consoleSessions.expiresAt,
      ip: consoleSessions.ip,
      userAgent: consoleSessions.userAgent,
    })
    .from(consoleSessions)
    .innerJoin(people, eq(people.id, consoleSessions.personId))
    .where(and(isNull(consoleSessions.revokedAt), gt(consoleSessions.expiresAt, now)))
    .orderBy(desc(consoleSessions.lastSeenAt))
    .limit(500);
}

/** Admin: revokes somebody's session; the next request on it is sent to sign in again. */
export async function revokeSessionAsAdmin({ db, viewer, sessionId, meta }: { db: Database; viewer: Viewer; sessionId: string; meta: RequestMeta }) {
  assertViewerHasRole(viewer, ["admin"]);
  return db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(consoleSessions)
      .set({ revokedAt: sql`now()`, revokedReason: `revoked by ${viewer.email}` })
      .where(and(eq(consoleSessions.tokenHash, sessionId), isNull(consoleSessions.revokedAt)))
      .returning({ personId: consoleSessions.personId });
    if (!revoked) return false;
    await recordAccess({
      db: tx,
      entry: {
        actorPersonId: viewer.personId,
        actorEmail: viewer.email,
        action: "session_revoked",
        subjectPersonId: revoked.personId,
        ...meta,
      },
    });
    return true;
  });
}
