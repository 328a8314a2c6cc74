import { sql } from "drizzle-orm";
import { bigint, boolean, customType, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

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
  // Every index here is paid for on each stored event (docs/decisions/0008-ingest-path.md):
  // only what a query reads. event_id lookups and the text-expiry keyset use the primary key,
  // the trail (person_id, occurred_at), the ledger (ingested_at, event_id, migration 0006), and
  // the fingerprint lookup equality on text_fingerprint, which a hash index serves at less cost.
  primaryKey({ columns: [t.eventId, t.occurredAt] }),
  index("events_person_time").on(t.personId, t.occurredAt),
  index("events_text_fingerprint_hash").using("hash", t.textFingerprint),
  // The trail's sign-in / admin / security filters: a person's few such events without walking all
  // their Codex events (100,000 for a heavy user). Partial, so a CODEX_LOG event (most of them) pays nothing.
  index("events_person_sparse_time")
    .on(t.personId, t.occurredAt)
    .where(sql`event_type in ('AUTH_LOG', 'AUDIT_LOG', 'CODEX_SECURITY_LOG')`),
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
}, (t) => [
  index("codex_sessions_person_time").on(t.personId, t.firstAt),
  // INCLUDE (person_id, openai_user_id, client_id, model) added by hand in migration 0008: threads per day and per person read the index only.
  index("codex_sessions_first_at").on(t.firstAt),
]);

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

/**
 * Tool calls per UTC day × person × client × model × tool name, with their approval decisions
 * (the Overview's "tool types and approval decisions"). Updated with daily_rollups in the same
 * transaction, from the same newly stored events. `approved` counts every approval flavour
 * (approved, approved_for_session, approved_execpolicy_amendment); `aborted` counts abort/aborted.
 */
export const dailyToolRollups = pgTable("daily_tool_rollups", {
  day: date("day").notNull(),
  openaiUserId: text("openai_user_id").notNull(),
  personId: uuid("person_id"),
  clientId: text("client_id").notNull(),
  model: text("model").notNull(),
  toolName: text("tool_name").notNull(),
  calls: integer("calls").notNull().default(0),
  approved: integer("approved").notNull().default(0),
  denied: integer("denied").notNull().default(0),
  aborted: integer("aborted").notNull().default(0),
}, (t) => [
  primaryKey({ columns: [t.day, t.openaiUserId, t.clientId, t.model, t.toolName] }),
  index("daily_tool_rollups_person_day").on(t.personId, t.day),
  index("daily_tool_rollups_day").on(t.day),
]);

/*
 * The organisation's rollups for the Overview (migration 0012; docs/decisions/0015-overview-org-rollups.md),
 * kept by statement triggers on daily_rollups and daily_tool_rollups in the same statement as every
 * write to them (the sync, a bench seed, a test), so no writer can leave them behind. `rollups`
 * counts the person rows summed (a row whose rollups fall to 0 is deleted).
 */

/** daily_rollups summed per UTC day × client × model, without the person. */
export const dailyOrgRollups = pgTable("daily_org_rollups", {
  day: date("day").notNull(),
  clientId: text("client_id").notNull(),
  model: text("model").notNull(),
  rollups: integer("rollups").notNull(),
  events: bigint("events", { mode: "number" }).notNull(),
  prompts: bigint("prompts", { mode: "number" }).notNull(),
  responses: bigint("responses", { mode: "number" }).notNull(),
  failedResponses: bigint("failed_responses", { mode: "number" }).notNull(),
  toolCalls: bigint("tool_calls", { mode: "number" }).notNull(),
  toolApproved: bigint("tool_approved", { mode: "number" }).notNull(),
  toolDenied: bigint("tool_denied", { mode: "number" }).notNull(),
  toolAborted: bigint("tool_aborted", { mode: "number" }).notNull(),
  inputTokens: bigint("input_tokens", { mode: "number" }).notNull(),
  cachedInputTokens: bigint("cached_input_tokens", { mode: "number" }).notNull(),
  outputTokens: bigint("output_tokens", { mode: "number" }).notNull(),
  reasoningOutputTokens: bigint("reasoning_output_tokens", { mode: "number" }).notNull(),
  findings: bigint("findings", { mode: "number" }).notNull(),
}, (t) => [primaryKey({ name: "daily_org_rollups_pk", columns: [t.day, t.clientId, t.model] })]);

