import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectRows, type DatabaseHandle } from "../db/client.server";
import { scopeKey, WORKSPACE_EVENT_TYPES, type ComplianceScope } from "../app/lib/openai/compliance-client.server";
import type { OpenAIConnection } from "../app/lib/openai/connection";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../app/lib/openai/http.server";
import { workerPreparer } from "../app/lib/ingest/prepare-pool";
import { startSimulator, type SimulatorHandle } from "../scripts/simulator";
import { createTestDatabase } from "../tests/setup/test-database";
import { syncComplianceStream, type SourceSummary } from "./compliance_logs__sync";

const NOW = new Date("2026-11-20T12:30:00Z");
const HOUR = 3_600_000;
const SIM = { seed: 11, users: 8, days: 2, now: NOW, hangMs: 800, slowMaxMs: 210 } as const;
const FAST: RetryPolicy = { ...DEFAULT_RETRY_POLICY, timeoutMs: 400, maxAttempts: 6, sleep: async () => {} };
const redactionKey = randomBytes(32);

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

function connectionOf(sim: SimulatorHandle): OpenAIConnection {
  return { apiBase: sim.baseUrl.replace(/\/+$/, ""), complianceApiKey: sim.complianceApiKey, workspaceId: sim.workspaceId, orgId: sim.orgId };
}

async function syncAll(sim: SimulatorHandle, options: { connection?: OpenAIConnection; textPolicy?: "redacted" | "hash-only" } = {}) {
  const connection = options.connection ?? connectionOf(sim);
  const results: SourceSummary[] = [];
  // The worker thread, as `npm run sync` prepares files; the in-process path is what the ledger tests use.
  const preparer = workerPreparer({ redaction: { key: redactionKey }, textPolicy: options.textPolicy ?? "redacted" });
  try {
    for (const eventType of [...WORKSPACE_EVENT_TYPES, "COSTS"]) {
      const scope: ComplianceScope = eventType === "COSTS" ? { kind: "organization", id: sim.orgId } : { kind: "workspace", id: sim.workspaceId };
      results.push(await syncComplianceStream({ db: handle.db, connection, scope, eventType, preparer, backfillDays: 30, now: NOW, policy: FAST }));
    }
  } finally {
    await preparer.close();
  }
  return results;
}

async function resetSyncTables() {
  await handle.db.execute(
    sql`truncate events, event_ids, findings, codex_sessions, daily_rollups, daily_tool_rollups, costs_hourly, log_files, sync_cursors, sync_gaps, sync_runs`,
  );
}

type Stored = {
  eventsByFileType: Record<string, number>;
  costs: number;
  tokens: { input: number; cached: number; output: number; reasoning: number };
  costTokens: { uncached: number; cached: number; output: number; creditUnits: number };
  /** Per tool name from daily_tool_rollups; the same decisions summed from daily_rollups. */
  tools: Record<string, { calls: number; approved: number; denied: number; aborted: number }>;
  toolTotals: { calls: number; approved: number; denied: number; aborted: number };
  digest: string;
};

type ToolTally = { calls: number; approved: number; denied: number; aborted: number };

async function toolTallies() {
  const byTool = await selectRows<ToolTally & { tool_name: string }>(
    handle.db,
    sql`select tool_name, sum(calls)::int as calls, sum(approved)::int as approved, sum(denied)::int as denied, sum(aborted)::int as aborted
        from daily_tool_rollups group by 1 order by 1`,
  );
  const [totals] = await selectRows<ToolTally>(
    handle.db,
    sql`select coalesce(sum(tool_calls), 0)::int as calls, coalesce(sum(tool_approved), 0)::int as approved,
               coalesce(sum(tool_denied), 0)::int as denied, coalesce(sum(tool_aborted), 0)::int as aborted from daily_rollups`,
  );
  return { tools: Object.fromEntries(byTool.map(({ tool_name, ...tally }) => [tool_name, tally])), toolTotals: totals! };
}

