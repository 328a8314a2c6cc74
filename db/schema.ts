import { sql } from "drizzle-orm";
import { bigint, boolean, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * People are never deleted, only deactivated: their evidence outlives them, so no foreign
 * key from a record to a person cascades (see docs/decisions/0003-server-side-sessions.md
 * and the style guide's "no cascading deletes").
 */
export const people = pgTable("people", {
  id: uuid("id").primaryKey().defaultRandom(),
  email: text("email").notNull().unique(),
  name: text("name"),
  /** The identity provider's `sub`, scoped by issuer so a change of IdP cannot merge people. */
  oidcIssuer: text("oidc_issuer"),
  oidcSubject: text("oidc_subject"),
  /** OpenAI's user id as it appears in the Compliance and Analytics APIs. */
  openaiUserId: text("openai_user_id").unique(),
  active: boolean("active").notNull().default(true),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  deactivatedAt: timestamp("deactivated_at", { withTimezone: true }),
}, (t) => [uniqueIndex("people_oidc_identity").on(t.oidcIssuer, t.oidcSubject)]);
export type Person = typeof people.$inferSelect;
export type NewPerson = typeof people.$inferInsert;

/**
 * Console sessions live here so that they can be listed and revoked. The cookie carries an
 * opaque random token; the table keeps only its sha256, so a copy of the database cannot be
 * replayed as live sessions.
 */
export const consoleSessions = pgTable("console_sessions", {
  tokenHash: text("token_hash").primaryKey(),
  personId: uuid("person_id").notNull().references(() => people.id, { onDelete: "restrict" }),
  roles: text("roles").array().notNull().default(sql`'{}'::text[]`),
  groups: text("groups").array().notNull().default(sql`'{}'::text[]`),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
  revokedReason: text("revoked_reason"),
  /** Sent back as id_token_hint for RP-initiated logout; it grants no access by itself. */
  idToken: text("id_token"),
  ip: text("ip"),
  userAgent: text("user_agent"),
}, (t) => [index("console_sessions_person").on(t.personId)]);
export type ConsoleSession = typeof consoleSessions.$inferSelect;

/**
 * Append-only ("audit the auditors"): a trigger in the migrations rejects UPDATE and DELETE.
 * Actor email is copied so the record stays readable even if the person row changes.
 */
export const accessLog = pgTable("access_log", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  actorPersonId: uuid("actor_person_id").references(() => people.id, { onDelete: "restrict" }),
  actorEmail: text("actor_email"),
  action: text("action").notNull(),
  subjectPersonId: uuid("subject_person_id").references(() => people.id, { onDelete: "restrict" }),
  details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
  ip: text("ip"),
  userAgent: text("user_agent"),
}, (t) => [index("access_log_at").on(t.at), index("access_log_subject").on(t.subjectPersonId, t.at)]);
export type AccessLogEntry = typeof accessLog.$inferSelect;

export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid("updated_by").references(() => people.id, { onDelete: "restrict" }),
});

/* ───────────────────────── Sync: cursors, file ledger, gaps, runs ───────────────────────── */

/**
 * One cursor per (source, scope, stream). For Compliance log files `position` is the API's
 * `last_end_time`, kept verbatim (microseconds and all) because it is echoed back as `after`;
 * for Analytics it is the first day not yet fetched. Advanced only in the transaction that
 * stores what it covers.
 */
export const syncCursors = pgTable("sync_cursors", {
  source: text("source").notNull(),
  scope: text("scope").notNull(),
  stream: text("stream").notNull(),
  position: text("position"),
  positionTime: timestamp("position_time", { withTimezone: true }),
  lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true }),
  lastSuccessAt: timestamp("last_success_at", { withTimezone: true }),
  lastError: text("last_error"),
  lastErrorAt: timestamp("last_error_at", { withTimezone: true }),
  filesTotal: bigint("files_total", { mode: "number" }).notNull().default(0),
  eventsTotal: bigint("events_total", { mode: "number" }).notNull().default(0),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.source, t.scope, t.stream] })]);

