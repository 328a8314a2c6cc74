/**
 * The generator: log files (one per event type per UTC hour), their bytes, metadata and listing, the
 * Analytics rows, and exact expected totals. Nothing is materialised up front: a file is rendered from
 * (seed, type, hour) when asked for; only people, day plans (LRU), file metadata and a bounded body
 * cache are kept.
 */
import { createHash } from "node:crypto";
import { buildDayPlan, localMidnightUtc, type DayPlan, type ToolCall, type Turn } from "./activity.js";
import {
  CLIENTS,
  CODE_REVIEW_MODEL,
  EVENT_TYPES,
  UNKNOWN_EVENT_TYPE,
  USD_PER_CREDIT,
  modelDef,
  speedOf,
  type ClientKey,
  type EventType,
  type ReasoningEffort,
  type ServiceTier,
} from "./catalog.js";
import type { FaultRates } from "./faults.js";
import { buildOrganization, type Organization, type Person } from "./org.js";
import { Rng, fastUuid, hashInts, hashStr, unit } from "./prng.js";
import { promptText, responseText, toolArguments, toolCallWithSecrets, toolFieldForms, type ToolSecretField } from "./text.js";
import { DAY_MS, HOUR_MS, MINUTE_MS, floorTo, formatMicros, isoDay, isoSeconds, tzOffsetMinutes } from "./time.js";

export const ALL_FILE_TYPES: readonly EventType[] = [...EVENT_TYPES, UNKNOWN_EVENT_TYPE];
/** Upper bound of how far a file's end_time can lie after its hour's end (finalise delay + `late`). */
export const MAX_FINALISE_SHIFT_MS = 4 * HOUR_MS;

export interface GeneratorOptions {
  seed: number;
  users: number;
  days: number;
  /** clock reading at start (ms): data begins `days` before it, floored to the hour */
  start: number;
  /** activity multiplier; 1 = realistic volume */
  activity?: number;
  faults?: FaultRates;
  retentionDays?: number;
  /** list pages stop early (has_more stays true) once this many bytes of files are listed; keeps them in the body cache */
  pageByteBudget?: number;
  bodyCacheBytes?: number;
}

export interface EventRef {
  ts: number;
  id: string;
  /** renders the line; absent on CODEX_LOG descriptors, which `Generator.lineOf` renders by `kind` */
  line?: () => string;
  kind?: number;
  k?: number;
  p?: Person;
  plan?: DayPlan;
  t?: Turn;
  /** an event whose type/detail/action is unknown to clients (only under `unknown-event-type`) */
  unknown?: boolean;
}

export interface FileMeta {
  id: string;
  eventType: EventType;
  hourStart: number;
  endTimeUs: number;
  endTime: string;
  fileName: string;
  size: number;
  sha256: string;
  /** lines that are events (including repeats from the previous hour) */
  lines: number;
  /** events whose timestamp is in this file's hour */
  events: number;
  /** repeats of events from the previous hour's file */
  duplicates: number;
  badLines: number;
}

/** One COSTS row's worth of usage: one person, one hour, one (client, model, tier, effort). */
export interface UsageCell {
  client: ClientKey;
  model: string;
  tier: ServiceTier;
  effort: ReasoningEffort;
  uncached: number;
  cached: number;
  output: number;
  reasoning: number;
  turns: number;
  sessions: Set<string>;
}

export interface Credits {
  input: number;
  cached: number;
  output: number;
}

const TYPE_CODE: Record<EventType, number> = {
  CODEX_LOG: 0,
  CODEX_SECURITY_LOG: 1,
  AUTH_LOG: 2,
  AUDIT_LOG: 3,
  COSTS: 4,
  [UNKNOWN_EVENT_TYPE]: 5,
};
const CODE_TYPE = Object.fromEntries(Object.entries(TYPE_CODE).map(([k, v]) => [v, k])) as Record<number, EventType>;

const K_PROMPT = 1;
const K_TOOL = 2;
const K_RESPONSE = 3;
const K_ARCHIVED = 4;
const K_SECURITY = 5;
const K_LOGIN = 6;
const K_COSTS = 7;
const K_AUDIT = 8;
const K_REMOTE = 9;
const K_CHAT = 10;
const K_INJECTION = 11;

/** Credits in units of 1e-4, computed exactly in integers: tokens x (credits per 1M) / 1e6. */
export function creditUnits(tokens: number, perMillion: number, multiplier: number): number {
  const rate1000 = Math.round(perMillion * 1000) * multiplier;
  return Math.floor((tokens * rate1000 + 50_000) / 100_000);
}

export function cellCredits(c: Pick<UsageCell, "model" | "tier" | "uncached" | "cached" | "output">): Credits {
  const m = modelDef(c.model);
  const mult = c.tier === "priority" ? 2 : 1;
  return { input: creditUnits(c.uncached, m.input, mult), cached: creditUnits(c.cached, m.cached, mult), output: creditUnits(c.output, m.output, mult) };
}

interface AuditEvent {
  n: number;
  at: number;
  actor: Person;
  action: string;
  target: Record<string, unknown>;
  changes: { field: string; old: unknown; new: unknown }[];
  unknown: boolean;
}

class Lru<K, V> {
  private map = new Map<K, V>();
  private weight = 0;
  constructor(
    private readonly maxWeight: number,
    private readonly weigh: (v: V) => number = () => 1,
  ) {}
  get(k: K): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: K, v: V): void {
    const old = this.map.get(k);
    if (old !== undefined) {
      this.weight -= this.weigh(old);
      this.map.delete(k);
    }
    this.map.set(k, v);
    this.weight += this.weigh(v);
    while (this.weight > this.maxWeight && this.map.size > 1) {
      const first = this.map.entries().next();
      if (first.done) break;
      this.map.delete(first.value[0]);
      this.weight -= this.weigh(first.value[1]);
    }
  }
}

export class Generator {
  readonly org: Organization;
  readonly seed: number;
  readonly startHour: number;
  readonly faults: FaultRates;
  readonly retentionMs: number;
  readonly activity: number;
  readonly pageByteBudget: number;
  private readonly dupRate: number;
  private readonly drift: boolean;
  private plans: Map<number, DayPlan>[] = [];
  private planCount = 0;
  private readonly maxPlans: number;
  private readonly bodies: Lru<string, Buffer>;
  private readonly metas = new Map<string, FileMeta>();
  private readonly counts = new Map<string, number>();
  private readonly audits = new Map<number, AuditEvent[]>();
  private readonly analyticsDays = new Lru<number, UsageRow[]>(12);
  private readonly costEmail = new Map<number, string>();
  /** the last few hours' event lists: a file needs its own hour and the previous one (repeats) */
  private readonly collected = new Lru<string, EventRef[]>(12);