/** daily_tool_rollups summed per UTC day × client × model × tool name, without the person. */
export const dailyOrgToolRollups = pgTable("daily_org_tool_rollups", {
  day: date("day").notNull(),
  clientId: text("client_id").notNull(),
  model: text("model").notNull(),
  toolName: text("tool_name").notNull(),
  rollups: integer("rollups").notNull(),
  calls: bigint("calls", { mode: "number" }).notNull(),
  approved: bigint("approved", { mode: "number" }).notNull(),
  denied: bigint("denied", { mode: "number" }).notNull(),
  aborted: bigint("aborted", { mode: "number" }).notNull(),
}, (t) => [primaryKey({ name: "daily_org_tool_rollups_pk", columns: [t.day, t.clientId, t.model, t.toolName] })]);

/**
 * A person's active days per calendar month × client × model: bit d-1 of `days` set when
 * daily_rollups has a row for day d. The Overview's distinct people per day, week and client read
 * these few rows per person instead of one per active day.
 */
export const monthlyActivity = pgTable("monthly_activity", {
  month: date("month").notNull(),
  openaiUserId: text("openai_user_id").notNull(),
  clientId: text("client_id").notNull(),
  model: text("model").notNull(),
  days: integer("days").notNull(),
}, (t) => [primaryKey({ name: "monthly_activity_pk", columns: [t.month, t.openaiUserId, t.clientId, t.model] })]);

/** The same per tool name, from daily_tool_rollups (the Overview's people per tool). */
export const monthlyToolActivity = pgTable("monthly_tool_activity", {
  month: date("month").notNull(),
  openaiUserId: text("openai_user_id").notNull(),
  clientId: text("client_id").notNull(),
  model: text("model").notNull(),
  toolName: text("tool_name").notNull(),
  days: integer("days").notNull(),
}, (t) => [primaryKey({ name: "monthly_tool_activity_pk", columns: [t.month, t.openaiUserId, t.clientId, t.model, t.toolName] })]);

/*
 * The Overview's distinct people and threads without a person row per read (migration 0015;
 * docs/decisions/0017-overview-people-masks.md), kept by statement triggers
 * on daily_rollups, daily_tool_rollups, costs_daily and codex_sessions in the same statement as
 * every write to them. A person mask is one bit per person number for a chunk of
 * PEOPLE_MASK_CHUNK numbers: the people of any set of rows are the bits of their OR.
 */
export const PEOPLE_MASK_CHUNK = 4096;
const peopleMask = customType<{ data: string }>({ dataType: () => `bit(${PEOPLE_MASK_CHUNK})` });

/** A small, stable number per openai_user_id (its bit in the people masks), drawn when the person is first seen. */
export const overviewPersonNumbers = pgTable("overview_person_numbers", {
  openaiUserId: text("openai_user_id").primaryKey(),
  number: integer("number").notNull().generatedAlwaysAsIdentity(),
});

/** The people of daily_rollups per UTC day × client × model, chunk by chunk of person numbers. */
export const dailyOrgPeople = pgTable("daily_org_people", {
  day: date("day").notNull(),
  clientId: text("client_id").notNull(),
  model: text("model").notNull(),
  chunk: integer("chunk").notNull(),
  people: peopleMask("people").notNull(),
}, (t) => [primaryKey({ name: "daily_org_people_pk", columns: [t.day, t.clientId, t.model, t.chunk] })]);

/** The same per tool name, from daily_tool_rollups. */
export const dailyOrgToolPeople = pgTable("daily_org_tool_people", {
  day: date("day").notNull(),
  clientId: text("client_id").notNull(),
  model: text("model").notNull(),
  toolName: text("tool_name").notNull(),
  chunk: integer("chunk").notNull(),
  people: peopleMask("people").notNull(),
}, (t) => [primaryKey({ name: "daily_org_tool_people_pk", columns: [t.day, t.clientId, t.model, t.toolName, t.chunk] })]);

