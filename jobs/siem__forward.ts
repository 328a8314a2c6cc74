import { sql } from "drizzle-orm";
import { selectRows, type Database } from "../db/client.server";
import { encodeRecords, severityOf, type EvidenceRecord, type StreamFormat } from "../app/lib/siem/formats";
import { readEventsByLedger, type LedgerRecord } from "../app/lib/siem/read.server";
import {
  decryptSecret,
  DeliveryError,
  sendHec,
  sendSyslog,
  sendWebhook,
  type OutgoingRecord,
  type SyslogSeverity,
  type SyslogTarget,
} from "../app/lib/siem/transports.server";

/**
 * Pushes chained events to every enabled SIEM destination, in ledger order (ledger_links.pos),
 * at least once: a batch is sent, then the destination's cursor moves past it. A crash or a stop
 * between the two re-sends that batch on the next run (receivers drop duplicates by event id).
 *
 * A failing batch is retried in the run with backoff; if it still fails, the destination waits
 * (state `retrying`, next_attempt_at doubling up to an hour) and the cursor stays. A batch the
 * receiver refuses for good (HTTP 400/413/422) goes to siem_dead_letters and the cursor moves on;
 * an admin can ask for it to be sent again. Runs after every sync (after ledger__append).
 */

export type ForwardOptions = {
  db: Database;
  redactionKey: Buffer;
  signal?: AbortSignal;
  now?: () => Date;
  /** In-run attempts per batch and the first pause between them. */
  attempts?: number;
  backoffMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Only this destination (tests, "send now"). */
  destinationId?: string;
  logger?: { warn(fields: Record<string, unknown>, message: string): void; info(fields: Record<string, unknown>, message: string): void };
};

type DestinationRow = {
  id: string;
  name: string;
  kind: "syslog" | "hec" | "webhook";
  format: StreamFormat;
  settings: Record<string, unknown> | string;
  secret_ciphertext: string | null;
  batch_size: number;
  cursor_pos: string | number;
  attempts: number;
};

export type ForwardSummary = { destination: string; delivered: number; deadLettered: number; missing: number; state: "ok" | "retrying" | "stopped" | "idle"; error?: string };

const SYSLOG_SEVERITY: Record<ReturnType<typeof severityOf>, SyslogSeverity> = { informational: 6, low: 5, medium: 4, high: 3, critical: 2 };
const MAX_WAIT_MS = 3_600_000;

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

export function toOutgoing(format: StreamFormat, record: EvidenceRecord): OutgoingRecord[] {
  const severity = SYSLOG_SEVERITY[severityOf(record.event)];
  return encodeRecords(format, record).map((r) => ({ ...r, severity, msgId: record.event.event_type }));
}

type Sender = (records: OutgoingRecord[], deliveryId: string, signal?: AbortSignal) => Promise<void>;

function senderFor(d: DestinationRow, redactionKey: Buffer): Sender {
  const settings = (typeof d.settings === "string" ? JSON.parse(d.settings) : d.settings) as Record<string, unknown>;
  const text = (k: string) => (typeof settings[k] === "string" && settings[k] !== "" ? (settings[k] as string) : undefined);
  const secret = () => {
    if (!d.secret_ciphertext) throw new DeliveryError("no secret is set for this destination", false);
    return decryptSecret(d.secret_ciphertext, redactionKey);
  };
  switch (d.kind) {
    case "syslog": {
      const target: SyslogTarget = { host: text("host")!, port: Number(settings.port), tls: settings.tls === true, caPem: text("caPem"), serverName: text("serverName"), hostname: text("hostname") };
      return (records, _id, signal) => sendSyslog(target, records, signal);
    }
    case "hec":
      return (records, _id, signal) => sendHec({ url: text("url")!, token: secret(), index: text("index"), sourcetype: text("sourcetype"), source: text("source") }, records, signal);
    case "webhook":
      return (records, id, signal) => sendWebhook({ url: text("url")!, secret: secret() }, records, id, signal);
  }
}

/** Sends with in-run retries; throws the last DeliveryError. */
async function sendWithRetries(send: Sender, records: OutgoingRecord[], deliveryId: string, options: Required<Pick<ForwardOptions, "attempts" | "backoffMs" | "sleep">> & { signal?: AbortSignal }) {
  let wait = options.backoffMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await send(records, deliveryId, options.signal);
      return;
    } catch (error) {
      const failure = error instanceof DeliveryError ? error : new DeliveryError(error instanceof Error ? error.message : String(error), false);
      if (failure.permanent || attempt >= options.attempts || options.signal?.aborted) throw failure;
      await options.sleep(wait, options.signal);
      if (options.signal?.aborted) throw new DeliveryError("stopped", false);
      wait *= 2;
    }
  }
}

function outgoingOf(format: StreamFormat, batch: LedgerRecord[]) {
  const records: OutgoingRecord[] = [];
  let missing = 0;
  for (const item of batch) {
    // A chained event whose row is gone cannot be sent; npm run verify reports it.
    if (!item.record) missing += 1;
    else records.push(...toOutgoing(format, item.record));
  }
  return { records, missing };
}