  constructor(readonly options: GeneratorOptions) {
    if (!Number.isInteger(options.seed)) throw new Error("seed must be an integer");
    if (!(options.days > 0)) throw new Error("days must be positive");
    this.seed = options.seed;
    this.org = buildOrganization(options.seed, options.users);
    this.startHour = floorTo(options.start - options.days * DAY_MS, HOUR_MS);
    this.faults = options.faults ?? {};
    this.retentionMs = (options.retentionDays ?? 30) * DAY_MS;
    this.activity = options.activity ?? 1;
    this.pageByteBudget = options.pageByteBudget ?? 48 * 1024 * 1024;
    this.dupRate = this.faults["no-duplicates"] ? 0 : (this.faults.duplicate ?? 0.002);
    this.drift = this.faults["schema-drift"] !== undefined;
    this.maxPlans = Math.max(20_000, options.users * 12);
    this.bodies = new Lru(options.bodyCacheBytes ?? 128 * 1024 * 1024, (b) => b.length + 200);
  }

  // ---------------------------------------------------------------- plans

  plan(person: Person, localDay: number): DayPlan {
    let byDay = this.plans[person.idx];
    if (!byDay) byDay = this.plans[person.idx] = new Map();
    let p = byDay.get(localDay);
    if (!p) {
      if (this.planCount >= this.maxPlans) {
        // Plans are cheap to rebuild; a full reset keeps the bookkeeping free on the hot path.
        this.plans = [];
        this.planCount = 0;
        byDay = this.plans[person.idx] = new Map();
      }
      p = buildDayPlan(person, localDay, {
        seed: this.seed,
        activity: this.activity,
        unknownModel: this.faults["unknown-model"] !== undefined,
        unknownEvents: this.faults["unknown-event-type"] !== undefined,
      });
      byDay.set(localDay, p);
      this.planCount++;
    }
    return p;
  }

  /** The person's day plans whose local day overlaps [from, to). */
  plansOverlapping(person: Person, from: number, to: number): DayPlan[] {
    const off = tzOffsetMinutes(person.timeZone, from) * MINUTE_MS;
    const ld0 = Math.floor((from + off) / DAY_MS);
    const out: DayPlan[] = [];
    for (let ld = ld0 - 1; ld <= ld0 + 1; ld++) {
      const p = this.plan(person, ld);
      if (p.utcEnd > from && p.utcStart < to) out.push(p);
    }
    return out;
  }

  // ---------------------------------------------------------------- shared rendering

  private ts(ms: number): string {
    return this.drift ? new Date(ms).toISOString().replace("Z", "+00:00") : isoSeconds(ms);
  }

  private actorJsonCache: string[] = [];

  private actorJson(p: Person): string {
    let a = this.actorJsonCache[p.idx];
    if (a === undefined) {
      const o: Record<string, unknown> = { type: "ACCOUNT_USER", user_id: p.id, user_email: p.email };
      if (this.drift) o.account_role = p.role;
      a = this.actorJsonCache[p.idx] = JSON.stringify(o);
    }
    return a;
  }

  /** One workspace-scoped event line; `details` is the JSON text of event_details. */
  private envelopeText(id: string, type: string, p: Person, ms: number, clientId: string | null, details: string): string {
    const ws = this.org.workspaceId;
    let s = `{"event_id":"${id}","type":"${type}","workspace_id":"${ws}","principal":{"id":"${ws}","type":"CHATGPT_WORKSPACE"},"actor":${this.actorJson(p)},"timestamp":"${this.ts(ms)}"`;
    if (clientId) s += `,"client_id":"${clientId}"`;
    if (this.drift) {
      s += `,"schema_version":"2026-09-01","region":"us"`;
      details = `${details.slice(0, -1)},"trace_id":"${fastUuid(hashStr(id), 0xd41)}"}`;
    }
    return `${s},"event_details":${details}}`;
  }

  private workspaceEnvelope(id: string, type: string, p: Person, ms: number, clientId: string | null, details: Record<string, unknown>): string {
    return this.envelopeText(id, type, p, ms, clientId, JSON.stringify(details));
  }

  /** Render a closure-free CODEX_LOG descriptor (the high-volume path). */
  private codexLine(e: EventRef): string {
    const { p, plan, t } = e as Required<Pick<EventRef, "p" | "plan" | "t">>;
    const client = CLIENTS[t.client].clientId;
    const head = `"session_id":"${this.sessionId(p, plan, t)}","turn_id":"${this.turnId(p, plan, t)}","model":"${t.model}"`;
    switch (e.kind) {
      case K_PROMPT: {
        const text = promptText(new Rng(this.seed, p.idx, plan.localDay, t.n, 0x7e7), t.secrets);
        return this.envelopeText(e.id, "CODEX_LOG", p, e.ts, client, `{"detail_type":"PROMPT_SENT",${head},"prompt_text":${JSON.stringify(text)},"service_tier":"${t.tier}","reasoning_effort":"${t.effort}"}`);
      }
      case K_TOOL: {
        const tool = t.tools[e.k ?? 0]!;
        const local = CLIENTS[t.client].local;
        const callId = `call_${fastUuid(this.seed, p.idx, plan.localDay, t.n, tool.k, 0xca1).replace(/-/g, "").slice(0, 24)}`;
        const { args, output } = this.toolTexts(p, plan, t, tool);
        return this.envelopeText(
          e.id,
          "CODEX_LOG",
          p,
          e.ts,
          client,
          `{"detail_type":"TOOL_CALL",${head},"call_id":"${callId}","tool_name":"${tool.name}","arguments":${JSON.stringify(args)}${output === null ? "" : `,"output":${JSON.stringify(output)}`},"decision":"${tool.decision}","decision_source":"${tool.source}","approval_policy":"${local ? "on-request" : "never"}","sandbox_policy":"${local ? "workspace-write" : "cloud-container"}"}`,
        );
      }
      case K_RESPONSE: {
        const text = responseText(new Rng(this.seed, p.idx, plan.localDay, t.n, 0x7e8), t.secrets, t.echo);
        return this.envelopeText(
          e.id,
          "CODEX_LOG",
          p,
          e.ts,
          client,
          `{"detail_type":"PROMPT_RESPONSE_RECEIVED",${head},"response_text":${JSON.stringify(text)},"status":"${t.status}","service_tier":"${t.tier}","reasoning_effort":"${t.effort}","token_usage":${JSON.stringify(this.tokenUsage(t))}}`,
        );
      }
      default:
        return this.envelopeText(e.id, "CODEX_LOG", p, e.ts, client, `{"detail_type":"SESSION_ARCHIVED","session_id":"${this.sessionId(p, plan, t)}"}`);
    }
  }

