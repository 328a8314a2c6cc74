import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.server";
import { people } from "../../db/schema";
import { createTestDatabase } from "../../tests/setup/test-database";
import { resolvePeopleForActors, upsertPersonForSignIn } from "./person.server";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

describe("resolvePeopleForActors", () => {
  it("creates people once, and finds them again by OpenAI user id", async () => {
    const first = await resolvePeopleForActors({
      db: handle.db,
      actors: [
        { openaiUserId: "user-a", email: "A@Corp.test", name: "A" },
        { openaiUserId: "user-a", email: "A@Corp.test" },
        { openaiUserId: "user-b", email: null },
      ],
    });
    expect(first.size).toBe(2);
    const again = await resolvePeopleForActors({ db: handle.db, actors: [{ openaiUserId: "user-a", email: "a@corp.test" }] });
    expect(again.get("user-a")).toBe(first.get("user-a"));
    const [a] = await handle.db.select().from(people).where(eq(people.openaiUserId, "user-a"));
    expect(a).toMatchObject({ email: "a@corp.test", name: "A" });
    const [b] = await handle.db.select().from(people).where(eq(people.openaiUserId, "user-b"));
    expect(b?.email).toBe("user-b@unknown.openai-user");
  });

  it("links a person who signed in before their first Codex event, by email", async () => {
    const signedIn = await upsertPersonForSignIn({
      db: handle.db,
      identity: { issuer: "https://idp.test", subject: "s-1", email: "early@corp.test", emailVerified: true, name: "Early" },
    });
    const resolved = await resolvePeopleForActors({ db: handle.db, actors: [{ openaiUserId: "user-early", email: "Early@corp.test" }] });
    expect(resolved.get("user-early")).toBe(signedIn.id);
  });
});
