import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, selectRows } from "../db/client.server";
import { startSimulator, type SimulatorHandle } from "../scripts/simulator";

/**
 * Kill the sync (SIGKILL) at random points many times, then let it finish: the database
 * must hold exactly what a clean run stores. On PGlite (a folder) and, when
 * TEST_DATABASE_URL is set, on PostgreSQL.
 */

const NOW = "2026-11-20T12:30:00Z";
const KILLS = 5;
const root = path.resolve(import.meta.dirname, "..");
const tsx = path.join(root, "node_modules/.bin/tsx");
const child = path.join(root, "tests/setup/sync-child.ts");
const redactionKey = randomBytes(32).toString("hex");
let sim: SimulatorHandle;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 23, users: 20, days: 3, now: new Date(NOW) });
});
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
  await sim?.close();
});

function runChild(target: string, killAfterMs: number | null): Promise<{ code: number | null; killed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(tsx, [child, target], {
      cwd: root,
      env: {
        ...process.env,
        CHILD_API_BASE: sim.baseUrl.replace(/\/+$/, ""),
        CHILD_COMPLIANCE_KEY: sim.complianceApiKey,
        CHILD_ANALYTICS_KEY: sim.analyticsApiKey,
        CHILD_WORKSPACE_ID: sim.workspaceId,
        CHILD_ORG_ID: sim.orgId,
        CHILD_REDACTION_KEY: redactionKey,
        CHILD_NOW: NOW,
      },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group: tsx runs the script in a child process, and both must die.
      detached: true,
    });
    let output = "";
    proc.stdout.on("data", (d: Buffer) => (output += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (output += d.toString()));
    let killed = false;
    const timer = killAfterMs === null ? null : setTimeout(() => {
      killed = true;
      process.kill(-proc.pid!, "SIGKILL");
    }, killAfterMs);
    proc.on("error", reject);
    proc.on("exit", (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, killed, output });
    });
  });
}

const DIGESTS = {
  events: sql`select md5(coalesce(string_agg(concat_ws('|', event_id, occurred_at, event_type, detail_type, person_id is not null, input_tokens, cached_input_tokens, output_tokens, text_fingerprint, redacted_text, finding_count, attributes::text), E'\n' order by event_id), '')) as d from events`,
  costs: sql`select md5(coalesce(string_agg(concat_ws('|', event_id, hour, credits, input_tokens, cached_input_tokens, output_tokens), E'\n' order by event_id), '')) as d from costs_hourly`,
  rollups: sql`select md5(coalesce(string_agg(concat_ws('|', day, openai_user_id, model, client_id, events, prompts, responses, tool_calls, input_tokens, cached_input_tokens, output_tokens, findings), E'\n' order by day, openai_user_id, model, client_id), '')) as d from daily_rollups`,
  tools: sql`select md5(coalesce(string_agg(concat_ws('|', day, openai_user_id, client_id, model, tool_name, calls, approved, denied, aborted), E'\n' order by day, openai_user_id, client_id, model, tool_name), '')) as d from daily_tool_rollups`,
  sessions: sql`select md5(coalesce(string_agg(concat_ws('|', session_id, first_at, last_at, turns), E'\n' order by session_id), '')) as d from codex_sessions`,
  findings: sql`select md5(coalesce(string_agg(concat_ws('|', event_id, field, type, start, "end", fingerprint), E'\n' order by event_id, field, start), '')) as d from findings`,
  ledger: sql`select md5(coalesce(string_agg(concat_ws('|', id, status, events, new_events), E'\n' order by id), '')) as d from log_files`,
  analytics: sql`select md5(coalesce(string_agg(concat_ws('|', day, openai_user_id, credits, turns), E'\n' order by day, openai_user_id), '')) as d from analytics_usage_daily`,
  people: sql`select count(*)::text as d from people`,
};

async function digestOf(target: string) {
  const handle = await openDatabase(target.startsWith("postgres") ? { kind: "postgres", url: target } : { kind: "pglite", dataDir: target });
  try {
    const out: Record<string, string> = {};
    for (const [name, query] of Object.entries(DIGESTS)) out[name] = (await selectRows<{ d: string }>(handle.db, query))[0]!.d;
    return out;
  } finally {
    await handle.close();
  }
}

async function newTarget(kind: "pglite" | "postgres", label: string) {
  if (kind === "pglite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ledger-crash-${label}-`));
    cleanup.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    return path.join(dir, "pglite");
  }
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `ledger_crash_${label}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  cleanup.push(async () => {
    const drop = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await drop.unsafe(`drop database if exists ${name} with (force)`);
    await drop.end();
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.href;
}

const kinds = process.env.TEST_DATABASE_URL ? (["postgres"] as const) : (["pglite"] as const);

describe.each(kinds)("crash safety on %s", (kind) => {
  it("converges to a clean run's rows after repeated SIGKILLs", { timeout: 600_000 }, async () => {
    const cleanTarget = await newTarget(kind, "clean");
    const started = Date.now();
    const clean = await runChild(cleanTarget, null);
    const cleanMs = Date.now() - started;
    expect(clean.code, clean.output.slice(-2000)).toBe(0);
    const expected = await digestOf(cleanTarget);

    const crashTarget = await newTarget(kind, "crash");
    let killedMidway = 0;
    for (let i = 0; i < KILLS; i++) {
      // Spread the kills over start-up, migration and ingest: anywhere in the first 95 % of a clean run.
      const run = await runChild(crashTarget, Math.floor(cleanMs * (0.1 + Math.random() * 0.85)));
      if (run.killed) killedMidway++;
      else expect(run.code, run.output.slice(-2000)).toBe(0);
    }
    const final = await runChild(crashTarget, null);
    expect(final.code, final.output.slice(-2000)).toBe(0);
    expect(killedMidway).toBeGreaterThan(0);
    expect(await digestOf(crashTarget)).toEqual(expected);
  });
});