  /** The JSON line of an event. */
  lineOf(e: EventRef): string {
    return e.line ? e.line() : this.codexLine(e);
  }

  /**
   * A tool call's arguments (JSON text) and output (null: the event has none). A call the plan
   * gives canaries is written from its own random stream, so no other call's text changes.
   */
  private toolTexts(p: Person, plan: DayPlan, t: Turn, tool: ToolCall): { args: string; output: string | null } {
    if (!tool.canaries) return { args: toolArguments(new Rng(this.seed, p.idx, plan.localDay, t.n, tool.k, 0xa76), tool.name), output: null };
    const call = toolCallWithSecrets(new Rng(this.seed, p.idx, plan.localDay, t.n, tool.k, 0xa77), tool.name, tool.canaries.field, tool.canaries.secrets);
    return { args: call.arguments, output: call.output };
  }

  private sessionId(p: Person, plan: DayPlan, t: Turn): string {
    return fastUuid(this.seed, p.idx, plan.localDay, t.sessionN, 0x5e5);
  }

  private turnId(p: Person, plan: DayPlan, t: Turn): string {
    return fastUuid(this.seed, p.idx, plan.localDay, t.n, 0x71d);
  }

  eventId(p: Person, localDay: number, n: number, kind: number, k = 0): string {
    return fastUuid(this.seed, p.idx, localDay, n, kind, k);
  }

  /** token_usage exactly as CODEX_LOG reports it for a turn. */
  tokenUsage(t: Turn): Record<string, number> {
    const excl = this.faults["codexlog-input-excludes-cached"] !== undefined;
    const u: Record<string, number> = {
      input_tokens: excl ? t.input - t.cached : t.input,
      cached_input_tokens: t.cached,
      output_tokens: t.output,
      reasoning_output_tokens: t.reasoning,
    };
    if (this.drift) u.total_tokens = t.input + t.output;
    return u;
  }

  // ---------------------------------------------------------------- per-type event collection

  private collectCodex(h: number): EventRef[] {
    const out: EventRef[] = [];
    const end = h + HOUR_MS;
    for (const p of this.org.people) {
      if (p.weight === 0) continue;
      for (const plan of this.plansOverlapping(p, h, end)) {
        for (const t of plan.turns) {
          if (t.responseAt < h && (t.archivedAt === null || t.archivedAt < h)) continue;
          if (t.promptAt >= end) continue;
          if (t.promptAt >= h) out.push({ ts: t.promptAt, id: this.eventId(p, plan.localDay, t.n, K_PROMPT), kind: K_PROMPT, p, plan, t });
          for (const tool of t.tools) {
            if (tool.at < h || tool.at >= end) continue;
            out.push({ ts: tool.at, id: this.eventId(p, plan.localDay, t.n, K_TOOL, tool.k), kind: K_TOOL, k: tool.k, p, plan, t });
          }
          if (t.responseAt >= h && t.responseAt < end) out.push({ ts: t.responseAt, id: this.eventId(p, plan.localDay, t.n, K_RESPONSE), kind: K_RESPONSE, p, plan, t });
          if (t.archivedAt !== null && t.archivedAt >= h && t.archivedAt < end) {
            out.push({ ts: t.archivedAt, id: this.eventId(p, plan.localDay, t.n, K_ARCHIVED), kind: K_ARCHIVED, p, plan, t, unknown: true });
          }
        }
      }
    }
    return out;
  }

  private collectSecurity(h: number): EventRef[] {
    const out: EventRef[] = [];
    const end = h + HOUR_MS;
    for (const p of this.org.people) {
      if (p.weight === 0) continue;
      for (const plan of this.plansOverlapping(p, h, end)) {
        for (const t of plan.turns) {
          if (t.responseAt < h || t.promptAt >= end) continue;
          const client = CLIENTS[t.client].clientId;
          for (const tool of t.tools) {
            if (!tool.blocked || tool.at < h || tool.at >= end) continue;
            const id = this.eventId(p, plan.localDay, t.n, K_SECURITY, tool.k);
            const kind = tool.blocked;
            out.push({
              ts: tool.at,
              id,
              line: () =>
                this.workspaceEnvelope(id, "CODEX_SECURITY_LOG", p, tool.at, client, {
                  detail_type: kind,
                  session_id: this.sessionId(p, plan, t),
                  turn_id: this.turnId(p, plan, t),
                  model: t.model,
                  severity: kind === "COMMAND_BLOCKED_BY_POLICY" ? "high" : "medium",
                  tool_name: tool.name,
                  arguments: this.toolTexts(p, plan, t, tool).args,
                  sandbox_policy: "workspace-write",
                  decision: "denied",
                  decision_source: "config",
                }),
            });
          }
          const at = t.promptAt + 1000;
          if (t.injection && at >= h && at < end) {
            const id = this.eventId(p, plan.localDay, t.n, K_INJECTION);
            out.push({
              ts: at,
              id,
              line: () =>
                this.workspaceEnvelope(id, "CODEX_SECURITY_LOG", p, at, client, {
                  detail_type: "PROMPT_INJECTION_DETECTED",
                  session_id: this.sessionId(p, plan, t),
                  turn_id: this.turnId(p, plan, t),
                  model: t.model,
                  severity: "high",
                  source: "repository_file",
                  action_taken: "task_paused",
                }),
            });
          }
        }
      }
    }
    return out;
  }

  private collectAuth(h: number): EventRef[] {
    const out: EventRef[] = [];
    const end = h + HOUR_MS;
    for (const p of this.org.people) {
      for (const plan of this.plansOverlapping(p, h, end)) {
        for (const l of plan.logins) {
          if (l.at < h || l.at >= end) continue;
          const id = this.eventId(p, plan.localDay, l.n, K_LOGIN);
          out.push({
            ts: l.at,
            id,
            line: () => {
              const d: Record<string, unknown> = {
                detail_type: l.outcome,
                auth_method: l.method,
                client: l.client,
                ip_address: l.ip,
                user_agent:
                  l.client === "chatgpt_web"
                    ? "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15"
                    : `codex_cli_rs/0.14${l.n}.0`,
                identity_provider: l.method === "SSO" ? "okta" : null,
              };
              if (l.outcome === "LOGIN_FAILED") d.failure_reason = "idp_assertion_expired";
              return this.workspaceEnvelope(id, "AUTH_LOG", p, l.at, null, d);
            },
          });
        }
      }
    }
    return out;
  }

