import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.server";
import { createTestDatabase } from "../../tests/setup/test-database";
import {
  findSharedCard,
  getLeaderboard,
  getMyActivity,
  setMyLeaderboardOptIn,
  shareMyCard,
  streaksOf,
  withdrawMyCard,
} from "./my-activity.server";
import { resolvePeopleForActors } from "./person.server";
import type { Viewer } from "./viewer";

describe("streaksOf", () => {
  it("counts the longest run and a current run that reaches today or yesterday", () => {
    const days = ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-10", "2026-11-19", "2026-11-20"];
    expect(streaksOf(days, "2026-11-20")).toEqual({ current: 2, longest: 3 });
    expect(streaksOf(days, "2026-11-21")).toEqual({ current: 2, longest: 3 });
    expect(streaksOf(days, "2026-11-22")).toEqual({ current: 0, longest: 3 });
    expect(streaksOf([], "2026-11-22")).toEqual({ current: 0, longest: 0 });
  });
});

describe("my activity", () => {
  let handle: DatabaseHandle;
  let me: Viewer;
  let other: Viewer;
  beforeAll(async () => {
    handle = await createTestDatabase();
    const ids = await resolvePeopleForActors({
      db: handle.db,
      actors: [
        { openaiUserId: "user-me", email: "me@corp.test", name: "Me" },
        { openaiUserId: "user-other", email: "other@corp.test", name: "Other" },
      ],
    });
    me = { personId: ids.get("user-me")!, email: "me@corp.test", name: "Me", roles: [] };
    other = { personId: ids.get("user-other")!, email: "other@corp.test", name: "Other", roles: [] };
    const rows = [
      ["2026-11-18", "user-me", me.personId, "gpt-5.5", "CODEX_CLI", 3, 1000, 500, 100],
      ["2026-11-19", "user-me", me.personId, "gpt-5.5", "CODEX_CLI", 2, 2000, 0, 300],
      ["2026-11-19", "user-me", me.personId, "gpt-5.4", "CODEX_WEB", 1, 10, 0, 5],
      ["2026-11-19", "user-other", other.personId, "gpt-5.5", "CODEX_CLI", 9, 99_999, 0, 1],
    ] as const;
    for (const [day, uid, pid, model, client, prompts, input, cached, output] of rows) {
      await handle.db.execute(sql`insert into daily_rollups (day, openai_user_id, person_id, model, client_id, prompts, input_tokens, cached_input_tokens, output_tokens)
        values (${day}, ${uid}, ${pid}, ${model}, ${client}, ${prompts}, ${input}, ${cached}, ${output})`);
    }
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("reads only the viewer's own rows", async () => {
    const activity = await getMyActivity({ db: handle.db, viewer: me, today: "2026-11-19" });
    expect(activity.lifetimeTokens).toBe(1000 + 500 + 100 + 2000 + 300 + 10 + 5);
    expect(activity.activeDays).toBe(2);
    expect(activity.streaks).toEqual({ current: 2, longest: 2 });
    expect(activity.peakDay).toEqual({ day: "2026-11-19", tokens: 2315 });
    expect(activity.modelMix.map((m) => m.label)).toEqual(["gpt-5.5", "gpt-5.4"]);
    expect(activity.heatmap).toEqual([
      { date: "2026-11-18", value: 3 },
      { date: "2026-11-19", value: 3 },
    ]);
  });

  it("shares exactly the chosen numbers, and stops when withdrawn", async () => {
    const token = await shareMyCard({ db: handle.db, viewer: me, fields: ["activeDays", "topModel"] });
    const card = await findSharedCard({ db: handle.db, token, today: "2026-11-19" });
    expect(card).toEqual({ name: "Me", items: [{ label: "Active days", value: "2" }, { label: "Favourite model", value: "gpt-5.5" }] });
    await withdrawMyCard({ db: handle.db, viewer: me });
    expect(await findSharedCard({ db: handle.db, token, today: "2026-11-19" })).toBeNull();
  });

  it("lists only people who opted in to the leaderboard", async () => {
    expect((await getLeaderboard({ db: handle.db, today: "2026-11-19" })).rows).toEqual([]);
    await setMyLeaderboardOptIn({ db: handle.db, viewer: me, optIn: true });
    const board = await getLeaderboard({ db: handle.db, today: "2026-11-19" });
    expect(board.rows).toEqual([{ name: "Me", tokens: 3915, activeDays: 2 }]);
    await setMyLeaderboardOptIn({ db: handle.db, viewer: me, optIn: false });
    expect((await getLeaderboard({ db: handle.db, today: "2026-11-19" })).rows).toEqual([]);
  });
});