/**
 * costs_daily summed per UTC day × product × client × surface × model and chunk of people: its
 * lines, credits and people ('' for a missing value; lines without a user id in chunk -1, no bit).
 */
export const dailyOrgCosts = pgTable("daily_org_costs", {
  day: date("day").notNull(),
  product: text("product").notNull(),
  client: text("client").notNull(),
  surface: text("surface").notNull(),
  model: text("model").notNull(),
  chunk: integer("chunk").notNull(),
  lines: integer("lines").notNull(),
  credits: numeric("credits", { precision: 20, scale: 6 }).notNull(),
  people: peopleMask("people").notNull(),
}, (t) => [primaryKey({ name: "daily_org_costs_pk", columns: [t.day, t.product, t.client, t.surface, t.model, t.chunk] })]);

/** Threads (codex_sessions) per UTC day of their first event × client × model ('' for a missing value). */
export const dailyOrgSessions = pgTable("daily_org_sessions", {
  day: date("day").notNull(),
  clientId: text("client_id").notNull(),
  model: text("model").notNull(),
  threads: integer("threads").notNull(),
}, (t) => [primaryKey({ name: "daily_org_sessions_pk", columns: [t.day, t.clientId, t.model] })]);

/**
 * The People page's per-person rollups (migration 0014; docs/decisions/0018-people-rollups.md),
 * kept by statement triggers in the same statement as their sources: everything a person did on a
 * UTC day — their daily_rollups rows (turns, tokens; `rollups` > 0 makes it an active day),
 * codex_sessions started that day (threads) and COSTS records of product codex (credits).
 */
export const personDays = pgTable("person_days", {
  day: date("day").notNull(),
  personId: uuid("person_id").notNull(),
  rollups: integer("rollups").notNull(),
  turns: bigint("turns", { mode: "number" }).notNull(),
  inputTokens: bigint("input_tokens", { mode: "number" }).notNull(),
  cachedInputTokens: bigint("cached_input_tokens", { mode: "number" }).notNull(),
  outputTokens: bigint("output_tokens", { mode: "number" }).notNull(),
  sessions: integer("sessions").notNull(),
  costRecords: integer("cost_records").notNull(),
  credits: numeric("credits", { precision: 20, scale: 6 }).notNull(),
}, (t) => [primaryKey({ name: "person_days_pk", columns: [t.day, t.personId] }), index("person_days_person_day").on(t.personId, t.day)]);

/** A person's active days per calendar month (bit d-1 of `days` for day d): streaks read a row per month. */
export const personMonths = pgTable("person_months", {
  month: date("month").notNull(),
  personId: uuid("person_id").notNull(),
  days: integer("days").notNull(),
}, (t) => [primaryKey({ name: "person_months_pk", columns: [t.month, t.personId] })]);

/** Each person's most recent COSTS record (latest hour, then highest event id), whose groups give the team. */
export const personCostGroups = pgTable("person_cost_groups", {
  personId: uuid("person_id").primaryKey(),
  hour: timestamp("hour", { withTimezone: true }).notNull(),
  eventId: text("event_id").notNull(),
  groups: jsonb("groups").$type<Array<{ id?: string; name?: string }>>().notNull(),
  /** groups as text (migration 0017): the team menu joins people to cost_groups on it. */
  groupsText: text("groups_text").generatedAlwaysAs(sql`groups::text`).notNull(),
});

/**
 * Per person and UTC day with COSTS records, the latest record's groups (latest hour, then highest
 * event id; any product), and whether they differ from the person's previous such day (`changed`):
 * the days on which a person's groups-based team can change. Kept by statement triggers on
 * costs_hourly (migration 0017, docs/decisions/0017-overview-people-masks.md).
 */
export const personDayGroups = pgTable("person_day_groups", {
  personId: uuid("person_id").notNull(),
  day: date("day").notNull(),
  hour: timestamp("hour", { withTimezone: true }).notNull(),
  eventId: text("event_id").notNull(),
  groups: jsonb("groups").$type<Array<{ id?: string; name?: string }>>().notNull(),
  changed: boolean("changed").notNull(),
}, (t) => [
  primaryKey({ name: "person_day_groups_pk", columns: [t.personId, t.day] }),
  // INCLUDE (groups) added by hand in migration 0017: a team's runs are read from the index only.
  index("person_day_groups_changes").on(t.personId, t.day).where(sql`${t.changed}`),
]);

