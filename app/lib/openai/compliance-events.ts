import { z } from "zod";

/**
 * Turns one JSONL line of a Compliance log file into a normalized record. Raw prompt and
 * response text is returned separately in `texts`, to be redacted and fingerprinted before
 * anything is stored; it never appears in a problem message. Unknown fields are kept in
 * `attributes`; unknown event and detail types are kept and flagged.
 */

export type EventText = { field: string; text: string };

export type NormalizedEvent = {
  kind: "event";
  eventId: string;
  occurredAt: Date;
  eventType: string;
  detailType: string | null;
  workspaceId: string | null;
  openaiUserId: string | null;
  actorEmail: string | null;
  clientId: string | null;
  sessionId: string | null;
  turnId: string | null;
  model: string | null;
  serviceTier: string | null;
  reasoningEffort: string | null;
  status: string | null;
  inputTokens: number | null;
  cachedInputTokens: number | null;
  outputTokens: number | null;
  reasoningOutputTokens: number | null;
  toolName: string | null;
  toolDecision: string | null;
  texts: EventText[];
  attributes: Record<string, unknown>;
  flags: string[];
};

export type NormalizedCost = {
  kind: "cost";
  eventId: string;
  hour: Date;
  organizationId: string | null;
  openaiUserId: string | null;
  email: string | null;
  name: string | null;
  groups: Array<{ id?: string; name?: string }>;
  product: string | null;
  client: string | null;
  surface: string | null;
  model: string | null;
  serviceTier: string | null;
  reasoning: string | null;
  inputTokens: number | null;
  cachedInputTokens: number | null;
  outputTokens: number | null;
  credits: number | null;
  billing: unknown[];
  attributes: Record<string, unknown>;
  flags: string[];
};

export type InvalidLine = { kind: "invalid"; line: number; problem: string };
export type NormalizedLine = NormalizedEvent | NormalizedCost | InvalidLine;

export const KNOWN_EVENT_TYPES = new Set(["CODEX_LOG", "CODEX_SECURITY_LOG", "AUTH_LOG", "AUDIT_LOG", "COSTS"]);
const KNOWN_CODEX_DETAILS = new Set(["PROMPT_SENT", "PROMPT_RESPONSE_RECEIVED", "TOOL_CALL"]);

/** Fields that carry free text typed or produced in a session: always redacted, never stored raw. */
export const TEXT_FIELDS = ["prompt_text", "response_text", "arguments", "output", "command", "text", "content"] as const;
const TEXT_FIELD_SET = new Set<string>(TEXT_FIELDS);

const isoTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), "is not a date-time");
const optionalString = z.string().nullish().catch(null);
const count = z.number().int().nonnegative().nullish().catch(null);

const envelopeSchema = z
  .object({
    event_id: z.string().min(1, "is empty"),
    type: z.string().min(1, "is empty"),
    timestamp: isoTime.nullish(),
    workspace_id: optionalString,
    client_id: optionalString,
    actor: z
      .object({ type: optionalString, user_id: optionalString, user_email: optionalString, id: optionalString })
      .loose()
      .nullish()
      .catch(null),
    principal: z.object({ id: optionalString, type: optionalString }).loose().nullish().catch(null),
    event_details: z.record(z.string(), z.unknown()).nullish().catch(null),
    payload: z.record(z.string(), z.unknown()).nullish().catch(null),
  })
  .loose();

const tokenUsageSchema = z
  .object({
    input_tokens: count,
    cached_input_tokens: count,
    output_tokens: count,
    reasoning_output_tokens: count,
  })
  .loose();

const costPayloadSchema = z
  .object({
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD").nullish(),
    hour: z.number().int().min(0).max(23).nullish(),
    organization_id: optionalString,
    identity: z
      .object({
        user_id: optionalString,
        email: optionalString,
        name: optionalString,
        groups: z.array(z.object({ id: optionalString, name: optionalString }).loose()).nullish().catch(null),
      })
      .loose()
      .nullish()
      .catch(null),
    product: optionalString,
    client: optionalString,
    surface: optionalString,
    model: optionalString,
    service_tier: optionalString,
    reasoning: optionalString,
    measures: z
      .object({
        usage: z
          .object({ text_input_tokens: count, text_cached_input_tokens: count, text_output_tokens: count })
          .loose()
          .nullish()
          .catch(null),
        billing: z
          .array(z.object({ cost: z.object({ value: z.number(), unit: z.string() }).loose().nullish() }).loose())
          .nullish()
          .catch(null),
      })
      .loose()
      .nullish()
      .catch(null),
  })
  .loose();

