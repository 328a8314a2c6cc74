import type { CanonicalEvent, CanonicalFinding } from "../ledger/canonical";

/**
 * SIEM formats of one stored event: OCSF 1.3, Elastic Common Schema 8.x (with gen_ai.*), CEF,
 * and our own NDJSON model; the field-by-field mapping is docs/siem.md. Every record carries
 * the stable event id (OCSF metadata.uid, ECS event.id, CEF externalId, NDJSON event_id), so a
 * receiver can drop duplicates of an at-least-once delivery. Input is the event exactly as
 * stored (the canonical form the ledger chains) and its redacted text: nothing more leaves.
 */

export const SIEM_FORMATS = ["ocsf", "ecs", "cef", "ndjson", "csv"] as const;
export type SiemFormat = (typeof SIEM_FORMATS)[number];
export type StreamFormat = Exclude<SiemFormat, "csv">;

export type EvidenceRecord = { event: CanonicalEvent; redactedText: string | null };

export const PRODUCT = { name: "Codex Ledger", vendor: "Codex Ledger", version: "0.1.0" } as const;
export const OCSF_VERSION = "1.3.0";

type Json = Record<string, unknown>;

const ms = (iso: string) => Date.parse(iso);
/** `2026-11-20T12:30:00.123456Z` → `2026-11-20T12:30:00.123Z` where a consumer wants milliseconds. */
const isoMs = (iso: string) => new Date(ms(iso)).toISOString();

function attr(event: CanonicalEvent, ...path: string[]): unknown {
  let value: unknown = event.attributes;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Json)[key];
  }
  return value;
}
const attrText = (event: CanonicalEvent, ...path: string[]) => {
  const v = attr(event, ...path);
  return typeof v === "string" && v !== "" ? v : undefined;
};

/** Drops undefined and null members (and objects left empty), so records stay small and clean. */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    if (v === undefined || v === null) continue;
    const c = compact(v);
    if (c !== null && typeof c === "object" && !Array.isArray(c) && Object.keys(c).length === 0) continue;
    out[k] = c;
  }
  return out as T;
}

const humanize = (code: string | null) => (code ? code.toLowerCase().replaceAll("_", " ").replace(/^./, (c) => c.toUpperCase()) : "Event");

export type Outcome = "success" | "failure" | "unknown";

/** Whether the event records something that succeeded. */
export function outcomeOf(event: CanonicalEvent): Outcome {
  if (event.event_type === "AUTH_LOG") return event.detail_type === "LOGIN_FAILED" ? "failure" : "success";
  if (event.detail_type === "PROMPT_RESPONSE_RECEIVED") return event.status === "completed" ? "success" : event.status ? "failure" : "unknown";
  if (event.tool_decision) return event.tool_decision === "approved" ? "success" : "failure";
  if (event.event_type === "CODEX_SECURITY_LOG") return "failure";
  if (event.event_type === "AUDIT_LOG") return "success";
  return "unknown";
}

/** Severity words of CODEX_SECURITY_LOG (attributes.severity) and of redaction findings. */
export function severityOf(event: CanonicalEvent): "informational" | "low" | "medium" | "high" | "critical" {
  const s = attrText(event, "severity")?.toLowerCase();
  if (s === "low" || s === "medium" || s === "high" || s === "critical") return s;
  if (event.event_type === "CODEX_SECURITY_LOG") return "medium";
  if (event.detail_type === "LOGIN_FAILED") return "low";
  return "informational";
}
const findingSeverity = (f: CanonicalFinding) => (f.kind === "secret" ? "high" : "medium");

const OCSF_SEVERITY = { informational: 1, low: 2, medium: 3, high: 4, critical: 5 } as const;
const CEF_SEVERITY = { informational: 1, low: 3, medium: 5, high: 8, critical: 10 } as const;

/** A record id for the n-th finding of an event (findings in canonical order): stable across exports. */
export const findingRecordId = (eventId: string, index: number) => `${eventId}#finding-${index + 1}`;

/* ───────────────────────── NDJSON: our own model ───────────────────────── */

export function toNdjsonRecord({ event, redactedText }: EvidenceRecord): Json {
  return { schema: "codex-ledger/event/v1", ...event, redacted_text: redactedText };
}

