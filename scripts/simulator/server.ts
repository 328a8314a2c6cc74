/** The HTTP face of the simulator: Compliance Logs Platform, Codex Analytics, signed downloads, faults. */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { OTHER_ORG_EVENT_TYPES, OTHER_WORKSPACE_EVENT_TYPES, ORG_EVENT_TYPES, UNKNOWN_EVENT_TYPE, USD_PER_CREDIT, WORKSPACE_EVENT_TYPES, type EventType } from "./catalog.js";
import { parseFaults, type FaultName, type FaultRates } from "./faults.js";
import { Generator, type AnalyticsMetrics, type FileMeta, type ReviewStat, type UsageRow } from "./generator.js";
import { ENGINEER_EMAIL } from "./org.js";
import { Rng, hashStr, unit } from "./prng.js";
import { CANARIES } from "./text.js";
import { DAY_MS, formatMicros, parseIsoMicros } from "./time.js";

export interface SimulatorOptions {
  /** 0 = a free port (default 0) */
  port?: number;
  host?: "127.0.0.1";
  seed: number;
  users: number;
  days: number;
  /** fault and behaviour switches, e.g. ["ratelimit", "5xx=0.3"] or ["ratelimit,late"] */
  faults?: string[];
  /** fix the clock at this instant (it then moves only through `clock.advance/set`); default: wall clock */
  now?: Date;
  retentionDays?: number;
  /** activity multiplier (1 = realistic volume; tests use less) */
  activity?: number;
  /** lifetime of signed download URLs (default 3600 s) */
  signedUrlTtlSeconds?: number;
  /** Retry-After on injected 429/503 (default 1 s) */
  retryAfterSeconds?: number;
  /** attempts of one identical request that may be hit by a transient fault (default 2; later attempts never are) */
  faultMaxAttempts?: number;
  /** how long a `timeout` fault holds the connection before closing it (default 30 s) */
  hangMs?: number;
  /** `slow` fault delay range upper bound (default 1500 ms) */
  slowMaxMs?: number;
  /** Analytics maximum look-back (default 90 days) */
  analyticsLookbackDays?: number;
  pageByteBudget?: number;
  bodyCacheBytes?: number;
}

export interface SimClock {
  /** current simulated time, ms */
  now(): number;
  advance(ms: number): void;
  set(at: Date): void;
}

export interface SimulatorHandle {
  baseUrl: string;
  complianceApiKey: string;
  analyticsApiKey: string;
  /** a valid key that holds no scope (403 everywhere) */
  unscopedApiKey: string;
  workspaceId: string;
  orgId: string;
  canaries: string[];
  engineerEmail: string;
  faults: FaultRates;
  clock: SimClock;
  generator: Generator;
  close(): Promise<void>;
}

const COMPLIANCE_SCOPE = "compliance.read";
const ANALYTICS_SCOPE = "codex.enterprise.analytics.read";