  /** Admin changes for one UTC day (workspace-wide). */
  auditEvents(day: number): AuditEvent[] {
    const hit = this.audits.get(day);
    if (hit) return hit;
    const rng = new Rng(this.seed, day, 0xad17);
    const wd = (((day + 4) % 7) + 7) % 7;
    const weekend = wd === 0 || wd === 6;
    const n = Math.min(40, rng.poisson(weekend ? 0.3 : 2.5) + (day * DAY_MS === floorTo(this.startHour, DAY_MS) ? 3 : 0));
    const people = this.org.people;
    const evs: AuditEvent[] = [];
    const unknownOn = this.faults["unknown-event-type"] !== undefined;
    for (let i = 0; i < n; i++) {
      const actor = rng.pick(this.org.admins);
      const target = rng.pick(people);
      const at = day * DAY_MS + rng.range(7 * 60, 20 * 60) * MINUTE_MS + rng.int(60) * 1000;
      const kind = rng.weighted([
        ["USER_ROLE_UPDATED", 10], ["USER_INVITED", 14], ["USER_DEACTIVATED", 5], ["GROUP_MEMBERSHIP_UPDATED", 14],
        ["WORKSPACE_SETTING_UPDATED", 10], ["API_KEY_CREATED", 3], ["SSO_CONFIGURATION_UPDATED", 2], ["CODEX_ENVIRONMENT_UPDATED", 8],
      ] as const);
      let targetObj: Record<string, unknown> = { type: "USER", id: target.id, email: target.email };
      let changes: AuditEvent["changes"] = [];
      switch (kind) {
        case "USER_ROLE_UPDATED":
          changes = [{ field: "role", old: "standard-user", new: rng.pick(["account-admin", "standard-user"]) }];
          break;
        case "USER_INVITED":
          targetObj = { type: "USER", email: `new.hire${rng.range(100, 999)}@${this.org.domain}` };
          changes = [{ field: "status", old: null, new: "invited" }];
          break;
        case "USER_DEACTIVATED":
          changes = [{ field: "status", old: "active", new: "inactive" }];
          break;
        case "GROUP_MEMBERSHIP_UPDATED": {
          const g = rng.pick(this.org.groups);
          targetObj = { type: "GROUP", id: g.id, name: g.name };
          changes = [{ field: "members", old: null, new: { added: [target.id] } }];
          break;
        }
        case "WORKSPACE_SETTING_UPDATED": {
          const s = rng.pick(["codex.cloud_tasks.enabled", "codex.internet_access", "codex.allowed_models", "codex.code_review.auto_review", "data_retention_days"]);
          targetObj = { type: "WORKSPACE_SETTING", id: s };
          changes = [{ field: s, old: rng.chance(0.5), new: rng.chance(0.5) }];
          break;
        }
        case "API_KEY_CREATED":
          targetObj = { type: "API_KEY", id: `key_${rng.alnum(16)}`, name: rng.pick(["compliance-export", "codex-analytics", "siem-forwarder"]) };
          changes = [{ field: "scopes", old: null, new: ["read"] }];
          break;
        case "SSO_CONFIGURATION_UPDATED":
          targetObj = { type: "SSO_CONNECTION", id: `conn_${rng.alnum(12)}` };
          changes = [{ field: "enforce_sso", old: false, new: true }];
          break;
        case "CODEX_ENVIRONMENT_UPDATED":
          targetObj = { type: "CODEX_ENVIRONMENT", id: `env_${rng.alnum(16)}`, name: rng.pick(["api", "web", "mobile", "data"]) };
          changes = [{ field: "setup_script", old: "npm ci", new: "npm ci && npm run build" }];
          break;
      }
      const unknown = unknownOn && rng.chance(0.2);
      evs.push({ n: i, at, actor, action: unknown ? "AGENT_POLICY_UPDATED" : kind, target: targetObj, changes, unknown });
    }
    this.audits.set(day, evs);
    if (this.audits.size > 400) this.audits.clear();
    return evs;
  }

  private collectAudit(h: number): EventRef[] {
    const day = Math.floor(h / DAY_MS);
    const out: EventRef[] = [];
    for (const e of this.auditEvents(day)) {
      if (e.at < h || e.at >= h + HOUR_MS) continue;
      const id = fastUuid(this.seed, day, e.n, K_AUDIT);
      out.push({
        ts: e.at,
        id,
        unknown: e.unknown || undefined,
        line: () =>
          this.workspaceEnvelope(id, "AUDIT_LOG", e.actor, e.at, null, {
            action: e.action,
            target: e.target,
            changes: e.changes,
            ip_address: `10.20.${e.actor.idx % 250}.${(e.n * 7) % 250}`,
            user_agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0 Safari/537.36",
          }),
      });
    }
    return out;
  }

  private collectRemote(h: number): EventRef[] {
    if (this.faults["unknown-event-type"] === undefined) return [];
    const out: EventRef[] = [];
    const end = h + HOUR_MS;
    for (const p of this.org.people) {
      if (p.weight === 0) continue;
      for (const plan of this.plansOverlapping(p, h, end)) {
        for (const t of plan.turns) {
          if (t.client !== "desktop" || t.sessionTurn !== 0 || t.promptAt < h || t.promptAt >= end) continue;
          const id = this.eventId(p, plan.localDay, t.n, K_REMOTE);
          out.push({
            ts: t.promptAt,
            id,
            unknown: true,
            line: () =>
              this.workspaceEnvelope(id, UNKNOWN_EVENT_TYPE, p, t.promptAt, "CODEX_DESKTOP_APP", {
                detail_type: "REMOTE_CONTROL_SESSION_STARTED",
                session_id: this.sessionId(p, plan, t),
                device: "iOS",
              }),
          });
        }
      }
    }
    return out;
  }