/** The file ledger: every Compliance log file seen, with what it held. Quarantined files are retried. */
export const logFiles = pgTable("log_files", {
  id: text("id").primaryKey(),
  scope: text("scope").notNull(),
  eventType: text("event_type").notNull(),
  endTime: text("end_time").notNull(),
  fileName: text("file_name"),
  fileSize: bigint("file_size", { mode: "number" }),
  fileSha256: text("file_sha256"),
  status: text("status").$type<"ingested" | "quarantined" | "expired">().notNull(),
  lines: integer("lines").notNull().default(0),
  events: integer("events").notNull().default(0),
  newEvents: integer("new_events").notNull().default(0),
  duplicateEvents: integer("duplicate_events").notNull().default(0),
  invalidLines: integer("invalid_lines").notNull().default(0),
  unknownEvents: integer("unknown_events").notNull().default(0),
  attempts: integer("attempts").notNull().default(1),
  error: text("error"),
  firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull().defaultNow(),
  ingestedAt: timestamp("ingested_at", { withTimezone: true }),
}, (t) => [index("log_files_status").on(t.status, t.eventType)]);

/** An interval whose data is lost at the source (the cursor fell behind the 30-day window). */
export const syncGaps = pgTable("sync_gaps", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  source: text("source").notNull(),
  scope: text("scope").notNull(),
  stream: text("stream").notNull(),
  gapFrom: timestamp("gap_from", { withTimezone: true }).notNull(),
  gapTo: timestamp("gap_to", { withTimezone: true }).notNull(),
  reason: text("reason").notNull(),
  detectedAt: timestamp("detected_at", { withTimezone: true }).notNull().defaultNow(),
});

export const syncRuns = pgTable("sync_runs", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
  ok: boolean("ok"),
  trigger: text("trigger").notNull(),
  summary: jsonb("summary").$type<Record<string, unknown>>(),
});

/* ───────────────────────── Evidence: events (partitioned by month) ───────────────────────── */

/**
 * Every Compliance event except COSTS, one row each. Partitioned by month on occurred_at
 * (see the migration), so the primary key carries occurred_at; global uniqueness of event_id
 * is kept by event_ids below. Raw text is never stored: a fingerprint, a length, findings
 * and, under TEXT_POLICY=redacted, the redacted text.
 */
export const events = pgTable("events", {
  eventId: text("event_id").notNull(),
  occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
  eventType: text("event_type").notNull(),
  detailType: text("detail_type"),
  workspaceId: text("workspace_id"),
  personId: uuid("person_id"),
  openaiUserId: text("openai_user_id"),
  actorEmail: text("actor_email"),
  clientId: text("client_id"),
  sessionId: text("session_id"),
  turnId: text("turn_id"),
  model: text("model"),
  serviceTier: text("service_tier"),
  reasoningEffort: text("reasoning_effort"),
  status: text("status"),
  /** Uncached input only: CODEX_LOG's input_tokens includes the cached ones, which are subtracted. */
  inputTokens: bigint("input_tokens", { mode: "number" }),
  cachedInputTokens: bigint("cached_input_tokens", { mode: "number" }),
  /** Includes reasoning tokens, as billed. */
  outputTokens: bigint("output_tokens", { mode: "number" }),
  reasoningOutputTokens: bigint("reasoning_output_tokens", { mode: "number" }),
  toolName: text("tool_name"),
  toolDecision: text("tool_decision"),
  textKind: text("text_kind"),
  textLength: integer("text_length"),
  textFingerprint: text("text_fingerprint"),
  redactedText: text("redacted_text"),
  findingCount: integer("finding_count").notNull().default(0),
  flags: text("flags").array().notNull().default(sql`'{}'::text[]`),
  attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
  sourceFileId: text("source_file_id"),
  ingestedAt: timestamp("ingested_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.eventId, t.occurredAt] }),
  index("events_person_time").on(t.personId, t.occurredAt),
  index("events_type_time").on(t.eventType, t.occurredAt),
  index("events_session").on(t.sessionId),
  index("events_text_fingerprint").on(t.textFingerprint),
]);
export type EventRow = typeof events.$inferSelect;

/** Global dedupe of event ids across files and partitions (the same id can come in two files). */
export const eventIds = pgTable("event_ids", {
  eventId: text("event_id").primaryKey(),
  occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
  eventType: text("event_type").notNull(),
});

/** What the redactor found, per event and text field: type and offsets, and a keyed fingerprint, never the value. */
export const findings = pgTable("findings", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  eventId: text("event_id").notNull(),
  occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
  personId: uuid("person_id"),
  field: text("field").notNull(),
  type: text("type").notNull(),
  kind: text("kind").notNull(),
  start: integer("start").notNull(),
  end: integer("end").notNull(),
  fingerprint: text("fingerprint").notNull(),
}, (t) => [
  index("findings_fingerprint").on(t.fingerprint),
  index("findings_type_time").on(t.type, t.occurredAt),
  index("findings_person_time").on(t.personId, t.occurredAt),
  index("findings_event").on(t.eventId),
]);

