import { describe, expect, it } from "vitest";
import { ALL_FILE_TYPES, Generator, parseFaults } from "../../../scripts/simulator";
import { normalizeLine } from "./compliance-events";

/**
 * normalizeLine checks the envelope by hand for lines of the usual shape and falls back to the
 * zod schema for anything else. Both must give the same record, or the same problem, for every
 * line: the simulator's files (every event type, with the faults that change lines) and lines
 * built to hit each branch of the hand check.
 */
const HOUR = 3_600_000;

function bothWays(line: string, lineNumber = 1) {
  return { fast: normalizeLine(line, lineNumber), schema: normalizeLine(line, lineNumber, { fastPath: false }) };
}

const base = {
  event_id: "evt-1",
  type: "CODEX_LOG",
  timestamp: "2026-11-15T14:42:25Z",
  workspace_id: "ws-1",
  client_id: "CODEX_CLI",
  principal: { id: "ws-1", type: "CHATGPT_WORKSPACE" },
  actor: { type: "ACCOUNT_USER", user_id: "user-1", user_email: "Someone@Example.com" },
  event_details: {
    detail_type: "PROMPT_RESPONSE_RECEIVED",
    session_id: "s-1",
    turn_id: "t-1",
    model: "gpt-5.5",
    response_text: "done",
    token_usage: { input_tokens: 1200, cached_input_tokens: 200, output_tokens: 30, reasoning_output_tokens: 10 },
  },
};

const variants: Array<[string, unknown]> = [
  ["the usual line", base],
  ["no timestamp", { ...base, timestamp: undefined }],
  ["timestamp null", { ...base, timestamp: null }],
  ["timestamp not a date", { ...base, timestamp: "yesterday" }],
  ["timestamp a number", { ...base, timestamp: 1763217745 }],
  ["event_id empty", { ...base, event_id: "" }],
  ["event_id a number", { ...base, event_id: 7 }],
  ["type missing", { ...base, type: undefined }],
  ["type empty", { ...base, type: "" }],
  ["workspace_id a number", { ...base, workspace_id: 12 }],
  ["client_id null", { ...base, client_id: null }],
  ["client_id an object", { ...base, client_id: { id: "x" } }],
  ["actor null", { ...base, actor: null }],
  ["actor an array", { ...base, actor: ["user-1"] }],
  ["actor a string", { ...base, actor: "user-1" }],
  ["actor user_id a number", { ...base, actor: { ...base.actor, user_id: 5 } }],
  ["actor with extra keys", { ...base, actor: { ...base.actor, name: "Someone", extra: { a: 1 } } }],
  ["principal keys reordered and extra", { ...base, principal: { type: "CHATGPT_WORKSPACE", extra: "x", id: "ws-1" } }],
  ["principal type a number", { ...base, principal: { id: "ws-1", type: 3 } }],
  ["principal only id", { ...base, principal: { id: "ws-1" } }],
  ["event_details an array", { ...base, event_details: [1, 2] }],
  ["event_details a string", { ...base, event_details: "PROMPT_SENT" }],
  ["event_details null", { ...base, event_details: null }],
  ["payload an array", { ...base, payload: [] }],
  ["token_usage a string", { ...base, event_details: { ...base.event_details, token_usage: "1200" } }],
  ["token_usage an array", { ...base, event_details: { ...base.event_details, token_usage: [1200] } }],
  ["token counts odd", { ...base, event_details: { ...base.event_details, token_usage: { input_tokens: -1, cached_input_tokens: 1.5, output_tokens: 2 ** 60, reasoning_output_tokens: "9" } } }],
  ["token counts null", { ...base, event_details: { ...base.event_details, token_usage: { input_tokens: null, output_tokens: 0 } } }],
  ["input below cached", { ...base, event_details: { ...base.event_details, token_usage: { input_tokens: 10, cached_input_tokens: 200 } } }],
  ["unknown envelope fields", { ...base, region: "eu", nested: { deep: ["a"] } }],
  ["an AUDIT_LOG action", { ...base, type: "AUDIT_LOG", event_details: { action: "user.role_changed", target: { id: "u" } } }],
  ["a COSTS row", { ...base, type: "COSTS", event_details: undefined, payload: { day: "2026-11-15", hour: 14, identity: { user_id: "user-1", email: "A@B.example" }, product: "codex", measures: { usage: { text_input_tokens: 5 }, billing: [{ cost: { value: 1.25, unit: "CREDITS" } }] } } }],
  ["a COSTS row with a bad day", { ...base, type: "COSTS", payload: { day: "15/11/2026", hour: 3 } }],
];

describe("normalizeLine: the hand-checked envelope agrees with the schema", () => {
  for (const [name, record] of variants) {
    it(name, () => {
      const { fast, schema } = bothWays(JSON.stringify(record));
      expect(fast).toEqual(schema);
    });
  }

  it("agrees on lines that are not objects", () => {
    for (const line of ["not json", "[1,2]", "null", "42", '"text"', "{"]) {
      const { fast, schema } = bothWays(line, 9);
      expect(fast).toEqual(schema);
      expect(fast.kind).toBe("invalid");
    }
  });

  it("agrees on every line of the simulator's files, faults included", () => {
    const start = Date.UTC(2026, 10, 18);
    const generator = new Generator({ seed: 5, users: 20, days: 2, start, faults: parseFaults(["badline", "schema-drift", "unknown-event-type", "unknown-model", "duplicate"]) });
    let lines = 0;
    for (const type of ALL_FILE_TYPES) {
      for (let h = generator.startHour; h < start; h += HOUR) {
        const body = generator.fileBody(type, h).toString("utf8").split("\n");
        body.forEach((line, i) => {
          if (!line.trim()) return;
          lines += 1;
          const { fast, schema } = bothWays(line.trim(), i + 1);
          expect(fast).toEqual(schema);
        });
      }
    }
    expect(lines).toBeGreaterThan(1000);
  });
});