async function forwardOne(d: DestinationRow, options: ForwardOptions): Promise<ForwardSummary> {
  const { db, signal } = options;
  const now = options.now ?? (() => new Date());
  const retry = { attempts: options.attempts ?? 3, backoffMs: options.backoffMs ?? 500, sleep: options.sleep ?? defaultSleep, signal };
  const summary: ForwardSummary = { destination: d.name, delivered: 0, deadLettered: 0, missing: 0, state: "idle" };
  let send: Sender;
  try {
    send = senderFor(d, options.redactionKey);
  } catch (error) {
    return fail(db, d, summary, error instanceof Error ? error.message : String(error), now());
  }

  // Dead letters an admin asked to send again.
  const retries = await selectRows<{ id: string | number; from_pos: string | number; to_pos: string | number }>(
    db,
    sql`select id, from_pos, to_pos from siem_dead_letters where destination_id = ${d.id}::uuid and retried_at is not null and resolved_at is null order by id`,
  );
  for (const letter of retries) {
    if (signal?.aborted) return { ...summary, state: "stopped" };
    const batch = await readEventsByLedger({ db, afterPos: Number(letter.from_pos) - 1, untilPos: Number(letter.to_pos), limit: 100_000 });
    const { records } = outgoingOf(d.format, batch);
    try {
      if (records.length > 0) await sendWithRetries(send, records, `${d.id}:${letter.from_pos}-${letter.to_pos}`, retry);
      await db.execute(sql`update siem_dead_letters set resolved_at = now() where id = ${Number(letter.id)}`);
      summary.delivered += records.length;
    } catch (error) {
      await db.execute(sql`update siem_dead_letters set retried_at = null, attempts = attempts + 1, error = ${errorText(error)} where id = ${Number(letter.id)}`);
    }
  }

  let cursor = Number(d.cursor_pos);
  for (;;) {
    if (signal?.aborted) return { ...summary, state: "stopped" };
    const batch = await readEventsByLedger({ db, afterPos: cursor, limit: d.batch_size });
    if (batch.length === 0) break;
    const fromPos = batch[0]!.pos;
    const toPos = batch[batch.length - 1]!.pos;
    const { records, missing } = outgoingOf(d.format, batch);
    summary.missing += missing;
    try {
      if (records.length > 0) await sendWithRetries(send, records, `${d.id}:${fromPos}-${toPos}`, retry);
      summary.delivered += records.length;
      await db.execute(sql`
        update siem_destinations set cursor_pos = ${toPos}, delivered_total = delivered_total + ${records.length}, state = 'ok', attempts = 0,
          next_attempt_at = null, last_success_at = now(), last_error = null
        where id = ${d.id}::uuid and cursor_pos = ${cursor}`);
    } catch (error) {
      if (signal?.aborted) return { ...summary, state: "stopped" };
      if (error instanceof DeliveryError && error.permanent) {
        await db.transaction(async (tx) => {
          await tx.execute(sql`insert into siem_dead_letters (destination_id, from_pos, to_pos, records, error) values (${d.id}::uuid, ${fromPos}, ${toPos}, ${records.length}, ${errorText(error)})`);
          await tx.execute(sql`update siem_destinations set cursor_pos = ${toPos}, last_error = ${errorText(error)}, last_error_at = now() where id = ${d.id}::uuid and cursor_pos = ${cursor}`);
        });
        summary.deadLettered += records.length;
      } else {
        options.logger?.warn({ destination: d.name, fromPos, toPos, error: errorText(error) }, "SIEM delivery failed; will retry");
        return fail(db, d, summary, errorText(error), now());
      }
    }
    cursor = toPos;
  }
  return { ...summary, state: summary.delivered > 0 || summary.deadLettered > 0 ? "ok" : "idle" };
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

async function fail(db: Database, d: DestinationRow, summary: ForwardSummary, error: string, at: Date): Promise<ForwardSummary> {
  const attempts = d.attempts + 1;
  const waitMs = Math.min(MAX_WAIT_MS, 30_000 * 2 ** Math.min(attempts - 1, 10));
  await db.execute(sql`
    update siem_destinations set state = 'retrying', attempts = ${attempts}, next_attempt_at = ${new Date(at.getTime() + waitMs).toISOString()}::timestamptz,
      last_error = ${error}, last_error_at = now()
    where id = ${d.id}::uuid`);
  return { ...summary, state: "retrying", error };
}

export async function forwardToSiem(options: ForwardOptions): Promise<ForwardSummary[]> {
  const now = (options.now ?? (() => new Date()))();
  const due = await selectRows<DestinationRow>(
    options.db,
    sql`select id::text as id, name, kind, format, settings, secret_ciphertext, batch_size, cursor_pos, attempts
        from siem_destinations
        where enabled and (next_attempt_at is null or next_attempt_at <= ${now.toISOString()}::timestamptz)
          ${options.destinationId ? sql`and id = ${options.destinationId}::uuid` : sql``}
        order by name`,
  );
  const results: ForwardSummary[] = [];
  for (const d of due) {
    if (options.signal?.aborted) break;
    results.push(await forwardOne(d, options));
  }
  return results;
}
