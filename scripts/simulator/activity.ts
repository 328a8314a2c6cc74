/**
 * Day plans: what one person did on one local calendar day (Codex sessions and turns, tool calls,
 * code reviews, logins, ChatGPT use, security events). A plan is a pure function of
 * (seed, person, local day) and holds no text; text is rendered later from per-turn seeds.
 */
import { CLIENTS, CODE_REVIEW_MODEL, TOOL_NAMES, UNKNOWN_MODEL, type ClientKey, type ReasoningEffort, type ServiceTier, type ToolDecision } from "./catalog.js";
import type { Person } from "./org.js";
import { Rng } from "./prng.js";
import { CANARY_SECRETS, makeSecret, type Secret, type SecretKind, type ToolSecretField } from "./text.js";
import { DAY_MS, MINUTE_MS, SECOND_MS, tzOffsetMinutes } from "./time.js";

export interface ToolCall {
  k: number;
  at: number;
  name: string;
  decision: ToolDecision;
  source: "config" | "user";
  /** a security-relevant block (also written to CODEX_SECURITY_LOG) */
  blocked: null | "NETWORK_ACCESS_BLOCKED" | "COMMAND_BLOCKED_BY_POLICY" | "SANDBOX_ESCALATION_DENIED";
  /** canaries this call carries in its arguments or its output (the engineer's working days only) */
  canaries?: { field: ToolSecretField; secrets: Secret[] };
}

export interface Turn {
  n: number;
  sessionN: number;
  sessionTurn: number;
  client: ClientKey;
  model: string;
  tier: ServiceTier;
  effort: ReasoningEffort;
  promptAt: number;
  responseAt: number;
  /** total input tokens, cached included */
  input: number;
  cached: number;
  /** output tokens, reasoning included */
  output: number;
  reasoning: number;
  status: "completed" | "failed" | "cancelled";
  tools: ToolCall[];
  secrets: Secret[];
  echo: boolean;
  /** a turn that only exists under the `unknown-event-type` fault: emits a SESSION_ARCHIVED detail */
  archivedAt: number | null;
  injection: boolean;
}