/** Codex sessions (threads) seen in CODEX_LOG, for thread counts and the trail's top level. */
export const codexSessions = pgTable("codex_sessions", {
  sessionId: text("session_id").primaryKey(),
  personId: uuid("person_id"),
  openaiUserId: text("openai_user_id"),
  clientId: text("client_id"),
  model: text("model"),
  firstAt: timestamp("first_at", { withTimezone: true }).notNull(),
  lastAt: timestamp("last_at", { withTimezone: true }).notNull(),
  turns: integer("turns").notNull().default(0),
}, (t) => [index("codex_sessions_person_time").on(t.personId, t.firstAt)]);

/** Daily rollups (UTC day × person × model × client), updated in the same transaction as the events. */
export const dailyRollups = pgTable("daily_rollups", {
  day: date("day").notNull(),
  openaiUserId: text("openai_user_id").notNull(),
  personId: uuid("person_id"),
  model: text("model").notNull(),
  clientId: text("client_id").notNull(),
  events: integer("events").notNull().default(0),
  prompts: integer("prompts").notNull().default(0),
  responses: integer("responses").notNull().default(0),
  failedResponses: integer("failed_responses").notNull().default(0),
  toolCalls: integer("tool_calls").notNull().default(0),
  toolApproved: integer("tool_approved").notNull().default(0),
  toolDenied: integer("tool_denied").notNull().default(0),
  toolAborted: integer("tool_aborted").notNull().default(0),
  inputTokens: bigint("input_tokens", { mode: "number" }).notNull().default(0),
  cachedInputTokens: bigint("cached_input_tokens", { mode: "number" }).notNull().default(0),
  outputTokens: bigint("output_tokens", { mode: "number" }).notNull().default(0),
  reasoningOutputTokens: bigint("reasoning_output_tokens", { mode: "number" }).notNull().default(0),
  findings: integer("findings").notNull().default(0),
}, (t) => [primaryKey({ columns: [t.day, t.openaiUserId, t.model, t.clientId] }), index("daily_rollups_person_day").on(t.personId, t.day)]);

/* ───────────────────────── Spend: COSTS, hourly per person ───────────────────────── */

export const costsHourly = pgTable("costs_hourly", {
  eventId: text("event_id").primaryKey(),
  hour: timestamp("hour", { withTimezone: true }).notNull(),
  organizationId: text("organization_id"),
  openaiUserId: text("openai_user_id"),
  personId: uuid("person_id"),
  email: text("email"),
  groups: jsonb("groups").$type<Array<{ id?: string; name?: string }>>().notNull().default([]),
  product: text("product"),
  client: text("client"),
  surface: text("surface"),
  model: text("model"),
  serviceTier: text("service_tier"),
  reasoning: text("reasoning"),
  /** COSTS' text_input_tokens: uncached input, disjoint from cached. */
  inputTokens: bigint("input_tokens", { mode: "number" }),
  cachedInputTokens: bigint("cached_input_tokens", { mode: "number" }),
  outputTokens: bigint("output_tokens", { mode: "number" }),
  credits: numeric("credits", { precision: 20, scale: 6 }),
  billing: jsonb("billing").$type<unknown[]>().notNull().default([]),
  flags: text("flags").array().notNull().default(sql`'{}'::text[]`),
  attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
  sourceFileId: text("source_file_id"),
}, (t) => [index("costs_hourly_hour").on(t.hour), index("costs_hourly_person_hour").on(t.personId, t.hour)]);