/* ───────────────────────── OCSF 1.3 ───────────────────────── */

function ocsfCommon(event: CanonicalEvent): Json {
  const ip = attrText(event, "ip_address");
  const userAgent = attrText(event, "user_agent");
  return {
    time: ms(event.occurred_at),
    metadata: {
      version: OCSF_VERSION,
      uid: event.event_id,
      original_time: event.occurred_at,
      logged_time: ms(event.ingested_at),
      event_code: event.detail_type ?? undefined,
      log_name: event.event_type,
      log_provider: "OpenAI Compliance Logs Platform",
      tenant_uid: event.workspace_id ?? undefined,
      correlation_uid: event.session_id ?? undefined,
      product: { name: PRODUCT.name, vendor_name: PRODUCT.vendor, version: PRODUCT.version, feature: { name: event.event_type } },
    },
    actor: {
      user: event.openai_user_id || event.actor_email ? { uid: event.openai_user_id ?? undefined, email_addr: event.actor_email ?? undefined } : undefined,
      session: event.session_id ? { uid: event.session_id } : undefined,
      app_name: event.client_id ?? undefined,
    },
    src_endpoint: ip ? { ip } : undefined,
    http_request: userAgent ? { user_agent: userAgent } : undefined,
  };
}

/** Model, usage, tool and text fields of one event under our own names (OCSF's unmapped.codex and the CSV share them). */
const turnFields = (event: CanonicalEvent) => ({
  model: event.model,
  service_tier: event.service_tier,
  reasoning_effort: event.reasoning_effort,
  status: event.status,
  input_tokens_uncached: event.input_tokens,
  cached_input_tokens: event.cached_input_tokens,
  output_tokens: event.output_tokens,
  reasoning_output_tokens: event.reasoning_output_tokens,
  tool_name: event.tool_name,
  tool_decision: event.tool_decision,
  text_kind: event.text_kind,
  text_length: event.text_length,
  text_fingerprint: event.text_fingerprint,
});

/** What OCSF has no attribute for, under unmapped.codex (our field names). */
function ocsfUnmapped(event: CanonicalEvent, redactedText: string | null): Json {
  return {
    codex: {
      event_type: event.event_type,
      detail_type: event.detail_type,
      person_id: event.person_id,
      client_id: event.client_id,
      turn_id: event.turn_id,
      ...turnFields(event),
      redacted_text: redactedText,
      finding_count: event.finding_count,
      finding_types: event.findings.length ? [...new Set(event.findings.map((f) => f.type))] : undefined,
      flags: event.flags.length ? event.flags : undefined,
      attributes: event.attributes,
      source_file_id: event.source_file_id,
    },
  };
}

const classOf = (classUid: number, className: string, categoryUid: number, categoryName: string, activityId: number, activityName: string) => ({
  class_uid: classUid,
  class_name: className,
  category_uid: categoryUid,
  category_name: categoryName,
  activity_id: activityId,
  activity_name: activityName,
  type_uid: classUid * 100 + activityId,
  type_name: `${className}: ${activityName}`,
});

const ocsfStatus = (o: Outcome, detail?: string) =>
  o === "success" ? { status_id: 1, status: "Success", status_detail: detail } : o === "failure" ? { status_id: 2, status: "Failure", status_detail: detail } : { status_id: 0, status: "Unknown", status_detail: detail };

const ACCOUNT_CHANGE: Record<string, [number, string]> = {
  USER_INVITED: [1, "Create"],
  USER_CREATED: [1, "Create"],
  USER_ACTIVATED: [2, "Enable"],
  USER_REACTIVATED: [2, "Enable"],
  USER_DEACTIVATED: [5, "Disable"],
  USER_DELETED: [6, "Delete"],
  USER_ROLE_UPDATED: [99, "Other"],
};

