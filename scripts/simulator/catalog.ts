/** Fixed vocabularies: event types, models and the Codex rate card, clients and their COSTS spellings. */

export const WORKSPACE_EVENT_TYPES = ["CODEX_LOG", "CODEX_SECURITY_LOG", "AUTH_LOG", "AUDIT_LOG"] as const;
export const ORG_EVENT_TYPES = ["COSTS"] as const;
/** Listed only under the `unknown-event-type` fault: a workspace type the client has never heard of. */
export const UNKNOWN_EVENT_TYPE = "CODEX_REMOTE_CONTROL_LOG";
export const EVENT_TYPES = [...WORKSPACE_EVENT_TYPES, ...ORG_EVENT_TYPES] as const;
export type KnownEventType = (typeof EVENT_TYPES)[number];
export type EventType = KnownEventType | typeof UNKNOWN_EVENT_TYPE;

/** Other enum values the real API knows; listing them is valid but returns no files here. */
export const OTHER_WORKSPACE_EVENT_TYPES = ["CONVERSATION_MESSAGE", "APP_LOG", "APP_AUTH_LOG", "CUSTOM_AGENTS_LOG"];
export const OTHER_ORG_EVENT_TYPES = ["APP_ORGANIZATION_LOG", "APP_AUTH_ORGANIZATION_LOG"];

export interface ModelDef {
  /** the `model` string in events */
  id: string;
  /** SKU prefix in COSTS billing lines, e.g. `GPT-5.5 - Input` */
  sku: string;
  /** credits per 1M tokens (Codex rate card, help.openai.com/en/articles/20001106) */
  input: number;
  cached: number;
  output: number;
}

/** Codex rate card [O]. Fast mode (service_tier `priority`) = 2x credits. */
export const RATE_CARD: readonly ModelDef[] = [
  { id: "gpt-5.5", sku: "GPT-5.5", input: 125, cached: 12.5, output: 750 },
  { id: "gpt-5.5-cyber", sku: "GPT-5.5 Cyber", input: 500, cached: 50, output: 3000 },
  { id: "gpt-5.4", sku: "GPT-5.4", input: 62.5, cached: 6.25, output: 375 },
  { id: "gpt-5.4-mini", sku: "GPT-5.4-Mini", input: 18.75, cached: 1.875, output: 113 },
  { id: "gpt-5.3-codex", sku: "GPT-5.3-Codex", input: 43.75, cached: 4.375, output: 350 },
  { id: "gpt-5.2-codex", sku: "GPT-5.2-Codex", input: 43.75, cached: 4.375, output: 350 },
  { id: "gpt-5.1-codex-max", sku: "GPT-5.1-Codex-Max", input: 31.25, cached: 3.125, output: 250 },
];

/** Used only under the `unknown-model` fault: a model no price table knows (OpenAI still bills it). */
export const UNKNOWN_MODEL: ModelDef = { id: "gpt-5.6-codex-preview", sku: "GPT-5.6-Codex-Preview", input: 150, cached: 15, output: 900 };

/** 1 credit = $0.04 (rate card = API USD x 25). */
export const USD_PER_CREDIT = 0.04;

export function modelDef(id: string): ModelDef {
  const m = RATE_CARD.find((r) => r.id === id) ?? (id === UNKNOWN_MODEL.id ? UNKNOWN_MODEL : undefined);
  if (!m) throw new Error(`no rate for model ${id}`);
  return m;
}

/** Code review runs on GPT-5.3-Codex [O]. */
export const CODE_REVIEW_MODEL = "gpt-5.3-codex";

export interface ClientDef {
  /** CODEX_LOG `client_id` and Analytics `clients[].client_id` */
  clientId: string;
  /** COSTS `payload.client` */
  costsClient: string;
  /** COSTS `payload.surface` */
  surface: string;
  /** runs on the user's machine (tool approvals apply) */
  local: boolean;
}

export const CLIENTS = {
  cli: { clientId: "CODEX_CLI", costsClient: "cli", surface: "cli", local: true },
  vscode: { clientId: "CODEX_VSCODE", costsClient: "vscode", surface: "ide", local: true },
  jetbrains: { clientId: "CODEX_JETBRAINS", costsClient: "jetbrains", surface: "ide", local: true },
  desktop: { clientId: "CODEX_DESKTOP_APP", costsClient: "desktop_app", surface: "desktop_app", local: true },
  web: { clientId: "CODEX_WEB", costsClient: "web", surface: "cloud_task", local: false },
  sdk: { clientId: "CODEX_SDK_TS", costsClient: "exec", surface: "exec", local: true },
  github: { clientId: "CODEX_GITHUB", costsClient: "github", surface: "github_code_review", local: false },
} as const satisfies Record<string, ClientDef>;
export type ClientKey = keyof typeof CLIENTS;

export const REASONING_EFFORTS = ["minimal", "low", "medium", "high", "xhigh"] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

export const SERVICE_TIERS = ["default", "priority"] as const;
export type ServiceTier = (typeof SERVICE_TIERS)[number];

/** Analytics `models[].speed` */
export function speedOf(tier: ServiceTier): "standard" | "fast" {
  return tier === "priority" ? "fast" : "standard";
}

export const TOOL_NAMES = ["shell", "apply_patch", "read_file", "web_search", "mcp__github__create_pull_request", "update_plan"] as const;

/** OTel `codex.tool_decision` decisions (the same words are used in CODEX_LOG TOOL_CALL events here). */
export const TOOL_DECISIONS = ["approved", "approved_for_session", "approved_execpolicy_amendment", "denied", "abort"] as const;
export type ToolDecision = (typeof TOOL_DECISIONS)[number];