  /** Usage of one person in one UTC hour, grouped as COSTS rows are (code review included). */
  usageCells(p: Person, h: number): UsageCell[] {
    const cells = new Map<string, UsageCell>();
    const end = h + HOUR_MS;
    const add = (client: ClientKey, model: string, tier: ServiceTier, effort: ReasoningEffort, uncached: number, cached: number, output: number, reasoning: number, session: string) => {
      const key = `${client}|${model}|${tier}|${effort}`;
      let c = cells.get(key);
      if (!c) {
        c = { client, model, tier, effort, uncached: 0, cached: 0, output: 0, reasoning: 0, turns: 0, sessions: new Set() };
        cells.set(key, c);
      }
      c.uncached += uncached;
      c.cached += cached;
      c.output += output;
      c.reasoning += reasoning;
      c.turns += 1;
      c.sessions.add(session);
    };
    if (p.weight > 0 || p.prRate > 0) {
      for (const plan of this.plansOverlapping(p, h, end)) {
        for (const t of plan.turns) {
          if (t.responseAt < h || t.responseAt >= end) continue;
          add(t.client, t.model, t.tier, t.effort, t.input - t.cached, t.cached, t.output, t.reasoning, `${plan.localDay}:${t.sessionN}`);
        }
        for (const r of plan.reviews) {
          if (r.at < h || r.at >= end) continue;
          add("github", CODE_REVIEW_MODEL, "default", "high", r.input - r.cached, r.cached, r.output, 0, `review:${plan.localDay}:${r.n}`);
        }
      }
    }
    return [...cells.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, c]) => c);
  }

  /** The identity email COSTS reports: for about one person in five, in different letter case (as the fixture shows). */
  costsEmail(p: Person): string {
    let e = this.costEmail.get(p.idx);
    if (e === undefined) {
      e = !p.isEngineer && unit(this.seed, p.idx, 0xcae) < 0.2 ? p.email.replace(/(^|\.)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase()) : p.email;
      this.costEmail.set(p.idx, e);
    }
    return e;
  }

  private collectCosts(h: number): EventRef[] {
    const out: EventRef[] = [];
    const end = h + HOUR_MS;
    const stamp = end - 1000;
    const day = isoDay(h);
    const hour = new Date(h).getUTCHours();
    for (const p of this.org.people) {
      const identity = () => ({ user_id: p.id, email: this.costsEmail(p), name: p.name, groups: p.groups.map((g) => ({ id: g.id, name: g.name })) });
      const envelope = (id: string, payload: Record<string, unknown>, withTimestamp: boolean) => {
        const o: Record<string, unknown> = {
          event_id: id,
          type: "COSTS",
          principal: { id: this.org.orgId, type: "API_PLATFORM_ORG" },
          actor: { type: "SYSTEM", id: "costs_compliance" },
        };
        if (withTimestamp) o.timestamp = this.ts(stamp);
        o.payload = payload;
        if (this.drift) {
          o.schema_version = "2026-09-01";
          payload.currency_hint = "CREDITS";
        }
        return JSON.stringify(o);
      };
      for (const c of this.usageCells(p, h)) {
        const id = fastUuid(this.seed, p.idx, Math.floor(h / HOUR_MS), K_COSTS, hashStr(`${c.client}|${c.model}|${c.tier}|${c.effort}`));
        const def = CLIENTS[c.client];
        out.push({
          ts: stamp,
          id,
          line: () => {
            const m = modelDef(c.model);
            const cr = cellCredits(c);
            const sku = c.tier === "priority" ? `${m.sku} Fast` : m.sku;
            return envelope(
              id,
              {
                day,
                hour,
                organization_id: this.org.orgId,
                identity: identity(),
                product: "codex",
                client: def.costsClient,
                surface: def.surface,
                model: c.model,
                service_tier: c.tier,
                reasoning: c.effort,
                measures: {
                  usage: { text_input_tokens: c.uncached, text_cached_input_tokens: c.cached, text_output_tokens: c.output },
                  billing: [
                    { sku: `${sku} - Input`, quantity: { value: c.uncached, unit: "tokens" }, cost: { value: cr.input / 1e4, unit: "CREDITS" } },
                    { sku: `${sku} - Cached Input`, quantity: { value: c.cached, unit: "tokens" }, cost: { value: cr.cached / 1e4, unit: "CREDITS" } },
                    { sku: `${sku} - Output`, quantity: { value: c.output, unit: "tokens" }, cost: { value: cr.output / 1e4, unit: "CREDITS" } },
                  ],
                },
              },
              true,
            );
          },
        });
      }
      for (const plan of this.plansOverlapping(p, h, end)) {
        for (const ch of plan.chat) {
          if (ch.hourStart !== h) continue;
          const id = fastUuid(this.seed, p.idx, Math.floor(h / HOUR_MS), K_CHAT, plan.localDay);
          const withTs = unit(this.seed, p.idx, h / HOUR_MS, 0x7a5) < 0.5;
          out.push({
            ts: stamp,
            id,
            line: () =>
              envelope(
                id,
                {
                  day,
                  hour,
                  organization_id: this.org.orgId,
                  identity: identity(),
                  product: "ChatGPT",
                  client: "web",
                  surface: "chatgpt",
                  model: "gpt-5.5",
                  service_tier: "default",
                  measures: { billing: [{ sku: "ChatGPT - Messages", quantity: { value: ch.messages, unit: "counts" }, cost: { value: 0, unit: "CREDITS" } }] },
                },
                withTs,
              ),
          });
        }
      }
    }
    return out;
  }

  /** Events whose timestamp falls in hour `h` (before duplicates from the previous hour are added). */
  collect(type: EventType, h: number): EventRef[] {
    if (h < this.startHour) return [];
    const key = `${type}|${h}`;
    let hit = this.collected.get(key);
    if (!hit) {
      hit = this.collectUncached(type, h);
      this.collected.set(key, hit);
    }
    return hit;
  }

  private collectUncached(type: EventType, h: number): EventRef[] {
    switch (type) {
      case "CODEX_LOG":
        return this.collectCodex(h);
      case "CODEX_SECURITY_LOG":
        return this.collectSecurity(h);
      case "AUTH_LOG":
        return this.collectAuth(h);
      case "AUDIT_LOG":
        return this.collectAudit(h);
      case "COSTS":
        return this.collectCosts(h);
      case UNKNOWN_EVENT_TYPE:
        return this.collectRemote(h);
    }
  }

  private isDuplicated(type: EventType, e: EventRef): boolean {
    return this.dupRate > 0 && unit(this.seed, TYPE_CODE[type], hashStr(e.id), 0xd0b) < this.dupRate;
  }

  /** Everything in the file for hour `h`: its own events, plus repeats of some of the previous hour's. */
  fileEvents(type: EventType, h: number): { events: EventRef[]; own: number; dups: number } {
    const own = this.collect(type, h);
    const prev = this.dupRate > 0 ? this.collect(type, h - HOUR_MS).filter((e) => this.isDuplicated(type, e)) : [];
    const events = own.concat(prev);
    events.sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { events, own: own.length, dups: prev.length };
  }

  /** Number of lines the file for (type, h) will hold, without rendering; 0 = no file. Cached. */
  lineCount(type: EventType, h: number): number {
    const key = `${type}|${h}`;
    const hit = this.counts.get(key);
    if (hit !== undefined) return hit;
    const meta = this.metas.get(key);
    const n = meta ? meta.lines : this.fileEvents(type, h).events.length;
    this.counts.set(key, n);
    return n;
  }

  // ---------------------------------------------------------------- files

  endTimeUs(type: EventType, h: number): number {
    const code = TYPE_CODE[type];
    const delayUs = 1_000_000 + Math.floor(unit(this.seed, code, h / HOUR_MS, 0xe0d) * 90_000_000);
    const lateRate = this.faults.late ?? 0;
    const lateUs = lateRate > 0 && unit(this.seed, code, h / HOUR_MS, 0x1a7e) < lateRate ? (2 * HOUR_MS + Math.floor(unit(this.seed, code, h / HOUR_MS, 0x1a7f) * HOUR_MS)) * 1000 : 0;
    return (h + HOUR_MS) * 1000 + delayUs + lateUs;
  }

  fileId(type: EventType, h: number): string {
    const code = TYPE_CODE[type];
    const hourNum = h / HOUR_MS;
    const check = hashInts(this.seed, code, hourNum, 0xf11e).toString(16).padStart(8, "0") + hashInts(this.seed, code, hourNum, 0xf11f).toString(16).padStart(8, "0");
    return `eclf_${check}${code.toString(16)}${hourNum.toString(16).padStart(8, "0")}`;
  }

  parseFileId(id: string): { type: EventType; hourStart: number } | null {
    const m = /^eclf_([0-9a-f]{16})([0-9a-f])([0-9a-f]{8})$/.exec(id);
    if (!m) return null;
    const type = CODE_TYPE[parseInt(m[2]!, 16)];
    if (!type) return null;
    const hourStart = parseInt(m[3]!, 16) * HOUR_MS;
    if (this.fileId(type, hourStart) !== id) return null;
    return { type, hourStart };
  }

  private render(type: EventType, h: number): { body: Buffer; meta: FileMeta } {
    const { events, own, dups } = this.fileEvents(type, h);
    const lines = events.map((e) => this.lineOf(e));
    const code = TYPE_CODE[type];
    const reorder = this.faults.reorder ?? 0;
    if (reorder > 0 && lines.length > 1 && unit(this.seed, code, h / HOUR_MS, 0x5f1) < reorder) {
      const rng = new Rng(this.seed, code, h / HOUR_MS, 0x5f2);
      for (let i = lines.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const tmp = lines[i]!;
        lines[i] = lines[j]!;
        lines[j] = tmp;
      }
    }
    let badLines = 0;
    const bad = this.faults.badline ?? 0;
    if (bad > 0 && lines.length > 0 && unit(this.seed, code, h / HOUR_MS, 0xbad) < bad) {
      const at = hashInts(this.seed, code, h / HOUR_MS, 0xbae) % lines.length;
      const src = lines[at]!;
      lines.splice(at, 0, src.slice(0, Math.max(1, Math.floor(src.length / 2))));
      badLines = 1;
    }
    const body = Buffer.from(lines.length ? lines.join("\n") + "\n" : "", "utf8");
    const endTimeUs = this.endTimeUs(type, h);
    const meta: FileMeta = {
      id: this.fileId(type, h),
      eventType: type,
      hourStart: h,
      endTimeUs,
      endTime: formatMicros(endTimeUs),
      fileName: `${type}_${formatMicros(endTimeUs, "+00:00")}.jsonl`,
      size: body.length,
      sha256: createHash("sha256").update(body).digest("hex"),
      lines: events.length,
      events: own,
      duplicates: dups,
      badLines,
    };
    return { body, meta };
  }

  fileBody(type: EventType, h: number): Buffer {
    const key = `${type}|${h}`;
    const hit = this.bodies.get(key);
    if (hit) return hit;
    const { body, meta } = this.render(type, h);
    this.metas.set(key, meta);
    this.bodies.set(key, body);
    return body;
  }

  fileMeta(type: EventType, h: number): FileMeta {
    const key = `${type}|${h}`;
    const hit = this.metas.get(key);
    if (hit) return hit;
    this.fileBody(type, h);
    return this.metas.get(key)!;
  }

  /** Is the file for (type, h) gone at `nowMs` because of retention? */
  expired(type: EventType, h: number, nowMs: number): boolean {
    return this.endTimeUs(type, h) < (nowMs - this.retentionMs) * 1000;
  }

  /** Is the file for (type, h) published (finalised, not yet expired, non-empty) at `nowMs`? */
  visible(type: EventType, h: number, nowMs: number): boolean {
    if (h < this.startHour) return false;
    const end = this.endTimeUs(type, h);
    if (end > nowMs * 1000 || this.expired(type, h, nowMs)) return false;
    return this.lineCount(type, h) > 0;
  }

  /**
   * The Logs Platform listing: files with end_time strictly after `afterUs` (and strictly before
   * `beforeUs`), oldest first, at most `limit`, visible at `nowMs`. A page may hold fewer than `limit`
   * files while `hasMore` is true (page byte budget).
   */
  listFiles(type: EventType, q: { afterUs: number; beforeUs?: number | null; limit: number; nowMs: number }): { files: FileMeta[]; hasMore: boolean } {
    const nowUs = q.nowMs * 1000;
    const minEndUs = (q.nowMs - this.retentionMs) * 1000;
    const fromMs = Math.max(q.afterUs, minEndUs) / 1000 - HOUR_MS - MAX_FINALISE_SHIFT_MS;
    const firstHour = Math.max(this.startHour, floorTo(fromMs, HOUR_MS));
    const lastHour = floorTo(q.nowMs, HOUR_MS) - HOUR_MS;
    const found: { h: number; end: number }[] = [];
    for (let h = firstHour; h <= lastHour; h += HOUR_MS) {
      const end = this.endTimeUs(type, h);
      if (end > q.afterUs && end <= nowUs && end >= minEndUs && (q.beforeUs == null || end < q.beforeUs) && this.lineCount(type, h) > 0) {
        found.push({ h, end });
      }
      if (found.length > q.limit) {
        found.sort((a, b) => a.end - b.end);
        // every later hour ends at or after (h + 2h): the first limit+1 entries are final
        if (found[q.limit]!.end < (h + 2 * HOUR_MS) * 1000) break;
      }
    }
    found.sort((a, b) => a.end - b.end);
    const files: FileMeta[] = [];
    let bytes = 0;
    let cut = false;
    for (const f of found.slice(0, q.limit)) {
      if (files.length > 0 && bytes >= this.pageByteBudget) {
        cut = true;
        break;
      }
      const meta = this.fileMeta(type, f.h);
      bytes += meta.size;
      files.push(meta);
    }
    return { files, hasMore: cut || found.length > q.limit };
  }

  // ---------------------------------------------------------------- analytics

  /** Per-person usage rows of one UTC day (only people with Codex usage that day). */
  usageRows(day: number): UsageRow[] {
    const hit = this.analyticsDays.get(day);
    if (hit) return hit;
    const rows: UsageRow[] = [];
    const dayStart = day * DAY_MS;
    for (const p of this.org.people) {
      if (p.weight === 0 && p.prRate === 0) continue;
      const byClient = new Map<string, AnalyticsMetrics & { threads: Set<string>; turns: number }>();
      const byModel = new Map<string, AnalyticsMetrics & { model: string; speed: string }>();
      const totals: AnalyticsMetrics & { threads: Set<string>; turns: number } = { ...zeroMetrics(), threads: new Set(), turns: 0 };
      let any = false;
      for (let h = Math.max(dayStart, this.startHour); h < dayStart + DAY_MS; h += HOUR_MS) {
        for (const c of this.usageCells(p, h)) {
          any = true;
          const cr = cellCredits(c);
          const units = cr.input + cr.cached + cr.output;
          const clientId = CLIENTS[c.client].clientId;
          let bc = byClient.get(clientId);
          if (!bc) byClient.set(clientId, (bc = { ...zeroMetrics(), threads: new Set(), turns: 0 }));
          const speed = speedOf(c.tier);
          const mk = `${c.model}|${speed}`;
          let bm = byModel.get(mk);
          if (!bm) byModel.set(mk, (bm = { ...zeroMetrics(), model: c.model, speed }));
          for (const m of [bc, bm, totals]) {
            m.creditUnits += units;
            m.uncached += c.uncached;
            m.cached += c.cached;
            m.output += c.output;
          }
          for (const s of c.sessions) {
            bc.threads.add(s);
            totals.threads.add(s);
          }
          bc.turns += c.turns;
          totals.turns += c.turns;
        }
      }
      if (!any) continue;
      const attr = new Rng(this.seed, p.idx, day, 0xc0de);
      rows.push({
        day,
        person: p,
        threads: totals.threads.size,
        turns: totals.turns,
        metrics: totals,
        clients: [...byClient.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([clientId, m]) => ({ clientId, threads: m.threads.size, turns: m.turns, metrics: m })),
        models: [...byModel.values()].sort((a, b) => (a.model + a.speed < b.model + b.speed ? -1 : 1)).map((m) => ({ model: m.model, speed: m.speed, metrics: m })),
        linesAdded: Math.round(totals.turns * (5 + attr.next() * 40)),
        linesRemoved: Math.round(totals.turns * (1 + attr.next() * 15)),
      });
    }
    this.analyticsDays.set(day, rows);
    return rows;
  }

  /** Reviews completed on UTC day `day` (by review time), and reviews of PRs merged that day. */
  reviewDay(day: number): { completed: ReviewStat; merged: ReviewStat } {
    const dayStart = day * DAY_MS;
    const dayEnd = dayStart + DAY_MS;
    const completed = zeroReview();
    const merged = zeroReview();
    for (const p of this.org.people) {
      if (p.prRate === 0) continue;
      for (const plan of this.plansBetween(p, dayStart - 5 * DAY_MS, dayEnd)) {
        for (const r of plan.reviews) {
          if (r.at < this.startHour) continue;
          if (r.at >= dayStart && r.at < dayEnd) addReview(completed, r);
          if (r.mergeAt !== null && r.mergeAt >= dayStart && r.mergeAt < dayEnd) addReview(merged, r);
        }
      }
    }
    return { completed, merged };
  }

  /** plansOverlapping for a long window: all local days from `from` to `to`. */
  private plansBetween(p: Person, from: number, to: number): DayPlan[] {
    const out: DayPlan[] = [];
    const first = Math.floor(from / DAY_MS) - 1;
    const last = Math.floor(to / DAY_MS) + 1;
    for (let ld = first; ld <= last; ld++) {
      const s = localMidnightUtc(p, ld);
      const e = localMidnightUtc(p, ld + 1);
      if (e > from && s < to) out.push(this.plan(p, ld));
    }
    return out;
  }

  // ---------------------------------------------------------------- expected totals (for tests and benches)

  /** Exact totals over the files of hours in [fromMs, toMs) (by period, not by visibility). */
  expected(fromMs: number, toMs: number, types: readonly EventType[] = EVENT_TYPES): ExpectedTotals {
    const out: ExpectedTotals = { files: {}, lines: {}, events: {}, unknownEvents: {}, duplicates: {}, codexTokens: { input: 0, cached: 0, output: 0, reasoning: 0, responses: 0 }, costs: { uncached: 0, cached: 0, output: 0, creditUnits: 0, rows: 0 }, tools: {}, secretPrompts: 0, prompts: 0 };
    const first = Math.max(this.startHour, floorTo(fromMs, HOUR_MS));
    for (const type of types) {
      let files = 0;
      let lines = 0;
      let events = 0;
      let unknown = 0;
      let dups = 0;
      for (let h = first; h < toMs; h += HOUR_MS) {
        const f = this.fileEvents(type, h);
        if (f.events.length === 0) continue;
        files++;
        lines += f.events.length;
        events += f.own;
        dups += f.dups;
        for (const e of f.events) if (e.unknown && e.ts >= h) unknown++;
      }
      out.files[type] = files;
      out.lines[type] = lines;
      out.events[type] = events;
      out.unknownEvents[type] = unknown;
      out.duplicates[type] = dups;
    }
    for (const p of this.org.people) {
      for (let h = first; h < toMs; h += HOUR_MS) {
        for (const c of this.usageCells(p, h)) {
          const cr = cellCredits(c);
          out.costs.uncached += c.uncached;
          out.costs.cached += c.cached;
          out.costs.output += c.output;
          out.costs.creditUnits += cr.input + cr.cached + cr.output;
          out.costs.rows++;
        }
      }
      if (p.weight === 0) continue;
      for (const plan of this.plansBetween(p, first, toMs)) {
        for (const t of plan.turns) {
          if (t.responseAt >= first && t.responseAt < toMs) {
            out.codexTokens.input += t.input;
            out.codexTokens.cached += t.cached;
            out.codexTokens.output += t.output;
            out.codexTokens.reasoning += t.reasoning;
            out.codexTokens.responses++;
          }
          for (const tool of t.tools) {
            if (tool.at < first || tool.at >= toMs) continue;
            const tally = (out.tools[tool.name] ??= { calls: 0, approved: 0, denied: 0, aborted: 0 });
            tally.calls++;
            if (tool.decision.startsWith("approved")) tally.approved++;
            else if (tool.decision === "denied") tally.denied++;
            else if (tool.decision === "abort") tally.aborted++;
          }
          if (t.promptAt >= first && t.promptAt < toMs) {
            out.prompts++;
            if (t.secrets.length > 0) out.secretPrompts++;
          }
        }
      }
    }
    return out;
  }

  /** Secrets planted in prompts sent in [fromMs, toMs): the PROMPT_SENT event id, kind and value. */
  plantedSecrets(fromMs: number, toMs: number): { eventId: string; kind: string; value: string; echoed: boolean }[] {
    const out: { eventId: string; kind: string; value: string; echoed: boolean }[] = [];
    const first = Math.max(this.startHour, fromMs);
    for (const p of this.org.people) {
      if (p.weight === 0) continue;
      for (const plan of this.plansBetween(p, first, toMs)) {
        for (const t of plan.turns) {
          if (t.promptAt < first || t.promptAt >= toMs) continue;
          for (const s of t.secrets) out.push({ eventId: this.eventId(p, plan.localDay, t.n, K_PROMPT), kind: s.kind, value: s.value, echoed: t.echo });
        }
      }
    }
    return out;
  }

  /**
   * Canaries in the tool calls made in [fromMs, toMs): in a TOOL_CALL's `arguments` or `output`,
   * and in the CODEX_SECURITY_LOG event of a blocked call, which repeats its arguments.
   */
  plantedToolSecrets(fromMs: number, toMs: number): PlantedToolSecret[] {
    const out: PlantedToolSecret[] = [];
    const first = Math.max(this.startHour, fromMs);
    for (const p of this.org.people) {
      if (p.weight === 0) continue;
      for (const plan of this.plansBetween(p, first, toMs)) {
        for (const t of plan.turns) {
          for (const tool of t.tools) {
            if (!tool.canaries || tool.at < first || tool.at >= toMs) continue;
            const { args, output } = this.toolTexts(p, plan, t, tool);
            const field = tool.canaries.field;
            const text = field === "arguments" ? args : output ?? "";
            const events: Array<[string, PlantedToolSecret["eventType"]]> = [[this.eventId(p, plan.localDay, t.n, K_TOOL, tool.k), "CODEX_LOG"]];
            if (tool.blocked && field === "arguments") events.push([this.eventId(p, plan.localDay, t.n, K_SECURITY, tool.k), "CODEX_SECURITY_LOG"]);
            for (const s of tool.canaries.secrets) {
              const form = toolFieldForms(s.value).find((f) => text.includes(f));
              if (form === undefined) throw new Error(`simulator: canary ${s.kind} is missing from the ${field} of tool call ${tool.k} of turn ${t.n}`);
              const start = text.indexOf(form);
              for (const [eventId, eventType] of events) {
                out.push({ eventId, eventType, field, tool: tool.name, kind: s.kind, value: s.value, start, end: start + form.length, personEmail: p.email });
              }
            }
          }
        }
      }
    }
    return out;
  }
}