function ocsfMain(record: EvidenceRecord): Json {
  const { event, redactedText } = record;
  const common = ocsfCommon(event);
  const unmapped = ocsfUnmapped(event, redactedText);
  const severity = severityOf(event);
  const severityFields = { severity_id: OCSF_SEVERITY[severity], severity: humanize(severity) };
  const outcome = outcomeOf(event);

  if (event.event_type === "CODEX_LOG") {
    const [activityId, activityName] =
      event.detail_type === "PROMPT_SENT" ? [1, "Create"] : event.detail_type === "PROMPT_RESPONSE_RECEIVED" ? [2, "Read"] : [99, "Other"];
    return {
      ...classOf(6003, "API Activity", 6, "Application Activity", activityId, activityName),
      ...severityFields,
      ...ocsfStatus(outcome, event.tool_decision ?? event.status ?? undefined),
      ...common,
      api: {
        operation: event.detail_type ?? "UNKNOWN",
        service: { name: "OpenAI Codex" },
        request: event.turn_id ? { uid: event.turn_id } : undefined,
      },
      resources: [
        event.model ? { type: "AI Model", name: event.model } : undefined,
        event.tool_name ? { type: "Tool", name: event.tool_name } : undefined,
      ].filter(Boolean),
      message: humanize(event.detail_type),
      unmapped,
    };
  }
  if (event.event_type === "AUTH_LOG") {
    const logoff = event.detail_type === "LOGOUT";
    return {
      ...classOf(3002, "Authentication", 3, "Identity & Access Management", logoff ? 2 : 1, logoff ? "Logoff" : "Logon"),
      ...severityFields,
      ...ocsfStatus(outcome, attrText(event, "failure_reason")),
      ...common,
      user: { uid: event.openai_user_id ?? undefined, email_addr: event.actor_email ?? undefined },
      auth_protocol: attrText(event, "auth_method"),
      auth_protocol_id: attrText(event, "auth_method") ? 99 : 0,
      logon_process: attrText(event, "identity_provider") ? { name: attrText(event, "identity_provider") } : undefined,
      service: { name: event.client_id ?? "ChatGPT" },
      message: humanize(event.detail_type),
      unmapped,
    };
  }
  if (event.event_type === "AUDIT_LOG") {
    const targetType = attrText(event, "target", "type");
    const target = {
      uid: attrText(event, "target", "id"),
      name: attrText(event, "target", "name"),
      type: targetType,
      email_addr: attrText(event, "target", "email"),
    };
    const account = targetType === "USER" ? ACCOUNT_CHANGE[event.detail_type ?? ""] : undefined;
    if (account) {
      return {
        ...classOf(3001, "Account Change", 3, "Identity & Access Management", account[0], account[1]),
        ...severityFields,
        ...ocsfStatus(outcome),
        ...common,
        user: { uid: target.uid, name: target.name, email_addr: target.email_addr, type: "User" },
        message: humanize(event.detail_type),
        unmapped,
      };
    }
    const verb = (event.detail_type ?? "").split("_").pop();
    const [activityId, activityName] =
      verb === "CREATED" ? [1, "Create"] : verb === "UPDATED" ? [3, "Update"] : verb === "DELETED" ? [4, "Delete"] : verb === "READ" ? [2, "Read"] : [99, "Other"];
    return {
      ...classOf(3004, "Entity Management", 3, "Identity & Access Management", activityId, activityName),
      ...severityFields,
      ...ocsfStatus(outcome),
      ...common,
      entity: { uid: target.uid, name: target.name, type: target.type },
      message: humanize(event.detail_type),
      unmapped,
    };
  }
  if (event.event_type === "CODEX_SECURITY_LOG") {
    const blocked = event.tool_decision === "denied" || /BLOCKED|DENIED/.test(event.detail_type ?? "");
    return {
      ...classOf(2004, "Detection Finding", 2, "Findings", 1, "Create"),
      ...severityFields,
      status_id: 1,
      status: "New",
      ...common,
      is_alert: true,
      action_id: blocked ? 2 : 0,
      action: blocked ? "Denied" : "Unknown",
      disposition_id: blocked ? 2 : 0,
      disposition: blocked ? "Blocked" : "Unknown",
      finding_info: {
        uid: event.event_id,
        title: humanize(event.detail_type),
        types: [event.detail_type ?? "UNKNOWN"],
        created_time: ms(event.occurred_at),
        data_sources: ["Codex security log"],
      },
      resources: event.tool_name ? [{ type: "Tool", name: event.tool_name }] : undefined,
      message: humanize(event.detail_type),
      unmapped,
    };
  }
  // Event types we keep but do not know (flagged unknown_event_type): an OCSF Base Event.
  return {
    ...classOf(0, "Base Event", 0, "Uncategorized", 99, "Other"),
    ...severityFields,
    ...ocsfStatus(outcome),
    ...common,
    message: `${event.event_type} ${event.detail_type ?? ""}`.trim(),
    unmapped,
  };
}