async function stored(): Promise<Stored> {
  const byType = await selectRows<{ event_type: string; n: number }>(
    handle.db,
    sql`select lf.event_type, count(*)::int as n from events e join log_files lf on lf.id = e.source_file_id group by 1`,
  );
  const [tokens] = await selectRows<{ input: string; cached: string; output: string; reasoning: string }>(
    handle.db,
    sql`select coalesce(sum(input_tokens), 0) as input, coalesce(sum(cached_input_tokens), 0) as cached,
               coalesce(sum(output_tokens), 0) as output, coalesce(sum(reasoning_output_tokens), 0) as reasoning
        from events where event_type = 'CODEX_LOG' and detail_type = 'PROMPT_RESPONSE_RECEIVED'`,
  );
  const [costs] = await selectRows<{ n: number; uncached: string; cached: string; output: string; credits: string }>(
    handle.db,
    sql`select count(*)::int as n,
               coalesce(sum(input_tokens) filter (where product = 'codex'), 0) as uncached,
               coalesce(sum(cached_input_tokens) filter (where product = 'codex'), 0) as cached,
               coalesce(sum(output_tokens) filter (where product = 'codex'), 0) as output,
               coalesce(sum(credits) filter (where product = 'codex'), 0) as credits
        from costs_hourly`,
  );
  // A digest over the ordered evidence: equal digests mean the same rows, whatever the route there.
  const [digest] = await selectRows<{ digest: string }>(
    handle.db,
    sql`select md5(coalesce(string_agg(concat_ws('|', event_id, occurred_at, event_type, detail_type, person_id, input_tokens,
                  cached_input_tokens, output_tokens, text_fingerprint, redacted_text, finding_count, attributes::text), E'\n'
                  order by event_id), '')) as digest from events`,
  );
  return {
    eventsByFileType: Object.fromEntries(byType.map((r) => [r.event_type, r.n])),
    costs: costs!.n,
    tokens: { input: Number(tokens!.input), cached: Number(tokens!.cached), output: Number(tokens!.output), reasoning: Number(tokens!.reasoning) },
    costTokens: {
      uncached: Number(costs!.uncached),
      cached: Number(costs!.cached),
      output: Number(costs!.output),
      creditUnits: Math.round(Number(costs!.credits) * 1e4),
    },
    ...(await toolTallies()),
    digest: digest!.digest,
  };
}

function expectedOf(sim: SimulatorHandle) {
  const e = sim.generator.expected(0, Math.floor(NOW.getTime() / HOUR) * HOUR);
  const { COSTS: costRows, ...workspaceTypes } = e.events;
  return {
    eventsByFileType: Object.fromEntries(Object.entries(workspaceTypes).filter(([, n]) => (n ?? 0) > 0)),
    costs: costRows ?? 0,
    tokens: { input: e.codexTokens.input - e.codexTokens.cached, cached: e.codexTokens.cached, output: e.codexTokens.output, reasoning: e.codexTokens.reasoning },
    costTokens: { uncached: e.costs.uncached, cached: e.costs.cached, output: e.costs.output, creditUnits: e.costs.creditUnits },
    tools: e.tools,
    toolTotals: Object.values(e.tools).reduce(
      (sum, t) => ({ calls: sum.calls + t.calls, approved: sum.approved + t.approved, denied: sum.denied + t.denied, aborted: sum.aborted + t.aborted }),
      { calls: 0, approved: 0, denied: 0, aborted: 0 },
    ),
  };
}

// Whole 30-day syncs: a loaded CI machine can take well over the default 30 s.
describe("Compliance log sync against the simulator", { timeout: 120_000 }, () => {
  let sim: SimulatorHandle;
  let clean: Stored;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, ...SIM });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("stores exactly the generator's events, tokens and costs", async () => {
    await resetSyncTables();
    const results = await syncAll(sim);
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    clean = await stored();
    const { digest: _digest, ...counts } = clean;
    expect(counts).toEqual(expectedOf(sim));
  });

  it("adds nothing on a second run", async () => {
    const results = await syncAll(sim);
    expect(results.map((r) => r.newEvents)).toEqual([0, 0, 0, 0, 0]);
    expect(await stored()).toEqual(clean);
  });

  it("counts every tool name and approval decision in daily_tool_rollups, and the migration's backfill rebuilds the same rows", async () => {
    const expected = expectedOf(sim).tools;
    expect(Object.keys(expected).length).toBeGreaterThan(2);
    expect(Object.values(expected).some((t) => t.aborted > 0 && t.denied > 0)).toBe(true);
    expect(clean.tools).toEqual(expected);

    const rowsOf = () =>
      selectRows<Record<string, unknown>>(handle.db, sql`select * from daily_tool_rollups order by day, openai_user_id, client_id, model, tool_name`);
    const incremental = await rowsOf();
    const migration = readFileSync(new URL("../db/migrations/0007_daily_tool_rollups.sql", import.meta.url), "utf8");
    const backfill = migration.split("--> statement-breakpoint").find((statement) => statement.trim().startsWith('INSERT INTO "daily_tool_rollups"'));
    expect(backfill).toBeDefined();
    await handle.db.execute(sql`delete from daily_tool_rollups`);
    await handle.db.execute(sql.raw(backfill!));
    expect(await rowsOf()).toEqual(incremental);
  });

  it("never stores a planted secret or canary value, anywhere", async () => {
    const planted = sim.generator.plantedSecrets(0, NOW.getTime());
    expect(planted.length).toBeGreaterThan(0);
    const values = [...new Set([...planted.map((p) => p.value), ...sim.canaries])].filter((v) => v.length >= 8);
    const [{ leaks }] = (await selectRows<{ leaks: number }>(
      handle.db,
      sql`select count(*)::int as leaks
          from json_array_elements_text(${JSON.stringify(values)}::json) as v(value)
          where exists (select 1 from events e where strpos(coalesce(e.redacted_text, ''), v.value) > 0 or strpos(e.attributes::text, v.value) > 0)
             or exists (select 1 from costs_hourly c where strpos(c.attributes::text, v.value) > 0)
             or exists (select 1 from findings f where strpos(f.fingerprint, v.value) > 0)`,
    )) as [{ leaks: number }];
    expect(leaks).toBe(0);
    // And they were found, not merely dropped: each planted prompt carries findings.
    const ids = [...new Set(planted.map((p) => p.eventId))];
    const [{ withFindings }] = (await selectRows<{ withFindings: number }>(
      handle.db,
      sql`select count(*)::int as "withFindings" from events where event_id in (select json_array_elements_text(${JSON.stringify(ids)}::json)) and finding_count > 0`,
    )) as [{ withFindings: number }];
    expect(withFindings).toBe(ids.length);
  });

  it("keeps the cursor at the last file and records its ledger", async () => {
    const [cursor] = await selectRows<{ position: string; files_total: number }>(
      handle.db,
      sql`select position, files_total::int from sync_cursors where source = 'compliance' and stream = 'CODEX_LOG' and scope = ${scopeKey({ kind: "workspace", id: sim.workspaceId })}`,
    );
    expect(Date.parse(cursor!.position)).toBeLessThanOrEqual(NOW.getTime());
    expect(Date.parse(cursor!.position)).toBeGreaterThan(NOW.getTime() - 2 * HOUR);
    const [ledger] = await selectRows<{ files: number; bad: number }>(
      handle.db,
      sql`select count(*)::int as files, count(*) filter (where status <> 'ingested')::int as bad from log_files`,
    );
    expect(ledger!.bad).toBe(0);
    expect(ledger!.files).toBe(Object.values(sim.generator.expected(0, Math.floor(NOW.getTime() / HOUR) * HOUR).files).reduce((a, b) => a + (b ?? 0), 0));
  });

  it("stores no text at all under the hash-only policy", async () => {
    await resetSyncTables();
    await syncAll(sim, { textPolicy: "hash-only" });
    const [row] = await selectRows<{ with_text: number; fingerprinted: number }>(
      handle.db,
      sql`select count(*) filter (where redacted_text is not null)::int as with_text,
                 count(*) filter (where text_fingerprint is not null)::int as fingerprinted from events`,
    );
    expect(row!.with_text).toBe(0);
    expect(row!.fingerprinted).toBeGreaterThan(0);
  });

  it("explains a key without the compliance scope", async () => {
    const results = await syncAll(sim, { connection: { ...connectionOf(sim), complianceApiKey: sim.analyticsApiKey } });
    expect(results[0]!.errors[0]).toMatch(/OPENAI_COMPLIANCE_API_KEY lacks the Compliance API read scope .*\(403\)/);
  });
});