function str(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function omit(record: Record<string, unknown>, keys: ReadonlySet<string>) {
  const rest: Record<string, unknown> = {};
  for (const key in record) if (Object.hasOwn(record, key) && !keys.has(key)) rest[key] = record[key];
  return rest;
}

function describeIssue(error: z.ZodError) {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".") || "line"} ${issue.message}` : "invalid";
}

const ENVELOPE_KEYS = new Set(["event_id", "type", "timestamp", "workspace_id", "client_id", "actor", "principal", "event_details", "payload"]);
const MAPPED_DETAIL_KEYS = new Set([
  "detail_type",
  "session_id",
  "turn_id",
  "model",
  "service_tier",
  "reasoning_effort",
  "status",
  "token_usage",
  "tool_name",
  "decision",
]);

type Envelope = z.infer<typeof envelopeSchema>;

export function normalizeLine(line: string, lineNumber: number, { fastPath = true }: { fastPath?: boolean } = {}): NormalizedLine {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { kind: "invalid", line: lineNumber, problem: "is not valid JSON" };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { kind: "invalid", line: lineNumber, problem: "is not a JSON object" };
  }
  let envelope = fastPath ? plainEnvelope(raw as Record<string, unknown>) : null;
  const fast = envelope !== null;
  if (!envelope) {
    const parsed = envelopeSchema.safeParse(raw);
    if (!parsed.success) return { kind: "invalid", line: lineNumber, problem: describeIssue(parsed.error) };
    envelope = parsed.data;
  }
  const extraEnvelope = omit(raw as Record<string, unknown>, ENVELOPE_KEYS);
  return envelope.type === "COSTS" ? normalizeCost(envelope, extraEnvelope, lineNumber) : normalizeEvent(envelope, extraEnvelope, lineNumber, fast);
}

/*
 * The fast path: the envelope checked by hand for the shape every well-formed line has, with
 * the result envelopeSchema would give. Anything it does not accept as plainly valid (a wrong
 * type anywhere, a field zod would replace by null) goes through envelopeSchema, so odd lines
 * get exactly the schema's treatment and its error messages. compliance-events.test.ts checks
 * that both paths agree line for line.
 */
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isOptionalString = (value: unknown) => value === undefined || value === null || typeof value === "string";

function plainEnvelope(raw: Record<string, unknown>): Envelope | null {
  const { event_id, type, timestamp, workspace_id, client_id, actor, principal, event_details, payload } = raw;
  if (typeof event_id !== "string" || event_id === "" || typeof type !== "string" || type === "") return null;
  if (timestamp !== undefined && timestamp !== null && (typeof timestamp !== "string" || Number.isNaN(Date.parse(timestamp)))) return null;
  if (!isOptionalString(workspace_id) || !isOptionalString(client_id)) return null;
  const plainActor = actor === undefined || actor === null ? actor : plainObject(actor, ["type", "user_id", "user_email", "id"]);
  if (plainActor === false) return null;
  const plainPrincipal = principal === undefined || principal === null ? principal : plainObject(principal, ["id", "type"]);
  if (plainPrincipal === false) return null;
  if (event_details !== undefined && event_details !== null && !isRecord(event_details)) return null;
  if (payload !== undefined && payload !== null && !isRecord(payload)) return null;
  return { ...raw, event_id, type, timestamp, workspace_id, client_id, actor: plainActor, principal: plainPrincipal, event_details, payload } as Envelope;
}

/** A loose object whose `known` keys are optional strings, keys in the order zod's output has them (known first); false otherwise. */
function plainObject(value: unknown, known: readonly string[]): Record<string, unknown> | false {
  if (!isRecord(value)) return false;
  const out: Record<string, unknown> = {};
  for (const key of known) {
    if (!(key in value)) continue;
    if (!isOptionalString(value[key])) return false;
    out[key] = value[key];
  }
  for (const key of Object.keys(value)) if (!known.includes(key)) out[key] = value[key];
  return out;
}

function strictTokenCounts(value: unknown) {
  const usage = tokenUsageSchema.safeParse(value ?? {});
  return usage.success ? usage.data : {};
}

/** tokenUsageSchema's result without the schema: counts are non-negative safe integers, anything else null. */
function tokenCounts(value: unknown): { input_tokens?: number | null; cached_input_tokens?: number | null; output_tokens?: number | null; reasoning_output_tokens?: number | null } {
  if (!isRecord(value)) return {};
  const count = (v: unknown) => (v === undefined ? undefined : Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : null);
  return {
    input_tokens: count(value.input_tokens),
    cached_input_tokens: count(value.cached_input_tokens),
    output_tokens: count(value.output_tokens),
    reasoning_output_tokens: count(value.reasoning_output_tokens),
  };
}

function normalizeEvent(envelope: Envelope, extraEnvelope: Record<string, unknown>, lineNumber: number, fast: boolean): NormalizedLine {
  if (!envelope.timestamp) return { kind: "invalid", line: lineNumber, problem: "timestamp is missing" };
  const details = envelope.event_details ?? {};
  const flags: string[] = [];
  if (!KNOWN_EVENT_TYPES.has(envelope.type)) flags.push("unknown_event_type");
  // AUDIT_LOG names what happened in `action`; the other types in `detail_type`.
  const detailType = str(details.detail_type) ?? str(details.action);
  if (envelope.type === "CODEX_LOG" && detailType && !KNOWN_CODEX_DETAILS.has(detailType)) flags.push("unknown_detail_type");

  const texts: EventText[] = [];
  const attributes = extraEnvelope;
  for (const key in details) {
    if (!Object.hasOwn(details, key)) continue;
    const value = details[key];
    if (TEXT_FIELD_SET.has(key) && typeof value === "string") texts.push({ field: key, text: value });
    else if (!MAPPED_DETAIL_KEYS.has(key) && !(key === "action" && detailType === value)) attributes[key] = value;
  }
  if (envelope.principal) attributes.principal = envelope.principal;
  if (envelope.actor?.type && envelope.actor.type !== "ACCOUNT_USER") attributes.actor_type = envelope.actor.type;

  const u = fast ? tokenCounts(details.token_usage) : strictTokenCounts(details.token_usage);
  let inputTokens: number | null = null;
  let cachedInputTokens: number | null = null;
  if (u.input_tokens != null) {
    cachedInputTokens = u.cached_input_tokens ?? 0;
    // CODEX_LOG's input_tokens includes the cached ones (like OTel and rollouts); store them
    // apart. A count below its cached part can only mean the feed already excluded them.
    if (u.input_tokens >= cachedInputTokens) inputTokens = u.input_tokens - cachedInputTokens;
    else {
      inputTokens = u.input_tokens;
      flags.push("input_excludes_cached");
    }
  }
  return {
    kind: "event",
    eventId: envelope.event_id,
    occurredAt: new Date(envelope.timestamp),
    eventType: envelope.type,
    detailType,
    workspaceId: envelope.workspace_id ?? null,
    openaiUserId: envelope.actor?.user_id ?? null,
    actorEmail: envelope.actor?.user_email?.toLowerCase() ?? null,
    clientId: envelope.client_id ?? str(details.client),
    sessionId: str(details.session_id),
    turnId: str(details.turn_id),
    model: str(details.model),
    serviceTier: str(details.service_tier),
    reasoningEffort: str(details.reasoning_effort),
    status: str(details.status),
    inputTokens,
    cachedInputTokens,
    outputTokens: u.output_tokens ?? null,
    reasoningOutputTokens: u.reasoning_output_tokens ?? null,
    toolName: str(details.tool_name),
    toolDecision: str(details.decision),
    texts,
    attributes,
    flags,
  };
}

function normalizeCost(envelope: Envelope, extraEnvelope: Record<string, unknown>, lineNumber: number): NormalizedLine {
  const parsed = costPayloadSchema.safeParse(envelope.payload ?? {});
  if (!parsed.success) return { kind: "invalid", line: lineNumber, problem: `payload.${describeIssue(parsed.error)}` };
  const p = parsed.data;
  // The hourly bucket: payload day and hour when present, else the envelope timestamp.
  const hour = p.day && p.hour != null ? new Date(`${p.day}T${String(p.hour).padStart(2, "0")}:00:00Z`) : envelope.timestamp ? new Date(envelope.timestamp) : null;
  if (!hour || Number.isNaN(hour.getTime())) return { kind: "invalid", line: lineNumber, problem: "payload.day/hour and timestamp are missing" };
  hour.setUTCMinutes(0, 0, 0);
  const billing = p.measures?.billing ?? [];
  const creditLines = billing.filter((b) => b.cost?.unit?.toUpperCase() === "CREDITS");
  const known = new Set(["day", "hour", "organization_id", "identity", "product", "client", "surface", "model", "service_tier", "reasoning", "measures"]);
  const attributes: Record<string, unknown> = { ...extraEnvelope, ...omit(p as Record<string, unknown>, known) };
  if (envelope.timestamp) attributes.timestamp = envelope.timestamp;
  const flags: string[] = [];
  if (billing.length > 0 && creditLines.length === 0) flags.push("billed_not_in_credits");
  return {
    kind: "cost",
    eventId: envelope.event_id,
    hour,
    organizationId: p.organization_id ?? envelope.principal?.id ?? null,
    openaiUserId: p.identity?.user_id ?? null,
    email: p.identity?.email?.toLowerCase() ?? null,
    name: p.identity?.name ?? null,
    groups: (p.identity?.groups ?? []).map((g) => ({ id: g.id ?? undefined, name: g.name ?? undefined })),
    product: p.product ?? null,
    client: p.client ?? null,
    surface: p.surface ?? null,
    model: p.model ?? null,
    serviceTier: p.service_tier ?? null,
    reasoning: p.reasoning ?? null,
    inputTokens: p.measures?.usage?.text_input_tokens ?? null,
    cachedInputTokens: p.measures?.usage?.text_cached_input_tokens ?? null,
    outputTokens: p.measures?.usage?.text_output_tokens ?? null,
    // Summed in millionths of a credit, so that 9.4185 + 10.9952 + 3.6435 is 24.0572 exactly.
    credits: creditLines.length > 0 ? creditLines.reduce((sum, b) => sum + Math.round((b.cost?.value ?? 0) * 1e6), 0) / 1e6 : billing.length > 0 ? 0 : null,
    billing,
    attributes,
    flags,
  };
}