/** Every groups array a COSTS record has carried (kept by a trigger on costs_hourly, never pruned): the team rule runs on these few. */
export const costGroups = pgTable("cost_groups", {
  groups: jsonb("groups").primaryKey(),
  /** groups as text: joined on by reads that would otherwise hash jsonb row by row. */
  groupsText: text("groups_text").generatedAlwaysAs(sql`groups::text`).notNull(),
});

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
}, (t) => [
  // INCLUDE (product, person_id, openai_user_id, surface, model, credits) since migration 0008: credits per person and surface read the index only.
  index("costs_hourly_hour").on(t.hour),
  index("costs_hourly_person_hour").on(t.personId, t.hour),
]);

/**
 * COSTS summed per UTC day and line key: what every spend report reads (about a row per
 * person-day, not every hourly record). Kept by triggers on costs_hourly in the same
 * statement as the records (migration 0011; docs/decisions/0014-daily-cost-rollup.md), so no
 * writer can leave it behind. Empty strings stand for missing values; `records` counts the
 * hourly records summed (a row whose records fall to 0 is deleted).
 */
export const costsDaily = pgTable("costs_daily", {
  day: date("day").notNull(),
  openaiUserId: text("openai_user_id").notNull(),
  /** Lower-cased, as every report groups and joins it. */
  email: text("email").notNull(),
  groups: jsonb("groups").$type<Array<{ id?: string; name?: string }>>().notNull(),
  product: text("product").notNull(),
  client: text("client").notNull(),
  surface: text("surface").notNull(),
  model: text("model").notNull(),
  serviceTier: text("service_tier").notNull(),
  personId: uuid("person_id"),
  records: integer("records").notNull(),
  inputTokens: bigint("input_tokens", { mode: "number" }).notNull(),
  cachedInputTokens: bigint("cached_input_tokens", { mode: "number" }).notNull(),
  outputTokens: bigint("output_tokens", { mode: "number" }).notNull(),
  credits: numeric("credits", { precision: 20, scale: 6 }).notNull(),
}, (t) => [
  primaryKey({ name: "costs_daily_pk", columns: [t.day, t.openaiUserId, t.email, t.product, t.client, t.surface, t.model, t.serviceTier, t.groups] }),
  // A team's COSTS rows without reading the others' (migration 0017): by the hash of their groups, or by email.
  index("costs_daily_groups_day").on(sql`jsonb_hash(${t.groups})`, t.day),
  index("costs_daily_email_day").on(t.email, t.day),
]);

/**
 * COSTS summed per UTC month and line key (the days of costs_daily folded), kept by statement triggers on
 * costs_hourly like costs_daily (migration 0013, docs/decisions/0016-monthly-cost-rollup.md). The spend
 * reports read it for a month with no price or rate change inside it, except for the people whose team
 * assignment changes inside the month.
 */
export const costsMonthly = pgTable("costs_monthly", {
  /** First day of the UTC month. */
  month: date("month").notNull(),
  openaiUserId: text("openai_user_id").notNull(),
  email: text("email").notNull(),
  groups: jsonb("groups").$type<Array<{ id?: string; name?: string }>>().notNull(),
  /** The groups as text (jsonb's canonical form), which the reports hash to find each line's team: converting per read cost ~1 µs a row. */
  groupsText: text("groups_text").generatedAlwaysAs(sql`groups::text`).notNull(),
  product: text("product").notNull(),
  client: text("client").notNull(),
  surface: text("surface").notNull(),
  model: text("model").notNull(),
  serviceTier: text("service_tier").notNull(),
  personId: uuid("person_id"),
  records: integer("records").notNull(),
  inputTokens: bigint("input_tokens", { mode: "number" }).notNull(),
  cachedInputTokens: bigint("cached_input_tokens", { mode: "number" }).notNull(),
  outputTokens: bigint("output_tokens", { mode: "number" }).notNull(),
  credits: numeric("credits", { precision: 20, scale: 6 }).notNull(),
}, (t) => [
  primaryKey({ name: "costs_monthly_pk", columns: [t.month, t.email, t.openaiUserId, t.product, t.client, t.surface, t.model, t.serviceTier, t.groups] }),
]);

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