/** One Detection Finding per redaction finding: what was found where, by type and keyed fingerprint, never the value. */
function ocsfRedactionFinding(event: CanonicalEvent, finding: CanonicalFinding, index: number): Json {
  const id = findingRecordId(event.event_id, index);
  const severity = findingSeverity(finding);
  const common = ocsfCommon(event);
  return {
    ...classOf(2004, "Detection Finding", 2, "Findings", 1, "Create"),
    severity_id: OCSF_SEVERITY[severity],
    severity: humanize(severity),
    status_id: 1,
    status: "New",
    ...common,
    metadata: { ...(common.metadata as Json), uid: id, correlation_uid: event.event_id },
    is_alert: finding.kind === "secret",
    finding_info: {
      uid: id,
      title: `${finding.kind === "secret" ? "Secret" : "Personal data"} (${finding.type}) redacted from ${finding.field}`,
      types: [finding.kind, finding.type],
      created_time: ms(event.occurred_at),
      data_sources: ["Codex Ledger redaction"],
      related_events: [{ uid: event.event_id, type: event.event_type, type_uid: undefined }],
    },
    message: `${finding.type} (${finding.kind}) in ${finding.field}, fingerprint ${finding.fingerprint}`,
    unmapped: {
      codex: { event_id: event.event_id, field: finding.field, type: finding.type, kind: finding.kind, start: finding.start, end: finding.end, fingerprint: finding.fingerprint },
    },
  };
}

export function toOcsfRecords(record: EvidenceRecord): Json[] {
  return [compact(ocsfMain(record)), ...record.event.findings.map((f, i) => compact(ocsfRedactionFinding(record.event, f, i)))];
}

/* ───────────────────────── Elastic Common Schema 8.x ───────────────────────── */

function ecsCategory(event: CanonicalEvent): { kind: string; category: string[]; type: string[] } {
  switch (event.event_type) {
    case "AUTH_LOG":
      return { kind: "event", category: ["authentication", "session"], type: [event.detail_type === "LOGOUT" ? "end" : "start"] };
    case "AUDIT_LOG": {
      const targetType = attrText(event, "target", "type");
      const verb = (event.detail_type ?? "").split("_").pop();
      const type = verb === "CREATED" || verb === "INVITED" ? "creation" : verb === "DELETED" ? "deletion" : "change";
      return { kind: "event", category: ["iam", "configuration"], type: [targetType === "USER" ? "user" : targetType === "GROUP" ? "group" : "admin", type] };
    }
    case "CODEX_SECURITY_LOG":
      return { kind: "alert", category: ["intrusion_detection", "process"], type: [event.tool_decision === "denied" ? "denied" : "info"] };
    case "CODEX_LOG":
      return { kind: "event", category: ["process"], type: [event.detail_type === "TOOL_CALL" ? (event.tool_decision === "approved" ? "allowed" : "denied") : "info"] };
    default:
      return { kind: "event", category: [], type: ["info"] };
  }
}