/** A canary in a tool call: the event, the event_details field, and where in that field's string it is. */
export interface PlantedToolSecret {
  eventId: string;
  eventType: "CODEX_LOG" | "CODEX_SECURITY_LOG";
  field: ToolSecretField;
  tool: string;
  kind: string;
  value: string;
  /** UTF-16 offsets into the field's string (as JSON.parse gives it); the span is the value, JSON-escaped in arguments */
  start: number;
  end: number;
  personEmail: string;
}

export interface AnalyticsMetrics {
  creditUnits: number;
  uncached: number;
  cached: number;
  output: number;
}

function zeroMetrics(): AnalyticsMetrics {
  return { creditUnits: 0, uncached: 0, cached: 0, output: 0 };
}

export interface UsageRow {
  day: number;
  person: Person;
  threads: number;
  turns: number;
  metrics: AnalyticsMetrics;
  clients: { clientId: string; threads: number; turns: number; metrics: AnalyticsMetrics }[];
  models: { model: string; speed: string; metrics: AnalyticsMetrics }[];
  linesAdded: number;
  linesRemoved: number;
}

export interface ReviewStat {
  reviews: number;
  comments: number;
  p0: number;
  p1: number;
  p2: number;
  replies: number;
  replied: number;
  upvoted: number;
  downvoted: number;
  reactedOther: number;
  engaged: number;
}