/**
 * Reconciliation of credits per UTC day and OpenAI user: COSTS (product codex, any case) against the Analytics API,
 * as whole micro-credits (credits × 10⁶, exact for numeric(20, 6)), with each side's record count so a person-day
 * either source still has stays. Kept by statement triggers on costs_hourly and analytics_usage_daily (migration
 * 0016, docs/decisions/0016-monthly-cost-rollup.md addendum) so a reconciliation reads already-grouped rows.
 */
export const reconciliationDaily = pgTable("reconciliation_daily", {
  day: date("day").notNull(),
  openaiUserId: text("openai_user_id").notNull(),
  costsRecords: integer("costs_records").notNull(),
  costsCredits: bigint("costs_credits", { mode: "bigint" }).notNull(),
  analyticsRows: integer("analytics_rows").notNull(),
  analyticsCredits: bigint("analytics_credits", { mode: "bigint" }).notNull(),
}, (t) => [primaryKey({ name: "reconciliation_daily_pk", columns: [t.day, t.openaiUserId] })]);

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

/* ───────────────────────── Spend: prices, rates, teams, budgets, reports (issue 6) ───────────────────────── */

/**
 * API list prices per model, USD per 1M tokens, effective-dated: in force from valid_from
 * (inclusive) to valid_to (exclusive, null = open). A change closes the open row and adds one,
 * so history keeps the price that was in force (app/models/prices.server.ts).
 */
export const modelPrices = pgTable("model_prices", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  model: text("model").notNull(),
  validFrom: date("valid_from").notNull(),
  validTo: date("valid_to"),
  inputPer1m: numeric("input_per_1m", { precision: 14, scale: 6 }).notNull(),
  cachedInputPer1m: numeric("cached_input_per_1m", { precision: 14, scale: 6 }).notNull(),
  outputPer1m: numeric("output_per_1m", { precision: 14, scale: 6 }).notNull(),
  /** Fast / priority service tier multiplies the whole line. */
  priorityMultiplier: numeric("priority_multiplier", { precision: 8, scale: 3 }).notNull().default("2"),
  source: text("source").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  createdBy: uuid("created_by").references(() => people.id, { onDelete: "restrict" }),
}, (t) => [uniqueIndex("model_prices_model_from").on(t.model, t.validFrom)]);
export type ModelPriceRow = typeof modelPrices.$inferSelect;

/** USD per credit under the contract, effective-dated like prices. */
export const contractRates = pgTable("contract_rates", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  validFrom: date("valid_from").notNull().unique(),
  validTo: date("valid_to"),
  usdPerCredit: numeric("usd_per_credit", { precision: 12, scale: 6 }).notNull(),
  source: text("source").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  createdBy: uuid("created_by").references(() => people.id, { onDelete: "restrict" }),
});
export type ContractRateRow = typeof contractRates.$inferSelect;

/**
 * A person's team and cost centre over a period, so history does not move when someone
 * changes team. Keyed by lower-cased email (what COSTS, the IdP and a CSV all carry).
 * Sources rank csv_import > idp_groups > costs_groups when periods overlap.
 */
export const teamAssignments = pgTable("team_assignments", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  email: text("email").notNull(),
  personId: uuid("person_id").references(() => people.id, { onDelete: "restrict" }),
  team: text("team"),
  costCentre: text("cost_centre"),
  validFrom: date("valid_from").notNull(),
  validTo: date("valid_to"),
  source: text("source", { enum: ["costs_groups", "idp_groups", "csv_import"] }).notNull(),
  importedAt: timestamp("imported_at", { withTimezone: true }).notNull().defaultNow(),
  importedBy: uuid("imported_by").references(() => people.id, { onDelete: "restrict" }),
}, (t) => [uniqueIndex("team_assignments_email_source_from").on(t.email, t.source, t.validFrom), index("team_assignments_team").on(t.team)]);
export type TeamAssignment = typeof teamAssignments.$inferSelect;