const FAULTS = [
  "ratelimit",
  "5xx",
  "slow",
  "timeout",
  "truncate",
  "corrupt",
  "expired-url",
  "duplicate",
  "badline",
  "reorder",
  "late",
  "unknown-event-type",
  "unknown-model",
  "schema-drift",
  "no-retry-after",
  "download-direct",
  "list-object",
  "empty-sha256",
  "empty-page-echo-after",
];

describe("every fault still ends in exactly the expected rows", () => {
  let cleanDigest = "";
  let expected: ReturnType<typeof expectedOf>;
  beforeAll(async () => {
    const sim = await startSimulator({ port: 0, ...SIM });
    expected = expectedOf(sim);
    await resetSyncTables();
    await syncAll(sim);
    cleanDigest = (await stored()).digest;
    await sim.close();
  });

  for (const fault of [...FAULTS, FAULTS.filter((f) => !["empty-sha256", "download-direct"].includes(f)).join(",")]) {
    it(fault.includes(",") ? "all faults together" : fault, { timeout: 180_000 }, async () => {
      const sim = await startSimulator({ port: 0, ...SIM, faults: fault.split(",") });
      try {
        await resetSyncTables();
        // Transient faults may quarantine a file on one run; the next run retries it.
        let results = await syncAll(sim);
        for (let run = 0; run < 3 && results.some((r) => r.errors.length > 0); run++) results = await syncAll(sim);
        expect(results.flatMap((r) => r.errors)).toEqual([]);
        const after = await stored();
        const { digest, ...counts } = after;
        const sameData = ["duplicate", "badline", "reorder", "late", "no-retry-after", "download-direct", "list-object", "empty-sha256", "empty-page-echo-after"];
        const changesData = fault.includes(",") || ["unknown-event-type", "unknown-model", "schema-drift"].includes(fault);
        if (!changesData) expect(counts).toEqual(expected);
        if (sameData.includes(fault) || ["ratelimit", "5xx", "slow", "timeout", "truncate", "corrupt", "expired-url"].includes(fault)) {
          expect(digest).toBe(cleanDigest);
        }
        if (changesData) {
          // The fault adds or alters events, but every event of every file is stored once.
          const e = sim.generator.expected(0, Math.floor(NOW.getTime() / HOUR) * HOUR);
          const { COSTS: costRows, ...workspaceTypes } = e.events;
          expect(counts.eventsByFileType).toEqual(Object.fromEntries(Object.entries(workspaceTypes).filter(([, n]) => (n ?? 0) > 0)));
          expect(counts.costs).toBe(costRows);
        }
      } finally {
        await sim.close();
      }
    });
  }
});
