import { sql } from "drizzle-orm";
import { z } from "zod";
import { selectRows, type Database } from "../../db/client.server";
import { checkHttpTarget, encryptSecret } from "../lib/siem/transports.server";
import { recordAccess } from "./access-log.server";
import { assertViewerHasRole, type Viewer } from "./viewer";

/**
 * SIEM push destinations, configured by admins (/admin/destinations). Secrets (HEC token, webhook
 * HMAC key) are sealed on save and never read back out: the page only says whether one is set.
 * Every change is written to the access log in the same transaction.
 */

import { DESTINATION_FORMATS, DESTINATION_KINDS, type DestinationKind } from "../lib/siem/destination-options";

export { DESTINATION_FORMATS, DESTINATION_KINDS, type DestinationKind };

const trimmed = z.string().trim();
const optional = trimmed.transform((v) => (v === "" ? undefined : v)).optional();
const checkbox = z
  .string()
  .optional()
  .transform((v) => v === "on" || v === "true");

const base = z.object({
  id: optional,
  name: trimmed.min(1, "a name is required").max(80, "at most 80 characters"),
  format: z.enum(DESTINATION_FORMATS, { error: "choose a format" }),
  enabled: checkbox,
  batchSize: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "at least 1").max(5000, "at most 5000").default(200),
  startFrom: z.enum(["beginning", "now"]).default("beginning"),
  secret: optional,
});

const httpUrl = trimmed.refine((v) => checkHttpTarget(v) === null, { message: "must be an https:// URL (plain http only to 127.0.0.1)" });

export const destinationInput = z.discriminatedUnion("kind", [
  base.extend({
    kind: z.literal("syslog"),
    host: trimmed.min(1, "a host is required").regex(/^[A-Za-z0-9.:_-]+$/, "a host name or IP address"),
    port: z.coerce.number({ error: "must be a port number" }).int().min(1, "1–65535").max(65535, "1–65535"),
    tls: checkbox,
    caPem: trimmed
      .transform((v) => (v === "" ? undefined : v))
      .refine((v) => v === undefined || v.includes("-----BEGIN CERTIFICATE-----"), { message: "a PEM certificate" })
      .optional(),
    serverName: optional,
    hostname: optional,
  }),
  base.extend({ kind: z.literal("hec"), url: httpUrl, index: optional, sourcetype: optional, source: optional }),
  base.extend({ kind: z.literal("webhook"), url: httpUrl }),
]);
export type DestinationInput = z.infer<typeof destinationInput>;

export type DestinationView = {
  id: string;
  name: string;
  kind: DestinationKind;
  format: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  hasSecret: boolean;
  batchSize: number;
  cursorPos: number;
  behind: number;
  state: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  lastSuccessAt: string | null;
  deliveredTotal: number;
  deadLetters: Array<{ id: number; fromPos: number; toPos: number; records: number; error: string; attempts: number; createdAt: string; retryRequested: boolean }>;
};

const DESTINATION_ROLES = ["admin"] as const;

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

export async function listDestinations({ db, viewer }: { db: Database; viewer: Viewer }): Promise<{ destinations: DestinationView[]; ledgerHeadPos: number }> {
  assertViewerHasRole(viewer, DESTINATION_ROLES);
  const [head] = await selectRows<{ pos: string | number | null }>(db, sql`select max(pos) as pos from ledger_links`);
  const ledgerHeadPos = Number(head?.pos ?? 0);
  const rows = await selectRows<Record<string, unknown>>(
    db,
    sql`select id, name, kind, format, enabled, settings, secret_ciphertext is not null as has_secret, batch_size, cursor_pos, state, attempts,
               next_attempt_at, last_error, last_error_at, last_success_at, delivered_total
        from siem_destinations order by name`,
  );
  const letters = await selectRows<Record<string, unknown>>(
    db,
    sql`select id, destination_id, from_pos, to_pos, records, error, attempts, created_at, retried_at
        from siem_dead_letters where resolved_at is null order by id limit 500`,
  );
  const destinations = rows.map((r): DestinationView => ({
    id: String(r.id),
    name: String(r.name),
    kind: r.kind as DestinationKind,
    format: String(r.format),
    enabled: Boolean(r.enabled),
    settings: (typeof r.settings === "string" ? JSON.parse(r.settings) : r.settings) as Record<string, unknown>,
    hasSecret: Boolean(r.has_secret),
    batchSize: Number(r.batch_size),
    cursorPos: Number(r.cursor_pos),
    behind: Math.max(0, ledgerHeadPos - Number(r.cursor_pos)),
    state: String(r.state),
    attempts: Number(r.attempts),
    nextAttemptAt: iso(r.next_attempt_at),
    lastError: (r.last_error as string | null) ?? null,
    lastErrorAt: iso(r.last_error_at),
    lastSuccessAt: iso(r.last_success_at),
    deliveredTotal: Number(r.delivered_total),
    deadLetters: letters
      .filter((l) => String(l.destination_id) === String(r.id))
      .map((l) => ({
        id: Number(l.id),
        fromPos: Number(l.from_pos),
        toPos: Number(l.to_pos),
        records: Number(l.records),
        error: String(l.error),
        attempts: Number(l.attempts),
        createdAt: iso(l.created_at)!,
        retryRequested: l.retried_at !== null,
      })),
  }));
  return { destinations, ledgerHeadPos };
}

