import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CANARY_SECRETS, ENGINEER_EMAIL, Generator, ibanValid, luhnValid, parseFaults, SECRET_KINDS, startSimulator, toolFieldForms, type SimulatorHandle } from "./index.js";

const NOW = new Date("2026-09-15T12:34:56Z");
const HOUR = 3_600_000;

type Json = Record<string, unknown>;

function auth(key: string) {
  return { authorization: `Bearer ${key}` };
}

function wsLogs(sim: SimulatorHandle): string {
  return `${sim.baseUrl}/v1/compliance/workspaces/${sim.workspaceId}/logs`;
}

async function withSim(opts: { faults: string[]; users?: number; days?: number; [k: string]: unknown }, fn: (sim: SimulatorHandle) => Promise<void>): Promise<void> {
  const sim = await startSimulator({ seed: 21, users: opts.users ?? 20, days: opts.days ?? 2, now: NOW, ...opts });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

async function listAll(sim: SimulatorHandle, type = "CODEX_LOG", limit = 50): Promise<{ id: string; end_time: string; file_sha256: string; file_size: number }[]> {
  const out: { id: string; end_time: string; file_sha256: string; file_size: number }[] = [];
  let after = "2020-01-01T00:00:00Z";
  for (let i = 0; i < 1000; i++) {
    const base = type === "COSTS" ? `${sim.baseUrl}/v1/compliance/organizations/${sim.orgId}/logs` : wsLogs(sim);
    const r = await fetch(`${base}?event_type=${type}&after=${encodeURIComponent(after)}&limit=${limit}`, { headers: auth(sim.complianceApiKey) });
    expect(r.status).toBe(200);
    const p = (await r.json()) as { data: typeof out; has_more: boolean; last_end_time: string };
    out.push(...p.data);
    if (!p.has_more) break;
    after = p.last_end_time;
  }
  return out;
}

function sha(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

describe("the generator as a library", () => {
  it("plants secrets in about 2% of prompts", () => {
    const g = new Generator({ seed: 99, users: 300, days: 7, start: NOW.getTime() });
    const e = g.expected(NOW.getTime() - 7 * 86_400_000, NOW.getTime(), ["CODEX_LOG"]);
    expect(e.prompts).toBeGreaterThan(5000);
    const rate = e.secretPrompts / e.prompts;
    expect(rate).toBeGreaterThan(0.014);
    expect(rate).toBeLessThan(0.03);
    const kinds = new Set(g.plantedSecrets(0, NOW.getTime()).map((s) => s.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(12);
  });

  it("makes canaries and secrets that a detector would recognise", () => {
    const card = CANARY_SECRETS.find((s) => s.kind === "credit_card")!;
    expect(luhnValid(card.value)).toBe(true);
    const g = new Generator({ seed: 4, users: 400, days: 7, start: NOW.getTime() });
    const planted = g.plantedSecrets(0, NOW.getTime());
    for (const s of planted) {
      if (s.kind === "credit_card") expect(luhnValid(s.value)).toBe(true);
      if (s.kind === "iban") expect(ibanValid(s.value)).toBe(true);
      if (s.kind === "aws_access_key") expect(s.value).toMatch(/^AKIA[A-Z2-7]{16}$/);
      if (s.kind === "github_token") expect(s.value).toMatch(/^(ghp_[A-Za-z0-9]{36}|github_pat_\w{82})$/);
    }
  });

  it("puts every canary in tool calls too: arguments of a command or patch, output of a command, on the engineer's working days", () => {
    const g = new Generator({ seed: 8, users: 30, days: 7, start: NOW.getTime() });
    const planted = g.plantedToolSecrets(0, NOW.getTime());
    expect(new Set(planted.map((p) => p.personEmail))).toEqual(new Set([ENGINEER_EMAIL]));
    for (const field of ["arguments", "output"] as const) {
      const kinds = new Set(planted.filter((p) => p.field === field).map((p) => p.kind));
      expect([...SECRET_KINDS].filter((k) => !kinds.has(k)), field).toEqual([]);
    }
    expect(new Set(planted.filter((p) => p.field === "arguments").map((p) => p.tool))).toEqual(new Set(["shell", "apply_patch"]));
    expect(new Set(planted.filter((p) => p.field === "output").map((p) => p.tool))).toEqual(new Set(["shell"]));
    // A low rate: three calls a working day, of the whole workspace's tool calls.
    const e = g.expected(0, NOW.getTime(), ["CODEX_LOG"]);
    const calls = Object.values(e.tools).reduce((sum, t) => sum + t.calls, 0);
    const carriers = new Set(planted.filter((p) => p.eventType === "CODEX_LOG").map((p) => p.eventId)).size;
    expect(carriers).toBeGreaterThanOrEqual(3 * 4);
    expect(carriers / calls).toBeLessThan(0.02);

    // Each canary is in the served event where the generator says, and no other tool call holds one.
    const served = new Map<string, Json>();
    for (const type of ["CODEX_LOG", "CODEX_SECURITY_LOG"] as const) {
      for (const f of g.listFiles(type, { afterUs: 0, limit: 10_000, nowMs: NOW.getTime() }).files) {
        for (const line of g.fileBody(type, f.hourStart).toString("utf8").split("\n")) if (line) served.set((JSON.parse(line) as Json).event_id as string, JSON.parse(line) as Json);
      }
    }
    const listed = new Set<string>();
    for (const p of planted) {
      const event = served.get(p.eventId);
      if (!event) continue; // its hour is not published yet
      expect(event.type).toBe(p.eventType);
      const text = (event.event_details as Json)[p.field] as string;
      expect(toolFieldForms(p.value)).toContain(text.slice(p.start, p.end));
      listed.add(`${p.eventId} ${p.field} ${p.value}`);
    }
    expect(listed.size).toBeGreaterThan(20);
    let holding = 0;
    for (const event of served.values()) {
      const details = event.event_details as Json;
      for (const field of ["arguments", "output"]) {
        const text = details[field];
        if (typeof text !== "string") continue;
        for (const c of CANARY_SECRETS) {
          if (!toolFieldForms(c.value).some((form) => text.includes(form))) continue;
          holding++;
          expect(listed).toContain(`${event.event_id as string} ${field} ${c.value}`);
        }
      }
      // Only a call that carries canaries in its output has an output.
      if (typeof details.output === "string") expect(planted.some((p) => p.eventId === event.event_id && p.field === "output")).toBe(true);
    }
    expect(holding).toBe(listed.size);
  });

  it("rejects unknown fault names and bad rates", () => {
    expect(() => parseFaults(["nope"])).toThrow(/unknown fault "nope"/);
    expect(() => parseFaults(["5xx=2"])).toThrow(/rate/);
    expect(parseFaults(["5xx=0.3,late", "badline"])).toEqual({ "5xx": 0.3, late: 0.05, badline: 0.1 });
  });

  it("counts exactly what a deduplicating client receives", async () => {
    await withSim({ faults: ["duplicate=0.3"], users: 15 }, async (sim) => {
      const files = await listAll(sim);
      const ids = new Set<string>();
      let lines = 0;
      for (const f of files) {
        const body = Buffer.from(await (await fetch(`${wsLogs(sim)}/${f.id}`, { headers: auth(sim.complianceApiKey) })).arrayBuffer());
        for (const l of body.toString().split("\n").filter(Boolean)) {
          ids.add((JSON.parse(l) as Json).event_id as string);
          lines++;
        }
      }
      const e = sim.generator.expected(sim.generator.startHour, Math.floor(NOW.getTime() / HOUR) * HOUR, ["CODEX_LOG"]);
      expect(ids.size).toBe(e.events.CODEX_LOG);
      expect(lines).toBe(e.lines.CODEX_LOG);
      expect(lines).toBeGreaterThan(ids.size); // the same event_id in two files
      expect(files.length).toBe(e.files.CODEX_LOG);
    });
  });
});

describe("transient faults over HTTP", () => {
  it("5xx and ratelimit fail the first attempts of a request, then let it through", async () => {
    await withSim({ faults: ["5xx=1"] }, async (sim) => {
      const url = `${wsLogs(sim)}?event_type=AUTH_LOG&after=2020-01-01T00:00:00Z`;
      const s = [];
      for (let i = 0; i < 3; i++) s.push((await fetch(url, { headers: auth(sim.complianceApiKey) })).status);
      expect([500, 502, 503]).toContain(s[0]);
      expect([500, 502, 503]).toContain(s[1]);
      expect(s[2]).toBe(200);
    });
    await withSim({ faults: ["ratelimit=1"] }, async (sim) => {
      const url = `${wsLogs(sim)}?event_type=AUTH_LOG&after=2020-01-01T00:00:00Z`;
      const r = await fetch(url, { headers: auth(sim.complianceApiKey) });
      expect(r.status).toBe(429);
      expect(r.headers.get("retry-after")).toBe("1");
    });
    await withSim({ faults: ["ratelimit=1", "no-retry-after"] }, async (sim) => {
      const r = await fetch(`${wsLogs(sim)}?event_type=AUTH_LOG&after=2020-01-01T00:00:00Z`, { headers: auth(sim.complianceApiKey) });
      expect(r.status).toBe(429);
      expect(r.headers.get("retry-after")).toBeNull();
    });
  });

  it("ratelimit-strict enforces 50 list requests per minute per key", async () => {
    await withSim({ faults: ["ratelimit-strict"] }, async (sim) => {
      const statuses: number[] = [];
      for (let i = 0; i < 52; i++) {
        const r = await fetch(`${wsLogs(sim)}?event_type=AUDIT_LOG&after=2020-01-01T00:00:0${i % 10}Z`, { headers: auth(sim.complianceApiKey) });
        statuses.push(r.status);
        await r.arrayBuffer();
      }
      expect(statuses.slice(0, 50).every((s) => s === 200)).toBe(true);
      expect(statuses[50]).toBe(429);
    });
  });

  it("truncate and corrupt give sha256 mismatches that a retry cures", async () => {
    for (const fault of ["truncate=1", "corrupt=1"]) {
      await withSim({ faults: [fault] }, async (sim) => {
        const f = (await listAll(sim))[3]!;
        const get = async () => Buffer.from(await (await fetch(`${wsLogs(sim)}/${f.id}`, { headers: auth(sim.complianceApiKey) })).arrayBuffer());
        const first = await get();
        expect(sha(first)).not.toBe(f.file_sha256);
        if (fault.startsWith("truncate")) expect(first.length).toBeLessThan(f.file_size);
        else expect(first.length).toBe(f.file_size);
        await get();
        const third = await get();
        expect(sha(third)).toBe(f.file_sha256);
      });
    }
  });

  it("expired-url hands out an already expired Location; asking again gives a good one", async () => {
    await withSim({ faults: ["expired-url=1"] }, async (sim) => {
      const f = (await listAll(sim))[0]!;
      const loc = async () => (await fetch(`${wsLogs(sim)}/${f.id}`, { headers: auth(sim.complianceApiKey), redirect: "manual" })).headers.get("location")!;
      expect((await fetch(await loc())).status).toBe(410);
      expect((await fetch(await loc())).status).toBe(410);
      expect((await fetch(await loc())).status).toBe(200);
    });
  });

  it("timeout holds the connection and closes it; slow delays", async () => {
    await withSim({ faults: ["timeout=1"], hangMs: 150 }, async (sim) => {
      const url = `${wsLogs(sim)}?event_type=AUTH_LOG&after=2020-01-01T00:00:00Z`;
      await expect(fetch(url, { headers: auth(sim.complianceApiKey) })).rejects.toThrow();
      await expect(fetch(url, { headers: auth(sim.complianceApiKey) })).rejects.toThrow();
      expect((await fetch(url, { headers: auth(sim.complianceApiKey) })).status).toBe(200);
    });
    await withSim({ faults: ["slow=1"], slowMaxMs: 300 }, async (sim) => {
      const t0 = performance.now();
      const r = await fetch(`${wsLogs(sim)}?event_type=AUTH_LOG&after=2020-01-01T00:00:00Z`, { headers: auth(sim.complianceApiKey) });
      expect(r.status).toBe(200);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    });
  });
});

describe("data faults and uncertain-behaviour switches", () => {
  it("badline adds one malformed line per file while sha256 still matches", async () => {
    await withSim({ faults: ["badline=1"] }, async (sim) => {
      const files = await listAll(sim, "AUTH_LOG");
      for (const f of files.slice(0, 3)) {
        const body = Buffer.from(await (await fetch(`${wsLogs(sim)}/${f.id}`, { headers: auth(sim.complianceApiKey) })).arrayBuffer());
        expect(sha(body)).toBe(f.file_sha256);
        let bad = 0;
        for (const l of body.toString().split("\n").filter(Boolean)) {
          try {
            JSON.parse(l);
          } catch {
            bad++;
          }
        }
        expect(bad).toBe(1);
      }
    });
  });

  it("late files keep paging exact: end_time order differs from hour order", async () => {
    await withSim({ faults: ["late=0.3"], users: 30 }, async (sim) => {
      const a = await listAll(sim, "CODEX_LOG", 4);
      const b = await listAll(sim, "CODEX_LOG", 1000);
      expect(a.map((f) => f.id)).toEqual(b.map((f) => f.id));
      const hours = a.map((f) => sim.generator.parseFileId(f.id)!.hourStart);
      expect([...hours].sort((x, y) => x - y)).not.toEqual(hours);
      const g = sim.generator;
      let visible = 0;
      for (let h = g.startHour; h < NOW.getTime(); h += HOUR) if (g.visible("CODEX_LOG", h, NOW.getTime())) visible++;
      expect(a.length).toBe(visible);
    });
  });

  it("switches: download-direct, codexlog-input-excludes-cached, schema-drift, unknown-event-type, scope-error-422, list-object, empty-sha256", async () => {
    await withSim({ faults: ["download-direct", "codexlog-input-excludes-cached", "schema-drift", "unknown-event-type", "scope-error-422", "list-object", "empty-sha256"], users: 30 }, async (sim) => {
      const list = await fetch(`${wsLogs(sim)}?event_type=CODEX_LOG&after=2020-01-01T00:00:00Z&limit=100`, { headers: auth(sim.complianceApiKey) });
      const page = (await list.json()) as { object: string; data: { id: string; file_sha256: string }[] };
      expect(page.object).toBe("list");
      expect(page.data[0]!.file_sha256).toBe("");
      const r = await fetch(`${wsLogs(sim)}/${page.data[10]!.id}`, { headers: auth(sim.complianceApiKey), redirect: "manual" });
      expect(r.status).toBe(200);
      const events = (await r.text()).split("\n").filter(Boolean).map((l) => JSON.parse(l) as Json);
      expect(events[0]!.schema_version).toBe("2026-09-01");
      let responses = 0;
      for (const e of events) {
        const d = e.event_details as Json;
        if (d.detail_type !== "PROMPT_RESPONSE_RECEIVED") continue;
        responses++;
        const u = d.token_usage as { input_tokens: number; cached_input_tokens: number; total_tokens: number; output_tokens: number };
        expect(u.total_tokens).toBe(u.input_tokens + u.cached_input_tokens + u.output_tokens);
      }
      expect(responses).toBeGreaterThan(0);
      const remote = await fetch(`${wsLogs(sim)}?event_type=CODEX_REMOTE_CONTROL_LOG&after=2020-01-01T00:00:00Z`, { headers: auth(sim.complianceApiKey) });
      expect(((await remote.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
      const scope = await fetch(`${wsLogs(sim)}?event_type=COSTS&after=2020-01-01T00:00:00Z`, { headers: auth(sim.complianceApiKey) });
      expect(scope.status).toBe(422);
    });
  });

  it("analytics-iso-time and analytics-lag", async () => {
    await withSim({ faults: ["analytics-iso-time"] }, async (sim) => {
      const r = await fetch(`${sim.baseUrl}/v1/analytics/codex/workspaces/${sim.workspaceId}/code_reviews`, { headers: auth(sim.analyticsApiKey) });
      const rows = ((await r.json()) as { data: Json[] }).data;
      expect(typeof rows[0]!.start_time).toBe("string");
    });
    await withSim({ faults: ["analytics-lag"], days: 10 }, async (sim) => {
      const r = await fetch(`${sim.baseUrl}/v1/analytics/codex/workspaces/${sim.workspaceId}/code_reviews`, { headers: auth(sim.analyticsApiKey) });
      const rows = ((await r.json()) as { data: Json[] }).data;
      const last = Math.max(...rows.map((x) => x.end_time as number));
      expect(last * 1000).toBeLessThanOrEqual(NOW.getTime() - 12 * HOUR);
    });
  });
});