/* ───────────────────────── Codex Analytics API, daily rows ───────────────────────── */

/** Per person and UTC day (openai_user_id '' for a workspace aggregate row). Upserted: the API revises recent days. */
export const analyticsUsageDaily = pgTable("analytics_usage_daily", {
  workspaceId: text("workspace_id").notNull(),
  day: date("day").notNull(),
  openaiUserId: text("openai_user_id").notNull(),
  personId: uuid("person_id"),
  email: text("email"),
  threads: integer("threads").notNull().default(0),
  turns: integer("turns").notNull().default(0),
  credits: numeric("credits", { precision: 20, scale: 6 }).notNull().default("0"),
  costUsd: numeric("cost_usd", { precision: 20, scale: 6 }),
  estimatedCostUsd: numeric("estimated_cost_usd", { precision: 20, scale: 6 }),
  inputTokens: bigint("input_tokens", { mode: "number" }).notNull().default(0),
  cachedInputTokens: bigint("cached_input_tokens", { mode: "number" }).notNull().default(0),
  outputTokens: bigint("output_tokens", { mode: "number" }).notNull().default(0),
  totalTokens: bigint("total_tokens", { mode: "number" }).notNull().default(0),
  clients: jsonb("clients").$type<unknown[]>().notNull().default([]),
  models: jsonb("models").$type<unknown[]>().notNull().default([]),
  codeAttribution: jsonb("code_attribution").$type<Record<string, unknown>>(),
  attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
  fetchedAt: timestamp("fetched_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.workspaceId, t.day, t.openaiUserId] }), index("analytics_usage_person_day").on(t.personId, t.day)]);

export const analyticsCodeReviewsDaily = pgTable("analytics_code_reviews_daily", {
  workspaceId: text("workspace_id").notNull(),
  day: date("day").notNull(),
  pullRequestReviews: integer("pull_request_reviews").notNull().default(0),
  comments: integer("comments").notNull().default(0),
  p0: integer("p0").notNull().default(0),
  p1: integer("p1").notNull().default(0),
  p2: integer("p2").notNull().default(0),
  attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
  fetchedAt: timestamp("fetched_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.workspaceId, t.day] })]);

export const analyticsCodeReviewResponsesDaily = pgTable("analytics_code_review_responses_daily", {
  workspaceId: text("workspace_id").notNull(),
  day: date("day").notNull(),
  pullRequestReviews: integer("pull_request_reviews").notNull().default(0),
  comments: integer("comments").notNull().default(0),
  replies: integer("replies").notNull().default(0),
  reactions: integer("reactions").notNull().default(0),
  upvotes: integer("upvotes").notNull().default(0),
  downvotes: integer("downvotes").notNull().default(0),
  otherReactions: integer("other_reactions").notNull().default(0),
  engaged: integer("engaged").notNull().default(0),
  reacted: integer("reacted").notNull().default(0),
  upvoted: integer("upvoted").notNull().default(0),
  downvoted: integer("downvoted").notNull().default(0),
  reactedOther: integer("reacted_other").notNull().default(0),
  replied: integer("replied").notNull().default(0),
  attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
  fetchedAt: timestamp("fetched_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.workspaceId, t.day] })]);

/* ───────────────────────── Personal profile: private by default ───────────────────────── */

/**
 * What a person chose to show of their own activity. Nothing is shared until they opt in;
 * withdrawing clears the share token, so an old link stops working.
 */
export const profilePreferences = pgTable("profile_preferences", {
  personId: uuid("person_id").primaryKey().references(() => people.id, { onDelete: "restrict" }),
  shareToken: text("share_token").unique(),
  shareFields: text("share_fields").array().notNull().default(sql`'{}'::text[]`),
  leaderboardOptIn: boolean("leaderboard_opt_in").notNull().default(false),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