/** A monthly budget for the organisation (team null) or one team, in credits or USD. */
export const budgets = pgTable("budgets", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  scope: text("scope", { enum: ["org", "team"] }).notNull(),
  /** '' for the organisation, so the unique index covers it. */
  team: text("team").notNull().default(""),
  month: date("month").notNull(),
  unit: text("unit", { enum: ["credits", "usd"] }).notNull(),
  amount: numeric("amount", { precision: 20, scale: 6 }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid("updated_by").references(() => people.id, { onDelete: "restrict" }),
}, (t) => [uniqueIndex("budgets_scope_team_month").on(t.scope, t.team, t.month)]);
export type Budget = typeof budgets.$inferSelect;

/** Which thresholds of a budget have fired (once each), and whether the webhook took it. */
export const budgetAlerts = pgTable("budget_alerts", {
  budgetId: bigint("budget_id", { mode: "number" }).notNull().references(() => budgets.id, { onDelete: "restrict" }),
  threshold: integer("threshold").notNull(),
  firedAt: timestamp("fired_at", { withTimezone: true }).notNull().defaultNow(),
  spent: numeric("spent", { precision: 20, scale: 6 }).notNull(),
  deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  deliveryError: text("delivery_error"),
  attempts: integer("attempts").notNull().default(0),
}, (t) => [primaryKey({ columns: [t.budgetId, t.threshold] })]);
export type BudgetAlert = typeof budgetAlerts.$inferSelect;

/** Leadership PDFs kept on disk (REPORTS_DIR), listed with their checksum. */
export const generatedReports = pgTable("generated_reports", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  month: date("month").notNull(),
  path: text("path").notNull(),
  sha256: text("sha256").notNull(),
  bytes: integer("bytes").notNull(),
  named: boolean("named").notNull().default(false),
  generatedAt: timestamp("generated_at", { withTimezone: true }).notNull().defaultNow(),
  generatedBy: text("generated_by").notNull(),
}, (t) => [index("generated_reports_month").on(t.month)]);
export type GeneratedReport = typeof generatedReports.$inferSelect;

/* ───────────────────────── Integrity ledger (issue 7, docs/decisions/0010-integrity-ledger.md) ───────────────────────── */

/**
 * The hash chain: one link per stored event, one chain per workspace (events without a
 * workspace form the chain ""). Appended by jobs/ledger__append.ts in ingestion order, under
 * one advisory lock, so `pos` (global) and `seq` (per chain) follow commit order. `day` is the
 * UTC ledger day the link was appended on: a day's links are signed by that day's digest.
 * `event_hash` covers the canonical event (app/lib/ledger/canonical.ts) without its redacted
 * text, which retention clears; `text_hash` is the sha256 of that text when it was chained.
 */
export const ledgerLinks = pgTable("ledger_links", {
  pos: bigint("pos", { mode: "number" }).generatedAlwaysAsIdentity(),
  workspace: text("workspace").notNull(),
  seq: bigint("seq", { mode: "number" }).notNull(),
  day: date("day").notNull(),
  eventId: text("event_id").notNull(),
  occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
  ingestedAt: timestamp("ingested_at", { withTimezone: true }).notNull(),
  eventHash: text("event_hash").notNull(),
  textHash: text("text_hash"),
  prevHash: text("prev_hash").notNull(),
  linkHash: text("link_hash").notNull(),
  appendedAt: timestamp("appended_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.workspace, t.seq] }),
  uniqueIndex("ledger_links_event").on(t.eventId),
  uniqueIndex("ledger_links_pos").on(t.pos),
  index("ledger_links_day").on(t.workspace, t.day),
  index("ledger_links_ingested").on(t.ingestedAt),
]);
export type LedgerLink = typeof ledgerLinks.$inferSelect;

/** The head of each chain, kept by the append job (a cache: the verifier checks it against the links). */
export const ledgerHeads = pgTable("ledger_heads", {
  workspace: text("workspace").primaryKey(),
  seq: bigint("seq", { mode: "number" }).notNull(),
  linkHash: text("link_hash").notNull(),
  day: date("day").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One signed digest per chain and closed UTC ledger day, days without links included (count 0,
 * head unchanged), so a missing day is visible. Written once by jobs/ledger__digest.ts, never
 * updated: the signature covers every column but created_at (app/lib/ledger/canonical.ts).
 */
export const ledgerDigests = pgTable("ledger_digests", {
  workspace: text("workspace").notNull(),
  day: date("day").notNull(),
  eventCount: integer("event_count").notNull(),
  firstSeq: bigint("first_seq", { mode: "number" }),
  lastSeq: bigint("last_seq", { mode: "number" }),
  firstEventId: text("first_event_id"),
  lastEventId: text("last_event_id"),
  prevHead: text("prev_head").notNull(),
  chainHead: text("chain_head").notNull(),
  publicKeyId: text("public_key_id").notNull(),
  signature: text("signature").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.workspace, t.day] })]);