export interface Review {
  n: number;
  at: number;
  mergeAt: number | null;
  repo: string;
  pr: number;
  input: number;
  cached: number;
  output: number;
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

export interface Login {
  n: number;
  at: number;
  outcome: "LOGIN_SUCCEEDED" | "LOGIN_FAILED" | "LOGOUT";
  method: "SSO" | "DEVICE_CODE";
  client: "chatgpt_web" | "codex_cli" | "codex_desktop" | "codex_ide";
  ip: string;
}

export interface ChatUse {
  hourStart: number;
  messages: number;
}

export interface DayPlan {
  person: Person;
  localDay: number;
  utcStart: number;
  utcEnd: number;
  turns: Turn[];
  reviews: Review[];
  logins: Login[];
  chat: ChatUse[];
}

export interface PlanOptions {
  seed: number;
  /** activity multiplier (1 = realistic volume) */
  activity: number;
  unknownModel: boolean;
  unknownEvents: boolean;
}

const SECRET_WEIGHTS: readonly (readonly [SecretKind, number])[] = [
  ["aws_access_key", 10], ["github_token", 10], ["gitlab_token", 4], ["slack_token", 5], ["stripe_key", 5],
  ["openai_key", 8], ["private_key", 5], ["jwt", 8], ["connection_string_password", 10], ["email", 12],
  ["phone", 7], ["credit_card", 7], ["ssn", 4], ["iban", 5],
];

const SECRET_RATE = 0.02;
const REPOS = ["northwind/api", "northwind/web", "northwind/mobile", "northwind/infra", "northwind/data-pipelines", "northwind/payments"];

/** Weekday of a day number since the epoch: 0 = Sunday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function localMidnightUtc(person: Person, localDay: number): number {
  const off = tzOffsetMinutes(person.timeZone, localDay * DAY_MS);
  return localDay * DAY_MS - off * MINUTE_MS;
}

function sec(ms: number): number {
  return Math.floor(ms / SECOND_MS) * SECOND_MS;
}

const EFFORT_SHARE: Record<ReasoningEffort, number> = { minimal: 0, low: 0.2, medium: 0.4, high: 0.6, xhigh: 0.7 };

export function buildDayPlan(person: Person, localDay: number, opt: PlanOptions): DayPlan {
  const rng = new Rng(opt.seed, person.idx, localDay, 0xda1);
  const utcStart = localMidnightUtc(person, localDay);
  const utcEnd = localMidnightUtc(person, localDay + 1);
  const plan: DayPlan = { person, localDay, utcStart, utcEnd, turns: [], reviews: [], logins: [], chat: [] };
  const wd = weekday(localDay);
  const weekend = wd === 0 || wd === 6;
  const present = person.isEngineer ? !weekend : weekend ? rng.chance(person.weekendProb) : rng.chance(0.9);
  if (!present) return plan;

  const dayEndLimit = utcEnd - 10 * MINUTE_MS;
  const workStart = utcStart + person.workStartMin * MINUTE_MS;
  const workLen = person.workLenMin * MINUTE_MS;

  // Codex turns, grouped into sessions.
  let nTurns = 0;
  if (person.weight > 0) {
    const mean = person.isEngineer ? 16 : person.weight * 16 * opt.activity * (weekend ? 0.4 : 1);
    nTurns = rng.poisson(person.isEngineer ? mean * opt.activity : mean);
    if (person.isEngineer) nTurns = Math.max(5, nTurns);
    nTurns = Math.min(nTurns, 600);
  }
  let sessionN = 0;
  let turnN = 0;
  let canaryN = 0;
  while (turnN < nTurns && sessionN < 400) {
    const len = Math.min(nTurns - turnN, rng.geometric(4, 40));
    const client = rng.weighted(person.clientMix);
    const cloud = !CLIENTS[client].local;
    let model = rng.weighted(person.modelMix);
    if (opt.unknownModel && rng.chance(0.05)) model = UNKNOWN_MODEL.id;
    const tier: ServiceTier = rng.chance(person.fastProb) ? "priority" : "default";
    const effort = rng.weighted(person.effortMix);
    let t = sec(workStart + rng.next() * workLen);
    const context0 = rng.range(3_000, 15_000);
    let context = context0;
    for (let k = 0; k < len && t < dayEndLimit; k++) {
      const dur = Math.min(20 * MINUTE_MS, Math.max(3 * SECOND_MS, rng.logNormal(cloud ? 240_000 : 40_000, 0.9)));
      const promptAt = t;
      const responseAt = sec(Math.min(dayEndLimit, promptAt + dur) + SECOND_MS);
      context = Math.min(272_000, context + Math.round(rng.logNormal(5_000, 0.8)));
      const input = context;
      const cached = k === 0 ? Math.floor(input * rng.next() * 0.3) : Math.floor(input * (0.6 + rng.next() * 0.35));
      let output = Math.round(Math.min(32_000, Math.max(20, rng.logNormal(900, 0.9))));
      const failed = rng.chance(0.02);
      if (failed) output = Math.min(output, rng.range(0, 40));
      const reasoning = Math.min(output, Math.round(output * EFFORT_SHARE[effort] * (0.5 + rng.next() * 0.7)));
      const tools: ToolCall[] = [];
      const nTools = Math.min(8, rng.poisson(cloud ? 2.5 : 1.6));
      let cancelled = false;
      for (let j = 0; j < nTools; j++) {
        const at = sec(promptAt + ((j + 1) / (nTools + 1)) * (responseAt - promptAt));
        const name = rng.weighted(TOOL_NAMES.map((n, i) => [n, [40, 25, 15, 8, 4, 8][i] ?? 1] as const));
        let decision: ToolDecision = "approved";
        let source: ToolCall["source"] = "config";
        let blocked: ToolCall["blocked"] = null;
        if (!cloud && rng.chance(0.4)) {
          source = "user";
          decision = rng.weighted([["approved", 65], ["approved_for_session", 18], ["approved_execpolicy_amendment", 3], ["denied", 9], ["abort", 5]] as const);
        }
        if (name === "shell" && rng.chance(0.03)) {
          blocked = rng.pick(["NETWORK_ACCESS_BLOCKED", "COMMAND_BLOCKED_BY_POLICY", "SANDBOX_ESCALATION_DENIED"] as const);
          decision = "denied";
          source = "config";
        }
        tools.push({ k: j, at, name, decision, source, blocked });
        if (decision === "abort") {
          cancelled = true;
          break;
        }
      }
      const secrets: Secret[] = [];
      if (person.isEngineer && !weekend && canaryN < 3) {
        // Every canary, every working day: three pastes of three canaries each, rotated by day.
        const per = Math.ceil(CANARY_SECRETS.length / 3);
        for (let c = 0; c < per; c++) {
          const i = canaryN * per + c;
          if (i < CANARY_SECRETS.length) secrets.push(CANARY_SECRETS[(i + localDay) % CANARY_SECRETS.length]!);
        }
        canaryN++;
      } else if (rng.chance(SECRET_RATE)) {
        const n = rng.chance(0.1) ? 2 : 1;
        for (let s = 0; s < n; s++) secrets.push(makeSecret(rng, rng.weighted(SECRET_WEIGHTS)));
      }
      plan.turns.push({
        n: turnN,
        sessionN,
        sessionTurn: k,
        client,
        model,
        tier,
        effort,
        promptAt,
        responseAt,
        input,
        cached,
        output,
        reasoning,
        status: failed ? "failed" : cancelled ? "cancelled" : "completed",
        tools,
        secrets,
        echo: secrets.length > 0 && rng.chance(0.35),
        archivedAt: opt.unknownEvents && k === len - 1 && rng.chance(0.3) ? sec(Math.min(dayEndLimit, responseAt + 5 * MINUTE_MS)) : null,
        injection: cloud && rng.chance(0.01),
      });
      turnN++;
      t = sec(responseAt + Math.max(20 * SECOND_MS, rng.logNormal(4 * MINUTE_MS, 0.8)));
    }
    sessionN++;
  }

  if (person.isEngineer && !weekend) plantToolCanaries(plan.turns, localDay);

  // Code reviews on pull requests (GitHub), attributed to the PR author.
  if (!weekend && person.prRate > 0) {
    const nReviews = Math.min(30, rng.poisson(person.prRate * opt.activity));
    for (let n = 0; n < nReviews; n++) {
      const at = sec(Math.min(dayEndLimit, workStart + rng.next() * workLen));
      const comments = Math.min(40, rng.poisson(2.5));
      let p0 = 0;
      let p1 = 0;
      let p2 = 0;
      let replies = 0;
      let replied = 0;
      let upvoted = 0;
      let downvoted = 0;
      let reactedOther = 0;
      let engaged = 0;
      for (let c = 0; c < comments; c++) {
        const sev = rng.weighted([[0, 8], [1, 32], [2, 60]] as const);
        if (sev === 0) p0++;
        else if (sev === 1) p1++;
        else p2++;
        let touched = false;
        if (rng.chance(0.2)) {
          replied++;
          replies += rng.range(1, 3);
          touched = true;
        }
        if (rng.chance(0.45)) {
          const r = rng.weighted([["up", 65], ["down", 20], ["other", 15]] as const);
          if (r === "up") upvoted++;
          else if (r === "down") downvoted++;
          else reactedOther++;
          touched = true;
        }
        if (touched) engaged++;
      }
      const input = Math.round(rng.logNormal(60_000, 0.6));
      plan.reviews.push({
        n,
        at,
        mergeAt: rng.chance(0.8) ? sec(at + Math.min(4 * DAY_MS, Math.max(10 * MINUTE_MS, rng.logNormal(20 * 3_600_000, 0.8)))) : null,
        repo: rng.pick(REPOS),
        pr: rng.range(100, 9_999),
        input,
        cached: Math.floor(input * (0.3 + rng.next() * 0.4)),
        output: Math.round(Math.max(200, rng.logNormal(3_000, 0.7))),
        p0,
        p1,
        p2,
        replies,
        replied,
        upvoted,
        downvoted,
        reactedOther,
        engaged,
      });
    }
  }

  // Logins: the first activity of the day, sometimes a failed attempt first, sometimes a CLI device login.
  const firstTurn = plan.turns[0];
  const chatting = rng.chance(person.weight > 0 ? 0.6 : 0.5);
  if (plan.turns.length > 0 || chatting) {
    const at = sec(Math.max(utcStart, (firstTurn?.promptAt ?? workStart + 30 * MINUTE_MS) - rng.range(1, 20) * MINUTE_MS));
    const ip = `${rng.pick(["81.2", "203.0", "198.51", "92.40", "49.36"])}.${rng.range(1, 254)}.${rng.range(1, 254)}`;
    let n = 0;
    if (rng.chance(0.03)) plan.logins.push({ n: n++, at: at - 2 * MINUTE_MS, outcome: "LOGIN_FAILED", method: "SSO", client: "chatgpt_web", ip });
    plan.logins.push({ n: n++, at, outcome: "LOGIN_SUCCEEDED", method: "SSO", client: "chatgpt_web", ip });
    if (firstTurn && CLIENTS[firstTurn.client].local && rng.chance(0.15)) {
      const c = firstTurn.client === "cli" || firstTurn.client === "sdk" ? "codex_cli" : firstTurn.client === "desktop" ? "codex_desktop" : "codex_ide";
      plan.logins.push({ n: n++, at: at + MINUTE_MS, outcome: "LOGIN_SUCCEEDED", method: "DEVICE_CODE", client: c, ip });
    }
    if (rng.chance(0.1)) plan.logins.push({ n: n++, at: sec(Math.min(dayEndLimit, workStart + workLen)), outcome: "LOGOUT", method: "SSO", client: "chatgpt_web", ip });
  }

  // ChatGPT (non-Codex) use, billed in COSTS by messages.
  if (chatting) {
    const hours = rng.range(1, 4);
    const seen = new Set<number>();
    for (let h = 0; h < hours; h++) {
      const at = workStart + rng.next() * workLen;
      const hourStart = Math.floor(at / 3_600_000) * 3_600_000;
      if (seen.has(hourStart) || hourStart >= dayEndLimit) continue;
      seen.add(hourStart);
      plan.chat.push({ hourStart, messages: rng.range(1, 25) });
    }
    plan.chat.sort((a, b) => a.hourStart - b.hourStart);
  }
  return plan;
}

/**
 * Every canary, every working day, in a tool call too: half of them in the arguments of two
 * calls (a shell command and, when the day has one, a patch adding files), the other half in the
 * output of one shell call that prints files; which half goes where alternates by day, so two
 * working days put each canary in both. The day's earliest fitting calls carry them (three of
 * the day's calls). This reads the finished plan and draws nothing, so the rest of the plan is
 * exactly what it was without them.
 */
function plantToolCanaries(turns: readonly Turn[], localDay: number): void {
  const calls = turns.flatMap((t) => t.tools).sort((a, b) => a.at - b.at);
  const inArguments = CANARY_SECRETS.filter((_, i) => (i + localDay) % 2 === 0);
  const inOutput = CANARY_SECRETS.filter((_, i) => (i + localDay) % 2 === 1);
  const split = Math.ceil(inArguments.length / 2);
  const fits: Record<ToolSecretField, (c: ToolCall) => boolean> = {
    arguments: (c) => c.name === "shell" || c.name === "apply_patch",
    // Only a command that ran has output.
    output: (c) => c.name === "shell" && c.blocked === null && c.decision.startsWith("approved"),
  };
  const groups = [
    ["arguments", inArguments.slice(0, split), "shell"],
    ["output", inOutput, "shell"],
    ["arguments", inArguments.slice(split), "apply_patch"],
  ] as const;
  for (const [field, secrets, preferred] of groups) {
    const free = (c: ToolCall) => c.canaries === undefined && fits[field](c);
    const call = calls.find((c) => free(c) && c.name === preferred) ?? calls.find(free);
    if (call) call.canaries = { field, secrets: [...secrets] };
  }
}

/** Code review usage is billed on GPT-5.3-Codex, default tier. */
export const REVIEW_MODEL = CODE_REVIEW_MODEL;