class Clock implements SimClock {
  private fixed: number | null;
  private offset = 0;
  constructor(at: Date | undefined) {
    this.fixed = at ? at.getTime() : null;
  }
  now(): number {
    return (this.fixed ?? Date.now()) + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
  set(at: Date): void {
    this.fixed = at.getTime();
    this.offset = 0;
  }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

function openAiError(status: number, message: string, type: string, code: string | null = null, headers: Record<string, string> = {}): HttpError {
  return new HttpError(status, { error: { message, type, param: null, code } }, headers);
}

function validation(loc: (string | number)[], msg: string, type: string, input: unknown): HttpError {
  return new HttpError(422, { detail: [{ type, loc, msg, input }] });
}

export async function startSimulator(options: SimulatorOptions): Promise<SimulatorHandle> {
  const host = options.host ?? "127.0.0.1";
  if (host !== "127.0.0.1") throw new Error("the simulator binds to 127.0.0.1 only");
  const faults = parseFaults(options.faults);
  const clock = new Clock(options.now);
  const gen = new Generator({
    seed: options.seed,
    users: options.users,
    days: options.days,
    start: clock.now(),
    activity: options.activity,
    faults,
    retentionDays: options.retentionDays,
    pageByteBudget: options.pageByteBudget,
    bodyCacheBytes: options.bodyCacheBytes,
  });
  const seed = options.seed;
  const keyRng = new Rng(seed, 0x6e7);
  const complianceApiKey = `sk-sim-compliance-${keyRng.alnum(32)}`;
  const analyticsApiKey = `sk-sim-analytics-${keyRng.alnum(32)}`;
  const unscopedApiKey = `sk-sim-noscope-${keyRng.alnum(32)}`;
  const keys = new Map<string, Set<string>>([
    [complianceApiKey, new Set([COMPLIANCE_SCOPE])],
    [analyticsApiKey, new Set([ANALYTICS_SCOPE])],
    [unscopedApiKey, new Set<string>()],
  ]);
  const signingKey = `sim-signing-${seed}-${keyRng.alnum(16)}`;
  const ttlMs = (options.signedUrlTtlSeconds ?? 3600) * 1000;
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  const maxAttempts = options.faultMaxAttempts ?? 2;
  const hangMs = options.hangMs ?? 30_000;
  const slowMaxMs = options.slowMaxMs ?? 1500;
  const lookbackMs = (options.analyticsLookbackDays ?? 90) * DAY_MS;
  const { workspaceId, orgId } = gen.org;

  const attempts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const windows = new Map<string, number[]>();
  let baseUrl = "";
  let closing = false;

  const on = (f: FaultName): boolean => faults[f] !== undefined;
  const decide = (f: FaultName, key: string, attempt: number): boolean => {
    const rate = faults[f];
    if (rate === undefined || attempt >= maxAttempts) return false;
    return unit(seed, hashStr(f), hashStr(key), attempt) < rate;
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  function sign(id: string, expires: number): string {
    return createHmac("sha256", signingKey).update(`${id}.${expires}`).digest("hex");
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  }

  function rateLimited(message: string, seconds: string): HttpError {
    return openAiError(429, message, "rate_limit_exceeded", "rate_limit_exceeded", on("no-retry-after") ? {} : { "retry-after": seconds });
  }

  function authorize(req: IncomingMessage, scope: string, api: string): string {
    const h = req.headers.authorization ?? "";
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    if (!m) throw openAiError(401, "Missing bearer authentication in header", "invalid_request_error", "missing_authorization");
    const key = m[1]!;
    const scopes = keys.get(key);
    if (!scopes) throw openAiError(401, `Incorrect API key provided: ${key.slice(0, 6)}…${key.slice(-4)}.`, "invalid_request_error", "invalid_api_key");
    if (!scopes.has(scope)) {
      throw openAiError(403, `This API key does not have the required scope for the ${api} (${scope}). Ask OpenAI support to grant it.`, "permission_error", "insufficient_scope");
    }
    return key;
  }

  function strictLimit(key: string, cls: "list" | "file", route: string): void {
    if (!on("ratelimit-strict")) return;
    const limit = cls === "list" ? 50 : 100;
    const wkey = `${key}|${route}`;
    const now = performance.now();
    const w = (windows.get(wkey) ?? []).filter((t) => t > now - 60_000);
    if (w.length >= limit) {
      windows.set(wkey, w);
      throw rateLimited(`Rate limit reached: ${limit} requests per minute`, String(Math.max(1, Math.ceil((w[0]! + 60_000 - now) / 1000))));
    }
    w.push(now);
    windows.set(wkey, w);
  }

  // ------------------------------------------------------------ compliance

  function scopeError(type: string, path: "workspace" | "organization"): HttpError {
    const msg =
      path === "organization"
        ? `${type} is a workspace-scoped event type. Use /v1/compliance/workspaces/{workspace_id}/logs`
        : `${type} is an organization-scoped event type. Use /v1/compliance/organizations/{org_id}/logs`;
    const status = on("scope-error-422") ? 422 : on("scope-error-404") ? 404 : 400;
    return new HttpError(status, { detail: msg });
  }

  function parseTime(q: URLSearchParams, name: string, required: boolean): number | null {
    const v = q.get(name);
    if (v === null || v === "") {
      if (required) throw validation(["query", name], "Field required", "missing", null);
      return null;
    }
    const us = parseIsoMicros(v);
    if (us === "no-timezone") throw validation(["query", name], "Input should have timezone info", "timezone_aware", v);
    if (us === null) throw validation(["query", name], "Input should be a valid datetime", "datetime_from_date_parsing", v);
    return us;
  }

  function parseLimit(q: URLSearchParams, name: string, def: number, max: number): number {
    const v = q.get(name);
    if (v === null || v === "") return def;
    if (!/^\d+$/.test(v)) throw validation(["query", name], "Input should be a valid integer, unable to parse string as an integer", "int_parsing", v);
    const n = Number(v);
    if (n < 1) throw validation(["query", name], "Input should be greater than or equal to 1", "greater_than_equal", v);
    if (n > max) throw validation(["query", name], `Input should be less than or equal to ${max}`, "less_than_equal", v);
    return n;
  }

  function listLogs(scope: "workspace" | "organization", q: URLSearchParams): unknown {
    const type = q.get("event_type");
    if (!type) throw validation(["query", "event_type"], "Field required", "missing", null);
    const wsTypes: string[] = [...WORKSPACE_EVENT_TYPES, ...OTHER_WORKSPACE_EVENT_TYPES, UNKNOWN_EVENT_TYPE];
    const orgTypes: string[] = [...ORG_EVENT_TYPES, ...OTHER_ORG_EVENT_TYPES];
    if (!wsTypes.includes(type) && !orgTypes.includes(type)) {
      throw validation(["query", "event_type"], `Input should be ${[...wsTypes, ...orgTypes].map((t) => `'${t}'`).join(", ")}`, "enum", type);
    }
    if (scope === "organization" && wsTypes.includes(type)) throw scopeError(type, scope);
    if (scope === "workspace" && orgTypes.includes(type)) throw scopeError(type, scope);
    const afterUs = parseTime(q, "after", true)!;
    const beforeUs = parseTime(q, "before", false);
    const limit = parseLimit(q, "limit", 100, 1000);
    const known = type === UNKNOWN_EVENT_TYPE ? on("unknown-event-type") : (WORKSPACE_EVENT_TYPES as readonly string[]).includes(type) || (ORG_EVENT_TYPES as readonly string[]).includes(type);
    const { files, hasMore } = known ? gen.listFiles(type as EventType, { afterUs, beforeUs, limit, nowMs: clock.now() }) : { files: [] as FileMeta[], hasMore: false };
    const last = files[files.length - 1];
    const out: Record<string, unknown> = {};
    if (on("list-object")) out.object = "list";
    out.data = files.map((f) => ({
      id: f.id,
      event_type: f.eventType,
      end_time: f.endTime,
      file_name: f.fileName,
      file_size: f.size,
      file_sha256: on("empty-sha256") ? "" : f.sha256,
    }));
    out.has_more = hasMore;
    out.last_end_time = last ? last.endTime : on("empty-page-echo-after") ? formatMicros(afterUs) : null;
    return out;
  }

  function locateFile(scope: "workspace" | "organization", id: string): { type: EventType; hourStart: number } {
    const f = gen.parseFileId(id);
    const orgType = f !== null && (ORG_EVENT_TYPES as readonly string[]).includes(f.type);
    if (!f || (scope === "organization") !== orgType || (f.type === UNKNOWN_EVENT_TYPE && !on("unknown-event-type"))) {
      throw openAiError(404, `Log file ${id} not found`, "invalid_request_error", "not_found");
    }
    const now = clock.now();
    if (gen.expired(f.type, f.hourStart, now)) throw openAiError(410, `Log file ${id} has expired`, "invalid_request_error", "gone");
    if (!gen.visible(f.type, f.hourStart, now)) throw openAiError(404, `Log file ${id} not found`, "invalid_request_error", "not_found");
    return f;
  }

  function sendBody(res: ServerResponse, meta: FileMeta, body: Buffer, faultKey: string, attempt: number): void {
    let out = body;
    if (body.length > 1 && decide("truncate", faultKey, attempt)) out = body.subarray(0, Math.floor(body.length * (0.3 + 0.5 * unit(seed, hashStr(faultKey), attempt, 0x7c))));
    else if (body.length > 0 && decide("corrupt", faultKey, attempt)) {
      out = Buffer.from(body);
      const i = Math.floor(unit(seed, hashStr(faultKey), attempt, 0xc0) * out.length);
      out[i] = out[i] === 0x20 ? 0x21 : 0x20;
    }
    res.writeHead(200, {
      "content-type": "application/jsonl",
      "content-length": String(out.length),
      "content-disposition": `attachment; filename="${meta.fileName}"`,
    });
    res.end(out);
  }

  // ------------------------------------------------------------ analytics

  function ts(sec: number): number | string {
    return on("analytics-iso-time") ? new Date(sec * 1000).toISOString().replace(".000Z", "Z") : sec;
  }

  function metrics(m: AnalyticsMetrics): Record<string, number> {
    return {
      credits: m.creditUnits / 1e4,
      uncached_text_input_tokens: m.uncached,
      cached_text_input_tokens: m.cached,
      text_output_tokens: m.output,
      text_total_tokens: m.uncached + m.cached + m.output,
    };
  }

  function usageJson(r: UsageRow): unknown {
    const start = (r.day * DAY_MS) / 1000;
    const totals = metrics(r.metrics);
    return {
      object: "codex.analytics.usage",
      start_time: ts(start),
      end_time: ts(start + 86_400),
      user_id: r.person.id,
      actor: { type: "user", user_id: r.person.id, email: r.person.email },
      totals: {
        threads: r.threads,
        turns: r.turns,
        credits: totals.credits,
        cost_usd: 0,
        estimated_cost_usd: Math.round(r.metrics.creditUnits * USD_PER_CREDIT) / 1e4,
        uncached_text_input_tokens: totals.uncached_text_input_tokens,
        cached_text_input_tokens: totals.cached_text_input_tokens,
        text_output_tokens: totals.text_output_tokens,
        text_total_tokens: totals.text_total_tokens,
      },
      clients: r.clients.map((c) => ({ client_id: c.clientId, threads: c.threads, turns: c.turns, ...metrics(c.metrics) })),
      models: r.models.map((m) => ({ model: m.model, speed: m.speed, ...metrics(m.metrics) })),
      code_attribution: { lines_added: r.linesAdded, lines_removed: r.linesRemoved },
    };
  }

  function workspaceUsageJson(day: number, rows: UsageRow[]): unknown {
    const start = (day * DAY_MS) / 1000;
    const sum = (ms: AnalyticsMetrics[]): AnalyticsMetrics => ms.reduce((a, m) => ({ creditUnits: a.creditUnits + m.creditUnits, uncached: a.uncached + m.uncached, cached: a.cached + m.cached, output: a.output + m.output }), { creditUnits: 0, uncached: 0, cached: 0, output: 0 });
    const total = sum(rows.map((r) => r.metrics));
    const clients = new Map<string, { threads: number; turns: number; m: AnalyticsMetrics[] }>();
    const models = new Map<string, { model: string; speed: string; m: AnalyticsMetrics[] }>();
    for (const r of rows) {
      for (const c of r.clients) {
        const e = clients.get(c.clientId) ?? { threads: 0, turns: 0, m: [] };
        e.threads += c.threads;
        e.turns += c.turns;
        e.m.push(c.metrics);
        clients.set(c.clientId, e);
      }
      for (const m of r.models) {
        const k = `${m.model}|${m.speed}`;
        const e = models.get(k) ?? { model: m.model, speed: m.speed, m: [] };
        e.m.push(m.metrics);
        models.set(k, e);
      }
    }
    const t = metrics(total);
    return {
      object: "codex.analytics.usage",
      start_time: ts(start),
      end_time: ts(start + 86_400),
      user_id: null,
      actor: null,
      totals: {
        threads: rows.reduce((a, r) => a + r.threads, 0),
        turns: rows.reduce((a, r) => a + r.turns, 0),
        credits: t.credits,
        cost_usd: 0,
        estimated_cost_usd: Math.round(total.creditUnits * USD_PER_CREDIT) / 1e4,
        uncached_text_input_tokens: t.uncached_text_input_tokens,
        cached_text_input_tokens: t.cached_text_input_tokens,
        text_output_tokens: t.text_output_tokens,
        text_total_tokens: t.text_total_tokens,
      },
      clients: [...clients.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([clientId, e]) => ({ client_id: clientId, threads: e.threads, turns: e.turns, ...metrics(sum(e.m)) })),
      models: [...models.values()].sort((a, b) => (a.model + a.speed < b.model + b.speed ? -1 : 1)).map((e) => ({ model: e.model, speed: e.speed, ...metrics(sum(e.m)) })),
      code_attribution: { lines_added: rows.reduce((a, r) => a + r.linesAdded, 0), lines_removed: rows.reduce((a, r) => a + r.linesRemoved, 0) },
    };
  }

  function reviewJson(day: number, s: ReviewStat): unknown {
    const start = (day * DAY_MS) / 1000;
    return { object: "codex.analytics.code_reviews", start_time: ts(start), end_time: ts(start + 86_400), pull_request_reviews: s.reviews, comments: s.comments, comment_details: { p0: s.p0, p1: s.p1, p2: s.p2 } };
  }

  function responseJson(day: number, s: ReviewStat): unknown {
    const start = (day * DAY_MS) / 1000;
    const reactions = s.upvoted + s.downvoted + s.reactedOther;
    return {
      object: "codex.analytics.code_review_responses",
      start_time: ts(start),
      end_time: ts(start + 86_400),
      pull_request_reviews: s.reviews,
      comments: s.comments,
      replies: s.replies,
      reactions,
      reaction_details: { upvotes: s.upvoted, downvotes: s.downvoted, other: s.reactedOther },
      comment_response_details: { engaged: s.engaged, reacted: reactions, upvoted: s.upvoted, downvoted: s.downvoted, reacted_other: s.reactedOther, replied: s.replied },
    };
  }

  /** Is the UTC day's analytics published at `now`? */
  function dayPublished(day: number, now: number): boolean {
    let lag = 0;
    if (on("analytics-lag")) lag = 12 * 3_600_000 + Math.floor(unit(seed, day, 0x1a6) * 4.5 * DAY_MS);
    return (day + 1) * DAY_MS + lag <= now;
  }

  function analytics(kind: string, q: URLSearchParams): unknown {
    const now = clock.now();
    const intParam = (name: string): number | null => {
      const v = q.get(name);
      if (v === null || v === "") return null;
      if (!/^-?\d+$/.test(v)) throw validation(["query", name], "Input should be a valid integer, unable to parse string as an integer", "int_parsing", v);
      return Number(v);
    };
    const limit = parseLimit(q, "limit", 1000, 30_000);
    const group = q.get("group");
    if (group !== null && group !== "workspace") throw validation(["query", "group"], "Input should be 'workspace'", "enum", group);
    if (group !== null && kind !== "usage") throw validation(["query", "group"], "Extra inputs are not permitted", "extra_forbidden", group);
    const pageParam = q.get("page");
    let startSec: number;
    let endSec: number;
    let offset = 0;
    const fingerprint = `${kind}|${group ?? ""}`;
    if (pageParam) {
      let tok: { o: number; s: number; e: number; f: string } | null = null;
      try {
        tok = JSON.parse(Buffer.from(pageParam, "base64url").toString("utf8")) as { o: number; s: number; e: number; f: string };
      } catch {
        tok = null;
      }
      if (!tok || typeof tok.o !== "number" || tok.f !== fingerprint) throw validation(["query", "page"], "Invalid page token", "value_error", pageParam);
      offset = tok.o;
      startSec = tok.s;
      endSec = tok.e;
    } else {
      const todayStart = Math.floor(now / DAY_MS) * DAY_MS;
      endSec = intParam("end_time") ?? Math.floor(now / 1000);
      startSec = intParam("start_time") ?? (todayStart - 30 * DAY_MS) / 1000;
      if (startSec > endSec) throw validation(["query", "start_time"], "start_time must be before end_time", "value_error", startSec);
      if (!on("analytics-no-lookback-limit") && startSec * 1000 < now - lookbackMs) {
        throw validation(["query", "start_time"], `start_time must be within the last ${Math.round(lookbackMs / DAY_MS)} days`, "value_error", startSec);
      }
    }
    const firstDay = Math.max(Math.floor((startSec * 1000) / DAY_MS), Math.floor(gen.startHour / DAY_MS));
    const rows: unknown[] = [];
    // Build only as many rows as needed for this page (+1 to know has_more).
    let index = 0;
    let more = false;
    for (let day = firstDay; day * DAY_MS < endSec * 1000 && dayPublished(day, now); day++) {
      let dayRows: unknown[];
      if (kind === "usage") {
        const ur = gen.usageRows(day);
        if (group === "workspace") dayRows = [workspaceUsageJson(day, ur)];
        else {
          if (index + ur.length <= offset) {
            index += ur.length;
            continue;
          }
          dayRows = ur.map(usageJson);
        }
      } else {
        if (index < offset) {
          index++;
          continue;
        }
        const r = gen.reviewDay(day);
        dayRows = [kind === "code_reviews" ? reviewJson(day, r.completed) : responseJson(day, r.merged)];
      }
      for (const row of dayRows) {
        if (index >= offset && rows.length < limit) rows.push(row);
        else if (index >= offset) more = true;
        index++;
      }
      if (more) break;
    }
    return {
      object: "page",
      data: rows,
      has_more: more,
      next_page: more ? Buffer.from(JSON.stringify({ o: offset + rows.length, s: startSec, e: endSec, f: fingerprint })).toString("base64url") : null,
    };
  }

  // ------------------------------------------------------------ routing

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const q = url.searchParams;

    if (path.startsWith("/_sim/")) {
      if (path === "/_sim/health") return send(res, 200, { ok: true });
      if (path === "/_sim/clock") {
        if (req.method === "POST") {
          const adv = q.get("advance_ms");
          const set = q.get("set");
          if (adv !== null && Number.isFinite(Number(adv))) clock.advance(Number(adv));
          else if (set !== null && !Number.isNaN(Date.parse(set))) clock.set(new Date(set));
          else return send(res, 422, { detail: "give advance_ms=<number> or set=<ISO date-time>" });
        }
        return send(res, 200, { now: new Date(clock.now()).toISOString() });
      }
      if (path === "/_sim/people") {
        return send(res, 200, {
          data: gen.org.people.map((p) => ({ id: p.id, name: p.name, email: p.email, role: p.role, team: p.team, time_zone: p.timeZone, groups: p.groups.map((g) => g.name) })),
        });
      }
      throw openAiError(404, "Not found", "invalid_request_error", "not_found");
    }

    if (req.method !== "GET") throw openAiError(405, `Method ${req.method ?? ""} not allowed`, "invalid_request_error", "method_not_allowed");

    // Transient faults: decided from (seed, request, attempt number of this identical request).
    const signedMatch = /^\/_signed\/compliance-logs\/(eclf_[0-9a-f]+)\.jsonl$/.exec(path);
    const faultKey = signedMatch ? `signed|${signedMatch[1]}` : `${path}?${[...q.entries()].sort().map(([k, v]) => `${k}=${v}`).join("&")}`;
    const attempt = attempts.get(faultKey) ?? 0;
    attempts.set(faultKey, attempt + 1);
    if (decide("timeout", faultKey, attempt)) {
      await sleep(hangMs);
      req.socket.destroy();
      return;
    }
    if (decide("ratelimit", faultKey, attempt)) throw rateLimited("Rate limit reached for requests. Please try again later.", retryAfter);
    if (decide("5xx", faultKey, attempt)) {
      const status = [500, 502, 503][Math.floor(unit(seed, hashStr(faultKey), attempt, 0x5) * 3)]!;
      throw openAiError(status, status === 500 ? "The server had an error while processing your request." : status === 502 ? "Bad gateway." : "The service is temporarily unavailable.", "server_error", null, status === 503 ? { "retry-after": retryAfter } : {});
    }
    if (decide("slow", faultKey, attempt)) await sleep(200 + Math.floor(unit(seed, hashStr(faultKey), attempt, 0x510) * Math.max(0, slowMaxMs - 200)));
    if (closing) return;

    if (signedMatch) {
      const id = signedMatch[1]!;
      const expires = Number(q.get("expires"));
      const sig = q.get("signature") ?? "";
      const want = sign(id, expires);
      if (!Number.isFinite(expires) || sig.length !== want.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(want))) {
        throw openAiError(403, "Invalid signature", "invalid_request_error", "invalid_signature");
      }
      if (clock.now() > expires * 1000) throw openAiError(410, "This download URL has expired. Request the file again for a fresh URL.", "invalid_request_error", "url_expired");
      const f = gen.parseFileId(id);
      if (!f) throw openAiError(404, "Not found", "invalid_request_error", "not_found");
      if (gen.expired(f.type, f.hourStart, clock.now())) throw openAiError(410, `Log file ${id} has expired`, "invalid_request_error", "gone");
      const body = gen.fileBody(f.type, f.hourStart);
      return sendBody(res, gen.fileMeta(f.type, f.hourStart), body, faultKey, attempt);
    }

    let m = /^\/v1\/compliance\/(workspaces|organizations)\/([^/]+)\/logs(?:\/([^/]+))?$/.exec(path);
    if (m) {
      const key = authorize(req, COMPLIANCE_SCOPE, "Compliance API");
      const scope = m[1] === "workspaces" ? "workspace" : "organization";
      const principal = decodeURIComponent(m[2]!);
      if ((scope === "workspace" && principal !== workspaceId) || (scope === "organization" && principal !== orgId)) {
        throw openAiError(404, `${scope === "workspace" ? "Workspace" : "Organization"} ${principal} not found or not accessible with this key`, "invalid_request_error", "not_found");
      }
      if (!m[3]) {
        strictLimit(key, "list", `${scope}/logs`);
        return send(res, 200, listLogs(scope, q));
      }
      strictLimit(key, "file", `${scope}/logs/{id}`);
      const id = decodeURIComponent(m[3]);
      const f = locateFile(scope, id);
      if (on("download-direct")) {
        return sendBody(res, gen.fileMeta(f.type, f.hourStart), gen.fileBody(f.type, f.hourStart), `signed|${id}`, attempt);
      }
      const expires = decide("expired-url", faultKey, attempt) ? Math.floor(clock.now() / 1000) - 1 : Math.floor((clock.now() + ttlMs) / 1000);
      const location = `${baseUrl}/_signed/compliance-logs/${id}.jsonl?expires=${expires}&signature=${sign(id, expires)}`;
      res.writeHead(307, { location, "content-length": "0" });
      res.end();
      return;
    }

    m = /^\/v1\/analytics\/codex\/workspaces\/([^/]+)\/(usage|code_reviews|code_review_responses)$/.exec(path);
    if (m) {
      const key = authorize(req, ANALYTICS_SCOPE, "Codex Analytics API");
      if (decodeURIComponent(m[1]!) !== workspaceId) throw openAiError(404, `Workspace ${m[1]} not found or not accessible with this key`, "invalid_request_error", "not_found");
      strictLimit(key, "list", `analytics/${m[2]}`);
      return send(res, 200, analytics(m[2]!, q));
    }

    throw openAiError(404, `Unknown path ${path}`, "invalid_request_error", "not_found");
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (err instanceof HttpError) return send(res, err.status, err.body, err.headers);
      const message = err instanceof Error ? err.message : String(err);
      send(res, 500, { error: { message: `simulator failure: ${message}`, type: "server_error", param: null, code: null } });
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  baseUrl = `http://${host}:${addr.port}`;

  return {
    baseUrl,
    complianceApiKey,
    analyticsApiKey,
    unscopedApiKey,
    workspaceId,
    orgId,
    canaries: [...CANARIES],
    engineerEmail: ENGINEER_EMAIL,
    faults,
    clock,
    generator: gen,
    close: async () => {
      if (closing) return;
      closing = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