type Meta = { ip?: string | null; userAgent?: string | null };

function settingsOf(input: DestinationInput): Record<string, unknown> {
  switch (input.kind) {
    case "syslog":
      return { host: input.host, port: input.port, tls: input.tls, caPem: input.caPem, serverName: input.serverName, hostname: input.hostname };
    case "hec":
      return { url: input.url, index: input.index, sourcetype: input.sourcetype, source: input.source };
    case "webhook":
      return { url: input.url };
  }
}

export async function saveDestination({
  db,
  viewer,
  input,
  redactionKey,
  meta = {},
}: {
  db: Database;
  viewer: Viewer;
  input: DestinationInput;
  redactionKey: Buffer;
  meta?: Meta;
}): Promise<{ ok: true; id: string } | { ok: false; problem: string }> {
  assertViewerHasRole(viewer, DESTINATION_ROLES);
  const settings = JSON.stringify(settingsOf(input));
  const sealed = input.secret ? encryptSecret(input.secret, redactionKey) : null;
  return db.transaction(async (tx) => {
    let id = input.id;
    if (id) {
      const [existing] = await selectRows<{ kind: string; has_secret: boolean }>(
        tx,
        sql`select kind, secret_ciphertext is not null as has_secret from siem_destinations where id = ${id}::uuid for update`,
      );
      if (!existing) return { ok: false as const, problem: "that destination no longer exists" };
      if (input.kind !== "syslog" && !sealed && !existing.has_secret) return { ok: false as const, problem: secretProblem(input.kind) };
      await tx.execute(sql`
        update siem_destinations set name = ${input.name}, kind = ${input.kind}, format = ${input.format}, enabled = ${input.enabled},
          settings = ${settings}::jsonb, batch_size = ${input.batchSize},
          secret_ciphertext = coalesce(${sealed}, secret_ciphertext), updated_at = now(), updated_by = ${viewer.personId}::uuid,
          state = case when ${input.enabled} then state else 'idle' end, next_attempt_at = null
        where id = ${id}::uuid`);
    } else {
      if (input.kind !== "syslog" && !sealed) return { ok: false as const, problem: secretProblem(input.kind) };
      const [created] = await selectRows<{ id: string }>(
        tx,
        sql`insert into siem_destinations (name, kind, format, enabled, settings, secret_ciphertext, batch_size, cursor_pos, updated_by)
            values (${input.name}, ${input.kind}, ${input.format}, ${input.enabled}, ${settings}::jsonb, ${sealed}, ${input.batchSize},
                    ${input.startFrom === "now" ? sql`(select coalesce(max(pos), 0) from ledger_links)` : sql`0`}, ${viewer.personId}::uuid)
            returning id::text as id`,
      );
      id = created!.id;
    }
    await recordAccess({
      db: tx,
      entry: {
        actorPersonId: viewer.personId,
        actorEmail: viewer.email,
        action: "destination_saved",
        details: { destinationId: id, name: input.name, kind: input.kind, format: input.format, enabled: input.enabled, secretChanged: Boolean(sealed) },
        ip: meta.ip,
        userAgent: meta.userAgent,
      },
    });
    return { ok: true as const, id: id! };
  });
}

const secretProblem = (kind: DestinationKind) => (kind === "hec" ? "an HEC token is required" : "an HMAC signing secret is required");

export async function deleteDestination({ db, viewer, id, meta = {} }: { db: Database; viewer: Viewer; id: string; meta?: Meta }) {
  assertViewerHasRole(viewer, DESTINATION_ROLES);
  await db.transaction(async (tx) => {
    const [gone] = await selectRows<{ name: string }>(tx, sql`select name from siem_destinations where id = ${id}::uuid`);
    if (!gone) return;
    await tx.execute(sql`delete from siem_dead_letters where destination_id = ${id}::uuid`);
    await tx.execute(sql`delete from siem_destinations where id = ${id}::uuid`);
    await recordAccess({
      db: tx,
      entry: { actorPersonId: viewer.personId, actorEmail: viewer.email, action: "destination_deleted", details: { destinationId: id, name: gone.name }, ip: meta.ip, userAgent: meta.userAgent },
    });
  });
}

/** Asks the forwarder to send a dead-lettered range again on its next run. */
export async function requestDeadLetterRetry({ db, viewer, id, meta = {} }: { db: Database; viewer: Viewer; id: number; meta?: Meta }) {
  assertViewerHasRole(viewer, DESTINATION_ROLES);
  await db.transaction(async (tx) => {
    const [letter] = await selectRows<{ destination_id: string }>(
      tx,
      sql`update siem_dead_letters set retried_at = now() where id = ${id} and resolved_at is null returning destination_id::text as destination_id`,
    );
    if (!letter) return;
    await tx.execute(sql`update siem_destinations set next_attempt_at = null where id = ${letter.destination_id}::uuid`);
    await recordAccess({
      db: tx,
      entry: { actorPersonId: viewer.personId, actorEmail: viewer.email, action: "dead_letter_retried", details: { deadLetterId: id, destinationId: letter.destination_id }, ip: meta.ip, userAgent: meta.userAgent },
    });
  });
}
