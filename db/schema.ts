import { sql } from "drizzle-orm";
import { bigint, boolean, index, uniqueIndex, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

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