export function toEcsRecord({ event, redactedText }: EvidenceRecord): Json {
  const ip = attrText(event, "ip_address");
  const userAgent = attrText(event, "user_agent");
  const { kind, category, type } = ecsCategory(event);
  const isCodex = event.event_type === "CODEX_LOG" || event.event_type === "CODEX_SECURITY_LOG";
  const uncached = event.input_tokens;
  const cached = event.cached_input_tokens;
  const severity = severityOf(event);
  return compact({
    "@timestamp": isoMs(event.occurred_at),
    ecs: { version: "8.11.0" },
    message: redactedText ?? humanize(event.detail_type),
    event: {
      id: event.event_id,
      kind,
      category,
      type,
      action: event.detail_type?.toLowerCase(),
      outcome: outcomeOf(event),
      dataset: `codex_ledger.${event.event_type.toLowerCase()}`,
      module: "codex_ledger",
      provider: "openai_compliance_logs",
      severity: CEF_SEVERITY[severity],
      created: isoMs(event.ingested_at),
      ingested: isoMs(event.ingested_at),
      reason: attrText(event, "failure_reason"),
    },
    observer: { vendor: "OpenAI", product: "Codex" },
    organization: event.workspace_id ? { id: event.workspace_id } : undefined,
    user: {
      id: event.openai_user_id ?? undefined,
      email: event.actor_email ?? undefined,
      target:
        event.event_type === "AUDIT_LOG" && attrText(event, "target", "type") === "USER"
          ? { id: attrText(event, "target", "id"), email: attrText(event, "target", "email") }
          : undefined,
    },
    source: ip ? { ip } : undefined,
    user_agent: userAgent ? { original: userAgent } : undefined,
    rule: event.event_type === "CODEX_SECURITY_LOG" ? { name: event.detail_type } : undefined,
    gen_ai: isCodex
      ? {
          system: "openai",
          operation: { name: event.detail_type === "TOOL_CALL" || event.tool_name ? "execute_tool" : "chat" },
          request: event.model ? { model: event.model } : undefined,
          response: event.detail_type === "PROMPT_RESPONSE_RECEIVED" ? { id: event.turn_id ?? undefined, finish_reasons: event.status ? [event.status] : undefined } : undefined,
          conversation: event.session_id ? { id: event.session_id } : undefined,
          tool: event.tool_name ? { name: event.tool_name } : undefined,
          usage:
            uncached !== null || event.output_tokens !== null
              ? {
                  // gen_ai.usage.input_tokens counts cached tokens too (OpenTelemetry); we store them apart.
                  input_tokens: uncached !== null || cached !== null ? (uncached ?? 0) + (cached ?? 0) : undefined,
                  output_tokens: event.output_tokens ?? undefined,
                  cache_read: cached !== null ? { input_tokens: cached } : undefined,
                }
              : undefined,
        }
      : undefined,
    related: {
      user: [event.openai_user_id, event.actor_email].filter((v): v is string => Boolean(v)),
      ip: ip ? [ip] : undefined,
      hash: event.text_fingerprint ? [event.text_fingerprint] : undefined,
    },
    codex: {
      event_type: event.event_type,
      detail_type: event.detail_type,
      person_id: event.person_id,
      client_id: event.client_id,
      session_id: event.session_id,
      turn_id: event.turn_id,
      service_tier: event.service_tier,
      reasoning_effort: event.reasoning_effort,
      status: event.status,
      input_tokens_uncached: uncached,
      cached_input_tokens: cached,
      reasoning_output_tokens: event.reasoning_output_tokens,
      tool_decision: event.tool_decision,
      text_kind: event.text_kind,
      text_length: event.text_length,
      text_fingerprint: event.text_fingerprint,
      finding_count: event.finding_count,
      findings: event.findings.length ? event.findings : undefined,
      flags: event.flags.length ? event.flags : undefined,
      attributes: event.attributes,
      source_file_id: event.source_file_id,
    },
  });
}

/* ───────────────────────── CEF (ArcSight Common Event Format 0) ───────────────────────── */

const cefHeader = (value: string) => value.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
const cefValue = (value: string) => value.replace(/\\/g, "\\\\").replace(/=/g, "\\=").replace(/\r/g, "\\r").replace(/\n/g, "\\n");