export type LedgerDigest = typeof ledgerDigests.$inferSelect;

/** Each run of the verifier (npm run verify, jobs/ledger__verify.ts), for the console's "last verified". */
export const ledgerVerifications = pgTable("ledger_verifications", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
  finishedAt: timestamp("finished_at", { withTimezone: true }).notNull().defaultNow(),
  trigger: text("trigger").notNull(),
  ok: boolean("ok").notNull(),
  linksChecked: bigint("links_checked", { mode: "number" }).notNull().default(0),
  digestsChecked: integer("digests_checked").notNull().default(0),
  pendingEvents: bigint("pending_events", { mode: "number" }).notNull().default(0),
  problemCount: integer("problem_count").notNull().default(0),
  /** The first problems found (at most 100), each naming workspace, day, seq and event. */
  problems: jsonb("problems").$type<unknown[]>().notNull().default([]),
}, (t) => [index("ledger_verifications_started").on(t.startedAt)]);

/* ───────────────────────── SIEM push destinations (docs/decisions/0011-siem-export.md) ───────────────────────── */

/**
 * Where events are pushed. `settings` holds what can be shown (host, port, URL, index…);
 * `secret_ciphertext` the HEC token or HMAC key, AES-256-GCM under a key derived from
 * REDACTION_KEY, never shown back. `cursor_pos` is the last ledger_links.pos delivered:
 * delivery follows the ledger, at least once.
 */
export const siemDestinations = pgTable("siem_destinations", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  kind: text("kind").$type<"syslog" | "hec" | "webhook">().notNull(),
  format: text("format").$type<"ocsf" | "ecs" | "cef" | "ndjson">().notNull(),
  enabled: boolean("enabled").notNull().default(true),
  settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
  secretCiphertext: text("secret_ciphertext"),
  batchSize: integer("batch_size").notNull().default(200),
  cursorPos: bigint("cursor_pos", { mode: "number" }).notNull().default(0),
  state: text("state").$type<"idle" | "ok" | "retrying">().notNull().default("idle"),
  attempts: integer("attempts").notNull().default(0),
  nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
  lastError: text("last_error"),
  lastErrorAt: timestamp("last_error_at", { withTimezone: true }),
  lastSuccessAt: timestamp("last_success_at", { withTimezone: true }),
  deliveredTotal: bigint("delivered_total", { mode: "number" }).notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid("updated_by").references(() => people.id, { onDelete: "restrict" }),
});
export type SiemDestination = typeof siemDestinations.$inferSelect;

/** Batches a destination refused for good (a 4xx other than 408/429): the range stays here until an admin retries it. */
export const siemDeadLetters = pgTable("siem_dead_letters", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  destinationId: uuid("destination_id").notNull().references(() => siemDestinations.id, { onDelete: "restrict" }),
  fromPos: bigint("from_pos", { mode: "number" }).notNull(),
  toPos: bigint("to_pos", { mode: "number" }).notNull(),
  records: integer("records").notNull(),
  error: text("error").notNull(),
  attempts: integer("attempts").notNull().default(1),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  retriedAt: timestamp("retried_at", { withTimezone: true }),
  resolvedAt: timestamp("resolved_at", { withTimezone: true }),
}, (t) => [index("siem_dead_letters_destination").on(t.destinationId, t.resolvedAt)]);
