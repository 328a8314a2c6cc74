import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.server";
import { accessLog, consoleSessions, people } from "../../db/schema";
import { createTestDatabase } from "../../tests/setup/test-database";
import { listRecentAccess } from "./access-log.server";
import {
  createConsoleSession,
  findConsoleSession,
  hashSessionToken,
  listActiveSessions,
  revokeOwnSession,
  revokeSessionAsAdmin,
} from "./console-session.server";
import { SignInRefused, upsertPersonForSignIn } from "./person.server";
import { Forbidden, type Viewer } from "./viewer";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

const meta = { ip: "127.0.0.1", userAgent: "vitest" };
const identity = (subject: string, email: string, emailVerified = true) => ({
  issuer: "https://idp.test",
  subject,
  email,
  emailVerified,
  name: subject,
});

async function signedIn(subject: string, roles: Viewer["roles"] = [], maxHours = 12) {
  const person = await upsertPersonForSignIn({ db: handle.db, identity: identity(subject, `${subject}@corp.test`) });
  const token = await createConsoleSession({ db: handle.db, person, roles, groups: [], idToken: null, maxHours, meta });
  const viewer: Viewer = { personId: person.id, email: person.email, name: person.name, roles };
  return { person, token, viewer };
}

describe("people at sign-in", () => {
  it("creates a person on first sign-in and finds them again by issuer and subject", async () => {
    const first = await upsertPersonForSignIn({ db: handle.db, identity: identity("sub-1", "First@Corp.test") });
    expect(first.email).toBe("first@corp.test");
    const again = await upsertPersonForSignIn({ db: handle.db, identity: identity("sub-1", "renamed@corp.test") });
    expect(again.id).toBe(first.id);
    expect(again.email).toBe("renamed@corp.test");
  });

  it("links a person the sync already knows by email, only when the email is verified", async () => {
    const [known] = await handle.db.insert(people).values({ email: "known@corp.test", openaiUserId: "user-known" }).returning();
    await expect(
      upsertPersonForSignIn({ db: handle.db, identity: identity("sub-unverified", "known@corp.test", false) }),
    ).rejects.toBeInstanceOf(SignInRefused);
    const linked = await upsertPersonForSignIn({ db: handle.db, identity: identity("sub-known", "known@corp.test") });
    expect(linked.id).toBe(known!.id);
    await expect(
      upsertPersonForSignIn({ db: handle.db, identity: identity("sub-impostor", "known@corp.test") }),
    ).rejects.toBeInstanceOf(SignInRefused);
  });
});

describe("console sessions", () => {
  it("stores only the token's hash and finds the session by the token", async () => {
    const { token, person } = await signedIn("alice", ["auditor", "viewer"]);
    const rows = await handle.db.select().from(consoleSessions).where(eq(consoleSessions.personId, person.id));
    expect(rows.map((r) => r.tokenHash)).toEqual([hashSessionToken(token)]);
    expect(JSON.stringify(rows)).not.toContain(token);
    const lookup = await findConsoleSession({ db: handle.db, token, idleMinutes: 60 });
    expect(lookup).toMatchObject({ status: "active", viewer: { email: "alice@corp.test", roles: ["auditor", "viewer"] } });
  });

  it("rejects unknown, idle, expired, revoked and deactivated sessions", async () => {
    expect(await findConsoleSession({ db: handle.db, token: "nope", idleMinutes: 60 })).toEqual({ status: "missing" });

    const idle = await signedIn("idle-user");
    const later = new Date(Date.now() + 61 * 60_000);
    expect(await findConsoleSession({ db: handle.db, token: idle.token, idleMinutes: 60, now: later })).toEqual({ status: "idle" });

    const short = await signedIn("short-user", [], 1);
    const afterMax = new Date(Date.now() + 2 * 3_600_000);
    expect(await findConsoleSession({ db: handle.db, token: short.token, idleMinutes: 600, now: afterMax })).toEqual({ status: "expired" });

    const leaving = await signedIn("leaving-user");
    await revokeOwnSession({ db: handle.db, viewer: leaving.viewer, tokenHash: hashSessionToken(leaving.token), meta });
    expect(await findConsoleSession({ db: handle.db, token: leaving.token, idleMinutes: 60 })).toEqual({ status: "revoked" });

    const gone = await signedIn("gone-user");
    await handle.db.update(people).set({ active: false }).where(eq(people.id, gone.person.id));
    expect(await findConsoleSession({ db: handle.db, token: gone.token, idleMinutes: 60 })).toEqual({ status: "deactivated" });
  });

  it("lets only an admin list and revoke other people's sessions, and logs the revocation", async () => {
    const admin = await signedIn("root-admin", ["admin", "auditor", "finance", "viewer"]);
    const target = await signedIn("target-user", ["viewer"]);
    await expect(listActiveSessions({ db: handle.db, viewer: target.viewer })).rejects.toBeInstanceOf(Forbidden);
    await expect(
      revokeSessionAsAdmin({ db: handle.db, viewer: target.viewer, sessionId: hashSessionToken(admin.token), meta }),
    ).rejects.toBeInstanceOf(Forbidden);

    const listed = await listActiveSessions({ db: handle.db, viewer: admin.viewer });
    expect(listed.map((s) => s.email)).toContain("target-user@corp.test");
    expect(await revokeSessionAsAdmin({ db: handle.db, viewer: admin.viewer, sessionId: hashSessionToken(target.token), meta })).toBe(true);
    expect(await revokeSessionAsAdmin({ db: handle.db, viewer: admin.viewer, sessionId: hashSessionToken(target.token), meta })).toBe(false);
    expect(await findConsoleSession({ db: handle.db, token: target.token, idleMinutes: 60 })).toEqual({ status: "revoked" });

    const entries = await listRecentAccess({ db: handle.db, viewer: admin.viewer, limit: 50 });
    expect(entries.find((e) => e.action === "session_revoked")).toMatchObject({
      actorEmail: "root-admin@corp.test",
      subjectPersonId: target.person.id,
    });
  });
});

describe("evidence is never lost", () => {
  it("keeps the access log append-only", async () => {
    await signedIn("logger");
    await expect(handle.db.update(accessLog).set({ action: "tampered" }).where(sql`true`)).rejects.toThrow();
    await expect(handle.db.delete(accessLog).where(sql`true`)).rejects.toThrow();
    await expect(handle.db.execute(sql`truncate access_log`)).rejects.toThrow();
    const [{ count }] = (await handle.db.select({ count: sql<number>`count(*)::int` }).from(accessLog)) as [{ count: number }];
    expect(count).toBeGreaterThan(0);
  });

  it("refuses to delete a person who has records instead of cascading", async () => {
    const { person } = await signedIn("permanent");
    await expect(handle.db.delete(people).where(eq(people.id, person.id))).rejects.toThrow();
    expect(await handle.db.select().from(consoleSessions).where(eq(consoleSessions.personId, person.id))).toHaveLength(1);
  });

  it("applies migrations idempotently", async () => {
    await handle.migrate();
    await handle.migrate();
  });
});