export function toCefLine({ event }: EvidenceRecord): string {
  const severity = severityOf(event);
  const findingTypes = [...new Set(event.findings.map((f) => f.type))];
  const outcome = outcomeOf(event);
  const ext: Array<[string, string | number | null | undefined]> = [
    ["rt", ms(event.occurred_at)],
    ["externalId", event.event_id],
    ["cat", event.event_type],
    ["act", event.tool_decision ?? event.detail_type],
    ["outcome", outcome === "unknown" ? undefined : outcome],
    ["suid", event.openai_user_id],
    ["suser", event.actor_email],
    ["src", attrText(event, "ip_address")],
    ["requestClientApplication", attrText(event, "user_agent")],
    ["reason", attrText(event, "failure_reason")],
    ["duser", event.event_type === "AUDIT_LOG" ? attrText(event, "target", "email") ?? attrText(event, "target", "id") : undefined],
    ["cs1Label", "sessionId"],
    ["cs1", event.session_id],
    ["cs2Label", "model"],
    ["cs2", event.model],
    ["cs3Label", "clientId"],
    ["cs3", event.client_id],
    ["cs4Label", "toolName"],
    ["cs4", event.tool_name],
    ["cs5Label", "textFingerprint"],
    ["cs5", event.text_fingerprint],
    ["cs6Label", "workspaceId"],
    ["cs6", event.workspace_id],
    ["cn1Label", "findingCount"],
    ["cn1", event.finding_count],
    ["cn2Label", "uncachedInputTokens"],
    ["cn2", event.input_tokens],
    ["cn3Label", "outputTokens"],
    ["cn3", event.output_tokens],
    ["msg", findingTypes.length ? `redacted: ${findingTypes.join(", ")}` : undefined],
  ];
  // A label without its value is noise: drop the pair.
  const present = ext.filter(([k, v], i) => {
    if (v === null || v === undefined || v === "") return false;
    if (k.endsWith("Label")) {
      const next = ext[i + 1]?.[1];
      return next !== null && next !== undefined && next !== "";
    }
    return true;
  });
  const extension = present.map(([k, v]) => `${k}=${cefValue(String(v))}`).join(" ");
  const signature = `${event.event_type}:${event.detail_type ?? "UNKNOWN"}`;
  return `CEF:0|${cefHeader(PRODUCT.vendor)}|${cefHeader(PRODUCT.name)}|${PRODUCT.version}|${cefHeader(signature)}|${cefHeader(humanize(event.detail_type))}|${CEF_SEVERITY[severity]}|${extension}`;
}

/* ───────────────────────── CSV ───────────────────────── */

export type CsvRow = Record<string, string | number | null>;

export const CSV_COLUMNS = [
  "event_id",
  "occurred_at",
  "event_type",
  "detail_type",
  "workspace_id",
  "person_id",
  "openai_user_id",
  "actor_email",
  "client_id",
  "session_id",
  "turn_id",
  "model",
  "service_tier",
  "reasoning_effort",
  "status",
  "input_tokens_uncached",
  "cached_input_tokens",
  "output_tokens",
  "reasoning_output_tokens",
  "tool_name",
  "tool_decision",
  "text_kind",
  "text_length",
  "text_fingerprint",
  "finding_count",
  "finding_types",
  "flags",
  "attributes",
  "redacted_text",
  "ingested_at",
] as const;

export function toCsvRow({ event, redactedText }: EvidenceRecord): CsvRow {
  return {
    event_id: event.event_id,
    occurred_at: event.occurred_at,
    event_type: event.event_type,
    detail_type: event.detail_type,
    workspace_id: event.workspace_id,
    person_id: event.person_id,
    openai_user_id: event.openai_user_id,
    actor_email: event.actor_email,
    client_id: event.client_id,
    session_id: event.session_id,
    turn_id: event.turn_id,
    ...turnFields(event),
    finding_count: event.finding_count,
    finding_types: [...new Set(event.findings.map((f) => f.type))].join(";"),
    flags: event.flags.join(";"),
    attributes: JSON.stringify(event.attributes),
    redacted_text: redactedText,
    ingested_at: event.ingested_at,
  };
}

/** The lines (without newline) one event becomes in a line-oriented format. */
export function encodeLines(format: StreamFormat, record: EvidenceRecord): string[] {
  switch (format) {
    case "ocsf":
      return toOcsfRecords(record).map((r) => JSON.stringify(r));
    case "ecs":
      return [JSON.stringify(toEcsRecord(record))];
    case "cef":
      return [toCefLine(record)];
    case "ndjson":
      return [JSON.stringify(toNdjsonRecord(record))];
  }
}

/** The structured records one event becomes (for JSON transports such as HEC and webhooks). */
export function encodeRecords(format: StreamFormat, record: EvidenceRecord): Array<{ id: string; time: number; body: Json | string }> {
  const time = ms(record.event.occurred_at);
  switch (format) {
    case "ocsf":
      return toOcsfRecords(record).map((r) => ({ id: String((r.metadata as Json).uid), time, body: r }));
    case "ecs":
      return [{ id: record.event.event_id, time, body: toEcsRecord(record) }];
    case "cef":
      return [{ id: record.event.event_id, time, body: toCefLine(record) }];
    case "ndjson":
      return [{ id: record.event.event_id, time, body: toNdjsonRecord(record) }];
  }
}