function zeroReview(): ReviewStat {
  return { reviews: 0, comments: 0, p0: 0, p1: 0, p2: 0, replies: 0, replied: 0, upvoted: 0, downvoted: 0, reactedOther: 0, engaged: 0 };
}

function addReview(s: ReviewStat, r: { p0: number; p1: number; p2: number; replies: number; replied: number; upvoted: number; downvoted: number; reactedOther: number; engaged: number }): void {
  s.reviews++;
  s.comments += r.p0 + r.p1 + r.p2;
  s.p0 += r.p0;
  s.p1 += r.p1;
  s.p2 += r.p2;
  s.replies += r.replies;
  s.replied += r.replied;
  s.upvoted += r.upvoted;
  s.downvoted += r.downvoted;
  s.reactedOther += r.reactedOther;
  s.engaged += r.engaged;
}

export interface ExpectedTotals {
  /** non-empty files per type */
  files: Partial<Record<EventType, number>>;
  /** event lines per type, repeats included (bad lines excluded) */
  lines: Partial<Record<EventType, number>>;
  /** distinct events per type (what a deduplicating client stores) */
  events: Partial<Record<EventType, number>>;
  /** of those, events with an unknown detail/action (only under `unknown-event-type`) */
  unknownEvents: Partial<Record<EventType, number>>;
  duplicates: Partial<Record<EventType, number>>;
  /** CODEX_LOG responses: input includes cached (the default reading) */
  codexTokens: { input: number; cached: number; output: number; reasoning: number; responses: number };
  /** COSTS product=codex (code review included); creditUnits in 1e-4 credits */
  costs: { uncached: number; cached: number; output: number; creditUnits: number; rows: number };
  /** CODEX_LOG TOOL_CALL events per tool name; approved counts every approval flavour, aborted the decision `abort` */
  tools: Record<string, { calls: number; approved: number; denied: number; aborted: number }>;
  secretPrompts: number;
  prompts: number;
}

export { USD_PER_CREDIT };
